package httpapi

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/zap"

	"konektor/gateway/pipeline"
	"konektor/gateway/soap"
)

func seeded(seed, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('a' + (seed+i)%26)
	}
	return b
}

// TestBusBodiesAreNotShared sends different bodies at once, with and
// without Content-Length, through a real HTTP server. The pipeline keeps
// every body it was given, as the access log and a single-flight call may;
// none may change once a later call's body has been read, and every caller
// gets its own body echoed back.
func TestBusBodiesAreNotShared(t *testing.T) {
	type held struct {
		seed int
		body []byte
	}
	var mu sync.Mutex
	var kept []held
	h := NewBus(BusOptions{Now: time.Now, Logger: zap.NewNop(), MaxBodyBytes: 64 << 10, MaxConcurrent: 4,
		Pipeline: func(_ context.Context, ex *pipeline.Exchange) (*pipeline.Reply, error) {
			seed, err := strconv.Atoi(ex.SOAPAction)
			if err != nil {
				return nil, err
			}
			mu.Lock()
			kept = append(kept, held{seed, ex.Body})
			mu.Unlock()
			return &pipeline.Reply{Status: 200, ContentType: "text/xml", Body: ex.Body}, nil
		}})
	var chunkedSeen sync.Map // seed -> the server saw no Content-Length
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		chunkedSeen.Store(r.Header.Get("SOAPAction"), r.ContentLength < 0)
		h.ServeHTTP(w, r)
	}))
	defer srv.Close()
	const callers, calls = 8, 25
	var wg sync.WaitGroup
	errs := make(chan error, callers*calls)
	for c := range callers {
		wg.Go(func() {
			for i := range calls {
				seed := c*calls + i
				want := seeded(seed, 3000+seed*37)
				var body io.Reader = bytes.NewReader(want)
				if seed%2 == 1 {
					body = onlyReader{body} // sent chunked
				}
				req, _ := http.NewRequest(http.MethodPost, srv.URL+"/bus/iszr/E36", body)
				req.Header.Set("SOAPAction", strconv.Itoa(seed))
				resp, err := srv.Client().Do(req)
				if err != nil {
					errs <- err
					return
				}
				got, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if chunked, _ := chunkedSeen.Load(strconv.Itoa(seed)); chunked != (seed%2 == 1) {
					errs <- fmt.Errorf("call %d: chunked %v", seed, chunked)
				}
				if !bytes.Equal(got, want) {
					errs <- fmt.Errorf("call %d: answer is not its own body", seed)
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if len(kept) != callers*calls {
		t.Fatalf("pipeline saw %d calls", len(kept))
	}
	for _, k := range kept {
		if !bytes.Equal(k.body, seeded(k.seed, 3000+k.seed*37)) {
			t.Fatalf("body of call %d changed after later calls were read", k.seed)
		}
	}
}

// TestBusOversizeBodySameFault: an oversize body is refused by the parse
// stage with the same fault whether its length was announced, announced
// past the buffer presized from it, or unknown (chunked); the connection is
// closed after the answer.
func TestBusOversizeBodySameFault(t *testing.T) {
	const max = 100 << 10 // above maxPresize, so every path is taken
	d := pipeline.Deps{Now: time.Now, Logger: zap.NewNop(), Limits: soap.Limits{MaxBytes: max, MaxDepth: 16, MaxElements: 100, MaxAttrs: 8, MaxNameLen: 64}}
	var reached []int
	var mu sync.Mutex
	inner := func(_ context.Context, ex *pipeline.Exchange) (*pipeline.Reply, error) {
		mu.Lock()
		reached = append(reached, len(ex.Body))
		mu.Unlock()
		return &pipeline.Reply{Status: 200, Body: []byte("<ok/>")}, nil
	}
	h := NewBus(BusOptions{Now: time.Now, Logger: zap.NewNop(), MaxBodyBytes: max,
		Pipeline: pipeline.Chain(inner, pipeline.Render(d), pipeline.Parse(d))})
	srv := httptest.NewServer(h)
	defer srv.Close()
	envelope := func(n int) []byte {
		head := `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><x>`
		tail := `</x></s:Body></s:Envelope>`
		return []byte(head + strings.Repeat("a", n-len(head)-len(tail)) + tail)
	}
	post := func(body []byte, chunked bool) (int, string, bool) {
		var r io.Reader = bytes.NewReader(body)
		if chunked {
			r = onlyReader{r}
		}
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/bus/iszr/E36", r)
		req.Header.Set("Content-Type", "text/xml; charset=utf-8")
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b), resp.Close
	}
	for _, tc := range []struct {
		name    string
		size    int
		chunked bool
	}{
		{"announced-small-over", max + 1, false},
		{"announced-large", 4 * max, false},
		{"chunked-over", max + 1, true},
		{"chunked-large", 4 * max, true},
	} {
		status, body, closed := post(envelope(tc.size), tc.chunked)
		if status != http.StatusRequestEntityTooLarge || !strings.Contains(body, "envelope-too-large") || !closed {
			t.Errorf("%s: %d close %v %.300s", tc.name, status, closed, body)
		}
	}
	for _, chunked := range []bool{false, true} {
		for _, size := range []int{max, 5100} {
			if status, body, _ := post(envelope(size), chunked); status != 200 || body != "<ok/>" {
				t.Errorf("%d bytes (chunked %v): %d %.300s", size, chunked, status, body)
			}
		}
	}
	if fmt.Sprint(reached) != fmt.Sprint([]int{max, 5100, max, 5100}) {
		t.Fatalf("bodies that passed the parse stage: %v", reached)
	}
}

// TestBusBodySizedFromContentLength: a body with a Content-Length is read
// into one slice of exactly its size (io.ReadAll rounds the last slice up to
// an allocation size class).
func TestBusBodySizedFromContentLength(t *testing.T) {
	p := &echoPipeline{}
	h := NewBus(BusOptions{Pipeline: p.handle, Now: time.Now, Logger: zap.NewNop(), MaxBodyBytes: 8 << 20})
	for _, n := range []int{100, 5100, 60_000} {
		req := httptest.NewRequest(http.MethodPost, "/bus/iszr/E36", bytes.NewReader(seeded(n, n)))
		h.ServeHTTP(httptest.NewRecorder(), req)
		if !bytes.Equal(p.got.Body, seeded(n, n)) || cap(p.got.Body) != n {
			t.Fatalf("%d bytes: got %d, cap %d", n, len(p.got.Body), cap(p.got.Body))
		}
	}
}
