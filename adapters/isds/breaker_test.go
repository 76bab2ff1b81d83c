package isds

import (
	"context"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/zap"

	"konektor/adapters/relay"
	"konektor/gateway/breaker"
	"konektor/gateway/catalogue"
	"konektor/gateway/clients"
	"konektor/gateway/fault"
	"konektor/gateway/pipeline"
	"konektor/gateway/soap"
	"konektor/internal/xsdcheck"
)

// fakeClock is a clock the test steps.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// guarded is an adapter whose one account reaches h through a breaker
// that opens after three failures and probes again after 30 s of clk.
func guarded(t *testing.T, h http.Handler, clk *fakeClock, timeout time.Duration) (*Adapter, breaker.Breaker) {
	t.Helper()
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	b, err := breaker.New(breaker.Settings{Name: "isds/fake", FailuresToOpen: 3, OpenTimeout: 30 * time.Second, Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	pool, err := breaker.NewPool([]breaker.Node{{Name: "fake", Addr: ts.URL, Breaker: b}}, breaker.PoolOptions{Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	node := relay.NewNode(relay.Options{Name: "fake", Base: ts.URL, Timeout: timeout})
	a, err := New(Options{
		Accounts: []Account{{Box: "mstdemd", Login: LoginBasic, Username: "u", Password: "p", Node: node, Guard: pool}},
		Routes:   []Route{{AIS: "999002", Box: "mstdemd", OVM: "12345678"}, {AIS: "999007", Box: "mstdemd", OVM: "12345678"}},
		Policy:   testPolicy(t),
		Retry:    RetryPolicy{Sleep: func(context.Context, time.Duration) error { return nil }},
	})
	if err != nil {
		t.Fatal(err)
	}
	return a, b
}

// isdsPipeline is konektor's pipeline with the adapter a as ISDS.
func isdsPipeline(t *testing.T, a *Adapter, rec *recorder, now func() time.Time, mods ...func(*pipeline.Deps)) func(ais, svc, op, inner string) *pipeline.Reply {
	t.Helper()
	cat, err := catalogue.Load()
	if err != nil {
		t.Fatal(err)
	}
	if err := cat.Add(CatalogueEntries()...); err != nil {
		t.Fatal(err)
	}
	var cl []clients.Client
	for _, ais := range []string{"999002", "999003", "999004", "999005", "999006", "999007"} {
		ovm := "12345678"
		if ais == "999003" {
			ovm = "87654321"
		}
		cl = append(cl, clients.Client{Name: ais, AIS: ais, OVM: ovm, ActsFor: []string{ovm}})
	}
	reg, err := clients.New(cl)
	if err != nil {
		t.Fatal(err)
	}
	deps := pipeline.Deps{Now: now, Logger: zap.NewNop(), Limits: soap.DefaultLimits, Catalogue: cat, Clients: reg,
		Upstreams: map[string]pipeline.Upstream{Upstream: a}, Policy: testPolicy(t), Recorder: rec}
	for _, m := range mods {
		m(&deps)
	}
	h, err := pipeline.New(deps)
	if err != nil {
		t.Fatal(err)
	}
	return func(ais, svc, op, inner string) *pipeline.Reply {
		t.Helper()
		ns := `xmlns:v="http://isds.czechpoint.cz/v20"`
		if strings.Contains(op, ":") { // a konektor operation, prefix k
			ns = `xmlns:k="` + DraftNS + `"`
		} else {
			op = "v:" + op
		}
		raw := `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ` + ns +
			`><s:Body><` + op + `>` + inner + `</` + op + `></s:Body></s:Envelope>`
		r, err := h(context.Background(), &pipeline.Exchange{ID: "c", Received: now(), Upstream: Upstream, Code: svc, Method: http.MethodPost,
			ContentType: "text/xml; charset=utf-8", SOAPAction: `""`, Body: []byte(raw),
			PeerCert: &x509.Certificate{Subject: pkix.Name{CommonName: ais}}})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
}

// TestBreakerOpensAndAnswersLikeAnOutage: three maintenance answers (HTTP
// 503) in a row open the node's breaker; while it is open no request
// reaches ISDS and callers get ISDS's own outage answer (HTTP 200, status
// 9500) in the operation's form, recorded as unavailable; after the open
// timeout of the injected clock one probe goes through and closes it.
func TestBreakerOpensAndAnswersLikeAnOutage(t *testing.T) {
	clk := &fakeClock{now: t0}
	s := &scripted{codes: []string{"503", "503", "503", "0000"}}
	a, b := guarded(t, s, clk, 5*time.Second)
	rec := &recorder{}
	call := isdsPipeline(t, a, rec, clk.Now)

	for i := 0; i < 3; i++ {
		r := call("999002", "dz", "MessageDownload", "<v:dmID>1</v:dmID>")
		if r.Status != http.StatusServiceUnavailable || rec.last().UpstreamStatus != "HTTP 503" {
			t.Fatalf("call %d: %d %s, want ISDS's maintenance answer relayed", i, r.Status, rec.last().UpstreamStatus)
		}
	}
	if b.State() != breaker.Open {
		t.Fatalf("after three 503s the breaker is %v", b.State())
	}
	for _, c := range []struct{ svc, op, inner, status string }{
		{"dz", "MessageDownload", "<v:dmID>1</v:dmID>", "dmStatusCode"},
		{"dz", "CreateMessage", createBody, "dmStatusCode"},
		{"df", "CheckDataBox", "<v:dbID>kraj2xd</v:dbID>", "dbStatusCode"},
		{"DsManage", "GetOwnerInfoFromLogin2", "<v:dbDummy/>", "dbStatusCode"},
	} {
		r := call("999002", c.svc, c.op, c.inner)
		e := rec.last()
		if r.Status != http.StatusOK || field(r.Body, c.status) != StatusOutage || !strings.Contains(string(r.Body), "<p:"+c.op+"Response") {
			t.Fatalf("%s with the breaker open: %d %s", c.op, r.Status, r.Body)
		}
		if e.Outcome != pipeline.OutcomeUnavailable || e.UpstreamStatus != "ISDS 9500 (konektor)" || !strings.Contains(e.Reason, "circuit-open") {
			t.Fatalf("%s: access log %+v", c.op, e)
		}
		if xsdcheck.HaveISDS() {
			xsdcheck.ValidateISDSBody(t, r.Body)
		}
	}
	s.mu.Lock()
	calls := s.calls
	s.mu.Unlock()
	if calls != 3 {
		t.Fatalf("ISDS received %d requests, want 3: an open breaker sends nothing", calls)
	}

	clk.advance(30 * time.Second)
	r := call("999002", "dz", "MessageDownload", "<v:dmID>1</v:dmID>")
	if r.Status != http.StatusOK || field(r.Body, "dmStatusCode") != "0000" || b.State() != breaker.Closed {
		t.Fatalf("probe after the open timeout: %d %s, breaker %v", r.Status, r.Body, b.State())
	}
}

// TestSendWithUnknownOutcome: a CreateMessage whose answer never comes may
// have been accepted by ISDS, so it is not answered as an outage (which an
// agenda system would retry) but as a fault saying the outcome is
// unknown; one that could not even connect is an outage.
func TestSendWithUnknownOutcome(t *testing.T) {
	clk := &fakeClock{now: t0}
	release := make(chan struct{})
	defer close(release)
	hang := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	})
	a, _ := guarded(t, hang, clk, 100*time.Millisecond)
	_, err := callAdapter(t, a, exchange(t, "999002", "dz", "CreateMessage", createBody))
	var fe *fault.Error
	if !errors.As(err, &fe) || fe.Code != "isds-outcome-unknown" || fe.Kind == fault.Unavailable || fe.Kind == fault.Timeout {
		t.Fatalf("send without an answer: %v", err)
	}
	// A read that times out is an outage.
	_, err = callAdapter(t, a, exchange(t, "999002", "dz", "MessageDownload", "<v:dmID>1</v:dmID>"))
	if !errors.As(err, &fe) || fe.Kind != fault.Timeout {
		t.Fatalf("read without an answer: %v", err)
	}

	// Nothing listens: the request provably never left.
	ts := httptest.NewServer(http.NotFoundHandler())
	base := ts.URL
	ts.Close()
	node := relay.NewNode(relay.Options{Name: "gone", Base: base, Timeout: time.Second})
	gone, err := New(Options{
		Accounts: []Account{{Box: "mstdemd", Login: LoginBasic, Username: "u", Password: "p", Node: node}},
		Routes:   []Route{{AIS: "999002", Box: "mstdemd", OVM: "12345678"}},
		Policy:   testPolicy(t),
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = callAdapter(t, gone, exchange(t, "999002", "dz", "CreateMessage", createBody))
	if !errors.As(err, &fe) || fe.Kind != fault.Unavailable {
		t.Fatalf("send to a closed port: %v", err)
	}
}

// callAdapter runs Describe, Authorise and Call and returns Call's result.
func callAdapter(t *testing.T, a *Adapter, ex *pipeline.Exchange) (*pipeline.Reply, error) {
	t.Helper()
	if err := a.Describe(ex); err != nil {
		t.Fatal(err)
	}
	if d := a.Authorise(ex); !d.Permit {
		t.Fatalf("refused: %+v", d)
	}
	return a.Call(context.Background(), ex)
}
