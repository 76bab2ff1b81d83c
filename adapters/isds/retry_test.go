package isds

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"konektor/adapters/relay"
	"konektor/gateway/pipeline"
)

// scripted is a fake ISDS answering each request with the next status code
// of a script (the last one repeats); "503" is a maintenance fault.
type scripted struct {
	mu    sync.Mutex
	codes []string
	calls int
}

func (s *scripted) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	code := s.codes[min(s.calls, len(s.codes)-1)]
	s.calls++
	s.mu.Unlock()
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	if code == "503" {
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprint(w, `<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/"><SOAP-ENV:Body><SOAP-ENV:Fault><faultcode>Probíhá plánovaná údržba</faultcode><faultstring>x</faultstring></SOAP-ENV:Fault></SOAP-ENV:Body></SOAP-ENV:Envelope>`)
		return
	}
	fmt.Fprintf(w, `<?xml version='1.0' encoding='utf-8'?><SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/"><SOAP-ENV:Body><p:AResponse xmlns:p="http://isds.czechpoint.cz/v20"><p:dmStatus><p:dmStatusCode>%s</p:dmStatusCode><p:dmStatusMessage>x</p:dmStatusMessage></p:dmStatus></p:AResponse></SOAP-ENV:Body></SOAP-ENV:Envelope>`, code)
}

func fakeAdapter(t *testing.T, h http.Handler, throttled bool, sleeps *[]time.Duration) *Adapter {
	t.Helper()
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	node := relay.NewNode(relay.Options{Name: "fake", Base: ts.URL, Timeout: 5 * time.Second})
	var mu sync.Mutex
	a, err := New(Options{
		Accounts: []Account{{Box: "mstdemd", Login: LoginBasic, Username: "u", Password: "p", Node: node, Throttled: throttled}},
		Routes:   []Route{{AIS: "999002", Box: "mstdemd", OVM: "12345678"}},
		Policy:   testPolicy(t),
		Retry: RetryPolicy{Delay: 3 * time.Second, Sleep: func(_ context.Context, d time.Duration) error {
			mu.Lock()
			defer mu.Unlock()
			if sleeps != nil {
				*sleeps = append(*sleeps, d)
			}
			return nil
		}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestRetries(t *testing.T) {
	tests := []struct {
		name   string
		svc    string
		op     string
		codes  []string
		calls  int
		status string
		sleeps []time.Duration
	}{
		{"success", "dz", "MessageDownload", []string{"0000"}, 1, "ISDS 0000", nil},
		{"throttled-then-ok", "dz", "MessageDownload", []string{"3009", "0000"}, 2, "ISDS 0000", []time.Duration{3 * time.Second}},
		{"parallel-limit-twice", "dx", "GetListOfSentMessages", []string{"3008", "3008", "0000"}, 3, "ISDS 0000", []time.Duration{3 * time.Second, 6 * time.Second}},
		{"delivery-too-long", "dx", "GetListOfSentMessages", []string{"3006", "0000"}, 2, "ISDS 0000", []time.Duration{3 * time.Second}},
		{"internal-failure-gives-up", "dz", "MessageDownload", []string{"9500"}, 3, "ISDS 9500", []time.Duration{3 * time.Second, 6 * time.Second}},
		{"not-found-is-final", "dz", "MessageDownload", []string{"1219"}, 1, "ISDS 1219", nil},
		{"not-delivered-is-final", "dz", "MessageDownload", []string{"1222", "0000"}, 1, "ISDS 1222", nil},
		{"blocked-download-is-final", "dz", "MessageDownload", []string{"3022", "0000"}, 1, "ISDS 3022", nil},
		{"send-retried-when-refused-before-acceptance", "dz", "CreateMessage", []string{"3009", "0000"}, 2, "ISDS 0000", []time.Duration{3 * time.Second}},
		{"send-not-retried-after-failure", "dz", "CreateMessage", []string{"9500", "0000"}, 1, "ISDS 9500", nil},
		{"send-not-retried-on-3006", "dz", "CreateMessage", []string{"3006", "0000"}, 1, "ISDS 3006", nil},
		{"maintenance-not-retried", "dz", "MessageDownload", []string{"503", "0000"}, 1, "HTTP 503", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := &scripted{codes: tc.codes}
			var sleeps []time.Duration
			a := fakeAdapter(t, s, false, &sleeps)
			inner := "<v:dmID>1</v:dmID>"
			if tc.op == "CreateMessage" {
				inner = createBody
			}
			r := run(t, a, exchange(t, "999002", tc.svc, tc.op, inner))
			if s.calls != tc.calls || r.UpstreamStatus != tc.status || fmt.Sprint(sleeps) != fmt.Sprint(tc.sleeps) {
				t.Fatalf("calls %d status %s sleeps %v; want %d %s %v", s.calls, r.UpstreamStatus, sleeps, tc.calls, tc.status, tc.sleeps)
			}
			if tc.status == "HTTP 503" && r.Outcome != pipeline.OutcomeUpstreamError {
				t.Errorf("maintenance outcome %s", r.Outcome)
			}
		})
	}
}

// gate is a fake ISDS that counts concurrent requests and holds each until
// released.
type gate struct {
	running, peak atomic.Int32
	entered       chan struct{}
	release       chan struct{}
}

func (g *gate) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	n := g.running.Add(1)
	for {
		p := g.peak.Load()
		if n <= p || g.peak.CompareAndSwap(p, n) {
			break
		}
	}
	g.entered <- struct{}{}
	<-g.release
	g.running.Add(-1)
	(&scripted{codes: []string{"0000"}}).ServeHTTP(w, r)
}

// TestThrottledAccountSerialises: a throttled account never has two
// requests at ISDS at once (the second waits for the first); an account in
// normal mode does.
func TestThrottledAccountSerialises(t *testing.T) {
	for _, throttled := range []bool{true, false} {
		t.Run(fmt.Sprintf("throttled-%v", throttled), func(t *testing.T) {
			g := &gate{entered: make(chan struct{}, 4), release: make(chan struct{})}
			a := fakeAdapter(t, g, throttled, nil)
			waiting := make(chan struct{}, 1)
			a.waiting = func() { waiting <- struct{}{} }
			var wg sync.WaitGroup
			for i := 0; i < 2; i++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					ex := exchange(t, "999002", "dz", "MessageDownload", "<v:dmID>1</v:dmID>")
					if err := a.Describe(ex); err != nil {
						t.Error(err)
						return
					}
					if _, err := a.Call(context.Background(), ex); err != nil {
						t.Error(err)
					}
				}()
			}
			<-g.entered
			if throttled {
				<-waiting // the second request waits for the account
				if n := g.running.Load(); n != 1 {
					t.Fatalf("%d requests at ISDS while one waits", n)
				}
			} else {
				<-g.entered // both at ISDS at once
			}
			close(g.release)
			wg.Wait()
			if want := map[bool]int32{true: 1, false: 2}[throttled]; g.peak.Load() != want {
				t.Fatalf("peak concurrency %d, want %d", g.peak.Load(), want)
			}
		})
	}
}

func TestThrottledWaitHonoursContext(t *testing.T) {
	g := &gate{entered: make(chan struct{}, 4), release: make(chan struct{})}
	a := fakeAdapter(t, g, true, nil)
	first := exchange(t, "999002", "dz", "MessageDownload", "<v:dmID>1</v:dmID>")
	_ = a.Describe(first)
	done := make(chan struct{})
	go func() { _, _ = a.Call(context.Background(), first); close(done) }()
	<-g.entered
	ctx, cancel := context.WithCancel(context.Background())
	a.waiting = cancel // give up as soon as the call has to wait
	second := exchange(t, "999002", "dz", "MessageDownload", "<v:dmID>1</v:dmID>")
	_ = a.Describe(second)
	if _, err := a.Call(ctx, second); err == nil {
		t.Fatal("a cancelled call waited for the busy account")
	}
	close(g.release)
	<-done
}
