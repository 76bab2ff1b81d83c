package cuzk_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"go.uber.org/zap"

	"konektor/adapters/cuzk"
	"konektor/adapters/cuzk/sim"
	"konektor/adapters/relay"
	"konektor/gateway/cache/memory"
	"konektor/gateway/pipeline"
	"konektor/gateway/soap"
	"konektor/policies"
	wsdl "konektor/wsdl/cuzk"
)

// bench is a sandbox on a loopback HTTP server and the adapter in front
// of it (no recording proxy).
type bench struct {
	srv *httptest.Server
	up  *cuzk.Upstream
}

func newBench(b *testing.B) *bench {
	b.Helper()
	sb, err := sim.New(sim.Options{Logger: zap.NewNop(), Accounts: []sim.Account{{User: "DEMO-WSDP", Password: paidPassword, Type: sim.Paying}}})
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(sb)
	b.Cleanup(srv.Close)
	up, err := cuzk.New(cuzk.Options{Node: relay.NewNode(relay.Options{Name: "cuzk", Base: srv.URL}),
		Policy: func() cuzk.Policy { return policies.Demo() },
		Credentials: cuzk.PolicySecrets{Policy: func() cuzk.Policy { return policies.Demo() },
			Getenv: func(string) string { return paidPassword }},
		AccountTypes: map[string]cuzk.AccountType{"DEMO-WSDP": cuzk.Paying}})
	if err != nil {
		b.Fatal(err)
	}
	return &bench{srv: srv, up: up}
}

// exchange runs Describe and Authorise on a fresh exchange.
func (x *bench) exchange(b *testing.B, service, env string) *pipeline.Exchange {
	parsed, err := soap.Parse([]byte(env), soap.Limits{MaxBytes: 1 << 20})
	if err != nil {
		b.Fatal(err)
	}
	entry, _ := cuzk.EntryFor(service, parsed.Payload)
	ex := &pipeline.Exchange{Upstream: cuzk.UpstreamName, Code: service, Body: []byte(env), Envelope: parsed,
		Version: parsed.Version, Client: client999002, Entry: entry}
	if err := x.up.Describe(ex); err != nil {
		b.Fatal(err)
	}
	if ex.Decision = x.up.Authorise(ex); !ex.Decision.Permit {
		b.Fatal("denied")
	}
	return ex
}

var benchPayloads = []struct{ name, service, payload string }{
	{"seznamKU", "ciselnik", seznamKU},
	{"najdiParcelu", "vyhledat", najdiParcelu},
}

// BenchmarkSandboxDirect: an AIS calling the sandbox itself over loopback
// HTTP with the account's UsernameToken (the baseline).
func BenchmarkSandboxDirect(b *testing.B) {
	x := newBench(b)
	for _, p := range benchPayloads {
		b.Run(p.name, func(b *testing.B) {
			op, _ := wsdl.ByRequest(p.service, mustParse(b, envelope(p.payload)).Payload)
			body := []byte(envelope(p.payload, `<wsse:Security xmlns:wsse="`+wsdl.NSWSSE+`"><wsse:UsernameToken><wsse:Username>DEMO-WSDP</wsse:Username><wsse:Password>`+paidPassword+`</wsse:Password></wsse:UsernameToken></wsse:Security>`))
			c := x.srv.Client()
			b.ReportAllocs()
			for b.Loop() {
				rq, _ := http.NewRequest(http.MethodPost, x.srv.URL+wsdl.Path(p.service), bytes.NewReader(body))
				rq.Header.Set("Content-Type", "text/xml; charset=utf-8")
				rq.Header.Set("SOAPAction", op.Action)
				resp, err := c.Do(rq)
				if err != nil {
					b.Fatal(err)
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 {
					b.Fatal(resp.StatusCode)
				}
			}
		})
	}
}

// BenchmarkRelay: the same call through the adapter (Describe,
// Authorise, envelope rewrite, account handling, answer reading) to the
// same sandbox: the difference to BenchmarkSandboxDirect is the relay's
// overhead.
func BenchmarkRelay(b *testing.B) {
	x := newBench(b)
	for _, p := range benchPayloads {
		b.Run(p.name, func(b *testing.B) {
			env := envelope(p.payload, kontext("12345678"))
			b.ReportAllocs()
			for b.Loop() {
				ex := x.exchange(b, p.service, env)
				r, err := x.up.Call(context.Background(), ex)
				if err != nil || r.Status != 200 {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkCacheHit: a code list answered from the pipeline's cache
// (in-memory) in front of the adapter.
func BenchmarkCacheHit(b *testing.B) {
	x := newBench(b)
	c, err := memory.New(memory.Options{})
	if err != nil {
		b.Fatal(err)
	}
	d := pipeline.Deps{Now: time.Now, Logger: zap.NewNop(), Cache: c, Upstreams: map[string]pipeline.Upstream{cuzk.UpstreamName: x.up}}
	h := pipeline.Chain(pipeline.Relay(d), pipeline.Cache(d))
	env := envelope(seznamKU, kontext("12345678"))
	if _, err := h(context.Background(), x.exchange(b, "ciselnik", env)); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		r, err := h(context.Background(), x.exchange(b, "ciselnik", env))
		if err != nil || r.Header[pipeline.CacheHeader][0] != "hit" {
			b.Fatal(err)
		}
	}
}

func mustParse(b *testing.B, env string) *soap.Envelope {
	p, err := soap.Parse([]byte(env), soap.Limits{MaxBytes: 1 << 20})
	if err != nil {
		b.Fatal(err)
	}
	return p
}
