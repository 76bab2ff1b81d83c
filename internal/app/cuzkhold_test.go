package app

import (
	"bytes"
	"crypto/tls"
	"encoding/json"
	"io"
	"log"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"konektor/adapters/cuzk/sim"
	"konektor/certs"
	"konektor/internal/config"
	"konektor/internal/store/postgres/pgtest"
)

// cuzkNode is a ČÚZK sandbox outside konektor (ČÚZK itself, as every
// konektor node sees it), counting the WSDP requests that reach it.
type cuzkNode struct {
	url   string
	sim   *sim.Server
	calls atomic.Int32
}

// startCUZKNode serves a ČÚZK sandbox over TLS with the dev PKI's server
// certificate; DEMO-WSDP's password is password.
func startCUZKNode(t *testing.T, pkiDir string, clk *testClock, password string) *cuzkNode {
	t.Helper()
	s, err := sim.New(sim.Options{Now: clk.Now, Accounts: []sim.Account{
		{User: "DEMO-WSDP", Password: password, Type: sim.Paying},
		{User: "DEMO-WSDP-FREE", Password: "heslo-bezuplatne-1", Type: sim.Free}}})
	if err != nil {
		t.Fatal(err)
	}
	n := &cuzkNode{sim: s}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/ws/") {
			n.calls.Add(1)
		}
		s.ServeHTTP(w, r)
	})
	pki := certs.DevPKIPaths(pkiDir)
	pair, err := tls.LoadX509KeyPair(pki.Server, pki.ServerKey)
	if err != nil {
		t.Fatal(err)
	}
	conf := &tls.Config{Certificates: []tls.Certificate{pair}, MinVersion: tls.VersionTLS12}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: h, TLSConfig: conf, ErrorLog: log.New(io.Discard, "", 0)}
	go srv.Serve(tls.NewListener(ln, conf))
	t.Cleanup(func() { srv.Close() })
	n.url = "https://" + ln.Addr().String()
	return n
}

// cuzkOn points a konektor configuration at node (instead of the
// in-process sandbox); the secret watch is left to the test.
func cuzkOn(c *config.Config, node *cuzkNode) {
	c.CUZK.Nodes = []config.Node{{Name: "cuzk", URL: node.url}}
	c.CUZK.CA = certs.DevPKIPaths(c.PKIDir()).CA
	c.CUZK.AllowUnverifiableReports = true
	c.CUZK.SecretWatch = 0
}

// ownerSearch asks for an owner through in (never cached, so every call
// is meant for ČÚZK) and returns the HTTP status and body.
func ownerSearch(t *testing.T, in *instance) (int, []byte) {
	t.Helper()
	resp, body := in.post("999002", "/bus/cuzk/vyhledat", action(t, "vyhledat", "najdiOS"),
		cuzkReq("vyhledat", "NajdiOSRequest", "<v:prijmeni>Nováková</v:prijmeni>"))
	return resp.StatusCode, body
}

func accountState(t *testing.T, in *instance, name string) AccountView {
	t.Helper()
	var st struct {
		Accounts []AccountView `json:"accounts"`
	}
	if err := json.Unmarshal([]byte(in.opsGet(t, "/ops/cuzk/accounts")), &st); err != nil {
		t.Fatal(err)
	}
	for _, a := range st.Accounts {
		if a.Account == name {
			return a
		}
	}
	t.Fatalf("no account %s in %+v", name, st.Accounts)
	return AccountView{}
}

func wantSuspended(t *testing.T, what string, code int, body []byte) {
	t.Helper()
	if code < 500 || !bytes.Contains(body, []byte("pozastaven")) || !bytes.Contains(body, []byte("re-enable")) {
		t.Fatalf("%s: HTTP %d, want the suspended-account fault\n%s", what, code, body)
	}
}

// TestCUZKHoldTwoNodes: two konektor nodes share one PostgreSQL store and
// one ČÚZK. After node A's refused login, node B sends nothing for the
// account; enable-account on B puts the account back into use on both.
func TestCUZKHoldTwoNodes(t *testing.T) {
	dbURL := pgtest.NewSchema(t) // skips without KONEKTOR_TEST_DATABASE_URL
	pkiDir := filepath.Join(t.TempDir(), "pki")
	initPKI(t, pkiDir)
	clk := newTestClock()
	node := startCUZKNode(t, pkiDir, clk, "heslo-kraje-1")
	t.Setenv("KONEKTOR_SECRET_CUZK_DEMO", "heslo-kraje-1")
	start := func() *instance {
		dir := t.TempDir()
		copyPKI(t, pkiDir, dir)
		return startClocked(t, dir, clk.Now, func(c *config.Config) {
			c.DatabaseURL = dbURL
			cuzkOn(c, node)
		})
	}
	a, b := start(), start()

	for i, in := range []*instance{a, b} {
		if code, body := ownerSearch(t, in); code != 200 || !bytes.Contains(body, []byte("NajdiOSResponse")) {
			t.Fatalf("node %d with the right password: HTTP %d\n%s", i, code, body)
		}
	}
	if got := node.calls.Load(); got != 2 {
		t.Fatalf("%d calls reached ČÚZK, want 2", got)
	}

	// The password is changed wrongly (on every node, as a shared
	// configuration would): A's next call is refused by ČÚZK.
	t.Setenv("KONEKTOR_SECRET_CUZK_DEMO", "spatne-heslo-1")
	code, body := ownerSearch(t, a)
	wantSuspended(t, "A's refused login", code, body)
	if got := node.calls.Load(); got != 3 {
		t.Fatalf("%d calls reached ČÚZK, want 3", got)
	}
	// B, verified before, sends nothing more for the account.
	for i := 0; i < 3; i++ {
		code, body := ownerSearch(t, b)
		wantSuspended(t, "B's call", code, body)
	}
	if got := node.calls.Load(); got != 3 {
		t.Fatalf("node B called ČÚZK after A's refused login: %d calls, want 3", got)
	}
	if _, locked := node.sim.LockedUntil("DEMO-WSDP"); locked {
		t.Fatal("ČÚZK locked the account")
	}
	stA, stB := accountState(t, a, "DEMO-WSDP"), accountState(t, b, "DEMO-WSDP")
	if !stA.Disabled || !stB.Disabled || stB.Node == "" || stB.Node != stA.Node || !strings.Contains(stB.Reason, "FailedAuthentication") {
		t.Fatalf("accounts: A %+v, B %+v", stA, stB)
	}
	// The alert is raised once, by the node that saw the refusal.
	if a.metric(`konektor_cuzk_account_disabled_total{account="DEMO-WSDP"}`) != 1 ||
		b.metric(`konektor_cuzk_account_disabled_total{account="DEMO-WSDP"}`) != 0 {
		t.Fatal("disabled-account metric")
	}
	if a.logs.FilterMessageSnippet("cuzk account disabled after failed login").Len() != 1 ||
		b.logs.FilterMessageSnippet("cuzk account on hold").Len() != 1 {
		t.Fatal("log lines of the hold")
	}

	// The operator fixes the password and enables the account on B.
	t.Setenv("KONEKTOR_SECRET_CUZK_DEMO", "heslo-kraje-1")
	if code, out := b.opsPost(t, "/ops/cuzk/accounts/DEMO-WSDP/enable", true); code != 200 || !strings.Contains(out, `"was_disabled":true`) {
		t.Fatalf("enable on B: %d %s", code, out)
	}
	for i, in := range []*instance{a, b} {
		if code, body := ownerSearch(t, in); code != 200 || !bytes.Contains(body, []byte("NajdiOSResponse")) {
			t.Fatalf("node %d after enable-account on B: HTTP %d\n%s", i, code, body)
		}
		if st := accountState(t, in, "DEMO-WSDP"); st.Disabled || !st.Verified {
			t.Fatalf("node %d: %+v", i, st)
		}
	}
	if got := node.calls.Load(); got != 5 {
		t.Fatalf("%d calls reached ČÚZK, want 5", got)
	}
	for _, in := range []*instance{a, b} {
		for _, e := range in.logs.All() {
			line := e.Message + " " + strings.Join(fieldValues(e.ContextMap()), " ")
			for _, secret := range []string{"heslo-kraje-1", "spatne-heslo-1"} {
				if strings.Contains(line, secret) {
					t.Fatalf("log line holds %q: %s", secret, line)
				}
			}
		}
	}
}

// TestCUZKHoldSurvivesRestart: on the embedded default (SQLite) a hold
// survives a restart: the restarted node does not try the refused account
// again; enable-account ends the hold.
func TestCUZKHoldSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	initPKI(t, filepath.Join(dir, "pki"))
	clk := newTestClock()
	node := startCUZKNode(t, filepath.Join(dir, "pki"), clk, "heslo-kraje-1")
	start := func() *instance {
		return startClocked(t, dir, clk.Now, func(c *config.Config) { cuzkOn(c, node) })
	}
	t.Setenv("KONEKTOR_SECRET_CUZK_DEMO", "spatne-heslo-1")
	in := start()
	code, body := ownerSearch(t, in)
	wantSuspended(t, "refused login", code, body)
	if err := in.stop(); err != nil {
		t.Fatal(err)
	}
	if got := node.calls.Load(); got != 1 {
		t.Fatalf("%d calls reached ČÚZK", got)
	}

	in = start()
	st := accountState(t, in, "DEMO-WSDP")
	if !st.Disabled || st.Node == "" || st.Since.IsZero() {
		t.Fatalf("after the restart: %+v", st)
	}
	for i := 0; i < 2; i++ {
		code, body := ownerSearch(t, in)
		wantSuspended(t, "after the restart", code, body)
	}
	if got := node.calls.Load(); got != 1 {
		t.Fatalf("the restarted node called ČÚZK with the refused account: %d calls", got)
	}
	t.Setenv("KONEKTOR_SECRET_CUZK_DEMO", "heslo-kraje-1")
	if code, out := in.opsPost(t, "/ops/cuzk/accounts/DEMO-WSDP/enable", true); code != 200 || !strings.Contains(out, `"was_disabled":true`) {
		t.Fatalf("enable: %d %s", code, out)
	}
	if code, body := ownerSearch(t, in); code != 200 || !bytes.Contains(body, []byte("NajdiOSResponse")) {
		t.Fatalf("after enable-account: HTTP %d\n%s", code, body)
	}
}
