package isds

import (
	"bytes"
	"context"
	"crypto/x509"
	"crypto/x509/pkix"
	"net/http"
	"strings"
	"sync"
	"testing"

	"go.uber.org/zap"

	"konektor/gateway/catalogue"
	"konektor/gateway/clients"
	"konektor/gateway/pipeline"
	"konektor/gateway/soap"
	"konektor/internal/store"
)

type recorder struct {
	mu      sync.Mutex
	entries []store.AccessEntry
}

func (r *recorder) Record(_ context.Context, e store.AccessEntry) (store.AccessEntry, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.entries = append(r.entries, e)
	return e, nil
}

func (r *recorder) last() store.AccessEntry {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.entries[len(r.entries)-1]
}

// TestThroughThePipeline runs ISDS calls through konektor's whole pipeline
// (parse, route by body element, describe, data-box authorisation, relay,
// record) to the sandbox.
func TestThroughThePipeline(t *testing.T) {
	e := newEnv(t)
	a := e.adapter(nil)
	cat, err := catalogue.Load()
	if err != nil {
		t.Fatal(err)
	}
	if err := cat.Add(CatalogueEntries()...); err != nil {
		t.Fatal(err)
	}
	reg, err := clients.New([]clients.Client{
		{Name: "999002", AIS: "999002", OVM: "12345678", ActsFor: []string{"12345678"}},
		{Name: "999004", AIS: "999004", OVM: "12345678", ActsFor: []string{"12345678"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	rec := &recorder{}
	h, err := pipeline.New(pipeline.Deps{Now: e.clock, Logger: zap.NewNop(), Limits: soap.DefaultLimits, Catalogue: cat, Clients: reg,
		Upstreams: map[string]pipeline.Upstream{Upstream: a}, Policy: testPolicy(t), Recorder: rec})
	if err != nil {
		t.Fatal(err)
	}
	call := func(ais, svc, action, op, inner string) *pipeline.Reply {
		t.Helper()
		raw := `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:v="http://isds.czechpoint.cz/v20"><s:Body><v:` +
			op + `>` + inner + `</v:` + op + `></s:Body></s:Envelope>`
		r, err := h(context.Background(), &pipeline.Exchange{ID: "c1", Received: e.clock(), Upstream: Upstream, Code: svc, Method: http.MethodPost,
			ContentType: "text/xml; charset=utf-8", SOAPAction: action, Body: []byte(raw),
			PeerCert: &x509.Certificate{Subject: pkix.Name{CommonName: ais}}})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}

	r := call("999002", "dz", `""`, "CreateMessage", createBody)
	if r.Status != http.StatusOK || r.UpstreamStatus != "ISDS 0000" || rec.last().Outcome != pipeline.OutcomeOK {
		t.Fatalf("send: %d %s %+v", r.Status, r.UpstreamStatus, rec.last())
	}
	id := field(r.Body, "dmID")
	r = call("999002", "dz", `""`, "SignedSentMessageDownload", "<v:dmID>"+id+"</v:dmID>")
	if got := rec.last(); got.Outcome != pipeline.OutcomeOK || !strings.Contains(got.Evidence, "dmID="+id) || !strings.Contains(got.Evidence, "valid=true") {
		t.Fatalf("download evidence in the access log: %+v", got)
	}

	// Refused by the data-box policy: a SOAP fault and a denied entry.
	r = call("999004", "dz", `""`, "CreateMessage", createBody)
	if r.Status != http.StatusForbidden || !bytes.Contains(r.Body, []byte("Fault")) || rec.last().Outcome != pipeline.OutcomeDenied ||
		!strings.Contains(rec.last().Reason, "PRIVIL_CREATE_DM") {
		t.Fatalf("refusal: %d %s %+v", r.Status, r.Body, rec.last())
	}
	// The body chooses the operation; it must belong to the path's service.
	r = call("999002", "dx", `""`, "CreateMessage", createBody)
	if r.Status != http.StatusNotFound {
		t.Fatalf("CreateMessage at dx: %d %s", r.Status, r.Body)
	}
	// A SOAPAction naming another operation is refused.
	r = call("999002", "dz", `"MessageDownload"`, "DummyOperation", "")
	if r.Status != http.StatusBadRequest {
		t.Fatalf("SOAPAction mismatch: %d %s", r.Status, r.Body)
	}
}
