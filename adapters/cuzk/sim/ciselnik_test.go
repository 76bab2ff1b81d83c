package sim_test

import (
	"slices"
	"testing"
	"time"

	"konektor/adapters/cuzk/sim"
)

func TestCiselnik(t *testing.T) {
	tests := []struct {
		name, op, payload string
		codes             []int
		items             string // element of the answer's items
		want              []string
		count             int // -1: do not check
	}{
		{name: "ku-by-name-like-the-user-guide", op: "seznamKU", payload: req("ciselnik", "SeznamKURequest", "<v:kde><v:nazevKU><v:obsahuje>Jáma%</v:obsahuje></v:nazevKU></v:kde>"),
			codes: []int{0}, items: "katastralniUzemi", want: []string{"693936", "Jáma", "550426"}, count: 1},
		{name: "ku-name-without-diacritics", op: "seznamKU", payload: req("ciselnik", "SeznamKURequest", "<v:kde><v:nazevKU><v:obsahuje>jama</v:obsahuje></v:nazevKU></v:kde>"),
			codes: []int{0}, items: "katastralniUzemi", want: []string{"693936"}, count: 1},
		{name: "ku-of-obec", op: "seznamKU", payload: req("ciselnik", "SeznamKURequest", "<v:kde><v:kodObce><v:odpovida>550426</v:odpovida></v:kodObce></v:kde>"),
			codes: []int{0}, items: "katastralniUzemi", want: []string{"693928", "693936", "693944", "693952", "693961"}, count: 5},
		{name: "ku-unknown-obec", op: "seznamKU", payload: req("ciselnik", "SeznamKURequest", "<v:kde><v:kodObce><v:odpovida>999999</v:odpovida></v:kodObce></v:kde>"),
			codes: []int{395}, count: 0},
		{name: "ku-unknown-code", op: "seznamKU", payload: req("ciselnik", "SeznamKURequest", "<v:kde><v:kodKU><v:odpovida>1</v:odpovida></v:kodKU></v:kde>"),
			codes: []int{302}, count: 0},
		{name: "ku-nothing-matches", op: "seznamKU", payload: req("ciselnik", "SeznamKURequest", "<v:kde><v:nazevKU><v:obsahuje>Xyz%</v:obsahuje></v:nazevKU></v:kde>"),
			codes: []int{0, 392}, count: 0},
		{name: "kraje", op: "seznamKraju", payload: req("ciselnik", "SeznamKrajuRequest", ""), codes: []int{0}, items: "kraj", want: []string{"35", "Jihočeský", "19", "Hlavní město Praha"}, count: 14},
		{name: "okresy-of-kraj", op: "seznamOkresu", payload: req("ciselnik", "SeznamOkresuRequest", "<v:kde><v:kodNovehoKraje><v:odpovida>35</v:odpovida></v:kodNovehoKraje></v:kde>"),
			codes: []int{0}, items: "okres", want: []string{"3306", "Prachatice"}, count: 7},
		{name: "okres-unknown", op: "seznamOkresu", payload: req("ciselnik", "SeznamOkresuRequest", "<v:kde><v:kodOkresu><v:odpovida>1</v:odpovida></v:kodOkresu></v:kde>"), codes: []int{393}, count: 0},
		{name: "kraj-unknown", op: "seznamOkresu", payload: req("ciselnik", "SeznamOkresuRequest", "<v:kde><v:kodNovehoKraje><v:odpovida>1</v:odpovida></v:kodNovehoKraje></v:kde>"), codes: []int{394}, count: 0},
		{name: "obce-of-okres", op: "seznamObci", payload: req("ciselnik", "SeznamObciRequest", "<v:kde><v:kodOkresu><v:odpovida>3306</v:odpovida></v:kodOkresu></v:kde>"),
			codes: []int{0}, items: "obec", want: []string{"550426", "Mičovice"}, count: 65},
		{name: "obec-like", op: "seznamObci", payload: req("ciselnik", "SeznamObciRequest", "<v:kde><v:nazevObce><v:obsahuje>%ovice</v:obsahuje></v:nazevObce></v:kde>"),
			codes: []int{0}, items: "obec", want: []string{"Mičovice"}, count: -1},
		{name: "casti-of-obec", op: "seznamCastiObci", payload: req("ciselnik", "SeznamCastiObciRequest", "<v:kde><v:kodObce><v:odpovida>550426</v:odpovida></v:kodObce></v:kde>"),
			codes: []int{0}, items: "castObce", want: []string{"93939", "Jáma"}, count: 5},
		{name: "cast-unknown", op: "seznamCastiObci", payload: req("ciselnik", "SeznamCastiObciRequest", "<v:kde><v:kodCastiObce><v:odpovida>1</v:odpovida></v:kodCastiObce></v:kde>"), codes: []int{303}, count: 0},
		{name: "ucely", op: "seznamUcelu", payload: req("ciselnik", "SeznamUceluRequest", ""), codes: []int{0}, items: "ucel", want: []string{"1"}, count: len(sim.Ucely)},
		{name: "zpravy", op: "seznamZprav", payload: req("ciselnik", "SeznamZpravRequest", ""), codes: []int{0}, items: "zprava", want: []string{"477", "Překročen maximální počet současně pracujících uživatelů. Opakujte požadavek později."}, count: -1},
		{name: "druhy-pozemku", op: "seznamDruhuPozemku", payload: req("ciselnik", "SeznamDruhuPozemkuRequest", ""), codes: []int{0}, items: "druhPozemku", want: []string{"13", "zastavěná plocha a nádvoří"}, count: 10},
		{name: "typy-staveb", op: "seznamTypuStaveb", payload: req("ciselnik", "SeznamTypuStavebRequest", ""), codes: []int{0}, items: "typStavby", want: []string{"1", "2"}, count: 3},
	}
	s := newSandbox(t, sim.Options{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := s.call(t, "ciselnik", tt.op, "WSTEST", tt.payload)
			if !slices.Equal(r.codes(), tt.codes) {
				t.Fatalf("codes %v, want %v\n%s", r.codes(), tt.codes, r.body)
			}
			if d, ok := r.payload.AttrValue("posledniAktualizaceCiselniku"); ok != (tt.codes[0] == 0) || (ok && d != "2024-01-01") {
				t.Errorf("posledniAktualizaceCiselniku %q %v", d, ok)
			}
			var texts []string
			n := 0
			for _, c := range r.payload.Children {
				if c.Name.Local == "vysledek" {
					continue
				}
				n++
				for _, f := range c.Children {
					texts = append(texts, f.Text)
				}
			}
			if tt.count >= 0 && n != tt.count {
				t.Errorf("%d items, want %d", n, tt.count)
			}
			for _, w := range tt.want {
				if !slices.Contains(texts, w) {
					t.Errorf("missing %q", w)
				}
			}
		})
	}
}

// TestSeznamCiselniku: every list with its last change; zmenyOd keeps the
// lists changed since, and 308 says nothing changed.
func TestSeznamCiselniku(t *testing.T) {
	s := newSandbox(t, sim.Options{})
	all := s.call(t, "ciselnik", "seznamCiselniku", "WSTEST", req("ciselnik", "SeznamCiselnikuRequest", ""))
	if n := len(all.payload.All("ciselnik")); n != 32 {
		t.Fatalf("%d lists, want the 32 other code lists", n)
	}
	since := req("ciselnik", "SeznamCiselnikuRequest", "<v:zmenyOd>2026-01-01</v:zmenyOd>")
	none := s.call(t, "ciselnik", "seznamCiselniku", "WSTEST", since)
	if !slices.Equal(none.codes(), []int{0, 308}) || len(none.payload.All("ciselnik")) != 0 {
		t.Fatalf("unchanged: %v\n%s", none.codes(), none.body)
	}
	s.TouchCodeList("seznamKU", time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC))
	changed := s.call(t, "ciselnik", "seznamCiselniku", "WSTEST", since)
	lists := changed.payload.All("ciselnik")
	if len(lists) != 1 || lists[0].Value("nazev") != "seznamKU" || lists[0].Value("datumPosledniZmeny") != "2026-02-01" {
		t.Fatalf("changed lists:\n%s", changed.body)
	}
	ku := s.call(t, "ciselnik", "seznamKU", "WSTEST", req("ciselnik", "SeznamKURequest", "<v:kde><v:kodKU><v:odpovida>693936</v:odpovida></v:kodKU></v:kde>"))
	if d, _ := ku.payload.AttrValue("posledniAktualizaceCiselniku"); d != "2026-02-01" {
		t.Fatalf("seznamKU last update %q", d)
	}
}

func TestMaxResults(t *testing.T) {
	s := newSandbox(t, sim.Options{MaxResults: 10})
	r := s.call(t, "ciselnik", "seznamKU", "WSTEST", req("ciselnik", "SeznamKURequest", ""))
	if !slices.Equal(r.codes(), []int{0, 310}) || len(r.payload.All("katastralniUzemi")) != 10 {
		t.Fatalf("%v, %d items", r.codes(), len(r.payload.All("katastralniUzemi")))
	}
}

func TestNotices(t *testing.T) {
	s := newSandbox(t, sim.Options{Notices: append(sim.TrialNotices(),
		sim.Notice{Kod: 9010, Uroven: sim.Informace, Text: "Plánovaná odstávka.", From: time.Date(2026, 3, 3, 0, 0, 0, 0, time.UTC)})})
	cis := s.call(t, "ciselnik", "seznamKraju", "WSTEST", req("ciselnik", "SeznamKrajuRequest", ""))
	if !slices.Equal(cis.codes(), []int{0, 9002, 9001}) {
		t.Fatalf("ciselnik: %v", cis.codes())
	}
	ses := s.call(t, "sestavy", "seznamSestav", "WSTEST", req("sestavy", "SeznamSestavRequest", ""))
	if !slices.Equal(ses.codes(), []int{0, 392, 9002, 9001, 9003}) {
		t.Fatalf("sestavy: %v", ses.codes())
	}
	s.clock.Advance(24 * time.Hour)
	if later := s.call(t, "ciselnik", "seznamKraju", "WSTEST", req("ciselnik", "SeznamKrajuRequest", "")); !later.has(9010) {
		t.Fatalf("notice from 3 March not shown: %v", later.codes())
	}
}
