package load

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// The client sends the configured headers, the body and its length, and
// keeps one connection per worker across calls.
func TestClientSendsHeadersAndKeepsTheConnection(t *testing.T) {
	var conns atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		if r.Method != http.MethodPost || r.URL.RequestURI() != "/bus/iszr/E36?x=1" ||
			r.Header.Get("Content-Type") != "text/xml; charset=utf-8" || r.Header.Get("SOAPAction") != `"Op"` ||
			r.ContentLength != int64(len(b)) || !strings.HasPrefix(string(b), "req ") {
			http.Error(w, fmt.Sprintf("bad request %s %s %v %d %q", r.Method, r.URL, r.Header, r.ContentLength, b), 400)
			return
		}
		fmt.Fprint(w, "ok")
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.StartTLS()
	defer srv.Close()
	tc := srv.Client().Transport.(*http.Transport).TLSClientConfig
	h := http.Header{"Content-Type": {"text/xml; charset=utf-8"}, "Soapaction": {`"Op"`}}
	res, err := Run(context.Background(), Options{URL: srv.URL + "/bus/iszr/E36?x=1", Header: h, TLS: tc,
		Source: &counter{}, Concurrency: 3, Warmup: 200 * time.Millisecond, Duration: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if res.Errors != 0 || res.Requests < 10 {
		t.Fatalf("requests %d errors %d (%s)", res.Requests, res.Errors, res.FirstError)
	}
	if n := conns.Load(); n != 3 {
		t.Fatalf("%d connections for 3 workers, want one each", n)
	}
}

// A server that closes the connection after each answer (Connection:
// close), answers chunked, or fails a call costs that call only: the
// worker dials again.
func TestClientRedialsAndReadsChunkedAnswers(t *testing.T) {
	var n atomic.Int64
	srv, tc := tlsServer(t, func(w http.ResponseWriter, r *http.Request) {
		switch n.Add(1) % 3 {
		case 0:
			w.Header().Set("Connection", "close")
			fmt.Fprint(w, "ok")
		case 1:
			w.(http.Flusher).Flush() // no Content-Length: chunked
			fmt.Fprint(w, "o")
			w.(http.Flusher).Flush()
			fmt.Fprint(w, "k")
		default:
			hj, _, _ := w.(http.Hijacker).Hijack()
			hj.Close() // the connection dies mid-call
		}
	})
	check := func(status int, _ http.Header, body []byte, _ string) error {
		if status != 200 || string(body) != "ok" {
			return fmt.Errorf("HTTP %d %q", status, body)
		}
		return nil
	}
	res, err := Run(context.Background(), Options{URL: srv.URL, TLS: tc, Source: &counter{}, Check: check,
		Concurrency: 1, Warmup: 100 * time.Millisecond, Duration: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	ok := res.Requests - res.Errors
	if ok < 6 || res.Errors == 0 || res.Errors > res.Requests/3+2 {
		t.Fatalf("requests %d errors %d (%s): want about a third failed, the rest answered", res.Requests, res.Errors, res.FirstError)
	}
}

// A hung server fails the call at the timeout, and the end of the run
// does not wait for the calls in flight.
func TestClientTimesOutAndRunEndsOnTime(t *testing.T) {
	release := make(chan struct{})
	srv, tc := tlsServer(t, func(w http.ResponseWriter, r *http.Request) {
		<-release
	})
	defer close(release)
	start := time.Now()
	res, err := Run(context.Background(), Options{URL: srv.URL, TLS: tc, Source: &counter{},
		Concurrency: 2, Timeout: 100 * time.Millisecond, Warmup: 50 * time.Millisecond, Duration: 400 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if res.Errors == 0 || !strings.Contains(res.FirstError, "timeout") {
		t.Fatalf("errors %d, first %q: want timeouts", res.Errors, res.FirstError)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("run took %v", d)
	}
	ctx, cancel := context.WithCancel(context.Background())
	go func() { time.Sleep(100 * time.Millisecond); cancel() }()
	start = time.Now()
	_, _ = Run(ctx, Options{URL: srv.URL, TLS: tc, Source: &counter{}, Concurrency: 2, Timeout: time.Minute,
		Duration: time.Minute})
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("cancelled run took %v with calls hung", d)
	}
}

func TestTargetRefusesBadURLsAndHeaders(t *testing.T) {
	for _, u := range []string{"ftp://x/", "://bad"} {
		if _, err := newTarget(u, nil, nil); err == nil {
			t.Errorf("%q accepted", u)
		}
	}
	if _, err := newTarget("https://x/", http.Header{"X": {"a\r\nEvil: 1"}}, nil); err == nil {
		t.Error("header with a line break accepted")
	}
	tg, err := newTarget("https://example.test/p?q", http.Header{"A": {"1"}}, nil)
	if err != nil || tg.addr != "example.test:443" || string(tg.prefix) != "POST /p?q HTTP/1.1\r\nHost: example.test\r\nA: 1\r\nContent-Length: " {
		t.Fatalf("%+v %q %v", tg, tg.prefix, err)
	}
}
