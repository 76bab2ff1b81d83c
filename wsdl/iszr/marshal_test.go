package iszr_test

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"konektor/internal/xsdcheck"
	"konektor/wsdl/iszr"
	"konektor/wsdl/iszr/egon"
)

func ptr[T any](v T) *T { return &v }

// ownXSD returns the absolute path of one of konektor's schemas.
func ownXSD(t *testing.T, name string) string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join("xsd", name))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func sampleE03Response() *egon.RobCtiAifoResponseType {
	return &egon.RobCtiAifoResponseType{
		IszrOdpovedAifoStIdAdrAbstractType: &egon.IszrOdpovedAifoStIdAdrAbstractType{
			IszrOdpovedAbstractType: &egon.IszrOdpovedAbstractType{
				OdpovedInfo: &egon.OdpovedInfoType{
					CasOdpovedi: ptr(egon.CasovaZnackaType("2026-03-02T10:00:00.250+01:00")),
					Status: &egon.StatusType{
						VysledekKod: ptr(egon.VysledekKodTypeOK),
						VysledekDetail: []*egon.VysledekDetailType{{
							VysledekSubKod: ptr(egon.VysledekSubKodTypeSPECIFIKACEVPOPISU),
							VysledekPopis:  ptr(egon.VysledekPopisType("sandbox")),
							Puvodce:        &egon.SystemType{Registr: ptr(egon.RegistrTypeISZR)},
						}},
					},
					AgendaZadostId: ptr(egon.UuidType("0b7c6d5e-4f3a-4b2c-9d1e-0f1a2b3c4d5e")),
					IszrZadostId:   ptr(egon.UuidType("1c8d7e6f-5a4b-4c3d-8e2f-1a2b3c4d5e6f")),
				},
			},
			MapaAifo: &egon.MapaAifoType{PrevodAifo: []*egon.PrevodAifoType{{
				LokalniAifo:  &egon.LokalniAifoType{Value: 1},
				GlobalniAifo: ptr(egon.AifoType("ujsp6NxwSomHacBvFPfIJO0=")),
			}}},
			SeznamIdAdres: &egon.SeznamIdAdresType{AdresniMisto: []*egon.AdresniMistoIdType{{
				Value:            ptr(egon.KodAdresniMistoType(14492253)),
				StavOvereniPrvku: ptr(egon.StavOvereniPrvkuRuianTypeExistuje),
			}}},
		},
		RobOdpoved: &egon.RobCtiAifoRobOdpovedType{RobCtiAifoDataResponse: &egon.RobCtiAifoDataResponseType{
			RobDotazyDataResponseType: &egon.RobDotazyDataResponseType{RobAplikacniStatus: &egon.RobAplikacniStatusType{VysledekRobKodType: ptr(egon.VysledekKodTypeOK)}},
			AdresaPobytu:              &egon.AdresaPobytuStavType{Value: ptr(egon.KodAdresniMistoType(14492253)), Stav: ptr(egon.StavTypeSpravny)},
			Jmeno:                     &egon.JmenoStavType{Value: ptr(egon.JmenoType("MAREK")), Stav: ptr(egon.StavTypeSpravny)},
			MistoNarozeni:             &egon.MistoNarozeniStavType{MistoNarozeniType: &egon.MistoNarozeniType{NarozeniCr: &egon.MistoCrType{Value: ptr(egon.AdresniLokalitaType(554782)), Obec: true}}},
			Prijmeni:                  &egon.PrijmeniStavType{Value: ptr(egon.PrijmeniType("ROLNIČKA")), Stav: ptr(egon.StavTypeSpravny)},
		}},
		RuianOdpoved: &egon.RobCtiAifoRuianOdpovedType{RuianCtiProRobDataResponse: &egon.RuianCtiProRobDataResponseType{
			SeznamAdres: &egon.SeznamAdresType{PolozkovaAdresa: []*egon.AdresaPolozkovaType{{
				ObecKod:         ptr(egon.Kod6Type(554782)),
				ObecNazev:       ptr(egon.Nazev48Type("Praha")),
				AdresniMistoKod: ptr(egon.KodAdresniMistoType(14492253)),
			}}},
		}},
	}
}

func TestMarshalQualifiesEveryElement(t *testing.T) {
	out, err := iszr.Marshal(sampleE03Response())
	if err != nil {
		t.Fatal(err)
	}
	e, err := iszr.Parse(bytes.NewReader(out), iszr.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if err := iszr.Check(e); err != nil {
		t.Fatalf("Check(Marshal(v)): %v", err)
	}
	wantNS := map[string]string{
		"OdpovedInfo":        iszr.NSAbs,
		"CasOdpovedi":        iszr.NSReg,
		"Registr":            iszr.NSReg,
		"RobOdpoved":         iszr.SchemaNS("IszrRobCtiAifo"),
		"RobAplikacniStatus": iszr.NSRod,
		"VysledekRobKodType": iszr.NSRob,
		"NarozeniCr":         iszr.NSRob,
		"SeznamAdres":        iszr.NSCrob,
		"PolozkovaAdresa":    iszr.NSCrob,
		"ObecKod":            iszr.NSCa1,
	}
	var walk func(*iszr.Element)
	walk = func(x *iszr.Element) {
		if ns, ok := wantNS[x.Name.Local]; ok && x.Name.Space != ns {
			t.Errorf("%s in %q, want %q", x.Name.Local, x.Name.Space, ns)
		}
		for _, c := range x.Children {
			walk(c)
		}
	}
	walk(e)
	xsdcheck.Validate(t, out, ownXSD(t, "IszrRobCtiAifo.xsd"))
	xsdcheck.Validate(t, out, xsdcheck.ServiceXSD(t, "E03"))
}

func TestUnmarshalRequest(t *testing.T) {
	const req = `<e03:RobCtiAifo xmlns:e03="urn:cz:isvs:iszr:schemas:IszrRobCtiAifo:v1" xmlns:abs="urn:cz:isvs:iszr:schemas:IszrAbstract:v1" xmlns:reg="urn:cz:isvs:reg:schemas:RegTypy:v1" xmlns:rod="urn:cz:isvs:rob:schemas:RobDotazyData:v1">
<abs:ZadostInfo><reg:CasZadosti>2026-03-02T10:00:00+01:00</reg:CasZadosti><reg:Agenda>X999</reg:Agenda><reg:AgendovaRole>XR2</reg:AgendovaRole><reg:Ovm>12345678</reg:Ovm><reg:Ais>999002</reg:Ais><reg:AgendaZadostId>0b7c6d5e-4f3a-4b2c-9d1e-0f1a2b3c4d5e</reg:AgendaZadostId></abs:ZadostInfo>
<abs:MapaAifo><reg:PrevodAifo><reg:LokalniAifo>7</reg:LokalniAifo><reg:GlobalniAifo>ujsp6NxwSomHacBvFPfIJO0=</reg:GlobalniAifo></reg:PrevodAifo></abs:MapaAifo>
<e03:Zadost><e03:RobCtiAifoData><rod:Aifo>7</rod:Aifo><rod:VyuzitiPoskytnuti>vyuziti</rod:VyuzitiPoskytnuti></e03:RobCtiAifoData></e03:Zadost></e03:RobCtiAifo>`
	e, err := iszr.Parse(strings.NewReader(req), iszr.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	var v egon.RobCtiAifoType
	if err := iszr.Unmarshal(e, &v); err != nil {
		t.Fatal(err)
	}
	if got := *v.ZadostInfo.Ais; got != 999002 {
		t.Errorf("Ais = %d", got)
	}
	if got := string(*v.MapaAifo.PrevodAifo[0].GlobalniAifo); got != "ujsp6NxwSomHacBvFPfIJO0=" {
		t.Errorf("GlobalniAifo = %q (the base64 text is kept as is)", got)
	}
	if got := v.Zadost.RobCtiAifoData.Aifo.Value; got != 7 {
		t.Errorf("Aifo = %d", got)
	}
}

func BenchmarkMarshalE03Response(b *testing.B) {
	v := sampleE03Response()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := iszr.Marshal(v); err != nil {
			b.Fatal(err)
		}
	}
}
