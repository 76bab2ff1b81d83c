package cuzk_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"go.uber.org/zap"

	"konektor/adapters/cuzk"
	"konektor/gateway/cache/memory"
	"konektor/gateway/pipeline"
	"konektor/gateway/soap"
)

// cached is the pipeline's Cache stage in front of the adapter.
func (e *env) cached(t testing.TB) pipeline.Handler {
	t.Helper()
	c, err := memory.New(memory.Options{Now: e.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	d := pipeline.Deps{Now: e.clock.Now, Logger: zap.NewNop(), Cache: c, Upstreams: map[string]pipeline.Upstream{cuzk.UpstreamName: e.up}}
	return pipeline.Chain(pipeline.Relay(d), pipeline.Cache(d))
}

// exchange prepares an exchange the way the stages before Cache do.
func (e *env) exchange(t testing.TB, service, envelope string) *pipeline.Exchange {
	t.Helper()
	parsed, err := soap.Parse([]byte(envelope), soap.Limits{MaxBytes: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	entry, ok := cuzk.EntryFor(service, parsed.Payload)
	if !ok {
		t.Fatalf("no entry for %s", parsed.Payload.Local)
	}
	ex := &pipeline.Exchange{ID: "c", Received: e.clock.Now(), Upstream: cuzk.UpstreamName, Code: service, Body: []byte(envelope),
		Envelope: parsed, Version: parsed.Version, Client: client999002, Entry: entry}
	if err := e.up.Describe(ex); err != nil {
		t.Fatal(err)
	}
	ex.Decision = e.up.Authorise(ex)
	if !ex.Decision.Permit {
		t.Fatalf("denied: %+v", ex.Decision)
	}
	return ex
}

var seznamKU = req("ciselnik", "SeznamKURequest", "<v:kde><v:kodObce><v:odpovida>550426</v:odpovida></v:kodObce></v:kde>")

// TestCodeListCachedUntilItChanges: a code list is served from the cache
// until seznamCiselniku reports a change; then it is fetched again once.
func TestCodeListCachedUntilItChanges(t *testing.T) {
	e := newEnv(t, setup{options: func(o *cuzk.Options) { o.RefreshAccount = "DEMO-WSDP" }})
	h := e.cached(t)
	get := func() string {
		t.Helper()
		r, err := h(context.Background(), e.exchange(t, "ciselnik", envelope(seznamKU)))
		if err != nil || r.Status != http.StatusOK {
			t.Fatalf("%v %+v", err, r)
		}
		return r.Header[pipeline.CacheHeader][0]
	}
	if err := e.up.RefreshCodeLists(context.Background()); err != nil {
		t.Fatal(err)
	}
	if d := e.up.CodeListDates()["seznamKU"]; d != "2024-01-01" {
		t.Fatalf("seznamKU date %q", d)
	}
	for i, want := range []string{"miss", "hit", "hit"} {
		if got := get(); got != want {
			t.Fatalf("call %d: %s, want %s", i, got, want)
		}
	}
	e.sim.TouchCodeList("seznamKU", time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC))
	if got := get(); got != "hit" {
		t.Fatalf("before konektor learns of the change: %s", got)
	}
	if err := e.up.RefreshCodeLists(context.Background()); err != nil {
		t.Fatal(err)
	}
	for i, want := range []string{"miss", "hit"} {
		if got := get(); got != want {
			t.Fatalf("after the change, call %d: %s, want %s", i, got, want)
		}
	}
}

// TestNeverCached: owner searches, CzechPOINT views, ctios and reports
// bypass the cache; object searches are cached.
func TestNeverCached(t *testing.T) {
	e := newEnv(t, setup{})
	h := e.cached(t)
	tests := []struct {
		name, service, payload, second string
	}{
		{name: "object-search", service: "vyhledat", payload: najdiParcelu, second: "hit"},
		{name: "owner-search", service: "vyhledat", payload: req("vyhledat", "NajdiOSRequest", "<v:rc>7553120102</v:rc>"), second: "bypass"},
		{name: "report-list", service: "sestavy", payload: req("sestavy", "SeznamSestavRequest", ""), second: "bypass"},
		{name: "ctios", service: "ctios", payload: req("ctios", "CtiOsRequest", "<v:pOSIdent>x</v:pOSIdent>"), second: "bypass"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got string
			for i := 0; i < 2; i++ {
				r, err := h(context.Background(), e.exchange(t, tt.service, envelope(tt.payload)))
				if err != nil {
					t.Fatal(err)
				}
				got = r.Header[pipeline.CacheHeader][0]
			}
			if got != tt.second {
				t.Fatalf("second call: %s, want %s", got, tt.second)
			}
		})
	}
}

// TestErrorsNotStored: an answer with an error is never stored.
func TestErrorsNotStored(t *testing.T) {
	e := newEnv(t, setup{})
	h := e.cached(t)
	bad := envelope(req("vyhledat", "NajdiParceluRequest", "<v:parcelaId>5</v:parcelaId>"))
	for i := 0; i < 2; i++ {
		r, err := h(context.Background(), e.exchange(t, "vyhledat", bad))
		if err != nil || r.Header[pipeline.CacheHeader][0] != "miss" || r.UpstreamStatus != "CHYBA 304" {
			t.Fatalf("call %d: %v %+v", i, err, r)
		}
	}
}

func TestCanonicalRequest(t *testing.T) {
	e := newEnv(t, setup{})
	a := e.exchange(t, "vyhledat", envelope(najdiParcelu, kontext("12345678")))
	b := e.exchange(t, "vyhledat", `<S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/" xmlns:p="http://katastr.cuzk.cz/vyhledat/types/v2.8"><S:Body>
	  <p:NajdiParceluRequest>
	    <p:parcelaId>2850901306</p:parcelaId>
	  </p:NajdiParceluRequest></S:Body></S:Envelope>`)
	c := e.exchange(t, "vyhledat", envelope(req("vyhledat", "NajdiParceluRequest", "<v:parcelaId>2850902306</v:parcelaId>")))
	ca, _ := e.up.CanonicalRequest(a)
	cb, _ := e.up.CanonicalRequest(b)
	cc, _ := e.up.CanonicalRequest(c)
	if string(ca) != string(cb) {
		t.Fatalf("same question, different keys:\n%s\n%s", ca, cb)
	}
	if string(ca) == string(cc) {
		t.Fatal("different questions, same key")
	}
}

func TestStorableAndUnavailable(t *testing.T) {
	up := newEnv(t, setup{}).up
	tests := []struct {
		name                  string
		reply                 pipeline.Reply
		storable, unavailable bool
	}{
		{name: "ok", reply: pipeline.Reply{Status: 200, UpstreamStatus: "OK 0"}, storable: true},
		{name: "nothing-found", reply: pipeline.Reply{Status: 200, UpstreamStatus: "OK 0,392"}, storable: true},
		{name: "business-error", reply: pipeline.Reply{Status: 200, UpstreamStatus: "CHYBA 304"}},
		{name: "busy", reply: pipeline.Reply{Status: 200, UpstreamStatus: "CHYBA 477"}, unavailable: true},
		{name: "max-users", reply: pipeline.Reply{Status: 200, UpstreamStatus: "OK 210"}, unavailable: true},
		{name: "soap-fault", reply: pipeline.Reply{Status: 500, UpstreamStatus: "FAULT Client"}},
		{name: "outage", reply: pipeline.Reply{Status: 503, UpstreamStatus: "konektor NENI K DISPOZICI"}, unavailable: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := tt.reply
			if up.Storable(&r) != tt.storable || up.Unavailable(&r) != tt.unavailable {
				t.Fatalf("storable %v unavailable %v", up.Storable(&r), up.Unavailable(&r))
			}
		})
	}
}

func TestRefreshWithoutAccount(t *testing.T) {
	if err := newEnv(t, setup{}).up.RefreshCodeLists(context.Background()); err != cuzk.ErrNoRefreshAccount {
		t.Fatalf("%v", err)
	}
}
