package xsdcheck

import (
	"strings"
	"testing"
)

const e36Request = `<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"
  xmlns:e36="urn:cz:isvs:iszr:schemas:IszrRuianCtiAdresu:v1"
  xmlns:abs="urn:cz:isvs:iszr:schemas:IszrAbstract:v1"
  xmlns:reg="urn:cz:isvs:reg:schemas:RegTypy:v1"
  xmlns:ca="urn:cz:isvs:ruian:schemas:CtiAdresa:v1">
  <soapenv:Header/>
  <soapenv:Body>
    <e36:RuianCtiAdresu>
      <abs:ZadostInfo>
        <reg:CasZadosti>2026-03-02T10:00:00+01:00</reg:CasZadosti>
        <reg:Agenda>X999</reg:Agenda>
        <reg:AgendovaRole>XR2</reg:AgendovaRole>
        <reg:Ovm>12345678</reg:Ovm>
        <reg:Ais>999002</reg:Ais>
        <reg:AgendaZadostId>3f1c2a4e-8b7d-4c6e-9a0b-1d2e3f4a5b6c</reg:AgendaZadostId>
      </abs:ZadostInfo>
      <e36:Zadost>
        <e36:RuianCtiAdresuData>
          <ca:Kod>14492253</ca:Kod>
          <ca:FormatAdresy>RADKOVY</ca:FormatAdresy>
        </e36:RuianCtiAdresuData>
      </e36:Zadost>
    </e36:RuianCtiAdresu>
  </soapenv:Body>
</soapenv:Envelope>`

func TestBody(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    []string // substrings of the extracted document
		wantErr string
	}{
		{
			name: "prefixes-declared-on-envelope",
			in:   e36Request,
			want: []string{
				`<RuianCtiAdresu xmlns="urn:cz:isvs:iszr:schemas:IszrRuianCtiAdresu:v1">`,
				`<ZadostInfo xmlns="urn:cz:isvs:iszr:schemas:IszrAbstract:v1">`,
				`<CasZadosti xmlns="urn:cz:isvs:reg:schemas:RegTypy:v1">2026-03-02T10:00:00+01:00</CasZadosti>`,
				`<Kod xmlns="urn:cz:isvs:ruian:schemas:CtiAdresa:v1">14492253</Kod>`,
			},
		},
		{
			name: "qualified-attribute-gets-a-prefix",
			in:   `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><a xmlns="urn:a" xmlns:x="urn:x" x:k="v &amp; w"/></s:Body></s:Envelope>`,
			want: []string{`<a xmlns="urn:a" xmlns:a1="urn:x" a1:k="v &amp; w"></a>`},
		},
		{
			name: "soap-1-2",
			in:   `<e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope"><e:Body><q/></e:Body></e:Envelope>`,
			want: []string{`<q></q>`},
		},
		{name: "not-an-envelope", in: `<Envelope/>`, wantErr: "want a SOAP Envelope"},
		{name: "empty-body", in: `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body> </s:Body></s:Envelope>`, wantErr: "Body is empty"},
		{name: "no-body", in: `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Header/></s:Envelope>`, wantErr: "no element inside"},
		{name: "doctype", in: `<!DOCTYPE x [<!ENTITY a "b">]><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"/>`, wantErr: "DOCTYPE"},
		{name: "truncated", in: `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><a>`, wantErr: "body:"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Body([]byte(tc.in))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range tc.want {
				if !strings.Contains(string(got), w) {
					t.Errorf("missing %s in\n%s", w, got)
				}
			}
		})
	}
}

func TestValidateBodyAcceptsValidRequest(t *testing.T) {
	ValidateBody(t, []byte(e36Request), "E36")
	ValidateBody(t, []byte(e36Request), "IszrRuianCtiAdresu")
}

func TestErrorsReportsInvalidDocument(t *testing.T) {
	tests := []struct {
		name, edit, with, want string
	}{
		{"missing-mandatory-element", "<ca:Kod>14492253</ca:Kod>", "", "FormatAdresy"},
		{"bad-uuid", "3f1c2a4e-8b7d-4c6e-9a0b-1d2e3f4a5b6c", "not-a-uuid", "AgendaZadostId"},
		{"wrong-namespace", "<reg:Agenda>X999</reg:Agenda>", "<abs:Agenda>X999</abs:Agenda>", "Agenda"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env := strings.Replace(e36Request, tc.edit, tc.with, 1)
			body, err := Body([]byte(env))
			if err != nil {
				t.Fatal(err)
			}
			err = Errors(t, body, ServiceXSD(t, "E36"))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want a complaint about %s", err, tc.want)
			}
		})
	}
}

func TestValidateAsLoneElement(t *testing.T) {
	doc := []byte(`<ZadostInfo xmlns="urn:cz:isvs:iszr:schemas:IszrAbstract:v1" xmlns:reg="urn:cz:isvs:reg:schemas:RegTypy:v1">
<reg:CasZadosti>2026-03-02T10:00:00Z</reg:CasZadosti><reg:Agenda>X999</reg:Agenda><reg:AgendovaRole>XR2</reg:AgendovaRole>
<reg:Ovm>12345678</reg:Ovm><reg:AgendaZadostId>3f1c2a4e-8b7d-4c6e-9a0b-1d2e3f4a5b6c</reg:AgendaZadostId></ZadostInfo>`)
	ns := "urn:cz:isvs:iszr:schemas:IszrAbstract:v1"
	ValidateAs(t, doc, "egon/xsd/IszrAbstract.xsd", ns, "ZadostInfo", ns, "ZadostInfoIszrType")
}

func TestServiceXSD(t *testing.T) {
	tests := map[string]string{
		"E278":                      "egon/xsd/IszrRobCtiPodleUdaju2.xsd",
		"E100":                      "egon/xsd/IszrAsyncOdpovedZFronty.xsd",
		"IszrVypisOpravneniPolozky": "egon/xsd/IszrVypisOpravneniPolozky.xsd",
	}
	for in, want := range tests {
		if got := ServiceXSD(t, in); got != want {
			t.Errorf("ServiceXSD(%s) = %s, want %s", in, got, want)
		}
	}
}

func TestSchemaDirHasOverlay(t *testing.T) {
	dir := SchemaDir(t)
	if dir != SchemaDir(t) {
		t.Fatal("SchemaDir is not stable within a process")
	}
	// The overlay's RegTypy is 1.23.0; the base copy is 1.1.1.
	got := readFile(t, dir+"/RegTypy.xsd")
	if !strings.Contains(got, `version="1.23.0"`) {
		t.Fatal("RegTypy.xsd in the schema dir is not the overlay version")
	}
}
