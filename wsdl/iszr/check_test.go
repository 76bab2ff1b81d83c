package iszr

import (
	"errors"
	"strings"
	"testing"
)

const sampleE03Request = `<e03:RobCtiAifo xmlns:e03="urn:cz:isvs:iszr:schemas:IszrRobCtiAifo:v1"
  xmlns:abs="urn:cz:isvs:iszr:schemas:IszrAbstract:v1"
  xmlns:reg="urn:cz:isvs:reg:schemas:RegTypy:v1"
  xmlns:rod="urn:cz:isvs:rob:schemas:RobDotazyData:v1">
  <abs:ZadostInfo>
    <reg:CasZadosti>2026-03-02T10:00:00.123+01:00</reg:CasZadosti>
    <reg:Agenda>X999</reg:Agenda>
    <reg:AgendovaRole>XR2</reg:AgendovaRole>
    <reg:Ovm>12345678</reg:Ovm>
    <reg:Ais>999002</reg:Ais>
    <reg:AgendaZadostId>0b7c6d5e-4f3a-4b2c-9d1e-0f1a2b3c4d5e</reg:AgendaZadostId>
  </abs:ZadostInfo>
  <abs:AutorizaceInfo>
    <abs:SeznamUdaju>Jmeno Prijmeni AdresaPobytu</abs:SeznamUdaju>
  </abs:AutorizaceInfo>
  <abs:MapaAifo>
    <reg:PrevodAifo>
      <reg:LokalniAifo>1</reg:LokalniAifo>
      <reg:GlobalniAifo>ujsp6NxwSomHacBvFPfIJO0=</reg:GlobalniAifo>
    </reg:PrevodAifo>
  </abs:MapaAifo>
  <e03:Zadost>
    <e03:RobCtiAifoData znepristupniLog="false">
      <rod:Aifo>1</rod:Aifo>
      <rod:VyuzitiPoskytnuti>vyuziti</rod:VyuzitiPoskytnuti>
    </e03:RobCtiAifoData>
  </e03:Zadost>
</e03:RobCtiAifo>`

func parse(t testing.TB, s string) *Element {
	t.Helper()
	e, err := Parse(strings.NewReader(s), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func TestCheck(t *testing.T) {
	tests := []struct {
		name      string
		from, to  string
		wantPath  string // "" = valid
		wantInErr string
	}{
		{name: "valid"},
		{name: "wrong-namespace", from: "<reg:Agenda>X999</reg:Agenda>", to: "<abs:Agenda>X999</abs:Agenda>",
			wantPath: "/RobCtiAifo/ZadostInfo/Agenda", wantInErr: "want \"urn:cz:isvs:reg:schemas:RegTypy:v1\""},
		{name: "unknown-element", from: "<reg:Ais>999002</reg:Ais>", to: "<reg:Ais>999002</reg:Ais><reg:Navic>1</reg:Navic>",
			wantPath: "/RobCtiAifo/ZadostInfo/Navic"},
		{name: "missing-mandatory", from: "<rod:VyuzitiPoskytnuti>vyuziti</rod:VyuzitiPoskytnuti>", to: "",
			wantPath: "/RobCtiAifo/Zadost/RobCtiAifoData", wantInErr: "missing element VyuzitiPoskytnuti"},
		{name: "missing-inherited-mandatory", from: "<reg:Ovm>12345678</reg:Ovm>", to: "",
			wantPath: "/RobCtiAifo/ZadostInfo", wantInErr: "missing element Ovm"},
		{name: "repeated", from: "<reg:Ovm>12345678</reg:Ovm>", to: "<reg:Ovm>1</reg:Ovm><reg:Ovm>2</reg:Ovm>",
			wantPath: "/RobCtiAifo/ZadostInfo/Ovm", wantInErr: "repeated"},
		{name: "unknown-attribute", from: `znepristupniLog="false"`, to: `hack="1"`,
			wantPath: "/RobCtiAifo/Zadost/RobCtiAifoData", wantInErr: "attribute hack"},
		{name: "child-in-text-element", from: "<reg:Agenda>X999</reg:Agenda>", to: "<reg:Agenda><reg:Ovm>1</reg:Ovm></reg:Agenda>",
			wantPath: "/RobCtiAifo/ZadostInfo/Agenda", wantInErr: "text-only"},
		{name: "text-in-element-content", from: "<abs:SeznamUdaju>Jmeno Prijmeni AdresaPobytu</abs:SeznamUdaju>", to: "text",
			wantPath: "/RobCtiAifo/AutorizaceInfo", wantInErr: "unexpected text"},
		{name: "xsi-nil-accepted", from: "<reg:Ais>999002</reg:Ais>", to: `<reg:Ais xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:nil="true"/>`},
		{name: "unknown-root", from: "RobCtiAifo xmlns:e03=\"urn:cz:isvs:iszr:schemas:IszrRobCtiAifo:v1\"", to: "RobCtiAifo xmlns:e03=\"urn:cz:isvs:iszr:schemas:IszrRobCtiAifo:v9\"", wantPath: "/RobCtiAifo"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := sampleE03Request
			if tc.from != "" {
				in = strings.Replace(in, tc.from, tc.to, 1)
			}
			err := Check(parse(t, in))
			if tc.wantPath == "" {
				if err != nil {
					t.Fatalf("Check: %v", err)
				}
				return
			}
			var ie *InvalidError
			if !errors.As(err, &ie) || !errors.Is(err, ErrInvalid) {
				t.Fatalf("err = %v, want an InvalidError", err)
			}
			if ie.Path != tc.wantPath || !strings.Contains(ie.Reason, tc.wantInErr) {
				t.Fatalf("err = %v, want path %s containing %q", err, tc.wantPath, tc.wantInErr)
			}
		})
	}
}

func TestSchemasDeclareEveryService(t *testing.T) {
	s, err := schemas()
	if err != nil {
		t.Fatal(err)
	}
	for _, svc := range Services() {
		for _, el := range []string{svc.Request, svc.Response()} {
			if _, ok := s.elements[xmlName(svc.Namespace(), el)]; !ok {
				t.Errorf("%s: no global element {%s}%s", svc.Code, svc.Namespace(), el)
			}
		}
	}
}

func FuzzCheck(f *testing.F) {
	f.Add([]byte(sampleE03Request))
	f.Add([]byte(`<RobCtiAifo xmlns="urn:cz:isvs:iszr:schemas:IszrRobCtiAifo:v1"><Zadost/></RobCtiAifo>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		e, err := Parse(strings.NewReader(string(data)), Limits{MaxBytes: 1 << 16, MaxElements: 2000})
		if err != nil {
			return
		}
		_ = Check(e)
		_ = Qualify(e)
	})
}
