package iszr

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"konektor/adapters/relay"
	"konektor/gateway/breaker"
	"konektor/gateway/catalogue"
	"konektor/gateway/fault"
	"konektor/gateway/pipeline"
	"konektor/gateway/soap"
	"konektor/internal/xsdcheck"
)

func exchangeFor(t *testing.T, code string, body []byte) *pipeline.Exchange {
	t.Helper()
	cat, _ := catalogue.Load()
	e, ok := cat.Lookup("iszr", code)
	if !ok {
		t.Fatal(code)
	}
	env, err := soap.Parse(body, soap.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	return &pipeline.Exchange{Upstream: "iszr", Code: code, Entry: e, Envelope: env, Body: body}
}

func TestCallRelaysBytesAndPath(t *testing.T) {
	answer := []byte("<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body><x xmlns:reg=\"" + NSReg + "\"><reg:Status><reg:VysledekKod>VAROVANI</reg:VysledekKod><reg:VysledekDetail><reg:VysledekSubKod>STARSI VERZE</reg:VysledekSubKod></reg:VysledekDetail></reg:Status></x></s:Body></s:Envelope>\n  ")
	var gotPath, gotAction string
	var gotBody []byte
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotPath, gotAction = r.URL.RequestURI(), r.Header.Get("SOAPAction")
		gotBody, _ = io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "text/xml; charset=utf-8")
		w.Write(answer)
	}))
	defer srv.Close()
	u, _ := New(Options{Nodes: []*relay.Node{relay.NewNode(relay.Options{Name: "a", Base: srv.URL + "/publikace"})}})
	body := FillSample(SampleRosCtiIco2, "2026-11-23T10:00:00Z", "6f1c1f7e-3c1b-4b8e-9a57-0d6f5e0f8a11")
	ex := exchangeFor(t, "E256", body)
	ex.Async = true
	r, err := u.Call(context.Background(), ex)
	if err != nil {
		t.Fatal(err)
	}
	if string(r.Body) != string(answer) || string(gotBody) != string(body) {
		t.Fatal("bytes altered on the way")
	}
	if gotPath != "/publikace/E256?async" || gotAction != `"IszrRosCtiIco2"` {
		t.Fatalf("path %q action %q", gotPath, gotAction)
	}
	if r.UpstreamStatus != "VAROVANI/STARSI VERZE" || r.Outcome != pipeline.OutcomeOK {
		t.Fatalf("reply %+v", r)
	}
}

func TestCallFailsOverOnlyForReads(t *testing.T) {
	busy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte("<busy/>"))
	}))
	defer busy.Close()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("<second/>")) }))
	defer srv.Close()
	first := relay.NewNode(relay.Options{Name: "first", Base: busy.URL + "/publikace"})
	second := relay.NewNode(relay.Options{Name: "second", Base: srv.URL + "/publikace"})
	u, _ := New(Options{Nodes: []*relay.Node{first, second}})
	read := exchangeFor(t, "E256", FillSample(SampleRosCtiIco2, "x", "y"))
	r, err := u.Call(context.Background(), read)
	if err != nil || string(r.Body) != "<second/>" {
		t.Fatalf("read did not fail over: %v", err)
	}
	// A write that reached a node is never sent again: the caller gets the
	// node's own answer.
	write := exchangeFor(t, "E256", FillSample(SampleRosCtiIco2, "x", "y"))
	write.Entry = &catalogue.Entry{Upstream: "iszr", Code: "E01", Operation: "IszrRobVlozObyvatele", SideEffect: catalogue.Write}
	r, err = u.Call(context.Background(), write)
	if err != nil || string(r.Body) != "<busy/>" || r.Status != 503 {
		t.Fatalf("a delivered write must not fail over; got %v %v", r, err)
	}
	// A write that provably never left (nothing listens) may move on.
	dead := relay.NewNode(relay.Options{Name: "dead", Base: "http://127.0.0.1:1/publikace", Timeout: time.Second})
	u, _ = New(Options{Nodes: []*relay.Node{dead, second}})
	r, err = u.Call(context.Background(), write)
	if err != nil || string(r.Body) != "<second/>" {
		t.Fatalf("an undelivered write may fail over: %v", err)
	}
}

// TestBreakerOpensAndRecovers drives one node's breaker by an injected
// clock: failures open it, an open breaker answers at once without
// touching the node, and after the open timeout a successful probe closes it.
func TestBreakerOpensAndRecovers(t *testing.T) {
	var calls atomic.Int32
	var down atomic.Bool
	down.Store(true)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		if down.Load() {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		w.Write([]byte("<ok/>"))
	}))
	defer srv.Close()
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	b, _ := breaker.New(breaker.Settings{Name: "iszr/a", FailuresToOpen: 3, OpenTimeout: 30 * time.Second, Now: clock})
	pool, _ := breaker.NewPool([]breaker.Node{{Name: "a", Breaker: b}}, breaker.PoolOptions{Now: clock})
	u, _ := New(Options{Now: clock, Pool: pool, Nodes: []*relay.Node{relay.NewNode(relay.Options{Name: "a", Base: srv.URL})}})
	ex := exchangeFor(t, "E256", FillSample(SampleRosCtiIco2, "x", "y"))
	for i := 0; i < 3; i++ {
		u.Call(context.Background(), ex)
	}
	if b.State() != breaker.Open {
		t.Fatalf("state %v after 3 failures", b.State())
	}
	before := calls.Load()
	_, err := u.Call(context.Background(), ex)
	var fe *fault.Error
	if !errors.As(err, &fe) || fe.Code != "circuit-open" || calls.Load() != before {
		t.Fatalf("open breaker: %v, node called %d more times", err, calls.Load()-before)
	}
	down.Store(false)
	now = now.Add(31 * time.Second)
	r, err := u.Call(context.Background(), ex)
	if err != nil || string(r.Body) != "<ok/>" || b.State() != breaker.Closed {
		t.Fatalf("after the open timeout: %v %v state %v", r, err, b.State())
	}
}

func TestRefuseKeepsAnswerSchemaValid(t *testing.T) {
	u, _ := New(Options{Now: func() time.Time { return time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC) }, Nodes: []*relay.Node{relay.NewNode(relay.Options{Name: "a", Base: "https://x"})}})
	ex := exchangeFor(t, "E256", FillSample(SampleRosCtiIco2, "x", "6f1c1f7e-3c1b-4b8e-9a57-0d6f5e0f8a11"))
	ex.Call.RequestID = "6f1c1f7e-3c1b-4b8e-9a57-0d6f5e0f8a11"
	for _, tc := range []struct{ sub, wantSub, wantPopis string }{
		{"PUSOBNOST NEEXISTUJE", "NENI OPRAVNENI EGON", "PUSOBNOST NEEXISTUJE: OVM nemá působnost"},
		{"PREKROCEN SEZNAM", "PREKROCEN SEZNAM", "OVM nemá působnost"},
	} {
		r := u.Refuse(ex, tc.sub, "OVM nemá působnost", "no competence")
		st := ReadStatus(r.Body)
		if st.Kod != "CHYBA" || st.SubKod != tc.wantSub || !strings.Contains(string(r.Body), "<reg:VysledekPopis>"+tc.wantPopis) {
			t.Fatalf("%s: %v %s", tc.sub, st, r.Body)
		}
		xsdcheck.ValidateBody(t, r.Body, "E256")
	}
}
