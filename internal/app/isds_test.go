package app

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/zap"

	"konektor/adapters/isds/sim"
	"konektor/certs"
	"konektor/certs/tsa"
	"konektor/certs/zfo"
	"konektor/internal/config"
	"konektor/internal/store"
	"konektor/internal/store/sqlite"
)

// isdsCall is one ISDS SOAP 1.1 message as an agenda system sends it;
// header, when set, is a SOAP Header the caller added (its own
// credentials, which must never reach ISDS).
func isdsCall(op, inner, header string) []byte {
	h := ""
	if header != "" {
		h = "<s:Header>" + header + "</s:Header>"
	}
	return []byte(`<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:v="http://isds.czechpoint.cz/v20">` +
		h + `<s:Body><v:` + op + `>` + inner + `</v:` + op + `></s:Body></s:Envelope>`)
}

const (
	isdsListReceived = `<v:dmFromTime xsi:nil="true"/><v:dmToTime xsi:nil="true"/><v:dmRecipientOrgUnitNum xsi:nil="true"/>` +
		`<v:dmStatusFilter>-1</v:dmStatusFilter><v:dmOffset xsi:nil="true"/><v:dmLimit xsi:nil="true"/>`
	isdsCreate = `<v:dmEnvelope><v:dmSenderOrgUnit xsi:nil="true"/><v:dmSenderOrgUnitNum xsi:nil="true"/><v:dbIDRecipient>firma2x</v:dbIDRecipient>` +
		`<v:dmRecipientOrgUnit xsi:nil="true"/><v:dmRecipientOrgUnitNum xsi:nil="true"/><v:dmToHands xsi:nil="true"/><v:dmAnnotation>Výzva k doplnění</v:dmAnnotation>` +
		`<v:dmRecipientRefNumber xsi:nil="true"/><v:dmSenderRefNumber xsi:nil="true"/><v:dmRecipientIdent xsi:nil="true"/><v:dmSenderIdent xsi:nil="true"/>` +
		`<v:dmLegalTitleLaw xsi:nil="true"/><v:dmLegalTitleYear xsi:nil="true"/><v:dmLegalTitleSect xsi:nil="true"/><v:dmLegalTitlePar xsi:nil="true"/>` +
		`<v:dmLegalTitlePoint xsi:nil="true"/><v:dmPersonalDelivery>false</v:dmPersonalDelivery><v:dmAllowSubstDelivery>true</v:dmAllowSubstDelivery></v:dmEnvelope>` +
		`<v:dmFiles><v:dmFile dmMimeType="application/pdf" dmFileMetaType="main" dmFileDescr="vyzva.pdf"><v:dmEncodedContent>JVBERi0xLjQK</v:dmEncodedContent></v:dmFile></v:dmFiles>`
	// isdsCallerCreds are credentials an agenda system might send along;
	// konektor holds the box's own and drops these.
	isdsCallerCreds = `<wsse:Security xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd">` +
		`<wsse:UsernameToken><wsse:Username>mstdemd.spravce</wsse:Username><wsse:Password>callers-own-secret</wsse:Password></wsse:UsernameToken></wsse:Security>`
)

func isdsField(body []byte, name string) string {
	m := regexp.MustCompile(`<(?:\w+:)?` + name + `(?: [^>]*)?>([^<]*)</`).FindSubmatch(body)
	if m == nil {
		return ""
	}
	return string(m[1])
}

func isdsFields(body []byte, name string) []string {
	var out []string
	for _, m := range regexp.MustCompile(`<(?:\w+:)?`+name+`(?: [^>]*)?>([^<]*)</`).FindAllSubmatch(body, -1) {
		out = append(out, string(m[1]))
	}
	return out
}

// isdsPost posts an ISDS call as client and returns the answer and its
// correlation id; the caller also sends HTTP Basic credentials of its own.
func (in *instance) isdsPost(client, svc string, body []byte) (int, []byte, string) {
	in.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, "https://"+in.bus+"/bus/isds/"+svc, bytes.NewReader(body))
	req.Header.Set("Content-Type", "text/xml; charset=utf-8")
	req.Header.Set("SOAPAction", `""`)
	req.SetBasicAuth("mstdemd.spravce", "callers-own-secret")
	resp, err := in.client(client).Do(req)
	if err != nil {
		in.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		in.t.Fatal(err)
	}
	return resp.StatusCode, b, resp.Header.Get("X-Konektor-Correlation-Id")
}

// isdsAccessLog reads the access log of a stopped instance by correlation
// id.
func isdsAccessLog(t *testing.T, dir string) map[string]store.AccessEntry {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(dir, "konektor.db"), zap.NewNop())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	out := map[string]store.AccessEntry{}
	if err := st.ScanAccess(context.Background(), 1, func(e store.AccessEntry) error {
		out[e.CorrelationID] = e
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestISDSOnEmbeddedDefaults runs data-box calls through konektor on its
// embedded defaults: demo client 999002 uses the demo OVM box of the
// in-process ISDS sandbox with every privilege, 999003 the region's box
// with viewing and searching only.
func TestISDSOnEmbeddedDefaults(t *testing.T) {
	in := startInstance(t, nil)
	if !strings.Contains(in.out.String(), "/bus/isds/{dz|dx|df|DsManage}") {
		t.Errorf("the banner does not mention ISDS:\n%s", in.out.String())
	}
	type want struct {
		outcome, status string
		evidence        []string
		reason          string
	}
	checks := map[string]want{}

	// List received messages: the sandbox's seeded messages of the box.
	code, body, id := in.isdsPost("999002", "dx", isdsCall("GetListOfReceivedMessages", isdsListReceived, isdsCallerCreds))
	if code != http.StatusOK || isdsField(body, "dmStatusCode") != "0000" {
		t.Fatalf("list received: %d %s", code, body)
	}
	ids := isdsFields(body, "dmID")
	if len(ids) < 2 {
		t.Fatalf("list received: want the seeded messages, got %v", ids)
	}
	checks[id] = want{outcome: "ok", status: "ISDS 0000"}
	dm := ids[0]

	// Download, plain and signed: the ZFO is verified and the access log
	// records dmID, box and result.
	code, body, id = in.isdsPost("999002", "dz", isdsCall("MessageDownload", "<v:dmID>"+dm+"</v:dmID>", ""))
	if code != http.StatusOK || isdsField(body, "dmStatusCode") != "0000" || isdsField(body, "dmID") != dm {
		t.Fatalf("download: %d %s", code, body)
	}
	checks[id] = want{outcome: "ok", status: "ISDS 0000", evidence: []string{"isds MessageDownload dmID=" + dm + " box=mstdemd"}}

	code, body, id = in.isdsPost("999002", "dz", isdsCall("SignedMessageDownload", "<v:dmID>"+dm+"</v:dmID>", ""))
	if code != http.StatusOK || isdsField(body, "dmStatusCode") != "0000" {
		t.Fatalf("signed download: %d %s", code, body)
	}
	checks[id] = want{outcome: "ok", status: "ISDS 0000", evidence: []string{"isds SignedMessageDownload dmID=" + dm + " box=mstdemd zfo=message",
		"recipient=mstdemd", "signature=valid chain=trusted dmHash=match timestamp=valid valid=true"}}
	z, err := base64.StdEncoding.DecodeString(isdsField(body, "dmSignature"))
	if err != nil || len(z) == 0 {
		t.Fatalf("the ZFO is not passed on: %v", err)
	}
	// The caller can verify the ZFO itself against the dev CA, which
	// issued the sandbox's seal and TSA.
	pool, err := certs.LoadPool(certs.DevPKIPaths(in.cfg.PKIDir()).CA)
	if err != nil {
		t.Fatal(err)
	}
	if rep := zfo.Verify(z, zfo.Options{Roots: pool}); !rep.Valid || rep.DmID != dm || rep.Kind != zfo.KindMessage {
		t.Fatalf("the relayed ZFO does not verify: %+v", rep)
	}

	// Every seeded message verifies on a fresh dev PKI, though it was
	// accepted (and stamped) days before the PKI was made.
	for _, other := range ids[1:] {
		_, body, id := in.isdsPost("999002", "dz", isdsCall("SignedMessageDownload", "<v:dmID>"+other+"</v:dmID>", ""))
		if isdsField(body, "dmStatusCode") != "0000" {
			t.Fatalf("signed download of %s: %s", other, body)
		}
		checks[id] = want{outcome: "ok", status: "ISDS 0000", evidence: []string{"dmID=" + other, "valid=true"}}
	}

	// Send.
	code, body, id = in.isdsPost("999002", "dz", isdsCall("CreateMessage", isdsCreate, isdsCallerCreds))
	sent := isdsField(body, "dmID")
	if code != http.StatusOK || isdsField(body, "dmStatusCode") != "0000" || sent == "" {
		t.Fatalf("create: %d %s", code, body)
	}
	checks[id] = want{outcome: "ok", status: "ISDS 0000"}

	// Refused by policy: 999003 may view and search its box, not send.
	code, body, id = in.isdsPost("999003", "dz", isdsCall("CreateMessage", isdsCreate, ""))
	if code != http.StatusForbidden || !bytes.Contains(body, []byte("Fault>")) || !bytes.Contains(body, []byte("PRIVIL_CREATE_DM")) {
		t.Fatalf("refusal: %d %s", code, body)
	}
	checks[id] = want{outcome: "denied", reason: "PRIVIL_CREATE_DM"}

	// 999003 lists its box through the view-only login: nothing is
	// delivered on its behalf.
	code, body, id = in.isdsPost("999003", "dx", isdsCall("GetListOfReceivedMessages", isdsListReceived, ""))
	if code != http.StatusOK || isdsField(body, "dmStatusCode") != "0000" {
		t.Fatalf("view-only list: %d %s", code, body)
	}
	checks[id] = want{outcome: "ok", status: "ISDS 0000"}

	// A client without a box in the configuration is refused.
	code, body, _ = in.isdsPost("auditor", "dx", isdsCall("GetListOfReceivedMessages", isdsListReceived, ""))
	if code == http.StatusOK {
		t.Fatalf("a client without a box got %d %s", code, body)
	}

	// The published contract points at konektor.
	resp, err := in.client("999002").Get("https://" + in.bus + "/bus/isds/dz?wsdl")
	if err != nil {
		t.Fatal(err)
	}
	wsdl, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !bytes.Contains(wsdl, []byte("CreateMessage")) || !bytes.Contains(wsdl, []byte("https://"+in.bus+"/bus/isds/dz")) {
		t.Fatalf("wsdl: %d %.300s", resp.StatusCode, wsdl)
	}

	if err := in.stop(); err != nil {
		t.Fatal(err)
	}
	log := isdsAccessLog(t, in.dir)
	for id, w := range checks {
		e, ok := log[id]
		if !ok {
			t.Errorf("%s: not in the access log", id)
			continue
		}
		if e.Upstream != "isds" || e.Outcome != w.outcome || (w.status != "" && e.UpstreamStatus != w.status) {
			t.Errorf("%s: %s %s %s %s (%s)", id, e.Upstream, e.Service, e.Outcome, e.UpstreamStatus, e.Reason)
		}
		for _, s := range w.evidence {
			if !strings.Contains(e.Evidence, s) {
				t.Errorf("%s %s: evidence %q lacks %q", id, e.Service, e.Evidence, s)
			}
		}
		if w.reason != "" && !strings.Contains(e.Reason, w.reason) {
			t.Errorf("%s: reason %q lacks %q", id, e.Reason, w.reason)
		}
		if strings.Contains(e.Evidence+e.Reason, "Výzva") || strings.Contains(e.Evidence+e.Reason, "callers-own-secret") {
			t.Errorf("%s: the access log holds content or secrets: %+v", id, e)
		}
	}
	for _, e := range in.logs.All() {
		if line := fmt.Sprint(e.Message, e.ContextMap()); strings.Contains(line, "Sandbox-heslo") || strings.Contains(line, "callers-own-secret") {
			t.Fatalf("a log line holds a password: %s", line)
		}
	}
}

// isdsRecorder is an "ISDS" reached by URL as in production: the sandbox
// behind a TLS server that keeps what it received.
type isdsRecorder struct {
	mu      sync.Mutex
	headers []http.Header
	paths   []string
	bodies  [][]byte
}

func (r *isdsRecorder) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		b, _ := io.ReadAll(io.LimitReader(req.Body, 64<<20))
		r.mu.Lock()
		r.headers = append(r.headers, req.Header.Clone())
		r.paths = append(r.paths, req.URL.Path)
		r.bodies = append(r.bodies, b)
		r.mu.Unlock()
		req.Body = io.NopCloser(bytes.NewReader(b))
		h.ServeHTTP(w, req)
	})
}

func writePEM(t *testing.T, path, typ string, der []byte) {
	t.Helper()
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestISDSProductionConfig configures ISDS as in production: a base URL,
// accounts with a password from the environment and a hosted-service
// certificate, routes, the ZFO trust roots and ISDS's server CA as files.
// The caller's credentials never reach ISDS.
func TestISDSProductionConfig(t *testing.T) {
	dir := t.TempDir()
	ca, err := tsa.NewSandboxCA(pkix.Name{CommonName: "ISDS production stand-in CA"}, time.Now().Add(-24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	// The provider's certificate of a hosted records service.
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: "spisovka kraje"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}, KeyUsage: x509.KeyUsageDigitalSignature}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, _ := x509.ParseCertificate(der)
	kder, _ := x509.MarshalPKCS8PrivateKey(key)
	certFile, keyFile := filepath.Join(dir, "hspis.pem"), filepath.Join(dir, "hspis-key.pem")
	writePEM(t, certFile, "CERTIFICATE", der)
	writePEM(t, keyFile, "PRIVATE KEY", kder)

	s, err := sim.New(sim.Options{CA: ca, SeedMessages: true,
		HostedServices: []sim.HostedService{{Certificate: leaf, Boxes: []string{sim.BoxRegion}}}})
	if err != nil {
		t.Fatal(err)
	}
	rec := &isdsRecorder{}
	ts := httptest.NewUnstartedServer(rec.wrap(s))
	ts.TLS = &tls.Config{ClientAuth: tls.RequestClientCert, MinVersion: tls.VersionTLS12}
	ts.StartTLS()
	t.Cleanup(ts.Close)
	serverCA, rootsFile := filepath.Join(dir, "isds-server-ca.pem"), filepath.Join(dir, "postsignum-roots.pem")
	writePEM(t, serverCA, "CERTIFICATE", ts.Certificate().Raw)
	writePEM(t, rootsFile, "CERTIFICATE", s.Roots()[0].Raw)
	t.Setenv("KONEKTOR_SECRET_ISDS_MSTDEMD", "Sandbox-heslo-1")

	in := startInstance(t, func(c *config.Config) {
		c.ISDS.URL = ts.URL
		c.ISDS.CA = serverCA
		c.ISDS.Roots = []string{rootsFile}
		c.ISDS.Accounts = []config.ISDSAccount{
			{Box: sim.BoxDemoOVM, Login: "basic", User: "mstdemd.spravce", Password: "env:KONEKTOR_SECRET_ISDS_MSTDEMD"},
			{Box: sim.BoxRegion, Login: "hspis", Cert: certFile, Key: keyFile, Throttled: true},
		}
		c.ISDS.Routes = []config.ISDSRoute{{AIS: "999002", Box: sim.BoxDemoOVM, OVM: "12345678"}, {AIS: "999003", Box: sim.BoxRegion, OVM: "87654321"}}
		if p := c.Validate(); len(p) > 0 {
			t.Fatalf("the production configuration is invalid: %v", p)
		}
	})

	code, body, _ := in.isdsPost("999002", "dx", isdsCall("GetListOfReceivedMessages", isdsListReceived, isdsCallerCreds))
	ids := isdsFields(body, "dmID")
	if code != http.StatusOK || len(ids) < 2 {
		t.Fatalf("list received: %d %s", code, body)
	}
	code, body, signedID := in.isdsPost("999002", "dz", isdsCall("SignedMessageDownload", "<v:dmID>"+ids[0]+"</v:dmID>", isdsCallerCreds))
	if code != http.StatusOK || isdsField(body, "dmStatusCode") != "0000" {
		t.Fatalf("signed download: %d %s", code, body)
	}
	code, body, _ = in.isdsPost("999003", "df", isdsCall("CheckDataBox", "<v:dbID>"+sim.BoxDemoOVM+"</v:dbID>", isdsCallerCreds))
	if code != http.StatusOK || isdsField(body, "dbStatusCode") != "0000" {
		t.Fatalf("check data box through the hosted service: %d %s", code, body)
	}
	if err := in.stop(); err != nil {
		t.Fatal(err)
	}

	rec.mu.Lock()
	defer rec.mu.Unlock()
	if len(rec.bodies) != 3 {
		t.Fatalf("ISDS received %d requests, want 3 (%v)", len(rec.bodies), rec.paths)
	}
	basic := "Basic " + base64.StdEncoding.EncodeToString([]byte("mstdemd.spravce:Sandbox-heslo-1"))
	hosted := "Basic " + base64.StdEncoding.EncodeToString([]byte(sim.BoxRegion+":"))
	for i, want := range []struct{ path, auth string }{{"/DS/dx", basic}, {"/DS/dz", basic}, {"/hspis/DS/df", hosted}} {
		if rec.paths[i] != want.path || rec.headers[i].Get("Authorization") != want.auth {
			t.Errorf("request %d: %s with %q, want %s with the box's credentials", i, rec.paths[i], rec.headers[i].Get("Authorization"), want.path)
		}
		if bytes.Contains(rec.bodies[i], []byte("callers-own-secret")) || bytes.Contains(rec.bodies[i], []byte("UsernameToken")) ||
			bytes.Contains(rec.bodies[i], []byte("Header")) {
			t.Errorf("request %d: the caller's credentials reached ISDS: %s", i, rec.bodies[i])
		}
	}
	e := isdsAccessLog(t, in.dir)[signedID]
	if !strings.Contains(e.Evidence, "dmID="+ids[0]+" box=mstdemd zfo=message") || !strings.Contains(e.Evidence, "chain=trusted") || !strings.Contains(e.Evidence, "valid=true") {
		t.Errorf("evidence against the configured roots: %q", e.Evidence)
	}
}
