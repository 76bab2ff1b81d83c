package sim_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"konektor/adapters/iszr/sim"
)

func TestRefusals(t *testing.T) {
	const other = "oJXa3ke1fOHcSJBDFLlZ7kk=" // JANA NOVÁKOVÁ in X999
	tests := []struct {
		name      string
		call      call
		kod, sub  string
		wantPopis string // substring of VysledekPopis
	}{
		{name: "nevalidni-zadost-soapaction", call: call{code: "E03", action: "IszrRobCtiAifo2", payload: e03Payload(sim.SampleAifo)},
			kod: "CHYBA", sub: "NEVALIDNI ZADOST", wantPopis: "SOAPAction"},
		{name: "nevalidni-zadost-missing-soapaction", call: call{code: "E36", action: "-", payload: e36Payload("14492253", "RADKOVY")},
			kod: "CHYBA", sub: "NEVALIDNI ZADOST"},
		{name: "soapaction-unquoted", call: call{code: "E36", action: "IszrRuianCtiAdresu", payload: e36Payload("14492253", "RADKOVY")},
			kod: "OK"},
		{name: "nevalidni-zadost-body-of-another-service", call: call{code: "E36", rawBody: string(call{code: "E251", payload: e251Payload("14492253", "RADKOVY")}.envelope(t)), action: "IszrRuianCtiAdresu"},
			kod: "CHYBA", sub: "NEVALIDNI ZADOST"},
		{name: "nevalidni-data-bad-uuid", call: call{code: "E36", id: "not-a-uuid", payload: e36Payload("14492253", "RADKOVY")},
			kod: "CHYBA", sub: "NEVALIDNI DATA", wantPopis: "AgendaZadostId"},
		{name: "nevalidni-data-missing-zadost", call: call{code: "E36"},
			kod: "CHYBA", sub: "NEVALIDNI DATA", wantPopis: "missing element Zadost"},
		{name: "nevalidni-data-wrong-namespace", call: call{code: "E36", payload: strings.ReplaceAll(e36Payload("14492253", "RADKOVY"), "ca:", "ca2:")},
			kod: "CHYBA", sub: "NEVALIDNI DATA", wantPopis: "namespace"},
		{name: "nevalidni-data-bad-cas", call: call{code: "E36", cas: "včera", payload: e36Payload("14492253", "RADKOVY")},
			kod: "CHYBA", sub: "NEVALIDNI DATA", wantPopis: "CasZadosti"},
		{name: "nevalidni-data-bad-aifo", call: call{code: "E03", payload: e03Payload("QUJD")},
			kod: "CHYBA", sub: "NEVALIDNI DATA", wantPopis: "GlobalniAifo"},
		{name: "nevalidni-data-bad-ico-format", call: call{code: "E256", payload: e256Payload("12AB5678")},
			kod: "CHYBA", sub: "NEVALIDNI DATA", wantPopis: "Ico"},
		{name: "nevalidni-data-ico-out-of-range", call: call{code: "E256", payload: e256Payload("123456789")},
			kod: "CHYBA", sub: "NEVALIDNI DATA", wantPopis: "Ico"},
		{name: "nevalidni-data-bad-format", call: call{code: "E36", payload: e36Payload("14492253", "JINAK")},
			kod: "CHYBA", sub: "NEVALIDNI DATA", wantPopis: "FormatAdresy"},
		{name: "nevalidni-data-bad-date", call: call{code: "E278", payload: e278Payload(``, `<rod:DatumNarozeni>1974-13-45</rod:DatumNarozeni>`)},
			kod: "CHYBA", sub: "NEVALIDNI DATA", wantPopis: "DatumNarozeni"},
		{name: "nevalidni-vazba", call: call{code: "E03", payload: strings.Replace(e03Payload(sim.SampleAifo), "<rod:Aifo>1</rod:Aifo>", "<rod:Aifo>2</rod:Aifo>", 1)},
			kod: "CHYBA", sub: "NEVALIDNI VAZBA"},
		{name: "aifo-neexistuje", call: call{code: "E03", payload: e03Payload("AAAAAAAAAAAAAAAAAAAAAAA=")},
			kod: "CHYBA", sub: "AIFO NEEXISTUJE"},
		{name: "aifo-of-another-agenda", call: call{code: "E276", agenda: "X998", payload: e276Payload(other)},
			kod: "CHYBA", sub: "AIFO NEEXISTUJE"},
		{name: "adresa-neexistuje", call: call{code: "E251", payload: e251Payload("99999999", "POLOZKOVY")},
			kod: "CHYBA", sub: "ADRESA NEEXISTUJE"},
		{name: "neplatny-cas-ahead", call: call{code: "E36", cas: testNow.Add(6 * time.Minute).Format(timeLayout), payload: e36Payload("14492253", "RADKOVY")},
			kod: "CHYBA", sub: "NEPLATNY CAS"},
		{name: "neplatny-cas-behind", call: call{code: "E36", cas: "2026-03-02T08:54:59Z", payload: e36Payload("14492253", "RADKOVY")},
			kod: "CHYBA", sub: "NEPLATNY CAS"},
		{name: "cas-without-zone-is-prague", call: call{code: "E36", cas: "2026-03-02T10:03:00", payload: e36Payload("14492253", "RADKOVY")},
			kod: "OK"},
		{name: "neni-opravneni-egon-policy", call: call{code: "E36", ovm: "87654321", payload: e36Payload("14492253", "RADKOVY")},
			kod: "CHYBA", sub: "NENI OPRAVNENI EGON", wantPopis: "PUSOBNOST NEEXISTUJE: OVM 87654321 nemá působnost"},
		{name: "prekroceni-limitu-politiky", call: call{code: "E278", items: "Jmeno", max: 5000, payload: e278Payload(``, `<rod:Prijmeni>NOVÁK</rod:Prijmeni>`)},
			kod: "CHYBA", sub: "PREKROCEN SEZNAM"},
		{name: "ais-does-not-match-certificate", call: call{code: "E36", ais: "999003", payload: e36Payload("14492253", "RADKOVY")},
			kod: "CHYBA", sub: "NENI OPRAVNENI EGON", wantPopis: "neodpovídá certifikátu"},
		{name: "certificate-of-no-ais", call: call{code: "E36", cn: "www.example.cz", payload: e36Payload("14492253", "RADKOVY")},
			kod: "CHYBA", sub: "NENI OPRAVNENI EGON"},
		{name: "connector-acts-for-ais", call: call{code: "E36", cn: connectorCN, payload: e36Payload("14492253", "RADKOVY")},
			kod: "OK"},
		{name: "connector-must-name-ais", call: call{code: "E36", cn: connectorCN, ais: "-", payload: e36Payload("14492253", "RADKOVY")},
			kod: "CHYBA", sub: "NENI OPRAVNENI EGON", wantPopis: "ZadostInfo/Ais"},
		{name: "connector-for-unpermitted-ais", call: call{code: "E36", cn: connectorCN, ais: "999003", payload: e36Payload("14492253", "RADKOVY")},
			kod: "CHYBA", sub: "NENI OPRAVNENI EGON"},
		{name: "prekrocen-seznam", call: call{code: "E278", max: 2, items: "Jmeno", payload: e278Payload(``, `<rod:AdresaPobytu>21700851</rod:AdresaPobytu>`)},
			kod: "CHYBA", sub: "PREKROCEN SEZNAM"},
		{name: "within-limit", call: call{code: "E278", max: 3, items: "Jmeno", payload: e278Payload(``, `<rod:AdresaPobytu>21700851</rod:AdresaPobytu>`)},
			kod: "OK"},
		{name: "jenom-sync-e03", call: call{code: "E03", async: true, payload: e03Payload(sim.SampleAifo)},
			kod: "CHYBA", sub: "JENOM SYNC"},
		{name: "jenom-sync-e99", call: call{code: "E99", async: true},
			kod: "CHYBA", sub: "JENOM SYNC"},
		{name: "jenom-sync-e100", call: call{code: "E100", async: true, payload: e100Payload("1c0de000-0000-4000-8000-000000000009")},
			kod: "CHYBA", sub: "JENOM SYNC"},
		{name: "e100-nenalezeno", call: call{code: "E100", payload: e100Payload("1c0de000-0000-4000-8000-000000000009")},
			kod: "CHYBA", sub: "NENALEZENO"},
		{name: "neni-implementovano", call: call{code: "E07", payload: `<svc:Zadost/>`},
			kod: "CHYBA", sub: "NENI IMPLEMENTOVANO"},
		{name: "neni-implementovano-wrong-action", call: call{code: "E37", action: "IszrRobCtiAifo"},
			kod: "CHYBA", sub: "NEVALIDNI ZADOST"},
		{name: "rob-zaznam-nenalezen", call: call{code: "E278", payload: e278Payload(``, `<rod:Jmeno>NIKDO</rod:Jmeno>`)},
			kod: "CHYBA", sub: "APLIKACNI CHYBA", wantPopis: "ZAZNAM NENALEZEN"},
		{name: "rob-nepovolena-kombinace", call: call{code: "E278", payload: e278Payload(``, `<rod:Jmeno xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:nil="true"/>`)},
			kod: "CHYBA", sub: "APLIKACNI CHYBA", wantPopis: "NEPOVOLENA KOMBINACE"},
		{name: "ros-ico-neexistuje", call: call{code: "E256", payload: e256Payload("27182827")},
			kod: "CHYBA", sub: "APLIKACNI CHYBA", wantPopis: "ICO NEEXISTUJE"},
		{name: "ros-ico-chyba-modulo", call: call{code: "E256", payload: e256Payload("27182818")},
			kod: "CHYBA", sub: "APLIKACNI CHYBA", wantPopis: "ICO CHYBA MODULO"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, _ := newServer(t)
			a := do(t, s, tc.call)
			expect(t, a, tc.call.code, tc.kod, tc.sub)
			if !strings.Contains(a.popis(), tc.wantPopis) {
				t.Errorf("VysledekPopis %q does not contain %q", a.popis(), tc.wantPopis)
			}
		})
	}
}

func TestDuplicateRequestID(t *testing.T) {
	s, _ := newServer(t)
	c := call{code: "E36", id: "0b7c6d5e-4f3a-4b2c-9d1e-0f1a2b3c4d5e", payload: e36Payload("14492253", "RADKOVY")}
	expect(t, do(t, s, c), "E36", "OK", "")
	c.id = strings.ToUpper(c.id)
	expect(t, do(t, s, c), "E36", "CHYBA", "DUPLICITNI ZADOST")
	// Another AIS (through the connector) may use the same id.
	c.cn, c.ais = connectorCN, "999002"
	expect(t, do(t, s, c), "E36", "CHYBA", "DUPLICITNI ZADOST")
	other, _ := newServer(t)
	expect(t, do(t, other, c), "E36", "OK", "")
}

func TestNoPolicyDeniesEverything(t *testing.T) {
	s, _ := newServer(t, func(o *sim.Options) { o.Policy = nil })
	a := do(t, s, call{code: "E36", payload: e36Payload("14492253", "RADKOVY")})
	expect(t, a, "E36", "CHYBA", "NENI OPRAVNENI EGON")
}

func TestHTTPLevel(t *testing.T) {
	s, _ := newServer(t, func(o *sim.Options) { o.MaxBodyBytes = 4096 })
	ok := call{code: "E36", payload: e36Payload("14492253", "RADKOVY")}
	tests := []struct {
		name       string
		call       call
		body       string
		wantStatus int
		wantIn     string
	}{
		{name: "no-client-certificate", call: call{code: "E36", cn: "-"}, wantStatus: http.StatusForbidden, wantIn: "certifikát"},
		{name: "unknown-code", call: call{code: "E999", action: "IszrX"}, body: "<x/>", wantStatus: http.StatusNotFound},
		{name: "too-large", call: ok, body: "<x>" + strings.Repeat("a", 5000) + "</x>", wantStatus: http.StatusRequestEntityTooLarge},
		{name: "not-xml", call: ok, body: "hello", wantStatus: http.StatusInternalServerError, wantIn: "<faultcode>s:Client</faultcode>"},
		{name: "doctype", call: ok, body: `<!DOCTYPE x [<!ENTITY a "b">]><x/>`, wantStatus: http.StatusInternalServerError, wantIn: "DOCTYPE"},
		{name: "soap-1-2", call: ok, body: `<e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope"><e:Body><x/></e:Body></e:Envelope>`,
			wantStatus: http.StatusInternalServerError, wantIn: "VersionMismatch"},
		{name: "empty-body-element", call: ok, body: `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body/></s:Envelope>`,
			wantStatus: http.StatusInternalServerError, wantIn: "Body"},
		{name: "two-body-elements", call: ok, body: `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><a/><b/></s:Body></s:Envelope>`,
			wantStatus: http.StatusInternalServerError, wantIn: "more than one"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			body := []byte(tc.body)
			if tc.body == "" {
				body = tc.call.envelope(t)
			}
			a := send(t, s, tc.call, body)
			if a.status != tc.wantStatus || !strings.Contains(string(a.body), tc.wantIn) {
				t.Fatalf("HTTP %d %s, want %d containing %q", a.status, a.body, tc.wantStatus, tc.wantIn)
			}
		})
	}
}

func TestWSDL(t *testing.T) {
	s, _ := newServer(t)
	for _, tc := range []struct {
		name, target string
		method       string
		want         int
	}{
		{"wsdl-of-served-service", "/publikace/E278?wsdl", http.MethodGet, http.StatusOK},
		{"wsdl-uppercase-query", "/publikace/E278?WSDL", http.MethodGet, http.StatusOK},
		{"no-wsdl-for-unserved-service", "/publikace/E07?wsdl", http.MethodGet, http.StatusNotFound},
		{"get-without-wsdl", "/publikace/E03", http.MethodGet, http.StatusMethodNotAllowed},
		{"outside-publikace", "/jinde/E03?wsdl", http.MethodGet, http.StatusNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := httptestDo(s, tc.method, tc.target)
			if w.Code != tc.want {
				t.Fatalf("%s %s: HTTP %d, want %d", tc.method, tc.target, w.Code, tc.want)
			}
			if tc.want == http.StatusOK && (!strings.Contains(w.Body.String(), `soapAction="IszrRobCtiPodleUdaju2"`) ||
				!strings.Contains(w.Body.String(), `<soap:address location="http://example.com/publikace/E278"/>`)) {
				t.Fatalf("not the E278 WSDL pointing at the sandbox:\n%s", w.Body.String())
			}
		})
	}
}
