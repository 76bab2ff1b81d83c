package app

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap"

	"konektor/adapters/cuzk"
	"konektor/adapters/cuzk/sim"
	"konektor/certs"
	"konektor/certs/wssec"
	"konektor/gateway/breaker"
	"konektor/gateway/catalogue"
	"konektor/gateway/httpapi"
	"konektor/gateway/metrics"
	"konektor/gateway/pipeline"
	"konektor/gateway/subject"
	"konektor/internal/config"
	"konektor/internal/store"
	"konektor/internal/store/sqlite"
	"konektor/policies"
	contract "konektor/wsdl/cuzk"
)

// cuzkReq wraps a WSDP request element of a service in a SOAP 1.1
// envelope, with a caller's own Security header konektor must drop.
func cuzkReq(service, name, inner string) []byte {
	return []byte(`<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Header>` +
		`<wsse:Security xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd">` +
		`<wsse:UsernameToken><wsse:Username>OBEC</wsse:Username><wsse:Password>obecni-heslo</wsse:Password></wsse:UsernameToken></wsse:Security>` +
		`</soapenv:Header><soapenv:Body><v:` + name + ` xmlns:v="` + contract.TypesNS(service) + `">` + inner + `</v:` + name +
		`></soapenv:Body></soapenv:Envelope>`)
}

// action is the official SOAPAction of an operation (double slash for
// vyhledat and sestavy).
func action(t *testing.T, service, op string) string {
	t.Helper()
	o, ok := contract.Lookup(service, op)
	if !ok {
		t.Fatalf("no operation %s/%s", service, op)
	}
	return o.Action
}

func startCUZK(t *testing.T, clk *testClock) *instance {
	t.Helper()
	t.Setenv("KONEKTOR_SECRET_CUZK_DEMO", "heslo-kraje-1")
	return startClocked(t, t.TempDir(), clk.Now, func(c *config.Config) {
		c.CUZK.SecretWatch = 0 // re-enabling is the operator's, in this test
	})
}

func TestCUZKEndToEnd(t *testing.T) {
	clk := newTestClock()
	in := startCUZK(t, clk)

	// Code list: cached (miss, then hit).
	seznamKU := cuzkReq("ciselnik", "SeznamKURequest", "<v:kde><v:kodObce><v:odpovida>550426</v:odpovida></v:kodObce></v:kde>")
	for i, want := range []string{"miss", "hit"} {
		resp, body := in.post("999002", "/bus/cuzk/ciselnik", action(t, "ciselnik", "seznamKU"), seznamKU)
		if resp.StatusCode != 200 || resp.Header.Get("X-Konektor-Cache") != want || !bytes.Contains(body, []byte("SeznamKUResponse")) {
			t.Fatalf("seznamKU %d: %d cache %q\n%s", i, resp.StatusCode, resp.Header.Get("X-Konektor-Cache"), body)
		}
	}

	// A search of a parcel, with the double-slash SOAPAction.
	resp, body := in.post("999002", "/bus/cuzk/vyhledat", action(t, "vyhledat", "najdiParcelu"),
		cuzkReq("vyhledat", "NajdiParceluRequest", "<v:parcelaId>"+sim.SampleParcela+"</v:parcelaId>"))
	if resp.StatusCode != 200 || !bytes.Contains(body, []byte(sim.SampleParcela)) || !strings.Contains(action(t, "vyhledat", "najdiParcelu"), "//") {
		t.Fatalf("najdiParcelu: %d\n%s", resp.StatusCode, body)
	}

	// Owner search: never cached.
	najdiOS := cuzkReq("vyhledat", "NajdiOSRequest", "<v:prijmeni>Nováková</v:prijmeni>")
	for i := 0; i < 2; i++ {
		resp, body := in.post("999002", "/bus/cuzk/vyhledat", action(t, "vyhledat", "najdiOS"), najdiOS)
		if resp.StatusCode != 200 || resp.Header.Get("X-Konektor-Cache") == "hit" || !bytes.Contains(body, []byte("NajdiOSResponse")) {
			t.Fatalf("najdiOS %d: %d cache %q\n%s", i, resp.StatusCode, resp.Header.Get("X-Konektor-Cache"), body)
		}
	}

	// A report: generated, ready on the sandbox's clock, downloaded.
	resp, body = in.post("999002", "/bus/cuzk/sestavy", action(t, "sestavy", "generujLV"),
		cuzkReq("sestavy", "GenerujLVRequest", "<v:lvId>"+sim.SampleLV+"</v:lvId><v:format>xml</v:format>"))
	m := regexp.MustCompile(`<(?:\w+:)?id>(\d+)</(?:\w+:)?id>`).FindSubmatch(body)
	if resp.StatusCode != 200 || m == nil {
		t.Fatalf("generujLV: %d\n%s", resp.StatusCode, body)
	}
	id := string(m[1])
	clk.Advance(time.Minute)
	resp, body = in.post("999002", "/bus/cuzk/sestavy", action(t, "sestavy", "vratSestavu"),
		cuzkReq("sestavy", "VratSestavuRequest", "<v:idSestavy>"+id+"</v:idSestavy>"))
	file := regexp.MustCompile(`<(?:\w+:)?souborSestavy>([^<]+)<`).FindSubmatch(body)
	if resp.StatusCode != 200 || file == nil {
		t.Fatalf("vratSestavu: %d\n%s", resp.StatusCode, body)
	}
	report, err := base64.StdEncoding.DecodeString(string(file[1]))
	if err != nil {
		t.Fatal(err)
	}
	// The report is sealed as ČÚZK seals them (an enveloped signature in
	// its root), by the dev ČÚZK seal, not by konektor's own.
	if !bytes.Contains(report, []byte(`<VypisZKatastruNemovitosti><ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#">`)) {
		t.Fatalf("report not sealed in its root:\n%.300s", report)
	}
	pki := in.cfg.PKIDir()
	for _, tc := range []struct {
		name  string
		trust string
		valid bool
	}{{"cuzk-seal", cuzkSealCert, true}, {"konektor-own-seal", "seal.pem", false}} {
		trust, err := wssec.LoadTrust(filepath.Join(pki, tc.trust))
		if err != nil {
			t.Fatal(err)
		}
		v, err := cuzk.NewDocReports(trust, clk.Now)
		if err != nil {
			t.Fatal(err)
		}
		ev, err := v.VerifyReport(context.Background(), report)
		if (err == nil) != tc.valid || (tc.valid && !strings.Contains(ev.Signer, "ČÚZK sandbox seal")) {
			t.Fatalf("%s: %+v %v", tc.name, ev, err)
		}
	}

	// 999003 may not use sestavy: refused as ČÚZK refuses (207), nothing sent.
	resp, body = in.post("999003", "/bus/cuzk/sestavy", action(t, "sestavy", "generujLV"),
		cuzkReq("sestavy", "GenerujLVRequest", "<v:lvId>"+sim.SampleLV+"</v:lvId><v:format>pdf</v:format>"))
	if resp.StatusCode != 200 || !bytes.Contains(body, []byte(`kod="207"`)) && !bytes.Contains(body, []byte(`<kod>207</kod>`)) {
		t.Fatalf("999003 sestavy: %d\n%s", resp.StatusCode, body)
	}

	// One failed login disables the account: a clear fault, a metric, a
	// log line; nothing more reaches ČÚZK until an operator enables it.
	t.Setenv("KONEKTOR_SECRET_CUZK_DEMO", "spatne-heslo")
	// (a search by number, not cached yet, so it reaches ČÚZK)
	parcel := cuzkReq("vyhledat", "NajdiParceluRequest", "<v:katastrUzemiKod>693936</v:katastrUzemiKod><v:kmenoveCislo>77</v:kmenoveCislo>")
	for i := 0; i < 3; i++ {
		resp, body = in.post("999002", "/bus/cuzk/vyhledat", action(t, "vyhledat", "najdiParcelu"), parcel)
		if resp.StatusCode < 500 || !bytes.Contains(body, []byte("pozastaven")) || !bytes.Contains(body, []byte("re-enable")) {
			t.Fatalf("disabled account call %d: %d\n%s", i, resp.StatusCode, body)
		}
	}
	if !strings.Contains(in.opsGet(t, "/metrics"), `konektor_cuzk_account_disabled_total{account="DEMO-WSDP"} 1`) {
		t.Fatal("no disabled-account metric")
	}
	if in.logs.FilterMessageSnippet("cuzk account disabled").Len() != 1 {
		t.Fatal("no log line for the disabled account")
	}
	var st struct {
		Accounts []AccountView `json:"accounts"`
	}
	if err := json.Unmarshal([]byte(in.opsGet(t, "/ops/cuzk/accounts")), &st); err != nil {
		t.Fatal(err)
	}
	if len(st.Accounts) != 2 || st.Accounts[0].Account != "DEMO-WSDP" || !st.Accounts[0].Disabled || st.Accounts[1].Disabled {
		t.Fatalf("accounts: %+v", st.Accounts)
	}

	// The operator fixes the password and enables the account.
	t.Setenv("KONEKTOR_SECRET_CUZK_DEMO", "heslo-kraje-1")
	if code, _ := in.opsPost(t, "/ops/cuzk/accounts/DEMO-WSDP/enable", false); code != http.StatusForbidden {
		t.Fatalf("enable without the operator header: %d", code)
	}
	if code, out := in.opsPost(t, "/ops/cuzk/accounts/DEMO-WSDP/enable", true); code != 200 || !strings.Contains(out, `"was_disabled":true`) {
		t.Fatalf("enable: %d %s", code, out)
	}
	resp, body = in.post("999002", "/bus/cuzk/vyhledat", action(t, "vyhledat", "najdiParcelu"), parcel)
	if resp.StatusCode != 200 || !bytes.Contains(body, []byte(sim.SampleParcela)) {
		t.Fatalf("after enable: %d\n%s", resp.StatusCode, body)
	}

	// The access log: the report's seal check, the refusal, the account.
	if err := in.stop(); err != nil {
		t.Fatal(err)
	}
	entries := accessLog(t, in.dir)
	subjects, err := subjectHasher(in.cfg) // the instance's access-log key
	if err != nil {
		t.Fatal(err)
	}
	owner, err := subjects.Hash(subject.KindPerson, "Nováková||")
	if err != nil {
		t.Fatal(err)
	}
	var sawSeal, sawDenied, sawDisabled bool
	owners := 0
	for _, e := range entries {
		if e.Upstream != "cuzk" {
			t.Errorf("entry %d upstream %q", e.Seq, e.Upstream)
		}
		switch {
		case e.Service == "sestavy/VratSestavuRequest" && e.AIS == "999002":
			sawSeal = e.Reason == "account DEMO-WSDP" && strings.HasPrefix(e.Evidence, "xml report "+id+": signature valid, signer CN=ČÚZK sandbox seal")
		case e.Service == "vyhledat/NajdiOSRequest":
			// The owner searched is findable by an auditor, as a keyed hash only.
			if e.Subject != owner {
				t.Errorf("entry %d subject %q, want %q", e.Seq, e.Subject, owner)
			}
			owners++
		case e.AIS == "999003":
			sawDenied = e.Outcome == "denied" && strings.Contains(e.Reason, "sestavy")
		case strings.Contains(e.Reason, "cuzk-account-disabled") || strings.Contains(e.Reason, "suspended"):
			sawDisabled = true
		}
		if strings.Contains(e.Reason, "heslo-kraje-1") || strings.Contains(e.Reason, "spatne-heslo") {
			t.Errorf("entry %d holds a password", e.Seq)
		}
	}
	if !sawSeal || !sawDenied || !sawDisabled || owners != 2 {
		for _, e := range entries {
			t.Logf("%d %s %s %s %s | %s", e.Seq, e.AIS, e.Service, e.Outcome, e.Reason, e.Evidence)
		}
		t.Fatalf("access log: seal %v denied %v disabled %v owner searches %d", sawSeal, sawDenied, sawDisabled, owners)
	}
	for _, e := range in.logs.All() {
		line := e.Message + " " + strings.Join(fieldValues(e.ContextMap()), " ")
		for _, secret := range []string{"heslo-kraje-1", "spatne-heslo", "obecni-heslo", "Nováková"} {
			if strings.Contains(line, secret) {
				t.Fatalf("log line holds %q: %s", secret, line)
			}
		}
	}
}

func fieldValues(m map[string]any) []string {
	var out []string
	for k, v := range m {
		b, _ := json.Marshal(v)
		out = append(out, k+"="+string(b))
	}
	return out
}

func accessLog(t *testing.T, dir string) []store.AccessEntry {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(dir, "konektor.db"), zap.NewNop())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var out []store.AccessEntry
	if err := st.ScanAccess(context.Background(), 1, func(e store.AccessEntry) error {
		out = append(out, e)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

func (in *instance) opsGet(t *testing.T, path string) string {
	t.Helper()
	r, err := http.Get("http://" + in.ops + path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Body.Close()
	b, _ := io.ReadAll(r.Body)
	if r.StatusCode != 200 {
		t.Fatalf("%s: %d %s", path, r.StatusCode, b)
	}
	return string(b)
}

func (in *instance) opsPost(t *testing.T, path string, operator bool) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, "http://"+in.ops+path, nil)
	if operator {
		req.Header.Set(httpapi.OperatorHeader, "test")
	}
	r, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Body.Close()
	b, _ := io.ReadAll(r.Body)
	return r.StatusCode, string(b)
}

// TestCUZKSecretWatch: an account on hold after a refused login is
// enabled again once its password changes (the operator fixed the
// secret), and not before; the hold lives in the store.
func TestCUZKSecretWatch(t *testing.T) {
	t.Setenv("KONEKTOR_SECRET_CUZK_DEMO", "heslo-kraje-1")
	dir := t.TempDir()
	c, err := config.Load("", []string{"KONEKTOR_DATA_DIR=" + dir, "KONEKTOR_SANDBOX_CUZK_ADDR=127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	c.CUZK.RefreshAccount, c.CUZK.SecretWatch = "DEMO-WSDP", 0
	if err := certs.EnsureDevPKI(c.PKIDir(), certs.DevPKIOptions{}); err != nil {
		t.Fatal(err)
	}
	cat, err := catalogue.Load()
	if err != nil {
		t.Fatal(err)
	}
	pol, err := policies.NewHolder(policies.Demo(), policies.HolderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(dir, "konektor.db"), zap.NewNop())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ups := map[string]pipeline.Upstream{}
	z, err := addCUZK(ctx, c, Options{Now: time.Now}, cat, ups, pol, st, metrics.New(), breaker.NewMetrics(), zap.NewNop())
	if err != nil {
		t.Fatal(err)
	}
	defer z.Close(context.Background())
	if ups["cuzk"] == nil {
		t.Fatal("the upstream is not registered")
	}
	if err := z.Upstream.RefreshCodeLists(ctx); err != nil {
		t.Fatal(err)
	}
	t.Setenv("KONEKTOR_SECRET_CUZK_DEMO", "spatne-heslo")
	if err := z.Upstream.RefreshCodeLists(ctx); err == nil {
		t.Fatal("a wrong password passed")
	}
	disabled := func() bool {
		t.Helper()
		all, err := z.Accounts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range all {
			if a.Account == "DEMO-WSDP" {
				return a.Disabled
			}
		}
		t.Fatal("no DEMO-WSDP")
		return false
	}
	h, err := st.GetCUZKHold(ctx, "DEMO-WSDP")
	if err != nil || !h.Held() || h.SecretFP != cuzk.SecretFingerprint("DEMO-WSDP", "spatne-heslo") {
		t.Fatalf("stored hold %+v %v", h, err)
	}
	z.reenableChanged(ctx)
	if !disabled() {
		t.Fatal("enabled while the refused password is unchanged")
	}
	t.Setenv("KONEKTOR_SECRET_CUZK_DEMO", "heslo-kraje-1")
	z.reenableChanged(ctx)
	if disabled() {
		t.Fatal("still disabled after the password changed")
	}
	if h, err := st.GetCUZKHold(ctx, "DEMO-WSDP"); err != nil || h.Held() || h.ReleasedBy == "" {
		t.Fatalf("released hold %+v %v", h, err)
	}
	if err := z.Upstream.RefreshCodeLists(ctx); err != nil {
		t.Fatal(err)
	}
	if locked, ok := z.Sandbox.LockedUntil("DEMO-WSDP"); ok {
		t.Fatalf("the sandbox locked the account until %s", locked)
	}
}
