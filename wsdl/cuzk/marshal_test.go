package cuzk_test

import (
	"bytes"
	"strings"
	"testing"

	"konektor/internal/xsdcheck"
	"konektor/wsdl/cuzk"
	"konektor/wsdl/cuzk/wsdp"
)

func ptr[T ~string](s string) *T {
	v := T(s)
	return &v
}

func ok() *wsdp.ResponseInfoType {
	return &wsdp.ResponseInfoType{Zprava: []*wsdp.ZpravaServeruType{{
		Value: ptr[wsdp.TextType]("Požadovaná akce byla úspěšně provedena."),
		Kod:   ptr[wsdp.ZpravaKodType]("0"), Uroven: ptr[wsdp.ZpravaServeruTypeType]("INFORMACE"),
	}}}
}

// samples are answers and requests built from the generated types, one per
// shape the sandbox writes.
func samples() []struct {
	name, service string
	v             any
} {
	stavba := &wsdp.StavbaIdentType{IdStavby: ptr[wsdp.IdType]("293229306"), LvId: ptr[wsdp.IdType]("807841306"),
		TypStavbyKod: ptr[wsdp.TypStavbyKodType]("1"), CastObceKod: ptr[wsdp.CastObceKodType]("93939"),
		CisloDomovni: ptr[wsdp.CisloDomovniType]("25")}
	os := &wsdp.OSType{OSBaseType: &wsdp.OSBaseType{IdOS: ptr[wsdp.IdType]("1"), Prijmeni: ptr[wsdp.PrijmeniType]("Nováková"),
		Jmeno: ptr[wsdp.JmenoType]("Jana"), VlastnikTyp: ptr[wsdp.TypVlastnikaType]("OFO")}}
	return []struct {
		name, service string
		v             any
	}{
		{"najdi-parcelu-response", "vyhledat", &wsdp.NajdiParceluResponseType{Vysledek: ok(), ParcelaList: &wsdp.ParcelaListType{
			Parcela: []*wsdp.ParcelaType{{IdParcely: ptr[wsdp.IdType]("2850901306"), ParcelaType: ptr[wsdp.ParcelaTypeType]("PKN"),
				KatuzeKod: ptr[wsdp.KatastrUzemiKodType]("693936"), KmenoveCislo: ptr[wsdp.ParcelaKmenoveCisloType]("77"),
				ZpUrVyKod: ptr[wsdp.ParcelaZpusobUrceniVymeryKodType]("2"), DrupozKod: ptr[wsdp.ParcelaDruhPozemkuKodType]("13"),
				Vymera: ptr[wsdp.ParcelaVymeraType]("893"), LvId: ptr[wsdp.IdType]("807841306"),
				DruhCislovaniPar: ptr[wsdp.DruhCislovaniParType]("1"), Stavba: stavba,
				StavbaSoucastiParcely: ptr[wsdp.AnoNeType]("n")}}}}},
		{"najdi-parcelu-not-found", "vyhledat", &wsdp.NajdiParceluResponseType{Vysledek: ok(), ParcelaList: &wsdp.ParcelaListType{}}},
		{"najdi-os-response-with-partner", "vyhledat", &wsdp.NajdiOSResponseType{Vysledek: ok(), OSList: &wsdp.OSListType{OS: []*wsdp.OSType{
			{OSBaseType: &wsdp.OSBaseType{IdOS: ptr[wsdp.IdType]("3"), VlastnikTyp: ptr[wsdp.TypVlastnikaType]("BSM")},
				Partner1: &wsdp.PartnerType{OS: os.OSBaseType}}}}}},
		{"dej-mbr-parcel-response", "informace", &wsdp.DejMBRParcelResponseType{Vysledek: ok(), InfoList: &wsdp.InfoListType{MBRList: &wsdp.MBRListType{
			MBR: []*wsdp.MBRType{
				{IDList: &wsdp.IDListType{ID: []string{"2850901306"}, Typ: ptr[wsdp.IDListTypType]("PAR_S")},
					BoundedBy: &wsdp.BoundedBy{Envelope: &wsdp.EnvelopeType{LowerCorner: ptr[wsdp.DoubleListType]("749749 1164022"), UpperCorner: ptr[wsdp.DoubleListType]("749775 1164055")}}},
				{IDList: &wsdp.IDListType{ID: []string{"2850902306"}, Typ: ptr[wsdp.IDListTypType]("PAR_S")},
					BoundedBy: &wsdp.BoundedBy{Null: ptr[wsdp.NilReasonType]("")}},
			}}}}},
		{"dej-nahled-lv-response", "informace", &wsdp.DejNahledLVResponseType{Vysledek: ok(),
			LV: &wsdp.LVType{IdLV: ptr[wsdp.IdType]("807841306"), KatastralniUzemi: &wsdp.KatuzeType{Kod: ptr[wsdp.KatastrUzemiKodType]("693936"), Nazev: ptr[wsdp.KatastrUzemiNazevType]("Jáma")}, LvCislo: ptr[wsdp.LVCisloType]("352")},
			OS: []*wsdp.OSType{os},
			Vlastnictvi: []*wsdp.VlastnictviType{{IdVlastnictvi: ptr[wsdp.IdType]("5"), LvId: ptr[wsdp.IdType]("807841306"),
				PodilCitatel: ptr[wsdp.VlastnictviPodilType]("1"), PodilJmenovatel: ptr[wsdp.VlastnictviPodilType]("1"),
				TypPravnihoVztahuKod: ptr[wsdp.TypPravnihoVztahuKodType]("10"), KatuzeKod: ptr[wsdp.KatastrUzemiKodType]("693936"),
				LvCislo: ptr[wsdp.LVCisloType]("352"), OsId: ptr[wsdp.IdType]("1")}},
			Jednotka: []*wsdp.JednotkaLongType{{JednotkaType: &wsdp.JednotkaType{IdJednotky: ptr[wsdp.IdType]("9"), Stavba: stavba,
				TypJedKod: ptr[wsdp.JednotkaTypJednotkyKodType]("1"), Cislo: ptr[wsdp.JednotkaCisloType]("1")},
				TypNazev: ptr[wsdp.JednotkaTypJednotkyNazevType]("jednotka vymezená podle zákona o vlastnictví bytů")}}}},
		{"generuj-sestavu-response", "sestavy", &wsdp.GenerujSestavuResponseType{Vysledek: ok(), ReportList: &wsdp.ReportListType{
			Report: []*wsdp.ReportType{{Id: ptr[wsdp.IdType]("27033090011"), Nazev: ptr[wsdp.NazevReportuType]("Výpis z katastru"),
				PocetJednotek: ptr[wsdp.PocetJednotekType]("0"), Cena: ptr[wsdp.CenaType]("0"),
				DatumPozadavku: ptr[wsdp.DateTimeType]("2013-08-19T11:16:28"), Stav: ptr[wsdp.ReportStavType]("čeká"),
				Format: ptr[wsdp.FormatSestavyType]("pdf"), SouborSestavy: []byte("JVBERi0xLjcK")}}}}},
		{"seznam-ku-response", "ciselnik", &wsdp.SeznamKUResponseType{Vysledek: ok(), PosledniAktualizaceCiselniku: ptr[wsdp.DateType]("2008-01-16"),
			KatastralniUzemi: []*wsdp.KatastralniUzemiPolozkaType{{Kod: ptr[wsdp.KatastrUzemiKodType]("693936"), Nazev: ptr[wsdp.KatastrUzemiNazevType]("Jáma"), KodObce: ptr[wsdp.ObecKodType]("550426")}}}},
		{"ctios-response", "ctios", &wsdp.CtiOsResponseType{Vysledek: ok(), OsList: &wsdp.OsResultListType{Os: []*wsdp.OSTypeResult{
			{POSIdent: "x1", ChybaPOSIdent: ptr[wsdp.ChybaPOSIdentType]("NEPLATNY_IDENTIFIKATOR")},
			{POSIdent: "x2", OsId: ptr[wsdp.IdType]("4"), OsDetail: []*wsdp.OSDetailType{{StavDat: ptr[wsdp.StavDatOSType]("0"),
				DatumVzniku: ptr[wsdp.DateTimeType]("2004-01-01T00:00:00"), PriznakKontext: ptr[wsdp.PriznakKontextuType]("1"),
				RizeniIdVzniku: ptr[wsdp.IdType]("52211641010"), OpsubType: ptr[wsdp.TypVlastnikaType]("OFO"),
				CharOsType: ptr[wsdp.CharakteristikaOSKodType]("1")}}}}}}},
		{"generuj-lv-request", "sestavy", &wsdp.GenerujLVRequestType{LvId: ptr[wsdp.IdType]("807841306"), Format: ptr[wsdp.FormatSestavyType]("xml"),
			CisloJednaci: ptr[wsdp.SestavyCisloJednaciType]("MUPT 1/2026"), UcelKod: ptr[wsdp.SestavyUcelKodType]("5")}},
	}
}

// TestMarshalQualifiesEveryElement checks that Marshal's output passes
// Check (every element in its namespace) and, where the reference schemas
// are present, the official WSDP 2.8 schemas.
func TestMarshalQualifiesEveryElement(t *testing.T) {
	for _, s := range samples() {
		t.Run(s.name, func(t *testing.T) {
			out, err := cuzk.Marshal(s.v)
			if err != nil {
				t.Fatal(err)
			}
			e, err := cuzk.Parse(bytes.NewReader(out), cuzk.Limits{})
			if err != nil {
				t.Fatal(err)
			}
			if err := cuzk.Check(e); err != nil {
				t.Fatalf("own schema: %v\n%s", err, out)
			}
			xsdcheck.ValidateCUZK(t, out, s.service)
		})
	}
}

func TestMarshalNamespaces(t *testing.T) {
	out, err := cuzk.Marshal(samples()[0].v)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`<NajdiParceluResponse xmlns="http://katastr.cuzk.cz/vyhledat/types/v2.8" xmlns:ns0="http://katastr.cuzk.cz/commonTypes/v2.8">`,
		`<vysledek><ns0:zprava kod="0" uroven="INFORMACE">`,
		`<ParcelaList><Parcela><ns0:idParcely>2850901306</ns0:idParcely>`,
		`<ns0:stavba><ns0:idStavby>293229306</ns0:idStavby>`,
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("missing %s in\n%s", want, out)
		}
	}
	mbr, err := cuzk.Marshal(samples()[3].v)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(mbr), `<gml:boundedBy><gml:Null></gml:Null></gml:boundedBy>`) &&
		!strings.Contains(string(mbr), `<gml:boundedBy><gml:Null/></gml:boundedBy>`) {
		t.Errorf("empty MBR not written as gml:Null:\n%s", mbr)
	}
}

func TestUnmarshalRoundTrip(t *testing.T) {
	in := `<v:GenerujLVRequest xmlns:v="http://katastr.cuzk.cz/sestavy/types/v2.8"><v:lvId>807841306</v:lvId><v:format>xml</v:format><v:cisloJednaci>MUPT 1/2026</v:cisloJednaci><v:ucelKod>5</v:ucelKod></v:GenerujLVRequest>`
	e, err := cuzk.Parse(strings.NewReader(in), cuzk.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if err := cuzk.Check(e); err != nil {
		t.Fatal(err)
	}
	var r wsdp.GenerujLVRequestType
	if err := cuzk.Unmarshal(e, &r); err != nil {
		t.Fatal(err)
	}
	if *r.LvId != "807841306" || *r.Format != "xml" || *r.CisloJednaci != "MUPT 1/2026" || *r.UcelKod != "5" || r.PoradoveCislo != nil {
		t.Fatalf("decoded %+v", r)
	}
	var wrong wsdp.NajdiParceluRequestType
	if err := cuzk.Unmarshal(e, &wrong); err == nil {
		t.Fatal("decoded a GenerujLVRequest into a NajdiParceluRequest")
	}
}

func TestMarshalRejectsUndeclared(t *testing.T) {
	type stray struct {
		XMLName struct{} `xml:"urn:x Stray"`
	}
	if _, err := cuzk.Marshal(&stray{}); err == nil {
		t.Fatal("marshalled an element the contract does not declare")
	}
}
