package harness

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"konektor/adapters/iszr"
	"konektor/adapters/iszr/sim"
	"konektor/certs/wssec"
	"konektor/policies"
)

var uuidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func TestIDsAreUniqueUUIDs(t *testing.T) {
	a, err := NewIDs()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := NewIDs()
	seen := map[string]bool{}
	for i := 0; i < 2000; i++ {
		id := a.Next()
		if !uuidRE.MatchString(id) || len(id) != len(idPlaceholder) {
			t.Fatalf("%q is not a UUID v4 of 36 characters", id)
		}
		if seen[id] {
			t.Fatalf("%q repeated", id)
		}
		seen[id] = true
	}
	if a.Next()[:8] == b.Next()[:8] {
		t.Fatal("two runs share the random prefix")
	}
}

// fixedClock is a clock standing at one moment.
func fixedClock(t time.Time) func() time.Time { return func() time.Time { return t } }

func newTestRequests(t *testing.T, now func() time.Time) (*Requests, string) {
	t.Helper()
	certFile := filepath.Join(t.TempDir(), "signing.pem")
	signer, err := NewSigningIdentity(certFile, now)
	if err != nil {
		t.Fatal(err)
	}
	r, err := NewRequests(now, signer)
	if err != nil {
		t.Fatal(err)
	}
	return r, certFile
}

func TestRequestsFillSlotsAndStayAboutFiveKB(t *testing.T) {
	at := time.Date(2026, 11, 23, 10, 11, 12, 345e6, time.UTC)
	r, _ := newTestRequests(t, fixedClock(at))
	if n := r.Size(); n < 4500 || n > 5500 {
		t.Fatalf("request is %d bytes, want about 5 KB", n)
	}
	b1, id1, _ := r.Next()
	b2, id2, _ := r.Next()
	if id1 == id2 || len(b1) != r.Size() || len(b2) != r.Size() {
		t.Fatalf("ids %q %q, sizes %d %d", id1, id2, len(b1), len(b2))
	}
	for _, want := range []string{"<reg:AgendaZadostId>" + id1 + "<", "<reg:CasZadosti>2026-11-23T10:11:12.345Z<", "wsse:Security", "<ca:Kod>14492253<"} {
		if !bytes.Contains(b1, []byte(want)) {
			t.Errorf("request lacks %s", want)
		}
	}
	if bytes.Contains(b1, []byte(idPlaceholder)) || bytes.Contains(b1, []byte(casPlaceholder)) {
		t.Fatal("a placeholder is left in the request")
	}
	u, uid := r.Unsigned()
	if bytes.Contains(u, []byte("wsse:Security")) || !bytes.Contains(u, []byte(uid)) {
		t.Fatal("the unsigned form is wrong")
	}
}

func TestSignedPoolVerifiesAndSignsInlineWhenDry(t *testing.T) {
	now := time.Now
	r, certFile := newTestRequests(t, now)
	trust, err := wssec.LoadTrust(certFile)
	if err != nil {
		t.Fatal(err)
	}
	p, err := r.NewSignedPool(3)
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for i := 0; i < 4; i++ {
		b, id, err := p.Next()
		if err != nil {
			t.Fatal(err)
		}
		if rep := wssec.Check(b, trust, time.Time{}); !rep.Valid {
			t.Fatalf("call %d: signature invalid: %s", i, rep.ReasonEN)
		}
		if !bytes.Contains(b, []byte(id)) || ids[id] {
			t.Fatalf("call %d: id %q missing or repeated", i, id)
		}
		ids[id] = true
	}
	if p.Inline() != 1 {
		t.Fatalf("inline %d, want 1", p.Inline())
	}
	// The once-signed template no longer verifies after its slots change:
	// scenarios (a)–(f) must not depend on it.
	b, _, _ := r.Next()
	if rep := wssec.Check(b, trust, time.Time{}); rep.Valid {
		t.Fatal("a re-filled template must not verify")
	}
}

// TestSandboxAnswersTheQuestion posts the harness's question to the ISZR
// sandbox handler as agency 999002 and expects an OK answer echoing the id.
func TestSandboxAnswersTheQuestion(t *testing.T) {
	now := time.Now
	r, _ := newTestRequests(t, now)
	h := sim.New(sim.Options{Now: now, Policy: policies.Demo(), Connectors: []string{"konektor"}})
	peer := &tls.ConnectionState{HandshakeComplete: true, PeerCertificates: []*x509.Certificate{{Subject: pkix.Name{CommonName: "999002"}}}}
	for _, sc := range []Scenario{Scenarios[0]} {
		body, id, _ := r.Next()
		req := httptest.NewRequest(http.MethodPost, "/publikace/"+Service, bytes.NewReader(body))
		req.Header = Header()
		req.TLS = peer
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if err := check(sc)(w.Code, w.Header(), w.Body.Bytes(), id); err != nil {
			t.Fatalf("%v (status %v)", err, iszr.ReadStatus(w.Body.Bytes()))
		}
	}
}

func TestCheckJudgesAnswers(t *testing.T) {
	ok := []byte(`<r><VysledekKod>OK</VysledekKod><AgendaZadostId>id-1</AgendaZadostId></r>`)
	hit := http.Header{"X-Konektor-Cache": {"hit"}}
	d, _ := ScenarioByID("d")
	f, _ := ScenarioByID("f")
	for _, c := range []struct {
		name   string
		sc     Scenario
		status int
		h      http.Header
		body   []byte
		id     string
		ok     bool
	}{
		{"ok", Scenarios[0], 200, nil, ok, "id-1", true},
		{"http error", Scenarios[0], 500, nil, ok, "id-1", false},
		{"chyba", Scenarios[0], 200, nil, []byte(`<VysledekKod>CHYBA</VysledekKod>id-1`), "id-1", false},
		{"other id", Scenarios[0], 200, nil, ok, "id-2", false},
		{"hit", d, 200, hit, ok, "id-1", true},
		{"miss", d, 200, http.Header{"X-Konektor-Cache": {"miss"}}, ok, "id-1", false},
		{"unsealed", f, 200, nil, ok, "id-1", false},
		{"sealed", f, 200, nil, append([]byte("<ds:SignatureValue>x</ds:SignatureValue>"), ok...), "id-1", true},
	} {
		err := check(c.sc)(c.status, c.h, c.body, c.id)
		if (err == nil) != c.ok {
			t.Errorf("%s: %v", c.name, err)
		}
	}
}
