package cuzk_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"konektor/adapters/cuzk"
	"konektor/adapters/cuzk/sim"
	"konektor/adapters/relay"
	"konektor/gateway/clients"
	"konektor/gateway/fault"
	"konektor/gateway/pipeline"
	"konektor/gateway/soap"
	"konektor/policies"
	wsdl "konektor/wsdl/cuzk"
)

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// waiter records the waits and moves the clock instead of sleeping.
type waiter struct {
	mu    sync.Mutex
	clock *clock
	waits []time.Duration
}

func (w *waiter) Wait(ctx context.Context, d time.Duration) error {
	w.mu.Lock()
	w.waits = append(w.waits, d)
	w.mu.Unlock()
	w.clock.Advance(d)
	return ctx.Err()
}

func (w *waiter) recorded() []time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]time.Duration(nil), w.waits...)
}

// metrics records the adapter's events.
type metrics struct {
	mu       sync.Mutex
	disabled []string
	busy     []bool
	reports  []string
}

func (m *metrics) AccountDisabled(a string) {
	m.mu.Lock()
	m.disabled = append(m.disabled, a)
	m.mu.Unlock()
}
func (m *metrics) Busy(_ string, retried bool) {
	m.mu.Lock()
	m.busy = append(m.busy, retried)
	m.mu.Unlock()
}
func (m *metrics) ReportChecked(r string) {
	m.mu.Lock()
	m.reports = append(m.reports, r)
	m.mu.Unlock()
}

// Passwords of the demo policy's accounts in the test sandbox.
const (
	paidPassword = "heslo-placene-1"
	freePassword = "heslo-bezuplatne-1"
)

// seen is one request that reached the sandbox.
type seen struct {
	action string
	body   string
}

// env is a test setup: the sandbox behind an HTTP server, a recording
// proxy in front of it, and the adapter.
type env struct {
	t       *testing.T
	clock   *clock
	waiter  *waiter
	metrics *metrics
	sim     *sim.Server
	up      *cuzk.Upstream
	logs    *observer.ObservedLogs

	mu      sync.Mutex
	seen    []seen
	alter   func(body []byte) []byte // rewrites the sandbox's answers
	ctype   string                   // replaces their Content-Type when set
	hold    chan struct{}            // when set, requests wait for it
	arrived chan struct{}            // one token per request received
}

type setup struct {
	simOptions sim.Options
	options    func(*cuzk.Options)
}

func newEnv(t *testing.T, s setup) *env {
	t.Helper()
	c := &clock{t: time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)}
	e := &env{t: t, clock: c, waiter: &waiter{clock: c}, metrics: &metrics{}, arrived: make(chan struct{}, 1000)}
	so := s.simOptions
	so.Now = c.Now
	if so.Accounts == nil {
		so.Accounts = []sim.Account{{User: "DEMO-WSDP", Password: paidPassword, Type: sim.Paying},
			{User: "DEMO-WSDP-FREE", Password: freePassword, Type: sim.Free}, {User: "WSTEST", Password: "WSHESLO"}}
	}
	sb, err := sim.New(so)
	if err != nil {
		t.Fatal(err)
	}
	e.sim = sb
	srv := httptest.NewServer(http.HandlerFunc(e.serve))
	t.Cleanup(srv.Close)
	core, logs := observer.New(zap.InfoLevel)
	e.logs = logs
	o := cuzk.Options{
		Now:    c.Now,
		Logger: zap.New(core),
		Node:   relay.NewNode(relay.Options{Name: "cuzk", Base: srv.URL, Timeout: 10 * time.Second}),
		Policy: func() cuzk.Policy { return policies.Demo() },
		Credentials: cuzk.PolicySecrets{Policy: func() cuzk.Policy { return policies.Demo() }, Getenv: func(k string) string {
			return map[string]string{"KONEKTOR_SECRET_CUZK_DEMO": paidPassword, "KONEKTOR_SECRET_CUZK_DEMO_FREE": freePassword}[k]
		}},
		AccountTypes: map[string]cuzk.AccountType{"DEMO-WSDP": cuzk.Paying, "DEMO-WSDP-FREE": cuzk.Free},
		Waiter:       e.waiter,
		Metrics:      e.metrics,
	}
	if s.options != nil {
		s.options(&o)
	}
	up, err := cuzk.New(o)
	if err != nil {
		t.Fatal(err)
	}
	e.up = up
	return e
}

// serve records a request and passes it to the sandbox.
func (e *env) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	e.mu.Lock()
	e.seen = append(e.seen, seen{action: r.Header.Get("SOAPAction"), body: string(body)})
	hold, alter, ctype := e.hold, e.alter, e.ctype
	e.mu.Unlock()
	select {
	case e.arrived <- struct{}{}:
	default:
	}
	if hold != nil {
		<-hold
	}
	rq := httptest.NewRequest(r.Method, r.URL.Path, bytes.NewReader(body))
	rq.Header = r.Header.Clone()
	rec := httptest.NewRecorder()
	e.sim.ServeHTTP(rec, rq)
	out := rec.Body.Bytes()
	if alter != nil {
		out = alter(out)
	}
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	if ctype != "" {
		w.Header().Set("Content-Type", ctype)
	}
	w.WriteHeader(rec.Code)
	_, _ = w.Write(out)
}

func (e *env) requests() []seen {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]seen(nil), e.seen...)
}

// Demo clients of the demo policy.
var (
	client999002 = &clients.Client{Name: "999002", AIS: "999002", OVM: "12345678", ActsFor: []string{"12345678"}}
	client999003 = &clients.Client{Name: "999003", AIS: "999003", OVM: "87654321", ActsFor: []string{"87654321"}}
)

// result is the outcome of one exchange through the adapter.
type result struct {
	reply *pipeline.Reply
	err   error
	ex    *pipeline.Exchange
}

// code is the fault code of an error result.
func (r result) code() string {
	var fe *fault.Error
	if r.err != nil && errors.As(r.err, &fe) {
		return fe.Code
	}
	return ""
}

// do runs the adapter's stages the way the pipeline does: Describe,
// Authorise (a refusal answered with Refuse), Call.
func (e *env) do(c *clients.Client, service, envelope string) result {
	e.t.Helper()
	parsed, err := soap.Parse([]byte(envelope), soap.Limits{MaxBytes: 1 << 20, MaxDepth: 64, MaxElements: 10000})
	if err != nil {
		e.t.Fatalf("test envelope: %v", err)
	}
	ex := &pipeline.Exchange{ID: "test-1", Received: e.clock.Now(), Upstream: cuzk.UpstreamName, Code: service,
		Body: []byte(envelope), Envelope: parsed, Version: parsed.Version, Client: c}
	entry, ok := cuzk.EntryFor(service, parsed.Payload)
	if !ok {
		e.t.Fatalf("no catalogue entry for %s %s", service, parsed.Payload.Local)
	}
	ex.Entry = entry
	if err := e.up.Describe(ex); err != nil {
		return result{err: err, ex: ex}
	}
	if d := e.up.Authorise(ex); !d.Permit {
		r := e.up.Refuse(ex, d.SubCode, d.Reasons[len(d.Reasons)-1].CS, d.Reasons[len(d.Reasons)-1].EN)
		r.Outcome = pipeline.OutcomeDenied
		return result{reply: r, ex: ex}
	}
	r, err := e.up.Call(context.Background(), ex)
	return result{reply: r, err: err, ex: ex}
}

// envelope wraps a payload in a client's request envelope; headers are
// placed in the SOAP Header.
func envelope(payload string, headers ...string) string {
	h := ""
	if len(headers) > 0 {
		h = "<soapenv:Header>" + strings.Join(headers, "") + "</soapenv:Header>"
	}
	return `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">` + h +
		`<soapenv:Body>` + payload + `</soapenv:Body></soapenv:Envelope>`
}

// req builds a request element of a service.
func req(service, name, inner string) string {
	return `<v:` + name + ` xmlns:v="` + wsdl.TypesNS(service) + `">` + inner + `</v:` + name + `>`
}

func kontext(ovm string) string {
	return `<k:Kontext xmlns:k="` + cuzk.NSKontext + `"><k:Ovm>` + ovm + `</k:Ovm><k:Uzivatel>jnovak</k:Uzivatel><k:Ucel>stavební řízení</k:Ucel></k:Kontext>`
}

// callerSecurity is a caller's own UsernameToken, which konektor drops.
const callerSecurity = `<wsse:Security xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd">` +
	`<wsse:UsernameToken><wsse:Username>OBEC-VLASTNI</wsse:Username><wsse:Password>tajne</wsse:Password></wsse:UsernameToken></wsse:Security>`

var najdiParcelu = req("vyhledat", "NajdiParceluRequest", "<v:parcelaId>"+sim.SampleParcela+"</v:parcelaId>")

// parseAnswer reads the payload of a reply.
func parseAnswer(t *testing.T, body []byte) *wsdl.Element {
	t.Helper()
	root, err := wsdl.Parse(bytes.NewReader(body), wsdl.Limits{})
	if err != nil {
		t.Fatalf("answer: %v\n%s", err, body)
	}
	b := root.Child("Body")
	if b == nil || len(b.Children) != 1 {
		t.Fatalf("no payload:\n%s", body)
	}
	return b.Children[0]
}

func errorsAs(err error, target any) bool { return errors.As(err, target) }

// post sends a raw request to the sandbox through the proxy.
func (e *env) post(path, body string) (int, []byte) {
	rq := httptest.NewRequest(http.MethodPost, path, strings.NewReader(body))
	rq.Header.Set("Content-Type", "text/xml; charset=utf-8")
	w := httptest.NewRecorder()
	e.serve(w, rq)
	return w.Code, w.Body.Bytes()
}

// awaitArrivals waits until n requests have reached the proxy since the
// last call, failing the test after a generous deadline.
func (e *env) awaitArrivals(n int) {
	e.t.Helper()
	timeout := time.NewTimer(10 * time.Second)
	defer timeout.Stop()
	for i := 0; i < n; i++ {
		select {
		case <-e.arrived:
		case <-timeout.C:
			e.t.Fatalf("only %d of %d requests arrived", i, n)
		}
	}
}
