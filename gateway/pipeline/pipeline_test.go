package pipeline

import (
	"bytes"
	"context"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/zap"

	"konektor/gateway/catalogue"
	"konektor/gateway/clients"
	"konektor/gateway/fault"
	"konektor/gateway/soap"
	"konektor/internal/store"
	"konektor/policies"
)

// fakeUpstream reads a minimal context and records calls. It stands in
// for an adapter so the stages can be tested without HTTP.
type fakeUpstream struct {
	mu     sync.Mutex
	calls  int
	answer []byte
	err    error
}

func (u *fakeUpstream) Describe(ex *Exchange) error {
	doc := string(ex.Envelope.PayloadDocument())
	get := func(tag string) string {
		i := strings.Index(doc, "<reg:"+tag+">")
		if i < 0 {
			return ""
		}
		rest := doc[i+len(tag)+6:]
		return rest[:strings.Index(rest, "<")]
	}
	ex.Call = Call{AIS: get("Ais"), OVM: get("Ovm"), Agenda: get("Agenda"), Role: get("AgendovaRole"), RequestID: get("AgendaZadostId")}
	if ex.Call.Agenda == "" {
		return fault.New(fault.BadRequest, "no-zadostinfo", "chybí ZadostInfo", "no ZadostInfo")
	}
	return nil
}

func (u *fakeUpstream) Refuse(ex *Exchange, sub, cs, en string) *Reply {
	return &Reply{Status: 200, ContentType: "text/xml", Body: []byte("<refused>" + sub + "|" + cs + "</refused>"), UpstreamStatus: "CHYBA/" + sub}
}

func (u *fakeUpstream) Call(ctx context.Context, ex *Exchange) (*Reply, error) {
	u.mu.Lock()
	u.calls++
	u.mu.Unlock()
	if u.err != nil {
		return nil, u.err
	}
	return &Reply{Status: 200, ContentType: "text/xml; charset=utf-8", Body: u.answer, Outcome: OutcomeOK, UpstreamStatus: "OK"}, nil
}

type fakeRecorder struct {
	mu      sync.Mutex
	entries []store.AccessEntry
	err     error
}

func (r *fakeRecorder) Record(ctx context.Context, e store.AccessEntry) (store.AccessEntry, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err != nil {
		return e, r.err
	}
	e.Seq = int64(len(r.entries) + 1)
	r.entries = append(r.entries, e)
	return e, nil
}

func newTestPipeline(t *testing.T, up *fakeUpstream, rec *fakeRecorder) Handler {
	t.Helper()
	cat, err := catalogue.Load()
	if err != nil {
		t.Fatal(err)
	}
	reg, err := clients.New([]clients.Client{
		{Name: "999002", AIS: "999002", OVM: "12345678", ActsFor: []string{"12345678"}},
		{Name: "999003", AIS: "999003", OVM: "87654321", ActsFor: []string{"87654321"}},
		{Name: "auditor", Roles: []string{"auditor"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	now := func() time.Time { return time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC) }
	h, err := New(Deps{Now: now, Logger: zap.NewNop(), Limits: soap.DefaultLimits, Catalogue: cat, Clients: reg,
		Upstreams: map[string]Upstream{"iszr": up}, Policy: policies.Demo(), Recorder: rec})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func cert(cn string) *x509.Certificate { return &x509.Certificate{Subject: pkix.Name{CommonName: cn}} }

func readTestdata(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestPipeline(t *testing.T) {
	e03 := readTestdata(t, "e03-999002.xml")
	replace := func(old, new string) []byte { return bytes.Replace(e03, []byte(old), []byte(new), 1) }
	tests := []struct {
		name        string
		cn          string
		code        string
		action      string
		body        []byte
		wantStatus  int
		wantOutcome string
		wantCalled  bool
		wantInBody  string
	}{
		{name: "permit-relays-byte-for-byte", cn: "999002", code: "E03", action: `"IszrRobCtiAifo"`, body: e03, wantStatus: 200, wantOutcome: OutcomeOK, wantCalled: true, wantInBody: "UPSTREAM-ANSWER"},
		{name: "no-client-certificate", code: "E03", body: e03, wantStatus: 401, wantOutcome: OutcomeFault, wantInBody: "no-client-certificate"},
		{name: "unknown-client", cn: "999999", code: "E03", body: e03, wantStatus: 403, wantOutcome: OutcomeFault, wantInBody: "unknown-client"},
		{name: "auditor-is-not-an-ais", cn: "auditor", code: "E03", body: e03, wantStatus: 403, wantOutcome: OutcomeFault, wantInBody: "not-an-ais"},
		{name: "doctype-rejected", cn: "999002", code: "E03", body: append([]byte("<!DOCTYPE x>"), e03[38:]...), wantStatus: 400, wantOutcome: OutcomeFault, wantInBody: "envelope-doctype"},
		{name: "unknown-code", cn: "999002", code: "E9999", body: e03, wantStatus: 404, wantOutcome: OutcomeFault, wantInBody: "unknown-service"},
		{name: "body-does-not-match-code", cn: "999002", code: "E256", body: e03, wantStatus: 400, wantOutcome: OutcomeFault, wantInBody: "wrong-operation"},
		{name: "soapaction-mismatch", cn: "999002", code: "E03", action: `"IszrRosCtiIco2"`, body: e03, wantStatus: 400, wantOutcome: OutcomeFault, wantInBody: "soapaction-mismatch"},
		{name: "ais-in-message-differs", cn: "999002", code: "E03", body: replace("<reg:Ais>999002", "<reg:Ais>999003"), wantStatus: 200, wantOutcome: OutcomeDenied, wantInBody: "NENI OPRAVNENI EGON"},
		{name: "ovm-not-served", cn: "999002", code: "E03", body: replace("<reg:Ovm>12345678", "<reg:Ovm>87654321"), wantStatus: 200, wantOutcome: OutcomeDenied, wantInBody: "nesmí jednat za OVM 87654321"},
		{name: "policy-denies-rob-to-999003", cn: "999003", code: "E03", body: []byte(strings.NewReplacer("<reg:Ais>999002", "<reg:Ais>999003", "<reg:Ovm>12345678", "<reg:Ovm>87654321", "X999", "X998", "XR2", "XR1").Replace(string(e03))), wantStatus: 200, wantOutcome: OutcomeDenied, wantInBody: "<refused>"},
		{name: "missing-zadostinfo", cn: "999002", code: "E03", body: replace("<reg:Agenda>X999</reg:Agenda>", ""), wantStatus: 400, wantOutcome: OutcomeFault, wantInBody: "no-zadostinfo"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			up := &fakeUpstream{answer: []byte("<soap:Envelope>UPSTREAM-ANSWER</soap:Envelope>")}
			rec := &fakeRecorder{}
			h := newTestPipeline(t, up, rec)
			ex := &Exchange{ID: "cid-1", Received: time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC), Upstream: "iszr", Code: tc.code,
				ContentType: "text/xml; charset=utf-8", SOAPAction: tc.action, Body: tc.body}
			if tc.cn != "" {
				ex.PeerCert = cert(tc.cn)
			}
			r, err := h(context.Background(), ex)
			if err != nil {
				t.Fatalf("pipeline returned error %v (the render stage must turn it into a reply)", err)
			}
			if r.Status != tc.wantStatus || r.Outcome != tc.wantOutcome {
				t.Fatalf("status %d outcome %q, want %d %q; body %s", r.Status, r.Outcome, tc.wantStatus, tc.wantOutcome, r.Body)
			}
			if !bytes.Contains(r.Body, []byte(tc.wantInBody)) {
				t.Fatalf("body lacks %q: %s", tc.wantInBody, r.Body)
			}
			if (up.calls > 0) != tc.wantCalled {
				t.Fatalf("upstream called %d times", up.calls)
			}
			if tc.wantCalled && !bytes.Equal(r.Body, up.answer) {
				t.Fatalf("answer altered: %s", r.Body)
			}
			if len(rec.entries) != 1 {
				t.Fatalf("want exactly one access-log entry, got %d", len(rec.entries))
			}
			e := rec.entries[0]
			if e.CorrelationID != "cid-1" || e.Outcome != tc.wantOutcome || e.RequestSHA256 == "" || e.ResponseSHA256 == "" || e.Service != tc.code {
				t.Fatalf("entry %+v", e)
			}
			if tc.wantOutcome == OutcomeFault && !bytes.Contains(r.Body, []byte("cid-1")) {
				t.Fatalf("fault lacks correlation id: %s", r.Body)
			}
			if tc.wantOutcome != OutcomeOK && e.Reason == "" {
				t.Fatalf("refusal recorded without a reason: %+v", e)
			}
		})
	}
}

func TestRecordFailureWithholdsAnswer(t *testing.T) {
	up := &fakeUpstream{answer: []byte("<ok/>")}
	rec := &fakeRecorder{err: errors.New("disk full")}
	h := newTestPipeline(t, up, rec)
	ex := &Exchange{ID: "cid-2", Received: time.Now(), Upstream: "iszr", Code: "E03", ContentType: "text/xml",
		Body: readTestdata(t, "e03-999002.xml"), PeerCert: cert("999002")}
	r, err := h(context.Background(), ex)
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != http.StatusServiceUnavailable || !bytes.Contains(r.Body, []byte("audit-unavailable")) || bytes.Contains(r.Body, []byte("<ok/>")) {
		t.Fatalf("got %d %s", r.Status, r.Body)
	}
}

func TestUpstreamDownAnsweredLikeUpstream(t *testing.T) {
	for _, err := range []error{
		fault.Wrap(fault.Unavailable, "upstream-unavailable", "nedostupné", "unavailable", errors.New("dial tcp: refused")),
		fault.Wrap(fault.Timeout, "upstream-timeout", "pozdě", "late", errors.New("i/o timeout")),
	} {
		up := &fakeUpstream{err: err}
		rec := &fakeRecorder{}
		h := newTestPipeline(t, up, rec)
		ex := &Exchange{ID: "cid-3", Received: time.Now(), Upstream: "iszr", Code: "E03", ContentType: "text/xml",
			Body: readTestdata(t, "e03-999002.xml"), PeerCert: cert("999002")}
		r, _ := h(context.Background(), ex)
		if r.Status != 200 || r.Outcome != OutcomeUnavailable || !bytes.Contains(r.Body, []byte("NENI K DISPOZICI")) || bytes.Contains(r.Body, []byte("dial tcp")) {
			t.Fatalf("got %d %q %s", r.Status, r.Outcome, r.Body)
		}
		if e := rec.entries[0]; e.Outcome != OutcomeUnavailable || e.UpstreamStatus != "CHYBA/NENI K DISPOZICI" {
			t.Fatalf("entry %+v", e)
		}
	}
}

func TestNewReportsMissingDeps(t *testing.T) {
	_, err := New(Deps{})
	if err == nil {
		t.Fatal("want error")
	}
	for _, w := range []string{"Now", "Logger", "Catalogue", "Clients", "Policy", "Recorder", "upstreams"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error lacks %q: %v", w, err)
		}
	}
}
