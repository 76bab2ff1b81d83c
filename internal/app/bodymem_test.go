package app

import (
	"bytes"
	"io"
	"math"
	"net/http"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"

	"konektor/adapters/iszr"
	"konektor/internal/config"
)

// chunkedReader hides its length, so the client sends the body chunked.
type chunkedReader struct{ r io.Reader }

func (c chunkedReader) Read(p []byte) (int, error) { return c.r.Read(p) }

// TestServeChunkedRequestAndHeaderLimit: a question sent without a
// Content-Length is relayed like any other, and a header block over the
// bus's 64 KiB limit is refused before it reaches the handler.
func TestServeChunkedRequestAndHeaderLimit(t *testing.T) {
	in := startInstance(t, nil)
	post := func(body io.Reader, extra string) (*http.Response, []byte) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, "https://"+in.bus+"/bus/iszr/E256", body)
		req.Header.Set("Content-Type", "text/xml; charset=utf-8")
		req.Header.Set("SOAPAction", `"IszrRosCtiIco2"`)
		if extra != "" {
			req.Header.Set("X-Padding", extra)
		}
		resp, err := in.client("999002").Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, b
	}
	resp, body := post(chunkedReader{bytes.NewReader(sampleE256())}, "")
	if resp.StatusCode != 200 || iszr.ReadStatus(body).Kod != "OK" {
		t.Fatalf("chunked: status %d body %.400s", resp.StatusCode, body)
	}
	resp, body = post(bytes.NewReader(sampleE256()), strings.Repeat("x", 32<<10))
	if resp.StatusCode != 200 {
		t.Fatalf("32 KiB header: status %d body %.400s", resp.StatusCode, body)
	}
	resp, _ = post(bytes.NewReader(sampleE256()), strings.Repeat("x", 100<<10))
	if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Fatalf("100 KiB header: status %d, want 431", resp.StatusCode)
	}
}

// TestServeLogsMemoryLimit: the start-up log names the soft memory limit
// (GOMEMLIMIT), so an operator can see that it took effect.
func TestServeLogsMemoryLimit(t *testing.T) {
	old := debug.SetMemoryLimit(300 << 20)
	defer debug.SetMemoryLimit(old)
	in := startInstance(t, nil)
	started := in.logs.FilterMessage("konektor started").All()
	if len(started) != 1 || started[0].ContextMap()["memory_limit"] != "300 MiB (GOMEMLIMIT)" {
		t.Fatalf("start-up log %v", started)
	}
	if got := memoryLimitOf(math.MaxInt64); got != "none (GOMEMLIMIT unset)" {
		t.Fatalf("unset limit logged as %q", got)
	}
}

// TestServeAppliesGCPercent: runtime.gc_percent sets the collector's
// target unless GOGC chose one, and the start-up log names the setting.
func TestServeAppliesGCPercent(t *testing.T) {
	old := debug.SetGCPercent(100)
	defer debug.SetGCPercent(old)
	if got := applyGCPercent(config.Runtime{GCPercent: 250}, ""); got != "250 (runtime.gc_percent)" {
		t.Fatalf("logged %q", got)
	}
	if now := debug.SetGCPercent(100); now != 250 {
		t.Fatalf("gc percent %d after applying 250", now)
	}
	if got := applyGCPercent(config.Runtime{GCPercent: 250}, "150"); got != "150 (GOGC)" {
		t.Fatalf("with GOGC set, logged %q", got)
	}
	if now := debug.SetGCPercent(100); now != 100 {
		t.Fatalf("GOGC set, yet runtime.gc_percent changed the target to %d", now)
	}
	if os.Getenv("GOGC") == "" {
		in := startInstance(t, nil)
		started := in.logs.FilterMessage("konektor started").All()
		want := strconv.Itoa(config.DefaultGCPercent) + " (runtime.gc_percent)"
		if len(started) != 1 || started[0].ContextMap()["gc_percent"] != want {
			t.Fatalf("start-up log %v, want gc_percent %q", started, want)
		}
	}
}
