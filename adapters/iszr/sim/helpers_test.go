package sim_test

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"konektor/adapters/iszr/sim"
	"konektor/internal/xsdcheck"
	"konektor/policies"
	"konektor/wsdl/iszr"
)

// testNow is the sandbox clock in tests.
var testNow = time.Date(2026, 3, 2, 10, 0, 0, 0, time.FixedZone("CET", 3600))

const timeLayout = "2006-01-02T15:04:05.000-07:00"

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// seqIDs returns UUIDs 00000000-0000-4000-8000-00000000000N in turn.
func seqIDs(prefix string) func() string {
	var mu sync.Mutex
	n := 0
	return func() string {
		mu.Lock()
		defer mu.Unlock()
		n++
		return fmt.Sprintf("%s-0000-4000-8000-%012d", prefix, n)
	}
}

const connectorCN = "konektor-kraj-test"

func newServer(t *testing.T, edit ...func(*sim.Options)) (*sim.Server, *clock) {
	t.Helper()
	c := &clock{t: testNow}
	o := sim.Options{
		Now:        c.Now,
		Policy:     fakePolicy{},
		Connectors: []string{connectorCN},
		AsyncDelay: 30 * time.Second,
		NewID:      seqIDs("1c0de000"),
	}
	for _, e := range edit {
		e(&o)
	}
	return sim.New(o), c
}

// fakePolicy permits AIS 999002 of OVM 12345678 in agendas X999 and X998
// (role XR2) every service with fakeItems; everything else is refused.
type fakePolicy struct{}

var fakeItems = strings.Fields(`Aifo Prijmeni Jmeno AdresaPobytu DatumNarozeni MistoNarozeni DatumUmrti
DatovaSchrankaROB Doklad Obcanstvi RodnePrijmeni RodinnyStavPartnerstvi Pohlavi
Ico ObchodniNazev DatumVznikuOpravneni DatumZanikuOpravneni PravniForma DatovaSchrankaROS AdresaSidla
AdresniMistoKod CisloDomovni CisloOrientacni CisloOrientacniPismeno TypCislaDomovnihoKod StavebniObjektKod
UliceKod UliceNazev CastObceKod CastObceNazev MopKod MopNazev ObecKod ObecNazev OkresKod OkresNazev PostaKod PostaNazev`)

func (fakePolicy) Decide(r policies.Request) policies.Decision {
	if r.AIS != "999002" || r.OVM != "12345678" || (r.Agenda != "X999" && r.Agenda != "X998") || r.Role != "XR2" {
		return policies.Decision{SubCode: "PUSOBNOST NEEXISTUJE", Reasons: []policies.Reason{
			{Link: "pusobnost", CS: fmt.Sprintf("OVM %s nemá působnost v agendě %s.", r.OVM, r.Agenda), EN: "no působnost"}}}
	}
	if r.MaxRecords > 1000 {
		return policies.Decision{SubCode: "PREKROCEN SEZNAM", Reasons: []policies.Reason{{Link: "max-records", CS: "Limit 1000."}}}
	}
	return policies.Decision{Permit: true, Items: fakeItems, MaxRecords: r.MaxRecords}
}

// call is one request to the sandbox.
type call struct {
	code      string
	action    string // "" = the service's operation; "-" = no header
	cn        string // "" = 999002; "-" = no client certificate
	async     bool
	cas       string // CasZadosti; "" = the clock's time
	ais       string // ZadostInfo/Ais; "" = 999002; "-" = left out
	agenda    string // "" = X999
	role      string // "" = XR2
	ovm       string // "" = 12345678
	id        string // AgendaZadostId; "" = derived from the test name
	items     string // AutorizaceInfo/SeznamUdaju; "" = no AutorizaceInfo
	max       int    // MaximalniPocetZaznamu
	payload   string // XML after the header parts (MapaAifo, Zadost, ...)
	kodAsync  string // E100 KodAsyncSluzby; "" = E100
	rawBody   string // the whole body instead of the built envelope
	extraHead string // extra ZadostInfo children after Ais (Subjekt, Uzivatel, DuvodUcel)
}

var ids = seqIDs("5e0f1a2b")

// envelope builds the SOAP envelope of c.
func (c call) envelope(t testing.TB) []byte {
	t.Helper()
	if c.rawBody != "" {
		return []byte(c.rawBody)
	}
	op, req := operation(t, c.code)
	if c.cas == "" {
		c.cas = testNow.Format(timeLayout)
	}
	if c.id == "" {
		c.id = ids()
	}
	ais := ""
	switch c.ais {
	case "":
		ais = "<reg:Ais>999002</reg:Ais>"
	case "-":
	default:
		ais = "<reg:Ais>" + c.ais + "</reg:Ais>"
	}
	or := func(v, d string) string {
		if v == "" {
			return d
		}
		return v
	}
	zi := fmt.Sprintf(`<reg:CasZadosti>%s</reg:CasZadosti><reg:Agenda>%s</reg:Agenda><reg:AgendovaRole>%s</reg:AgendovaRole><reg:Ovm>%s</reg:Ovm>%s%s<reg:AgendaZadostId>%s</reg:AgendaZadostId>`,
		c.cas, or(c.agenda, "X999"), or(c.role, "XR2"), or(c.ovm, "12345678"), ais, c.extraHead, c.id)
	var head string
	if c.code == "E100" {
		head = fmt.Sprintf(`<svc:KodAsyncSluzby>%s</svc:KodAsyncSluzby><svc:ZadostInfo>%s</svc:ZadostInfo>`, or(c.kodAsync, "E100"), zi)
	} else {
		head = "<abs:ZadostInfo>" + zi + "</abs:ZadostInfo>"
	}
	if c.items != "" || c.max > 0 {
		head += "<abs:AutorizaceInfo>"
		if c.max > 0 {
			head += fmt.Sprintf("<abs:MaximalniPocetZaznamu>%d</abs:MaximalniPocetZaznamu>", c.max)
		}
		head += "<abs:SeznamUdaju>" + c.items + "</abs:SeznamUdaju></abs:AutorizaceInfo>"
	}
	return []byte(fmt.Sprintf(`<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:svc="%s" xmlns:abs="%s" xmlns:reg="%s"
  xmlns:rod="%s" xmlns:sdo="%s" xmlns:ca="%s" xmlns:ca2="%s" xmlns:i33="urn:cz:isvs:iszr:schemas:IszrDataVypisOpravneniPolozky:v1"
  xmlns:i21="urn:cz:isvs:iszr:schemas:IszrDataProbe:v1">
  <soapenv:Header/>
  <soapenv:Body>
    <svc:%s>%s%s</svc:%s>
  </soapenv:Body>
</soapenv:Envelope>
`, iszr.SchemaNS(op), iszr.NSAbs, iszr.NSReg, iszr.NSRod, iszr.NSSdo, iszr.NSCa1, iszr.NSCa2, req, head, c.payload, req))
}

// operation returns the operation and request element of code.
func operation(t testing.TB, code string) (string, string) {
	t.Helper()
	if svc, ok := iszr.Lookup(code); ok {
		return svc.Operation, svc.Request
	}
	switch code {
	case "E07":
		return "IszrRobCtiZmeny", "RobCtiZmeny"
	case "E37":
		return "IszrRuianVyhledejAdresu", "RuianVyhledejAdresu"
	}
	t.Fatalf("no operation for %s in the tests", code)
	return "", ""
}

// answer is the sandbox's reply.
type answer struct {
	status int
	body   []byte
	root   *iszr.Element // first child of the SOAP Body (nil for non-SOAP replies)
}

func do(t testing.TB, s *sim.Server, c call) answer {
	t.Helper()
	return send(t, s, c, c.envelope(t))
}

func send(t testing.TB, s *sim.Server, c call, body []byte) answer {
	t.Helper()
	path := "/publikace/" + c.code
	if c.async {
		path += "?async"
	}
	r := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(body))
	r.Header.Set("Content-Type", "text/xml; charset=utf-8")
	switch c.action {
	case "":
		op, _ := operation(t, c.code)
		r.Header.Set("SOAPAction", `"`+op+`"`)
	case "-":
	default:
		r.Header.Set("SOAPAction", c.action)
	}
	switch c.cn {
	case "-":
	case "":
		r.TLS = peer("999002")
	default:
		r.TLS = peer(c.cn)
	}
	w := httptest.NewRecorder()
	s.ServeHTTP(w, r)
	a := answer{status: w.Code, body: w.Body.Bytes()}
	if env, err := iszr.Parse(bytes.NewReader(a.body), iszr.Limits{MaxBytes: 8 << 20}); err == nil && env.Name.Local == "Envelope" {
		if b := env.Child("Body"); b != nil && len(b.Children) == 1 {
			a.root = b.Children[0]
		}
	}
	return a
}

func peer(cn string) *tls.ConnectionState {
	return &tls.ConnectionState{PeerCertificates: []*x509.Certificate{{Subject: pkix.Name{CommonName: cn}}}}
}

func (a answer) text(path ...string) string {
	if e := a.root.Path(path...); e != nil {
		return e.Text
	}
	return ""
}

func (a answer) kod() string { return a.text("OdpovedInfo", "Status", "VysledekKod") }
func (a answer) sub() string {
	return a.text("OdpovedInfo", "Status", "VysledekDetail", "VysledekSubKod")
}
func (a answer) popis() string {
	return a.text("OdpovedInfo", "Status", "VysledekDetail", "VysledekPopis")
}

// all returns every element with the local name under the answer.
func (a answer) all(local string) []*iszr.Element {
	var out []*iszr.Element
	var walk func(*iszr.Element)
	walk = func(e *iszr.Element) {
		if e == nil {
			return
		}
		if e.Name.Local == local {
			out = append(out, e)
		}
		for _, c := range e.Children {
			walk(c)
		}
	}
	walk(a.root)
	return out
}

// expect checks the status of a SOAP answer and validates it.
func expect(t testing.TB, a answer, code, kod, sub string) {
	t.Helper()
	if a.status != http.StatusOK || a.root == nil {
		t.Fatalf("HTTP %d, want 200 with a SOAP answer:\n%s", a.status, a.body)
	}
	if a.kod() != kod || a.sub() != sub {
		t.Fatalf("status %s/%s (%s), want %s/%s\n%s", a.kod(), a.sub(), a.popis(), kod, sub, a.body)
	}
	validate(t, a.body, code)
}

// validate checks a SOAP answer against the official schema of code and,
// for implemented services, konektor's own schema.
func validate(t testing.TB, envelope []byte, code string) {
	t.Helper()
	xsdcheck.ValidateBody(t, envelope, code)
	if svc, ok := iszr.Lookup(code); ok {
		body, err := xsdcheck.Body(envelope)
		if err != nil {
			t.Fatal(err)
		}
		own, err := filepath.Abs(filepath.Join("..", "..", "..", "wsdl", "iszr", "xsd", svc.Operation+".xsd"))
		if err != nil {
			t.Fatal(err)
		}
		xsdcheck.Validate(t, body, own)
	}
}

func httptestDo(h http.Handler, method, target string) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(method, target, nil))
	return w
}
