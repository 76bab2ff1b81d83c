package sim_test

import (
	"strings"
	"testing"
	"time"

	"konektor/adapters/iszr/sim"
	"konektor/internal/xsdcheck"
)

func TestServicesAnswer(t *testing.T) {
	tests := []struct {
		name  string
		call  call
		check func(t *testing.T, a answer)
	}{
		{name: "e03-person-by-aifo", call: call{code: "E03", payload: e03Payload(sim.SampleAifo)}, check: func(t *testing.T, a answer) {
			if got := a.text("RobOdpoved", "RobCtiAifoDataResponse", "Prijmeni"); got != "ROLNIČKA" {
				t.Errorf("Prijmeni = %q", got)
			}
			if got := a.text("RobOdpoved", "RobCtiAifoDataResponse", "AdresaPobytu"); got != "14492253" {
				t.Errorf("AdresaPobytu = %q", got)
			}
			if got := a.text("RuianOdpoved", "RuianCtiProRobDataResponse", "SeznamAdres", "PolozkovaAdresa", "ObecNazev"); got != "Tábor" {
				t.Errorf("joined address ObecNazev = %q", got)
			}
			if got := a.text("MapaAifo", "PrevodAifo", "GlobalniAifo"); got != sim.SampleAifo {
				t.Errorf("MapaAifo not echoed: %q", got)
			}
		}},
		{name: "e276-person-by-aifo", call: call{code: "E276", payload: e276Payload(sim.SampleAifo)}, check: func(t *testing.T, a answer) {
			if got := a.text("RobOdpoved", "RobCtiAifo2DataResponse", "Jmeno"); got != "MAREK" {
				t.Errorf("Jmeno = %q", got)
			}
			if got := a.text("RuianOdpoved", "RuianCtiProRobV2DataResponse", "SeznamAdres", "PolozkovaAdresa", "UliceNazev"); got != "Palackého" {
				t.Errorf("UliceNazev = %q", got)
			}
		}},
		{name: "e278-search", call: call{code: "E278", items: "Aifo Jmeno Prijmeni DatumNarozeni",
			payload: e278Payload(``, `<rod:Jmeno>marek</rod:Jmeno><rod:Prijmeni>rolnička</rod:Prijmeni>`)}, check: func(t *testing.T, a answer) {
			osoby := a.all("Osoba")
			if len(osoby) != 1 || osoby[0].Child("DatumNarozeni").Text != "1974-05-15" {
				t.Fatalf("found %d persons", len(osoby))
			}
			if osoby[0].Child("AdresaPobytu") != nil {
				t.Error("AdresaPobytu was not requested but is answered")
			}
			if got := a.text("MapaAifo", "PrevodAifo", "GlobalniAifo"); got != sim.SampleAifo {
				t.Errorf("GlobalniAifo = %q", got)
			}
		}},
		{name: "e278-search-ascii", call: call{code: "E278", payload: e278Payload(` typPorovnani="ascii"`, `<rod:Prijmeni>novakova</rod:Prijmeni>`)}, check: func(t *testing.T, a answer) {
			if n := len(a.all("Osoba")); n != 2 {
				t.Fatalf("found %d persons, want JANA and TEREZA NOVÁKOVÁ", n)
			}
		}},
		{name: "e256-legal-entity", call: call{code: "E256", items: "Ico ObchodniNazev PravniForma AdresaSidla", payload: e256Payload(sim.SampleIco)}, check: func(t *testing.T, a answer) {
			po := a.root.Path("RosOdpoved", "RosCtiIco2DataResponse", "PravnickaOsoba")
			if po.Child("Ico").Text != "838420" || po.Path("PravniForma", "KodPravniFormy").Text != "706" {
				t.Errorf("PravnickaOsoba = %s", po.Bytes())
			}
			if po.Path("OsobaAgendy", "AdresaSidla", "OdkazRuian").Text != "14492253" {
				t.Errorf("AdresaSidla missing")
			}
			if po.Child("DatoveSchranky") != nil {
				t.Error("DatovaSchrankaROS was not requested but is answered")
			}
		}},
		{name: "e36-itemised", call: call{code: "E36", payload: e36Payload("21700851", "POLOZKOVY")}, check: func(t *testing.T, a answer) {
			pa := a.root.Path("RuianOdpoved", "RuianCtiAdresuDataResponse", "Adresa", "PolozkovaAdresa")
			if pa.Child("MopNazev").Text != "Praha 1" || pa.Child("OkresKod") != nil {
				t.Errorf("PolozkovaAdresa = %s", pa.Bytes())
			}
		}},
		{name: "e36-lines", call: call{code: "E36", payload: e36Payload("14492253", "RADKOVY")}, check: func(t *testing.T, a answer) {
			ra := a.root.Path("RuianOdpoved", "RuianCtiAdresuDataResponse", "Adresa", "RadkovaAdresa")
			if ra.Child("RadekAdresy1").Text != "Palackého 2801/12" || ra.Child("RadekAdresy2").Text != "390 02 Tábor" {
				t.Errorf("RadkovaAdresa = %s", ra.Bytes())
			}
		}},
		{name: "e36-lines-limited-items", call: call{code: "E36", items: "ObecNazev PostaKod", payload: e36Payload("11270705", "RADKOVY")}, check: func(t *testing.T, a answer) {
			ra := a.root.Path("RuianOdpoved", "RuianCtiAdresuDataResponse", "Adresa", "RadkovaAdresa")
			if ra.Child("AdresniMistoKod") != nil || ra.Child("RadekAdresy1").Text != "383 01 Mičovice" || ra.Child("RadekAdresy2") != nil {
				t.Errorf("RadkovaAdresa = %s", ra.Bytes())
			}
		}},
		{name: "e251-itemised", call: call{code: "E251", payload: e251Payload("21700851", "POLOZKOVY")}, check: func(t *testing.T, a answer) {
			pa := a.root.Path("RuianOdpoved", "RuianCtiAdresu2DataResponse", "Adresa", "PolozkovaAdresa")
			if pa.Child("ObvodPrahyKod").Text != "19" {
				t.Errorf("PolozkovaAdresa = %s", pa.Bytes())
			}
		}},
		{name: "e227-items-of-role", call: call{code: "E227", payload: e227Payload("X999", "XR2", "12345678")}, check: func(t *testing.T, a answer) {
			var names []string
			for _, k := range a.all("KodIszr") {
				names = append(names, k.Text)
			}
			if len(names) != len(fakeItems) || !strings.Contains(strings.Join(names, " "), "DatovaSchrankaROB") {
				t.Errorf("items = %v", names)
			}
		}},
		{name: "e227-role-without-items", call: call{code: "E227", payload: e227Payload("X998", "XR1", "87654321")}, check: func(t *testing.T, a answer) {
			if n := len(a.all("Polozka")); n != 0 {
				t.Errorf("%d items for a role the policy does not know", n)
			}
		}},
		{name: "e164-probe", call: call{code: "E164", payload: e164Payload("ROB ROS XYZ")}, check: func(t *testing.T, a answer) {
			odp := a.all("OdpovedRozhrani")
			if len(odp) != 3 || odp[2].Path("ProbeStatus", "VysledekDetail", "VysledekSubKod").Text != "ROZHRANI NEDOSTUPNE" {
				t.Errorf("probe = %s", a.root.Bytes())
			}
		}},
		{name: "e164-probe-all", call: call{code: "E164"}, check: func(t *testing.T, a answer) {
			if n := len(a.all("OdpovedRozhrani")); n != 6 {
				t.Errorf("%d interfaces", n)
			}
		}},
		{name: "e99-empty-queue", call: call{code: "E99"}, check: func(t *testing.T, a answer) {
			if got := a.text("IszrOdpoved", "IszrAsyncVypisFrontyDataResponse", "IszrAplikacniStatus", "VypisPokracuje"); got != "false" {
				t.Errorf("VypisPokracuje = %q", got)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, _ := newServer(t)
			req := tc.call.envelope(t)
			xsdcheck.ValidateBody(t, req, tc.call.code)
			a := send(t, s, tc.call, req)
			expect(t, a, tc.call.code, "OK", "")
			if got := a.text("OdpovedInfo", "CasOdpovedi"); got != "2026-03-02T10:00:00.000+01:00" {
				t.Errorf("CasOdpovedi = %q", got)
			}
			if a.text("OdpovedInfo", "IszrZadostId") == "" || a.text("OdpovedInfo", "AgendaZadostId") == "" {
				t.Error("IszrZadostId or AgendaZadostId missing")
			}
			tc.check(t, a)
		})
	}
}

func TestAgendaZadostIdEchoed(t *testing.T) {
	s, _ := newServer(t)
	const id = "ABCDEF01-2345-4678-89AB-CDEF01234567"
	a := do(t, s, call{code: "E36", id: id, payload: e36Payload("14492253", "POLOZKOVY")})
	expect(t, a, "E36", "OK", "")
	if got := a.text("OdpovedInfo", "AgendaZadostId"); got != id {
		t.Fatalf("AgendaZadostId = %q, want %q", got, id)
	}
}

func BenchmarkServeE03(b *testing.B) {
	s := sim.New(sim.Options{Now: func() time.Time { return testNow }, Policy: fakePolicy{}})
	c := call{code: "E03", items: "Jmeno Prijmeni AdresaPobytu", payload: e03Payload(sim.SampleAifo)}
	b.ReportAllocs()
	for b.Loop() {
		c.id = ""
		if a := do(b, s, c); a.kod() != "OK" {
			b.Fatalf("%s", a.body)
		}
	}
}
