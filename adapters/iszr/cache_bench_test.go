package iszr

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"konektor/gateway/catalogue"
	"konektor/gateway/pipeline"
	"konektor/gateway/soap"
)

// The work the ISZR adapter does on every cache hit, per step, for the
// sandbox's golden E36 question and answer:
//
//	go test -run x -bench HitWork -benchmem -count 5 ./adapters/iszr
//
// envelope-parse and read-request run on every call (pipeline Parse and
// Describe); a cacheable call reads the request and its canonical form in
// one walk (read-request-canonical) instead; canonical-request alone is
// what CanonicalRequest costs without it; refresh runs on every hit. The
// plain question is the sandbox's golden one; the signed one is the load
// harness's (bench/harness), with its WS-Security header.
func BenchmarkHitWork(b *testing.B) {
	for _, q := range []struct{ name, file string }{
		{"plain", filepath.Join("sim", "testdata", "golden", "e36-radkovy.request.xml")},
		// The load harness's question: the same call as an agenda system
		// that signs sends it (WS-Security header, about 5 KB).
		{"signed", filepath.Join("..", "..", "gateway", "soap", "testdata", "ok-e36-signed.xml")},
	} {
		b.Run(q.name, func(b *testing.B) { benchHitWork(b, q.file) })
	}
}

func benchHitWork(b *testing.B, file string) {
	req, err := os.ReadFile(file)
	if err != nil {
		b.Fatal(err)
	}
	answer, err := os.ReadFile(filepath.Join("sim", "testdata", "golden", "e36-radkovy.response.xml"))
	if err != nil {
		b.Fatal(err)
	}
	cat, err := catalogue.Load()
	if err != nil {
		b.Fatal(err)
	}
	entry, _ := cat.Lookup("iszr", "E36")
	env, err := soap.Parse(req, soap.DefaultLimits)
	if err != nil {
		b.Fatal(err)
	}
	ex := &pipeline.Exchange{Upstream: "iszr", Code: "E36", Entry: entry, Envelope: env, Body: req,
		Call: pipeline.Call{RequestID: "0b5e7d4c-1f2a-4c3b-8d9e-0a1b2c3d4e5f"}}
	u := &Upstream{now: func() (t time.Time) { return t }}
	steps := []struct {
		name string
		fn   func() error
	}{
		{"envelope-parse", func() error { _, err := soap.Parse(req, soap.DefaultLimits); return err }},
		{"read-request", func() error { _, err := ReadEnvelope(env); return err }},
		{"read-request-canonical", func() error { _, _, err := ReadEnvelopeCanonical(env); return err }},
		{"canonical-request", func() error { _, err := u.CanonicalRequest(ex); return err }},
		{"refresh", func() error { u.Refresh(ex, answer); return nil }},
	}
	for _, st := range steps {
		b.Run(st.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := st.fn(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
