package app

import (
	"context"
	"crypto/tls"
	"crypto/x509/pkix"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/zap"

	"konektor/adapters/isds"
	"konektor/adapters/isds/sim"
	"konektor/certs/tsa"
	"konektor/internal/config"
	"konektor/internal/store"
	"konektor/internal/store/sqlite"
)

// isdsDraftPolicy: 999002 uses the demo box with every privilege; 999003
// (acting for the region) may view the demo box and prepare drafts, not
// send.
const isdsDraftPolicy = `
dataBoxes:
  - {ais: "999002", ovm: "12345678", box: mstdemd, privileges: [PRIVIL_READ_NON_PERSONAL, PRIVIL_READ_ALL, PRIVIL_CREATE_DM, PRIVIL_VIEW_INFO, PRIVIL_SEARCH_DB]}
  - {ais: "999003", ovm: "87654321", box: mstdemd, privileges: [PRIVIL_VIEW_INFO, KONEKTOR_DRAFT]}
`

// TestISDSDrafts: through konektor with the in-process sandbox, a client
// that may prepare drafts has its CreateMessage kept in konektor's store
// (SQLite here), a client with PRIVIL_CREATE_DM lists and sends it, and
// the access log and the draft table record what happened.
func TestISDSDrafts(t *testing.T) {
	dir := t.TempDir()
	pol := filepath.Join(dir, "policy.yaml")
	if err := os.WriteFile(pol, []byte(isdsDraftPolicy), 0o600); err != nil {
		t.Fatal(err)
	}
	in := startInstanceIn(t, filepath.Join(dir, "data"), func(c *config.Config) {
		c.Policy.Files = []string{pol}
		c.ISDS.Routes = []config.ISDSRoute{{AIS: "999002", Box: sim.BoxDemoOVM, OVM: "12345678"}, {AIS: "999003", Box: sim.BoxDemoOVM, OVM: "87654321"}}
	})
	code, body, draftCorr := in.isdsPost("999003", "dz", isdsCall("CreateMessage", isdsCreate, isdsCallerCreds))
	if code != http.StatusOK || isdsField(body, "dmStatusCode") != isds.StatusDraftSaved || isdsField(body, "dmID") != "" {
		t.Fatalf("draft: %d %s", code, body)
	}
	msg := isdsField(body, "dmStatusMessage")
	id := msg[strings.Index(msg, "koncept ")+len("koncept ") : strings.Index(msg, " (draftID)")]

	list := `<k:GetListOfDrafts xmlns:k="` + isds.DraftNS + `"/>`
	_, body, _ = in.isdsPost("999002", "dz", envelopeOf(list))
	if isdsField(body, "draftID") != id || isdsField(body, "state") != "draft" {
		t.Fatalf("list of drafts: %s", body)
	}
	_, body, sendCorr := in.isdsPost("999002", "dz", envelopeOf(`<k:SendDraft xmlns:k="`+isds.DraftNS+`"><k:draftID>`+id+`</k:draftID></k:SendDraft>`))
	dmID := isdsField(body, "dmID")
	if isdsField(body, "dmStatusCode") != "0000" || dmID == "" {
		t.Fatalf("SendDraft: %s", body)
	}
	if err := in.stop(); err != nil {
		t.Fatal(err)
	}
	log := isdsAccessLog(t, filepath.Join(dir, "data"))
	if e := log[draftCorr]; e.Outcome != "ok" || e.UpstreamStatus != "draft 0001" || !strings.Contains(e.Evidence, "draft="+id) {
		t.Errorf("access log of the draft: %+v", e)
	}
	if e := log[sendCorr]; e.Service != "dz/SendDraft" || e.AIS != "999002" || !strings.Contains(e.Evidence, "draft="+id+" dmID="+dmID) {
		t.Errorf("access log of the send: %+v", e)
	}
	st, err := sqlite.Open(context.Background(), filepath.Join(dir, "data", "konektor.db"), zap.NewNop())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	d, err := st.GetDraft(context.Background(), id)
	if err != nil || d.State != store.DraftSent || d.DmID != dmID || d.CreatedBy != "999003" || d.DoneBy != "999002" {
		t.Fatalf("stored draft: %+v %v", d, err)
	}
}

func envelopeOf(payload string) []byte {
	return []byte(`<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>` + payload + `</s:Body></s:Envelope>`)
}

// steppedClock is a clock the test moves.
type steppedClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *steppedClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *steppedClock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// readyz returns the status of the named readiness check.
func (in *instance) readyz(name string) (string, string) {
	in.t.Helper()
	resp, err := http.Get("http://" + in.ops + "/readyz")
	if err != nil {
		in.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var out struct {
		Checks []struct{ Name, Status, Error string }
	}
	if err := json.Unmarshal(b, &out); err != nil {
		in.t.Fatalf("readyz: %v %s", err, b)
	}
	for _, c := range out.Checks {
		if c.Name == name {
			return c.Status, c.Error
		}
	}
	in.t.Fatalf("readyz has no check %s: %s", name, b)
	return "", ""
}

// TestISDSBreakerAndReadiness: an ISDS node answering with maintenance
// (HTTP 503) opens its breaker after isds.breaker.failures_to_open
// answers; then /readyz reports the node not ready, callers get ISDS's
// outage status 9500 without a request reaching ISDS, and the access log
// says unavailable; after open_timeout on the injected clock a probe
// closes the breaker again.
func TestISDSBreakerAndReadiness(t *testing.T) {
	dir := t.TempDir()
	ca, err := tsa.NewSandboxCA(pkix.Name{CommonName: "ISDS stand-in CA"}, time.Now().Add(-24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	s, err := sim.New(sim.Options{CA: ca, SeedMessages: true})
	if err != nil {
		t.Fatal(err)
	}
	var down atomic.Bool
	var reached atomic.Int32
	down.Store(true)
	ts := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reached.Add(1)
		if down.Load() {
			w.Header().Set("Content-Type", "text/xml; charset=utf-8")
			w.WriteHeader(http.StatusServiceUnavailable)
			io.WriteString(w, `<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/"><SOAP-ENV:Body><SOAP-ENV:Fault><faultcode>Probíhá plánovaná údržba</faultcode><faultstring>údržba</faultstring></SOAP-ENV:Fault></SOAP-ENV:Body></SOAP-ENV:Envelope>`)
			return
		}
		s.ServeHTTP(w, r)
	}))
	ts.TLS = &tls.Config{MinVersion: tls.VersionTLS12}
	ts.StartTLS()
	t.Cleanup(ts.Close)
	serverCA, rootsFile := filepath.Join(dir, "isds-ca.pem"), filepath.Join(dir, "roots.pem")
	writePEM(t, serverCA, "CERTIFICATE", ts.Certificate().Raw)
	writePEM(t, rootsFile, "CERTIFICATE", s.Roots()[0].Raw)
	t.Setenv("KONEKTOR_SECRET_ISDS_MSTDEMD", "Sandbox-heslo-1")
	clk := &steppedClock{now: time.Now()}
	in := startClocked(t, filepath.Join(dir, "data"), clk.Now, func(c *config.Config) {
		c.ISDS.URL, c.ISDS.CA, c.ISDS.Roots = ts.URL, serverCA, []string{rootsFile}
		c.ISDS.Accounts = []config.ISDSAccount{{Box: sim.BoxDemoOVM, Login: "basic", User: "mstdemd.spravce", Password: "env:KONEKTOR_SECRET_ISDS_MSTDEMD"}}
		c.ISDS.Routes = []config.ISDSRoute{{AIS: "999002", Box: sim.BoxDemoOVM, OVM: "12345678"}}
		c.ISDS.Breaker = config.Breaker{FailuresToOpen: 2, OpenTimeout: config.Duration(30 * time.Second), HalfOpenRequests: 1}
	})
	check := "upstream:isds:" + strings.TrimPrefix(ts.URL, "https://")
	if st, msg := in.readyz(check); st != "ok" {
		t.Fatalf("before any failure: %s %s", st, msg)
	}
	owner := isdsCall("GetOwnerInfoFromLogin2", "<v:dbDummy/>", "")
	for i := 0; i < 2; i++ {
		if code, body, _ := in.isdsPost("999002", "DsManage", owner); code != http.StatusServiceUnavailable {
			t.Fatalf("maintenance %d: %d %s", i, code, body)
		}
	}
	if st, msg := in.readyz(check); st != "fail" || !strings.Contains(msg, "circuit open") {
		t.Fatalf("readiness with the breaker open: %s %s", st, msg)
	}
	before := reached.Load()
	code, body, outageCorr := in.isdsPost("999002", "DsManage", owner)
	if code != http.StatusOK || isdsField(body, "dbStatusCode") != isds.StatusOutage {
		t.Fatalf("with the breaker open: %d %s", code, body)
	}
	if reached.Load() != before {
		t.Fatal("a request reached ISDS while its breaker was open")
	}

	down.Store(false)
	clk.add(31 * time.Second)
	code, body, _ = in.isdsPost("999002", "DsManage", owner)
	if code != http.StatusOK || isdsField(body, "dbStatusCode") != "0000" {
		t.Fatalf("after the open timeout: %d %s", code, body)
	}
	if st, msg := in.readyz(check); st != "ok" {
		t.Fatalf("readiness after recovery: %s %s", st, msg)
	}
	if err := in.stop(); err != nil {
		t.Fatal(err)
	}
	e := isdsAccessLog(t, filepath.Join(dir, "data"))[outageCorr]
	if e.Outcome != "unavailable" || e.UpstreamStatus != "ISDS 9500 (konektor)" || !strings.Contains(e.Reason, "circuit-open") {
		t.Fatalf("access log of the outage answer: %+v", e)
	}
}
