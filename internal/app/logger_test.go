package app

import (
	"bytes"
	"io"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/zap/zapcore"

	"konektor/internal/config"
)

// lockedBuffer is a bytes.Buffer safe for the logger's flush goroutine.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func TestLoggerUnbufferedWritesEveryLine(t *testing.T) {
	var out lockedBuffer
	log, err := NewLogger(config.Log{Level: "info", Format: "json"}, &out)
	if err != nil {
		t.Fatal(err)
	}
	log.Info("exchange")
	if !strings.Contains(out.String(), `"msg":"exchange"`) {
		t.Fatalf("line not written at once: %q", out.String())
	}
}

func TestLoggerBuffersInfoButNotWarnings(t *testing.T) {
	var out lockedBuffer
	// An hour: nothing reaches out by the interval during the test.
	log, err := NewLogger(config.Log{Level: "info", Format: "json", Flush: config.Duration(time.Hour)}, &out)
	if err != nil {
		t.Fatal(err)
	}
	defer log.Sync()
	log.Info("first exchange")
	if out.String() != "" {
		t.Fatalf("info line written before the flush: %q", out.String())
	}
	log.Warn("upstream slow")
	got := out.String()
	if !strings.Contains(got, "first exchange") || !strings.Contains(got, "upstream slow") {
		t.Fatalf("a warning must write itself and the lines before it: %q", got)
	}
	log.Info("second exchange")
	if strings.Contains(out.String(), "second exchange") {
		t.Fatal("info line after the warning written before the flush")
	}
	if err := log.Sync(); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "second exchange") {
		t.Fatalf("Sync did not flush: %q", out.String())
	}
}

func TestLoggerFlushesOnItsInterval(t *testing.T) {
	var out lockedBuffer
	log, err := NewLogger(config.Log{Level: "info", Format: "json", Flush: config.Duration(10 * time.Millisecond)}, &out)
	if err != nil {
		t.Fatal(err)
	}
	defer log.Sync()
	log.Info("exchange")
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(out.String(), "exchange") {
		if time.Now().After(deadline) {
			t.Fatal("buffered line never flushed")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// A warning on a pipe (stderr under systemd or docker) must not fail: the
// buffer is written out, the pipe is not fsynced.
func TestLoggerWarningOnAPipe(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	log, err := NewLogger(config.Log{Level: "info", Format: "json", Flush: config.Duration(time.Hour)}, w)
	if err != nil {
		t.Fatal(err)
	}
	if err := log.Core().Write(zapcore.Entry{Level: zapcore.WarnLevel, Message: "upstream slow"}, nil); err != nil {
		t.Fatalf("warning on a pipe: %v", err)
	}
	w.Close()
	b, _ := io.ReadAll(r)
	if !strings.Contains(string(b), "upstream slow") {
		t.Fatalf("pipe got %q", b)
	}
}
