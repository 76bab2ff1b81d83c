package httpapi

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap"

	"konektor/gateway/pipeline"
)

// echoPipeline records what the edge hands to the pipeline.
type echoPipeline struct{ got *pipeline.Exchange }

func (p *echoPipeline) handle(_ context.Context, ex *pipeline.Exchange) (*pipeline.Reply, error) {
	p.got = ex
	return &pipeline.Reply{Status: 200, ContentType: "text/xml; charset=utf-8", Body: []byte("<answer/>")}, nil
}

func newTestBus(p *echoPipeline) http.Handler {
	return NewBus(BusOptions{Pipeline: p.handle, Now: time.Now, Logger: zap.NewNop(), MaxBodyBytes: 64,
		WSDL: func(up, code, loc string) ([]byte, bool) {
			if up == "iszr" && code == "E03" {
				return []byte("<wsdl location=\"" + loc + "\"/>"), true
			}
			return nil, false
		}, BaseURL: "https://konektor.kraj.cz"})
}

func TestBusHandsExchangeToPipeline(t *testing.T) {
	p := &echoPipeline{}
	h := newTestBus(p)
	req := httptest.NewRequest(http.MethodPost, "/bus/iszr/E03?async", strings.NewReader("<x/>"))
	req.Header.Set("Content-Type", "text/xml")
	req.Header.Set("SOAPAction", `"IszrRobCtiAifo"`)
	req.TLS = &tls.ConnectionState{PeerCertificates: []*x509.Certificate{{Subject: pkix.Name{CommonName: "999002"}}}}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	if w.Code != 200 || w.Body.String() != "<answer/>" || w.Header().Get(CorrelationHeader) == "" {
		t.Fatalf("got %d %q %v", w.Code, w.Body, w.Header())
	}
	ex := p.got
	if ex.Upstream != "iszr" || ex.Code != "E03" || !ex.Async || ex.Method != "POST" || string(ex.Body) != "<x/>" ||
		ex.PeerCert == nil || ex.SOAPAction != `"IszrRobCtiAifo"` || ex.ID != w.Header().Get(CorrelationHeader) {
		t.Fatalf("exchange %+v", ex)
	}
}

func TestBusBoundsBody(t *testing.T) {
	p := &echoPipeline{}
	h := newTestBus(p)
	req := httptest.NewRequest(http.MethodPost, "/bus/iszr/E03", strings.NewReader(strings.Repeat("a", 10_000)))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	if len(p.got.Body) != 65 {
		t.Fatalf("edge read %d bytes, want limit+1 = 65", len(p.got.Body))
	}
}

func TestBusNonPostGoesToPipeline(t *testing.T) {
	p := &echoPipeline{}
	h := newTestBus(p)
	req := httptest.NewRequest(http.MethodPut, "/bus/iszr/E03", strings.NewReader("<x/>"))
	h.ServeHTTP(httptest.NewRecorder(), req)
	if p.got == nil || p.got.Method != http.MethodPut {
		t.Fatal("a PUT must reach the pipeline, which refuses and records it")
	}
}

func TestBusWSDL(t *testing.T) {
	h := newTestBus(&echoPipeline{})
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/bus/iszr/E03?wsdl", nil))
	if w.Code != 200 || !strings.Contains(w.Body.String(), `location="https://konektor.kraj.cz/bus/iszr/E03"`) {
		t.Fatalf("got %d %s", w.Code, w.Body)
	}
	w = httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/bus/iszr/E9?wsdl", nil))
	if w.Code != 404 || !strings.Contains(w.Body.String(), "Fault") {
		t.Fatalf("got %d %s", w.Code, w.Body)
	}
}

func TestOps(t *testing.T) {
	failing := Check{Name: "store", Run: func(context.Context) error { return io.ErrUnexpectedEOF }}
	warn := Check{Name: "certificates", Warn: true, Run: func(context.Context) error { return io.EOF }}
	ok := Check{Name: "upstream", Run: func(context.Context) error { return nil }}
	var ready []bool
	tests := []struct {
		name   string
		checks []Check
		status int
	}{
		{"all-ok-with-warning", []Check{ok, warn}, 200},
		{"store-down", []Check{ok, failing}, 503},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := NewOps(OpsOptions{Checks: tc.checks, SetReady: func(b bool) { ready = append(ready, b) }})
			w := httptest.NewRecorder()
			h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/readyz", nil))
			if w.Code != tc.status {
				t.Fatalf("got %d %s", w.Code, w.Body)
			}
			w = httptest.NewRecorder()
			h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/healthz", nil))
			if w.Code != 200 {
				t.Fatalf("healthz %d", w.Code)
			}
		})
	}
	if len(ready) != 2 || !ready[0] || ready[1] {
		t.Fatalf("ready gauge %v", ready)
	}
	h := NewOps(OpsOptions{Checks: []Check{ok}, Draining: func() bool { return true }})
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/readyz", nil))
	if w.Code != 503 {
		t.Fatalf("draining readyz %d", w.Code)
	}
}

// TestBusBoundsConcurrency: with MaxConcurrent 2, a third caller waits
// until a slot frees, and one that gives up while waiting never reaches the
// pipeline.
func TestBusBoundsConcurrency(t *testing.T) {
	release := make(chan struct{})
	entered := make(chan struct{}, 10)
	h := NewBus(BusOptions{Now: time.Now, Logger: zap.NewNop(), MaxBodyBytes: 64, MaxConcurrent: 2,
		Pipeline: func(ctx context.Context, ex *pipeline.Exchange) (*pipeline.Reply, error) {
			entered <- struct{}{}
			<-release
			return &pipeline.Reply{Status: 200, Body: []byte("<ok/>")}, nil
		}})
	post := func(ctx context.Context) chan int {
		done := make(chan int, 1)
		go func() {
			req := httptest.NewRequest(http.MethodPost, "/bus/iszr/E03", strings.NewReader("<x/>")).WithContext(ctx)
			w := httptest.NewRecorder()
			h.ServeHTTP(w, req)
			done <- w.Code
		}()
		return done
	}
	a, b := post(context.Background()), post(context.Background())
	<-entered
	<-entered
	ctx, cancel := context.WithCancel(context.Background())
	gaveUp := post(ctx)
	c := post(context.Background())
	select {
	case <-entered:
		t.Fatal("a third exchange ran while two were in progress")
	case <-time.After(50 * time.Millisecond):
	}
	cancel()
	<-gaveUp
	release <- struct{}{} // a finishes: c gets its slot
	<-entered
	close(release)
	for _, ch := range []chan int{a, b, c} {
		if code := <-ch; code != 200 {
			t.Fatalf("status %d", code)
		}
	}
	select {
	case <-entered:
		t.Fatal("the caller that gave up reached the pipeline")
	default:
	}
}
