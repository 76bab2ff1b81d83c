package sim_test

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/xml"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"konektor/adapters/cuzk/sim"
	"konektor/certs/docsig"
	"konektor/internal/xsdcheck"
	"konektor/wsdl/cuzk"
)

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// sandbox is a sandbox under test with its clock.
type sandbox struct {
	*sim.Server
	clock *clock
}

func newSandbox(t *testing.T, o sim.Options) *sandbox {
	t.Helper()
	return newSandboxAt(t, newClock(), o)
}

func newSandboxAt(t *testing.T, c *clock, o sim.Options) *sandbox {
	t.Helper()
	o.Now = c.Now
	s, err := sim.New(o)
	if err != nil {
		t.Fatal(err)
	}
	return &sandbox{Server: s, clock: c}
}

// env builds a request envelope with a UsernameToken.
func env(user, password, payload string) string {
	return `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Header>` +
		`<wsse:Security soapenv:mustUnderstand="1" xmlns:wsse="` + cuzk.NSWSSE + `" xmlns:wsu="` + cuzk.NSWSU + `">` +
		`<wsse:UsernameToken wsu:Id="UsernameToken-1"><wsse:Username>` + user + `</wsse:Username>` +
		`<wsse:Password Type="` + cuzk.PasswordText + `">` + password + `</wsse:Password></wsse:UsernameToken></wsse:Security>` +
		`</soapenv:Header><soapenv:Body>` + payload + `</soapenv:Body></soapenv:Envelope>`
}

// reply is an answer of the sandbox.
type reply struct {
	status  int
	body    []byte
	payload *cuzk.Element
}

// post sends an envelope to a service with the operation's official
// SOAPAction (action "" sends none).
func (s *sandbox) post(t *testing.T, service, action, envelope string) reply {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, cuzk.Path(service), strings.NewReader(envelope))
	req.Header.Set("Content-Type", "text/xml; charset=utf-8")
	if action != "" {
		req.Header.Set("SOAPAction", `"`+action+`"`)
	}
	w := httptest.NewRecorder()
	s.ServeHTTP(w, req)
	body, _ := io.ReadAll(w.Result().Body)
	r := reply{status: w.Code, body: body}
	root, err := cuzk.Parse(bytes.NewReader(body), cuzk.Limits{})
	if err != nil {
		t.Fatalf("answer does not parse: %v\n%s", err, body)
	}
	if b := root.Child("Body"); b != nil && len(b.Children) == 1 {
		r.payload = b.Children[0]
	}
	return r
}

// call sends payload as user to the operation whose request element it
// is, and checks the answer is HTTP 200 and valid against the official
// schema.
func (s *sandbox) call(t *testing.T, service, op, user, payload string) reply {
	t.Helper()
	o, ok := cuzk.Lookup(service, op)
	if !ok {
		t.Fatalf("no operation %s/%s", service, op)
	}
	r := s.post(t, service, o.Action, env(user, passwords[user], payload))
	if r.status != http.StatusOK {
		t.Fatalf("HTTP %d\n%s", r.status, r.body)
	}
	xsdcheck.ValidateCUZKBody(t, r.body, service)
	return r
}

var passwords = map[string]string{"WSTEST": "WSHESLO", "WSTESTB": "WSHESLOB", "WSTESTO": "WSHESLOO"}

// codes lists the zprava codes of an answer's vysledek.
func (r reply) codes() []int {
	var out []int
	for _, z := range r.payload.Child("vysledek").All("zprava") {
		v, _ := z.AttrValue("kod")
		n, _ := strconv.Atoi(v)
		out = append(out, n)
	}
	return out
}

func (r reply) has(kod int) bool {
	for _, c := range r.codes() {
		if c == kod {
			return true
		}
	}
	return false
}

// faultcode returns the faultcode of a fault answer.
func (r reply) faultcode() string {
	if r.payload == nil || r.payload.Name.Local != "Fault" {
		return ""
	}
	return r.payload.Value("faultcode")
}

// req builds a request element of a service.
func req(service, name, inner string) string {
	return `<v:` + name + ` xmlns:v="` + cuzk.TypesNS(service) + `">` + inner + `</v:` + name + `>`
}

// path returns the text of the element at a path of local names below e.
func path(e *cuzk.Element, locals ...string) string {
	for _, l := range locals[:len(locals)-1] {
		e = e.Child(l)
	}
	return e.Value(locals[len(locals)-1])
}

var (
	keyOnce sync.Once
	key     *rsa.PrivateKey
	cert    *x509.Certificate
)

// sealKey returns a test RSA key and self-signed certificate.
func sealKey(t *testing.T) (*rsa.PrivateKey, *x509.Certificate) {
	t.Helper()
	keyOnce.Do(func() {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic(err)
		}
		tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "ČÚZK sandbox seal"},
			NotBefore: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), NotAfter: time.Date(2040, 1, 1, 0, 0, 0, 0, time.UTC),
			KeyUsage: x509.KeyUsageDigitalSignature}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.PublicKey, k)
		if err != nil {
			panic(err)
		}
		c, err := x509.ParseCertificate(der)
		if err != nil {
			panic(err)
		}
		key, cert = k, c
	})
	return key, cert
}

// sealer returns a signer sealing reports as ČÚZK does (an enveloped
// signature in the report's root).
func sealer(t *testing.T) *docsig.Signer {
	t.Helper()
	k, crt := sealKey(t)
	s, err := docsig.NewSigner(k, crt, docsig.SignerOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// xmlEscape escapes text for a request.
func xmlEscape(s string) string {
	var b bytes.Buffer
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

// do serves a prepared request and parses the answer.
func (s *sandbox) do(t *testing.T, rq *http.Request) reply {
	t.Helper()
	r := s.doRaw(rq)
	root, err := cuzk.Parse(bytes.NewReader(r.body), cuzk.Limits{})
	if err != nil {
		t.Fatalf("answer does not parse: %v\n%s", err, r.body)
	}
	if b := root.Child("Body"); b != nil && len(b.Children) == 1 {
		r.payload = b.Children[0]
	}
	return r
}

// doRaw serves a request and returns the raw answer.
func (s *sandbox) doRaw(rq *http.Request) reply {
	w := httptest.NewRecorder()
	s.ServeHTTP(w, rq)
	body, _ := io.ReadAll(w.Result().Body)
	return reply{status: w.Code, body: body}
}
