package sim_test

import (
	"strings"
	"testing"

	"konektor/adapters/iszr/sim"
)

// TestSearchCriteria runs E278 with each criterion; fields go in schema
// order.
func TestSearchCriteria(t *testing.T) {
	tests := []struct {
		name   string
		attrs  string
		fields string
		want   []string // Jmeno of the persons found, in answer order
	}{
		{name: "birth-date", fields: `<rod:DatumNarozeni>1990-07-14</rod:DatumNarozeni>`, want: []string{"LUCIE"}},
		{name: "address", fields: `<rod:AdresaPobytu>21700851</rod:AdresaPobytu>`, want: []string{"PETR", "JANA", "TEREZA"}},
		{name: "data-box", fields: `<rod:DatovaSchrankaId>ku5an9r</rod:DatovaSchrankaId>`, want: []string{"ANNA"}},
		{name: "death-date", fields: `<rod:DatumUmrti>2023-11-02</rod:DatumUmrti>`, want: []string{"MARIE"}},
		{name: "birthplace-in-cr", fields: `<rod:MistoNarozeni><rob:NarozeniCr>554782</rob:NarozeniCr></rod:MistoNarozeni>`, want: []string{"PETR", "TEREZA"}},
		{name: "birthplace-abroad", fields: `<rod:MistoNarozeni><rob:NarozeniSvet><rob:MistoSvet>WIEN</rob:MistoSvet><rob:Stat>40</rob:Stat></rob:NarozeniSvet></rod:MistoNarozeni>`, want: []string{"KAREL"}},
		{name: "document", fields: `<rod:Doklad><rob:Cislo>209933156</rob:Cislo><rob:Druh>ID</rob:Druh></rod:Doklad>`, want: []string{"LUCIE"}},
		{name: "document-wrong-kind", fields: `<rod:Doklad><rob:Cislo>209933156</rob:Cislo><rob:Druh>P</rob:Druh></rod:Doklad>`},
		{name: "citizenship", fields: `<rod:Obcanstvi>703</rod:Obcanstvi>`, want: []string{"ANNA"}},
		{name: "maiden-name", fields: `<rod:RodnePrijmeni>ČERNÁ</rod:RodnePrijmeni>`, want: []string{"LUCIE"}},
		{name: "sex-and-status", fields: `<rod:Prijmeni>NOVÁKOVÁ</rod:Prijmeni><rod:RodinnyStavPartnerstvi>SVOBODNY/SVOBODNA</rod:RodinnyStavPartnerstvi><rod:Pohlavi>zena</rod:Pohlavi>`, want: []string{"TEREZA"}},
		{name: "strict-comparison-is-case-sensitive", attrs: ` typPorovnani="striktni"`, fields: `<rod:Prijmeni>Rolnička</rod:Prijmeni>`},
		{name: "default-comparison-keeps-diacritics", fields: `<rod:Prijmeni>ROLNICKA</rod:Prijmeni>`},
		{name: "ascii-comparison-drops-diacritics", attrs: ` typPorovnani="ascii"`, fields: `<rod:Prijmeni>ROLNICKA</rod:Prijmeni>`, want: []string{"MAREK"}},
		{name: "no-data-for-certificates", fields: `<rod:Prijmeni>ROLNIČKA</rod:Prijmeni><rod:SerioveCisloCertifikatu>12345</rod:SerioveCisloCertifikatu>`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, _ := newServer(t)
			c := call{code: "E278", items: "Jmeno", payload: e278Payload(tc.attrs, tc.fields)}
			c.payload = strings.Replace(c.payload, "<svc:RobCtiPodleUdaju2Data", `<svc:RobCtiPodleUdaju2Data xmlns:rob="urn:cz:isvs:rob:schemas:RobTypy:v1"`, 1)
			a := do(t, s, c)
			if len(tc.want) == 0 {
				expect(t, a, "E278", "CHYBA", "APLIKACNI CHYBA")
				return
			}
			expect(t, a, "E278", "OK", "")
			var got []string
			for _, o := range a.all("Osoba") {
				got = append(got, o.Child("Jmeno").Text)
			}
			if strings.Join(got, " ") != strings.Join(tc.want, " ") {
				t.Fatalf("found %v, want %v", got, tc.want)
			}
		})
	}
}

func TestSeedAccessorsReturnCopies(t *testing.T) {
	p := sim.Persons()
	p[0].Jmeno, p[0].Obcanstvi[0] = "X", 1
	if q := sim.Persons(); q[0].Jmeno != "MAREK" || q[0].Obcanstvi[0] != 203 {
		t.Fatal("Persons exposes the seed")
	}
	e := sim.Entities()
	e[0].Nazev = "X"
	if sim.Entities()[0].Nazev == "X" || len(sim.Addresses()) < 10 || len(e) < 10 || len(p) < 10 {
		t.Fatal("Entities exposes the seed, or the seed is too small")
	}
}
