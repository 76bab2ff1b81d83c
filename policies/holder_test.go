package policies

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"
)

type reloadLog struct {
	mu  sync.Mutex
	oks []bool
	ch  chan bool
}

func (l *reloadLog) hook(ok bool, err error) {
	l.mu.Lock()
	l.oks = append(l.oks, ok)
	l.mu.Unlock()
	if l.ch != nil {
		l.ch <- ok
	}
}

func TestHolderReload(t *testing.T) {
	core, logs := observer.New(zap.InfoLevel)
	var rl reloadLog
	h, err := NewHolder(Demo(), HolderOptions{Logger: zap.New(core), OnReload: rl.hook})
	if err != nil {
		t.Fatal(err)
	}
	inFlight := h.Current()
	next := loadFixture(t, "refusals.yaml")
	if err := h.Reload(func() (*Snapshot, error) { return next, nil }); err != nil {
		t.Fatal(err)
	}
	if h.Current() != next {
		t.Fatal("reload did not swap the snapshot")
	}
	if !inFlight.Decide(demoPermit()).Permit {
		t.Error("a request holding the old snapshot no longer decides on it")
	}
	bad := errors.New("broken policy")
	err = h.Reload(func() (*Snapshot, error) { return nil, bad })
	if !errors.Is(err, bad) {
		t.Fatalf("Reload error = %v", err)
	}
	if h.Current() != next {
		t.Error("a failed reload replaced the snapshot")
	}
	if err := h.Reload(func() (*Snapshot, error) { return nil, nil }); !errors.Is(err, ErrNoSnapshot) {
		t.Errorf("nil snapshot: %v", err)
	}
	if got := rl.oks; len(got) != 3 || !got[0] || got[1] || got[2] {
		t.Errorf("OnReload calls = %v, want [true false false]", got)
	}
	if n := logs.FilterMessage("policy reload failed; previous policy stays in force").Len(); n != 2 {
		t.Errorf("failed reloads logged %d times, want 2", n)
	}
	if _, err := NewHolder(nil, HolderOptions{}); !errors.Is(err, ErrNoSnapshot) {
		t.Errorf("NewHolder(nil) = %v", err)
	}
}

func demoPermit() Request {
	return Request{AIS: "999002", OVM: "12345678", Agenda: "X999", Role: "XR2", Service: "E03"}
}

type fakeTicker struct{ c chan time.Time }

func (f *fakeTicker) Chan() <-chan time.Time { return f.c }
func (f *fakeTicker) Stop()                  {}

func TestHolderWatch(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "policy.yaml")
	// write replaces the file atomically (as an operator's deploy should),
	// so that a poll sees the old or the new content, never half of it.
	write := func(data []byte, mtime time.Time) {
		t.Helper()
		tmp := path + ".tmp"
		if err := os.WriteFile(tmp, data, 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(tmp, mtime, mtime); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(tmp, path); err != nil {
			t.Fatal(err)
		}
	}
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	write(DemoYAML(), t0)
	src := Sources{YAML: []string{path}}
	first, err := src.Load()
	if err != nil {
		t.Fatal(err)
	}
	rl := reloadLog{ch: make(chan bool, 8)}
	tick := &fakeTicker{c: make(chan time.Time)}
	h, _ := NewHolder(first, HolderOptions{OnReload: rl.hook, NewTicker: func(time.Duration) Ticker { return tick }})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- h.Watch(ctx, src.Paths(), time.Second, src.Load) }()

	step := func() { tick.c <- time.Time{} } // returns once Watch took the tick
	// After two steps at least one whole poll ran after the last write: the
	// second tick is only taken once the first poll finished.
	expectReload := func(want bool) {
		t.Helper()
		step()
		step()
		select {
		case ok := <-rl.ch:
			if ok != want {
				t.Fatalf("reload ok = %v, want %v", ok, want)
			}
		default:
			t.Fatal("no reload")
		}
		if len(rl.ch) != 0 {
			t.Fatal("one change reloaded more than once")
		}
	}
	expectNone := func() {
		t.Helper()
		step()
		step()
		select {
		case ok := <-rl.ch:
			t.Fatalf("unexpected reload (ok %v)", ok)
		default:
		}
	}

	expectNone() // unchanged file
	write(DemoYAML(), t0.Add(time.Hour))
	expectNone() // touched, same content
	fixture, err := os.ReadFile("testdata/refusals.yaml")
	if err != nil {
		t.Fatal(err)
	}
	write(fixture, t0.Add(2*time.Hour))
	expectReload(true)
	if !h.Decide(base()).Permit {
		t.Error("new policy not in force")
	}
	write(append(bytes.Clone(fixture), []byte("\nbogus: 1\n")...), t0.Add(3*time.Hour))
	expectReload(false)
	if !h.Decide(base()).Permit {
		t.Error("an invalid policy replaced the good one")
	}
	expectNone() // the same broken content is not retried
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("Watch returned %v", err)
	}
}
