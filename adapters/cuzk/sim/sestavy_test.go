package sim_test

import (
	"bytes"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"konektor/adapters/cuzk/sim"
	"konektor/certs/docsig"
	"konektor/certs/xmlsig"
	"konektor/internal/xsdcheck"
	"konektor/wsdl/cuzk"
)

func generujLV(lvID, format, extra string) string {
	return req("sestavy", "GenerujLVRequest", "<v:lvId>"+lvID+"</v:lvId><v:format>"+format+"</v:format>"+extra)
}

func idSestavy(op, rid string) string {
	name := map[string]string{"seznamSestav": "SeznamSestavRequest", "vratSestavu": "VratSestavuRequest", "smazSestavu": "SmazSestavuRequest"}[op]
	return req("sestavy", name, "<v:idSestavy>"+rid+"</v:idSestavy>")
}

// reportOf returns the first report of an answer and its id.
func reportOf(t *testing.T, r reply) (*cuzk.Element, string) {
	t.Helper()
	rl := r.payload.Child("reportList")
	if rl == nil {
		t.Fatalf("no reportList: %v\n%s", r.codes(), r.body)
	}
	rep := rl.Child("report")
	return rep, rep.Value("id")
}

// TestReportLifecycle follows a PDF report through its states on the
// clock, downloads it (charged once), and deletes it.
func TestReportLifecycle(t *testing.T) {
	s := newSandbox(t, sim.Options{ReportDelay: 3 * time.Second})
	gen := s.call(t, "sestavy", "generujLV", "WSTEST", generujLV(sim.SampleLV, "pdf", ""))
	rep, rid := reportOf(t, gen)
	if !slices.Equal(gen.codes(), []int{0}) || rep.Value("stav") != "čeká" || rep.Value("nazev") != "Výpis z katastru" ||
		rep.Value("datumPozadavku") != "2026-03-02T11:00:00" || rep.Child("cena") != nil {
		t.Fatalf("generujLV:\n%s", gen.body)
	}
	states := []struct {
		after time.Duration
		stav  string
	}{{0, "čeká"}, {time.Second, "vytváří se"}, {2 * time.Second, "zpracován"}}
	for _, st := range states {
		s.clock.Advance(st.after)
		l := s.call(t, "sestavy", "seznamSestav", "WSTEST", idSestavy("seznamSestav", rid))
		if rep, _ := reportOf(t, l); rep.Value("stav") != st.stav {
			t.Fatalf("after %v: %s", st.after, rep.Value("stav"))
		}
	}
	l := s.call(t, "sestavy", "seznamSestav", "WSTEST", req("sestavy", "SeznamSestavRequest", ""))
	rep, _ = reportOf(t, l)
	if rep.Value("cena") != "50" || rep.Value("pocetStran") != "1" || rep.Value("elZnacka") != "n" || rep.Child("souborSestavy") != nil {
		t.Fatalf("processed report:\n%s", l.body)
	}
	if len(s.Charges()) != 0 {
		t.Fatal("charged before download")
	}
	got := s.call(t, "sestavy", "vratSestavu", "WSTEST", idSestavy("vratSestavu", rid))
	rep, _ = reportOf(t, got)
	file, err := base64.StdEncoding.DecodeString(rep.Value("souborSestavy"))
	if err != nil || !bytes.HasPrefix(file, []byte("%PDF-1.4")) || !bytes.Contains(file, []byte("Novakova")) || rep.Value("stav") != "zaúčtován" {
		t.Fatalf("vratSestavu: %v stav %s\n%.300s", err, rep.Value("stav"), file)
	}
	again := s.call(t, "sestavy", "vratSestavu", "WSTEST", idSestavy("vratSestavu", rid))
	if rep, _ := reportOf(t, again); rep.Child("souborSestavy") == nil {
		t.Fatal("second download has no file")
	}
	ch := s.Charges()
	if len(ch) != 1 || ch[0].Amount != 50 || ch[0].ReportID != rid || !ch[0].Invoiced || ch[0].Account != "WSTEST" {
		t.Fatalf("charges %+v", ch)
	}
	// Another account does not see the report.
	if other := s.call(t, "sestavy", "vratSestavu", "WSTESTB", idSestavy("vratSestavu", rid)); !slices.Equal(other.codes(), []int{304}) {
		t.Fatalf("other account: %v", other.codes())
	}
	del := s.call(t, "sestavy", "smazSestavu", "WSTEST", idSestavy("smazSestavu", rid))
	if !slices.Equal(del.codes(), []int{0}) || del.payload.Child("reportList") != nil {
		t.Fatalf("smazSestavu:\n%s", del.body)
	}
	for _, op := range []string{"seznamSestav", "vratSestavu", "smazSestavu"} {
		if r := s.call(t, "sestavy", op, "WSTEST", idSestavy(op, rid)); !slices.Equal(r.codes(), []int{304}) {
			t.Errorf("%s after delete: %v", op, r.codes())
		}
	}
}

func TestReportNotReady(t *testing.T) {
	s := newSandbox(t, sim.Options{})
	_, rid := reportOf(t, s.call(t, "sestavy", "generujLV", "WSTEST", generujLV(sim.SampleLV, "pdf", "")))
	r := s.call(t, "sestavy", "vratSestavu", "WSTEST", idSestavy("vratSestavu", rid))
	rep, _ := reportOf(t, r)
	if rep.Child("souborSestavy") != nil || rep.Value("stav") != "čeká" || len(s.Charges()) != 0 {
		t.Fatalf("early download:\n%s", r.body)
	}
}

// TestReportRules covers the parameters each account type must or may
// not send.
func TestReportRules(t *testing.T) {
	tests := []struct {
		name, user, payload string
		codes               []int
	}{
		{name: "paying-plain", user: "WSTEST", payload: generujLV(sim.SampleLV, "pdf", ""), codes: []int{0}},
		{name: "paying-ignores-cislo-jednaci", user: "WSTEST", payload: generujLV(sim.SampleLV, "pdf", "<v:cisloJednaci>X</v:cisloJednaci><v:ucelKod>1</v:ucelKod>"), codes: []int{0}},
		{name: "paying-ucel-checked-anyway", user: "WSTEST", payload: generujLV(sim.SampleLV, "pdf", "<v:cisloJednaci>X</v:cisloJednaci><v:ucelKod>99</v:ucelKod>"), codes: []int{454}},
		{name: "free-without-cislo-jednaci", user: "WSTESTB", payload: generujLV(sim.SampleLV, "pdf", ""), codes: []int{118}},
		{name: "free-without-ucel", user: "WSTESTB", payload: generujLV(sim.SampleLV, "pdf", "<v:cisloJednaci>MUMI 12/2026</v:cisloJednaci>"), codes: []int{119}},
		{name: "free-complete", user: "WSTESTB", payload: generujLV(sim.SampleLV, "xml", "<v:cisloJednaci>MUMI 12/2026</v:cisloJednaci><v:ucelKod>2</v:ucelKod>"), codes: []int{0}},
		{name: "free-unknown-ucel", user: "WSTESTB", payload: generujLV(sim.SampleLV, "xml", "<v:cisloJednaci>MUMI 12/2026</v:cisloJednaci><v:ucelKod>98</v:ucelKod>"), codes: []int{454}},
		{name: "verifying-without-poradove-cislo", user: "WSTESTO", payload: generujLV(sim.SampleLV, "pdf", ""), codes: []int{120}},
		{name: "verifying-complete", user: "WSTESTO", payload: generujLV(sim.SampleLV, "pdf", "<v:poradoveCislo>CP-1</v:poradoveCislo><v:overovaciDolozka>a</v:overovaciDolozka>"), codes: []int{0}},
		{name: "verifying-xml", user: "WSTESTO", payload: generujLV(sim.SampleLV, "xml", "<v:poradoveCislo>CP-1</v:poradoveCislo>"), codes: []int{325}},
		{name: "verifying-history", user: "WSTESTO", payload: req("sestavy", "GenerujLVRequest", "<v:lvId>807841306</v:lvId><v:datumK>2020-01-01T00:00:00</v:datumK><v:format>pdf</v:format><v:poradoveCislo>CP-1</v:poradoveCislo>"), codes: []int{479}},
		{name: "both-parameter-pairs", user: "WSTESTB", payload: generujLV(sim.SampleLV, "pdf", "<v:cisloJednaci>X</v:cisloJednaci><v:ucelKod>1</v:ucelKod><v:poradoveCislo>1</v:poradoveCislo>"), codes: []int{321}},
		{name: "zip-for-an-lv", user: "WSTEST", payload: generujLV(sim.SampleLV, "zip", ""), codes: []int{117}},
		{name: "xml-with-pripojit-xml", user: "WSTEST", payload: generujLV(sim.SampleLV, "xml", "<v:pripojitXML>a</v:pripojitXML>"), codes: []int{527}},
		{name: "history-too-recent", user: "WSTEST", payload: req("sestavy", "GenerujLVRequest", "<v:lvId>807841306</v:lvId><v:datumK>2026-03-02T10:50:00</v:datumK><v:format>pdf</v:format>"), codes: []int{453}},
		{name: "history", user: "WSTEST", payload: req("sestavy", "GenerujLVRequest", "<v:lvId>807841306</v:lvId><v:datumK>2026-03-02T10:30:00</v:datumK><v:format>pdf</v:format>"), codes: []int{0}},
		{name: "unknown-lv", user: "WSTEST", payload: generujLV("123", "pdf", ""), codes: []int{304}},
		{name: "simplified-by-number", user: "WSTEST", payload: req("sestavy", "GenerujLVZjednoduseneRequest", "<v:katastrUzemiKod>693936</v:katastrUzemiKod><v:lvCislo>352</v:lvCislo><v:format>html</v:format>"), codes: []int{0}},
		{name: "simplified-unknown-ku", user: "WSTEST", payload: req("sestavy", "GenerujLVZjednoduseneRequest", "<v:katastrUzemiKod>999998</v:katastrUzemiKod><v:lvCislo>352</v:lvCislo><v:format>pdf</v:format>"), codes: []int{302}},
	}
	s := newSandbox(t, sim.Options{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			op := "generujLV"
			if bytes.Contains([]byte(tt.payload), []byte("Zjednodusene")) {
				op = "generujLVZjednodusene"
			}
			r := s.call(t, "sestavy", op, tt.user, tt.payload)
			if !slices.Equal(r.codes(), tt.codes) {
				t.Fatalf("codes %v, want %v\n%s", r.codes(), tt.codes, r.body)
			}
			if (tt.codes[0] == 0) != (r.payload.Child("reportList") != nil) {
				t.Fatalf("reportList presence:\n%s", r.body)
			}
		})
	}
}

// TestSealedXMLReport: an XML report comes sealed (317) with an enveloped
// ds:Signature in its root, the seal verifies with konektor's document
// verifier and xmlsec1, and the sealed report validates against the
// official LV schema (which allows ds:Signature there). A free account's
// amount is registered but not invoiced.
func TestSealedXMLReport(t *testing.T) {
	c := newClock()
	s := newSandboxAt(t, c, sim.Options{Sealer: sealer(t)})
	_, rid := reportOf(t, s.call(t, "sestavy", "generujLV", "WSTESTB",
		generujLV(sim.SampleLV, "xml", "<v:cisloJednaci>MUMI 12/2026</v:cisloJednaci><v:ucelKod>2</v:ucelKod>")))
	c.Advance(3 * time.Second)
	if rep, _ := reportOf(t, s.call(t, "sestavy", "seznamSestav", "WSTESTB", idSestavy("seznamSestav", rid))); rep.Value("stav") != "podepisuje se" {
		t.Fatalf("state while sealing: %s", rep.Value("stav"))
	}
	c.Advance(time.Second)
	r := s.call(t, "sestavy", "vratSestavu", "WSTESTB", idSestavy("vratSestavu", rid))
	if !slices.Equal(r.codes(), []int{0, 317}) {
		t.Fatalf("%v", r.codes())
	}
	rep, _ := reportOf(t, r)
	if rep.Value("elZnacka") != "a" || rep.Value("cena") != "100" || rep.Child("pocetStran") != nil {
		t.Fatalf("report entry:\n%s", r.body)
	}
	file, err := base64.StdEncoding.DecodeString(rep.Value("souborSestavy"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(file, []byte(`<?xml version="1.0" encoding="UTF-8"?>`+"\n"+`<VypisZKatastruNemovitosti><ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#">`)) {
		t.Fatalf("not an enveloped signature in the report root:\n%.300s", file)
	}
	_, crt := sealKey(t)
	v, err := docsig.NewVerifier(docsig.VerifierOptions{Trust: xmlsig.Trust{Pinned: []*x509.Certificate{crt}}, Now: c.Now})
	if err != nil {
		t.Fatal(err)
	}
	res, err := v.Verify(file)
	if err != nil {
		t.Fatalf("seal does not verify: %v", err)
	}
	if !bytes.Contains(res.Canonical, []byte("<CISLO_LV>352</CISLO_LV>")) || res.Root != "VypisZKatastruNemovitosti" {
		t.Fatalf("signed report:\n%.500s", res.Canonical)
	}
	xsdcheck.ValidateCUZKReport(t, file)
	// Tampering breaks the seal.
	bad := bytes.Replace(file, []byte("Nováková"), []byte("Novotná"), 1)
	if _, err := v.Verify(bad); xmlsig.CodeOf(err) != xmlsig.CodeDigestMismatch {
		t.Fatalf("a changed report: %v", err)
	}
	// xmlsec1, given the seal certificate as trusted, agrees.
	if xs, err := exec.LookPath("xmlsec1"); err == nil {
		dir := t.TempDir()
		certFile, reportFile := filepath.Join(dir, "seal.pem"), filepath.Join(dir, "report.xml")
		_ = os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: crt.Raw}), 0o600)
		_ = os.WriteFile(reportFile, file, 0o600)
		if out, err := exec.Command(xs, "--verify", "--trusted-pem", certFile, reportFile).CombinedOutput(); err != nil {
			t.Fatalf("xmlsec1: %v\n%s", err, out)
		}
	}
	ch := s.Charges()
	if len(ch) != 1 || ch[0].Invoiced || ch[0].Amount != 100 {
		t.Fatalf("free account charge %+v", ch)
	}
}

func TestUnsealedXMLReport(t *testing.T) {
	s := newSandbox(t, sim.Options{})
	_, rid := reportOf(t, s.call(t, "sestavy", "generujLV", "WSTEST", generujLV(sim.SampleLV, "xml", "")))
	s.clock.Advance(time.Minute)
	r := s.call(t, "sestavy", "vratSestavu", "WSTEST", idSestavy("vratSestavu", rid))
	rep, _ := reportOf(t, r)
	if !slices.Equal(r.codes(), []int{0, 316}) || rep.Value("elZnacka") != "n" {
		t.Fatalf("%v\n%s", r.codes(), r.body)
	}
	file, _ := base64.StdEncoding.DecodeString(rep.Value("souborSestavy"))
	xsdcheck.ValidateCUZKReport(t, file)
}

// TestXMLTwin: pripojitXML adds a free XML twin linked to the main report;
// it is available only once the main report is finished.
func TestXMLTwin(t *testing.T) {
	s := newSandbox(t, sim.Options{})
	gen := s.call(t, "sestavy", "generujLV", "WSTEST", generujLV(sim.SampleLV, "pdf", "<v:pripojitXML>a</v:pripojitXML>"))
	reps := gen.payload.Child("reportList").All("report")
	if len(reps) != 2 || reps[0].Value("idPodrizeneSestavy") != reps[1].Value("id") || reps[1].Value("idNadrizeneSestavy") != reps[0].Value("id") ||
		reps[1].Value("format") != "xml" {
		t.Fatalf("%s", gen.body)
	}
	twin := reps[1].Value("id")
	if r := s.call(t, "sestavy", "vratSestavu", "WSTEST", idSestavy("vratSestavu", twin)); !slices.Equal(r.codes(), []int{526}) {
		t.Fatalf("twin before the main report: %v", r.codes())
	}
	s.clock.Advance(time.Minute)
	r := s.call(t, "sestavy", "vratSestavu", "WSTEST", idSestavy("vratSestavu", twin))
	if rep, _ := reportOf(t, r); rep.Value("cena") != "0" || rep.Child("souborSestavy") == nil {
		t.Fatalf("twin:\n%s", r.body)
	}
}

func TestFailingReport(t *testing.T) {
	s := newSandbox(t, sim.Options{})
	gen := s.call(t, "sestavy", "generujLV", "WSTEST", generujLV(sim.SampleFailingLV, "pdf", "<v:pripojitXML>a</v:pripojitXML>"))
	reps := gen.payload.Child("reportList").All("report")
	s.clock.Advance(time.Minute)
	main := s.call(t, "sestavy", "vratSestavu", "WSTEST", idSestavy("vratSestavu", reps[0].Value("id")))
	if rep, _ := reportOf(t, main); rep.Value("stav") != "chyba při vytváření" || rep.Child("souborSestavy") != nil {
		t.Fatalf("failed main report:\n%s", main.body)
	}
	if twin := s.call(t, "sestavy", "vratSestavu", "WSTEST", idSestavy("vratSestavu", reps[1].Value("id"))); !slices.Equal(twin.codes(), []int{528}) {
		t.Fatalf("twin of a failed report: %v", twin.codes())
	}
	if len(s.Charges()) != 0 {
		t.Fatal("a failed report was charged")
	}
}

func TestEmptyReportList(t *testing.T) {
	s := newSandbox(t, sim.Options{})
	r := s.call(t, "sestavy", "seznamSestav", "WSTEST", req("sestavy", "SeznamSestavRequest", ""))
	if !slices.Equal(r.codes(), []int{0, 392}) || r.payload.Child("reportList") != nil {
		t.Fatalf("%v", r.codes())
	}
}
