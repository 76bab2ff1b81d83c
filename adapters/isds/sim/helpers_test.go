package sim

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"konektor/certs"
	"konektor/certs/tsa"
	"konektor/certs/zfo"
	"konektor/internal/xsdcheck"
)

// t0 is the sandbox clock at start: Monday 2 March 2026, 11:30 in Prague.
var t0 = time.Date(2026, 3, 2, 10, 30, 0, 0, time.UTC)

var (
	pkiOnce  sync.Once
	testCA   *certs.KeyPair
	testSeal *certs.KeyPair
	pkiErr   error
)

// sharedPKI is one CA and one seal for all tests (RSA key generation is
// slow).
func sharedPKI(t testing.TB) (*certs.KeyPair, *certs.KeyPair) {
	t.Helper()
	pkiOnce.Do(func() {
		if testCA, pkiErr = tsa.NewSandboxCA(pkix.Name{CommonName: "sim test CA"}, t0.Add(-90*24*time.Hour)); pkiErr != nil {
			return
		}
		testSeal, pkiErr = zfo.IssueSealCertificate(testCA, zfo.SandboxSealSubject, 2048, t0.Add(-90*24*time.Hour))
	})
	if pkiErr != nil {
		t.Fatal(pkiErr)
	}
	return testCA, testSeal
}

type fixture struct {
	t   testing.TB
	mu  sync.Mutex
	now time.Time
	srv *Server
	ts  *httptest.Server
}

func (f *fixture) clock() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

func (f *fixture) advance(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.now = f.now.Add(d)
}

// newSim starts the sandbox over plain HTTP (Basic logins).
func newSim(t testing.TB, mod func(*Options)) *fixture {
	t.Helper()
	ca, seal := sharedPKI(t)
	f := &fixture{t: t, now: t0}
	o := Options{Now: f.clock, CA: ca, Seal: seal}
	if mod != nil {
		mod(&o)
	}
	s, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	f.srv = s
	f.ts = httptest.NewServer(s)
	t.Cleanup(f.ts.Close)
	return f
}

// reply is an answer of the sandbox.
type reply struct {
	status int
	raw    []byte
	doc    []byte // the answer element, standalone
	code   string // dmStatusCode or dbStatusCode
}

var statusRE = regexp.MustCompile(`<p:d[mb]StatusCode>([0-9]+)</p:d[mb]StatusCode>`)

func soapRequest(op, inner string) string {
	return `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><s:Body><` +
		op + ` xmlns="http://isds.czechpoint.cz/v20">` + inner + `</` + op + `></s:Body></s:Envelope>`
}

// post sends a raw request to path with Basic credentials (user "" = none).
func (f *fixture) post(client *http.Client, base, path, user, pass, contentType, body string) (int, []byte) {
	f.t.Helper()
	req, err := http.NewRequest(http.MethodPost, base+path, strings.NewReader(body))
	if err != nil {
		f.t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	if user != "" {
		req.SetBasicAuth(user, pass)
	}
	resp, err := client.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// call runs op of svc as user (a seed account, password Sandbox-heslo-1)
// and validates the answer against the schemas.
func (f *fixture) call(user, svc, op, inner string) reply {
	f.t.Helper()
	status, raw := f.post(f.ts.Client(), f.ts.URL, "/DS/"+svc, user, seedPassword, "text/xml; charset=utf-8", soapRequest(op, inner))
	return f.reply(status, raw)
}

func (f *fixture) reply(status int, raw []byte) reply {
	f.t.Helper()
	r := reply{status: status, raw: raw}
	if status != http.StatusOK {
		return r
	}
	doc, err := xsdcheck.Body(raw)
	if err != nil {
		f.t.Fatalf("answer without a body element: %v\n%s", err, raw)
	}
	r.doc = doc
	if m := statusRE.FindSubmatch(raw); m != nil {
		r.code = string(m[1])
	}
	validate(f.t, doc)
	return r
}

// validate checks an answer element against the official schema and
// konektor's own, where the reference schemas and xmllint are at hand.
func validate(t testing.TB, doc []byte) {
	t.Helper()
	if !xsdcheck.HaveISDS() || bytes.Contains(doc, []byte("X-Unknown")) {
		return
	}
	xsdcheck.ValidateISDS(t, doc)
	local := regexp.MustCompile(`^(?:<\?xml[^>]*\?>\s*)?<([A-Za-z0-9]+)`).FindSubmatch(doc)
	if local == nil {
		t.Fatalf("no root in %s", doc)
	}
	own := "dmBaseTypes.xsd"
	if filepath.Base(xsdcheck.ISDSSchemaFor(t, string(local[1]))) == xsdcheck.ISDSBoxes {
		own = "dbTypes.xsd"
	}
	xsdcheck.Validate(t, doc, filepath.Join(ownSchemas(t), own))
}

func ownSchemas(t testing.TB) string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	d := filepath.Join(filepath.Dir(file), "..", "..", "..", "wsdl", "isds", "xsd")
	if _, err := os.Stat(d); err != nil {
		t.Fatal(err)
	}
	return d
}

func (r reply) want(t testing.TB, code string) reply {
	t.Helper()
	if r.status != http.StatusOK || r.code != code {
		t.Fatalf("HTTP %d, status %q, want %s\n%s", r.status, r.code, code, r.raw)
	}
	return r
}

func (r reply) field(name string) string {
	m := regexp.MustCompile(`<p:` + name + `(?: [^>]*)?>([^<]*)</p:` + name + `>`).FindSubmatch(r.raw)
	if m == nil {
		return ""
	}
	return string(m[1])
}

// zfo returns the ZFO of a signed download.
func (r reply) zfo(t testing.TB) []byte {
	t.Helper()
	b, err := base64.StdEncoding.DecodeString(r.field("dmSignature"))
	if err != nil || len(b) == 0 {
		t.Fatalf("no dmSignature: %v\n%.400s", err, r.raw)
	}
	return b
}

func (f *fixture) roots() *x509.CertPool {
	p := x509.NewCertPool()
	for _, c := range f.srv.Roots() {
		p.AddCert(c)
	}
	return p
}

// verify checks a ZFO of the sandbox and validates its payload against
// the official schema (as the manual says: suffixed namespace replaced).
func (f *fixture) verify(t testing.TB, z []byte) zfo.Report {
	t.Helper()
	if xsdcheck.HaveISDS() {
		c, err := zfo.Content(z)
		if err != nil {
			t.Fatal(err)
		}
		xsdcheck.ValidateZFOPayload(t, c)
	}
	return zfo.Verify(z, zfo.Options{Roots: f.roots(), Now: f.clock})
}

const pdf = "%PDF-1.4\n% test\n"

// file is a document of a CreateMessage request.
type file struct {
	name, mime, meta string
	content          []byte
	xml              string
}

func pdfFile(name string) file {
	return file{name: name, mime: "application/pdf", content: []byte(pdf)}
}

// createXML writes the inside of CreateMessage.
func createXML(recipient, dmType, annotation string, extra string, files ...file) string {
	var b strings.Builder
	attr := ""
	if dmType != "" {
		attr = ` dmType="` + dmType + `"`
	}
	fmt.Fprintf(&b, `<dmEnvelope%s><dmSenderOrgUnit xsi:nil="true"/><dmSenderOrgUnitNum xsi:nil="true"/><dbIDRecipient>%s</dbIDRecipient>`+
		`<dmRecipientOrgUnit xsi:nil="true"/><dmRecipientOrgUnitNum xsi:nil="true"/><dmToHands xsi:nil="true"/><dmAnnotation>%s</dmAnnotation>`+
		`<dmRecipientRefNumber xsi:nil="true"/><dmSenderRefNumber>MFO 7/2026</dmSenderRefNumber><dmRecipientIdent xsi:nil="true"/><dmSenderIdent xsi:nil="true"/>`+
		`<dmLegalTitleLaw xsi:nil="true"/><dmLegalTitleYear xsi:nil="true"/><dmLegalTitleSect xsi:nil="true"/><dmLegalTitlePar xsi:nil="true"/><dmLegalTitlePoint xsi:nil="true"/>`+
		`%s</dmEnvelope><dmFiles>`, attr, recipient, annotation, extra)
	for _, f := range files {
		meta := f.meta
		if meta == "" {
			meta = "main"
		}
		fmt.Fprintf(&b, `<dmFile dmMimeType="%s" dmFileMetaType="%s" dmFileDescr="%s">`, f.mime, meta, f.name)
		if f.xml != "" {
			b.WriteString("<dmXMLContent>" + f.xml + "</dmXMLContent>")
		} else {
			b.WriteString("<dmEncodedContent>" + base64.StdEncoding.EncodeToString(f.content) + "</dmEncodedContent>")
		}
		b.WriteString("</dmFile>")
	}
	b.WriteString("</dmFiles>")
	return b.String()
}

const envelopeFlags = `<dmPersonalDelivery>false</dmPersonalDelivery><dmAllowSubstDelivery>true</dmAllowSubstDelivery>`

// send creates a message from box from (its .spravce user) to box to and
// returns its dmID.
func (f *fixture) send(from, to string) string {
	f.t.Helper()
	r := f.call(from+".spravce", "dz", "CreateMessage", createXML(to, "", "Rozhodnutí", envelopeFlags, pdfFile("rozhodnuti.pdf"))).want(f.t, "0000")
	id := r.field("dmID")
	if id == "" {
		f.t.Fatalf("no dmID: %s", r.raw)
	}
	return id
}

func idXML(id string) string { return "<dmID>" + id + "</dmID>" }

// tlsSim starts the sandbox over TLS asking for client certificates.
func tlsSim(t testing.TB, mod func(*Options)) *fixture {
	t.Helper()
	ca, seal := sharedPKI(t)
	f := &fixture{t: t, now: t0}
	o := Options{Now: f.clock, CA: ca, Seal: seal}
	if mod != nil {
		mod(&o)
	}
	s, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	f.srv = s
	f.ts = httptest.NewUnstartedServer(s)
	f.ts.TLS = &tls.Config{ClientAuth: tls.RequestClientCert, MinVersion: tls.VersionTLS12}
	f.ts.StartTLS()
	t.Cleanup(f.ts.Close)
	return f
}

// clientWith is an HTTPS client of the test server presenting kp.
func (f *fixture) clientWith(kp *certs.KeyPair) *http.Client {
	tr := f.ts.Client().Transport.(*http.Transport).Clone()
	if kp != nil {
		tr.TLSClientConfig.Certificates = []tls.Certificate{kp.TLSCertificate()}
	}
	return &http.Client{Transport: tr}
}
