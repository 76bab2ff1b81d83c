package isds

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sync"
	"testing"
	"time"

	"konektor/adapters/isds/sim"
	"konektor/adapters/relay"
	"konektor/certs"
	"konektor/certs/tsa"
	"konektor/certs/zfo"
	"konektor/gateway/catalogue"
	"konektor/gateway/clients"
	"konektor/gateway/pipeline"
	"konektor/gateway/soap"
	"konektor/policies"
)

var t0 = time.Date(2026, 3, 2, 10, 30, 0, 0, time.UTC)

var (
	pkiOnce  sync.Once
	testCA   *certs.KeyPair
	testSeal *certs.KeyPair
	pkiErr   error
)

func sharedPKI(t testing.TB) (*certs.KeyPair, *certs.KeyPair) {
	t.Helper()
	pkiOnce.Do(func() {
		if testCA, pkiErr = tsa.NewSandboxCA(pkix.Name{CommonName: "adapter test CA"}, t0.Add(-90*24*time.Hour)); pkiErr != nil {
			return
		}
		testSeal, pkiErr = zfo.IssueSealCertificate(testCA, zfo.SandboxSealSubject, 2048, t0.Add(-90*24*time.Hour))
	})
	if pkiErr != nil {
		t.Fatal(pkiErr)
	}
	return testCA, testSeal
}

func clientCert(t testing.TB, cn string) *certs.KeyPair {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: cn},
		NotBefore: t0.Add(-time.Hour), NotAfter: t0.Add(365 * 24 * time.Hour),
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}, KeyUsage: x509.KeyUsageDigitalSignature}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := x509.ParseCertificate(der)
	kp, err := certs.NewKeyPair(key, []*x509.Certificate{c})
	if err != nil {
		t.Fatal(err)
	}
	return kp
}

// env is a sandbox ISDS behind TLS, konektor's upstream certificate
// registered as hosted records service of the demo OVM box, and the
// policy of the tests.
type env struct {
	t        testing.TB
	mu       sync.Mutex
	now      time.Time
	sim      *sim.Server
	ts       *httptest.Server
	upstream *certs.KeyPair
	seen     []*http.Request // requests as ISDS received them
	bodies   [][]byte
}

func (e *env) clock() time.Time {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.now
}

// policyYAML grants: 999002 everything on the demo box; 999004 viewing
// only; 999005 reading non-personal messages; 999007 viewing and
// preparing drafts; 999003 the region's box.
const policyYAML = `
dataBoxes:
  - {ais: "999002", ovm: "12345678", box: mstdemd, privileges: [PRIVIL_READ_NON_PERSONAL, PRIVIL_READ_ALL, PRIVIL_CREATE_DM, PRIVIL_VIEW_INFO, PRIVIL_SEARCH_DB, PRIVIL_OWNER_ADM, PRIVIL_ERASE_VAULT]}
  - {ais: "999004", ovm: "12345678", box: mstdemd, privileges: [PRIVIL_VIEW_INFO]}
  - {ais: "999005", ovm: "12345678", box: mstdemd, privileges: [PRIVIL_READ_NON_PERSONAL, PRIVIL_VIEW_INFO]}
  - {ais: "999007", ovm: "12345678", box: mstdemd, privileges: [PRIVIL_VIEW_INFO, KONEKTOR_DRAFT]}
  - {ais: "999003", ovm: "87654321", box: kraj2xd, privileges: [PRIVIL_VIEW_INFO, PRIVIL_SEARCH_DB]}
`

func testPolicy(t testing.TB) *policies.Snapshot {
	t.Helper()
	m, err := policies.DecodeYAML(stringsReader(policyYAML))
	if err != nil {
		t.Fatal(err)
	}
	s, err := policies.Compile(m)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func newEnv(t testing.TB) *env {
	t.Helper()
	ca, seal := sharedPKI(t)
	e := &env{t: t, now: t0, upstream: clientCert(t, "konektor")}
	s, err := sim.New(sim.Options{Now: e.clock, CA: ca, Seal: seal,
		HostedServices: []sim.HostedService{{Certificate: e.upstream.Leaf(), Boxes: []string{sim.BoxDemoOVM}}}})
	if err != nil {
		t.Fatal(err)
	}
	e.sim = s
	e.ts = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body := readAll(r)
		e.mu.Lock()
		e.seen = append(e.seen, r)
		e.bodies = append(e.bodies, body)
		e.mu.Unlock()
		r.Body = readCloser(body)
		s.ServeHTTP(w, r)
	}))
	e.ts.TLS = &tls.Config{ClientAuth: tls.RequestClientCert, MinVersion: tls.VersionTLS12}
	e.ts.StartTLS()
	t.Cleanup(e.ts.Close)
	return e
}

// node reaches the sandbox, presenting kp when given.
func (e *env) node(kp *certs.KeyPair) *relay.Node {
	roots := x509.NewCertPool()
	roots.AddCert(e.ts.Certificate())
	conf := &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}
	if kp != nil {
		conf.Certificates = []tls.Certificate{kp.TLSCertificate()}
	}
	return relay.NewNode(relay.Options{Name: "isds", Base: e.ts.URL, TLS: conf, Timeout: 10 * time.Second})
}

func (e *env) roots() *x509.CertPool {
	p := x509.NewCertPool()
	for _, c := range e.sim.Roots() {
		p.AddCert(c)
	}
	return p
}

// adapter: the demo box through the hosted service login plus a view-only
// basic account, the region's box through its primary user.
func (e *env) adapter(mod func(*Options)) *Adapter {
	e.t.Helper()
	o := Options{
		Accounts: []Account{
			{Box: sim.BoxDemoOVM, Login: LoginHosted, Node: e.node(e.upstream)},
			{Box: sim.BoxDemoOVM, Login: LoginBasic, Username: "mstdemd.prehled", Password: "Sandbox-heslo-1", Node: e.node(nil),
				Privileges: policies.PrivViewInfo | policies.PrivSearchDB},
			{Box: sim.BoxRegion, Login: LoginBasic, Username: "kraj2xd.spravce", Password: "Sandbox-heslo-1", Node: e.node(nil)},
		},
		Routes: []Route{
			{AIS: "999002", Box: sim.BoxDemoOVM, OVM: "12345678"},
			{AIS: "999004", Box: sim.BoxDemoOVM, OVM: "12345678"},
			{AIS: "999005", Box: sim.BoxDemoOVM, OVM: "12345678"},
			{AIS: "999007", Box: sim.BoxDemoOVM, OVM: "12345678"},
			{AIS: "999003", Box: sim.BoxRegion, OVM: "87654321"},
		},
		Policy: testPolicy(e.t),
		Verify: NewVerifier(zfo.Options{Roots: e.roots(), Now: e.clock}),
		Retry:  RetryPolicy{Sleep: func(context.Context, time.Duration) error { return nil }},
	}
	if mod != nil {
		mod(&o)
	}
	a, err := New(o)
	if err != nil {
		e.t.Fatal(err)
	}
	return a
}

var entries = func() map[string]*catalogue.Entry {
	m := map[string]*catalogue.Entry{}
	for _, en := range CatalogueEntries() {
		m[en.Operation] = en
	}
	return m
}()

// exchange builds what the pipeline hands the adapter for a call of op by
// AIS ais, with body inside the operation element.
func exchange(t testing.TB, ais, svc, op, inner string) *pipeline.Exchange {
	t.Helper()
	raw := []byte(`<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><s:Body><v:` +
		op + ` xmlns:v="http://isds.czechpoint.cz/v20">` + inner + `</v:` + op + `></s:Body></s:Envelope>`)
	return rawExchange(t, ais, svc, raw)
}

func rawExchange(t testing.TB, ais, svc string, raw []byte) *pipeline.Exchange {
	t.Helper()
	envl, err := soap.Parse(raw, soap.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	ovm := map[string]string{"999002": "12345678", "999004": "12345678", "999005": "12345678", "999007": "12345678", "999003": "87654321"}[ais]
	return &pipeline.Exchange{ID: "test", Received: t0, Upstream: Upstream, Code: svc, Body: raw, Envelope: envl,
		Version: envl.Version, Entry: entries[envl.Payload.Local],
		Client: &clients.Client{Name: ais, AIS: ais, ActsFor: []string{ovm}}}
}

// run passes an exchange through the adapter as the pipeline would:
// Describe, Authorise (refusing with Refuse), Call.
func run(t testing.TB, a *Adapter, ex *pipeline.Exchange) *pipeline.Reply {
	t.Helper()
	if err := a.Describe(ex); err != nil {
		t.Fatalf("Describe: %v", err)
	}
	if d := a.Authorise(ex); !d.Permit {
		r := a.Refuse(ex, "NENI OPRAVNENI", d.Reasons[len(d.Reasons)-1].CS, d.Reasons[len(d.Reasons)-1].EN)
		r.Outcome = pipeline.OutcomeDenied
		return r
	}
	r, err := a.Call(context.Background(), ex)
	if err != nil {
		t.Fatalf("Call: %v", err)
	}
	return r
}

func field(body []byte, name string) string {
	m := regexp.MustCompile(`<(?:\w+:)?` + name + `(?: [^>]*)?>([^<]*)</`).FindSubmatch(body)
	if m == nil {
		return ""
	}
	return string(m[1])
}
