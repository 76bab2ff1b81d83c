package sim_test

import (
	"slices"
	"testing"

	"konektor/adapters/cuzk/sim"
)

func TestVyhledat(t *testing.T) {
	tests := []struct {
		name, op, user, payload string
		codes                   []int
		list                    string // answer list element
		item                    string // item element
		ids                     []string
		idElem                  string
	}{
		{name: "parcela-by-number-like-the-user-guide", op: "najdiParcelu", user: "WSTEST",
			payload: req("vyhledat", "NajdiParceluRequest", "<v:katastrUzemiKod>693936</v:katastrUzemiKod><v:kmenoveCislo>77</v:kmenoveCislo>"),
			codes:   []int{0}, list: "ParcelaList", item: "Parcela", idElem: "idParcely", ids: []string{sim.SampleParcela}},
		{name: "parcela-by-id", op: "najdiParcelu", user: "WSTEST", payload: req("vyhledat", "NajdiParceluRequest", "<v:parcelaId>2850901306</v:parcelaId>"),
			codes: []int{0}, list: "ParcelaList", item: "Parcela", idElem: "idParcely", ids: []string{sim.SampleParcela}},
		{name: "parcela-with-poddeleni", op: "najdiParcelu", user: "WSTEST",
			payload: req("vyhledat", "NajdiParceluRequest", "<v:katastrUzemiKod>693936</v:katastrUzemiKod><v:kmenoveCislo>1385</v:kmenoveCislo><v:poddeleni>9</v:poddeleni>"),
			codes:   []int{0}, list: "ParcelaList", item: "Parcela", idElem: "idParcely", ids: []string{"2850933306"}},
		{name: "parcela-without-poddeleni-finds-none", op: "najdiParcelu", user: "WSTEST",
			payload: req("vyhledat", "NajdiParceluRequest", "<v:katastrUzemiKod>693936</v:katastrUzemiKod><v:kmenoveCislo>1385</v:kmenoveCislo>"),
			codes:   []int{0, 392}, list: "ParcelaList", item: "Parcela"},
		{name: "parcela-unknown-id", op: "najdiParcelu", user: "WSTEST", payload: req("vyhledat", "NajdiParceluRequest", "<v:parcelaId>1</v:parcelaId>"),
			codes: []int{304}, list: "ParcelaList", item: "Parcela"},
		{name: "parcela-unknown-ku", op: "najdiParcelu", user: "WSTEST",
			payload: req("vyhledat", "NajdiParceluRequest", "<v:katastrUzemiKod>999998</v:katastrUzemiKod><v:kmenoveCislo>1</v:kmenoveCislo>"),
			codes:   []int{302}, list: "ParcelaList", item: "Parcela"},
		{name: "parcela-both-ways", op: "najdiParcelu", user: "WSTEST",
			payload: req("vyhledat", "NajdiParceluRequest", "<v:parcelaId>2850901306</v:parcelaId><v:katastrUzemiKod>693936</v:katastrUzemiKod><v:kmenoveCislo>77</v:kmenoveCislo>"),
			codes:   []int{321}, list: "ParcelaList", item: "Parcela"},
		{name: "parcela-neither", op: "najdiParcelu", user: "WSTEST", payload: req("vyhledat", "NajdiParceluRequest", ""),
			codes: []int{115}, list: "ParcelaList", item: "Parcela"},
		{name: "parcela-number-missing", op: "najdiParcelu", user: "WSTEST", payload: req("vyhledat", "NajdiParceluRequest", "<v:katastrUzemiKod>693936</v:katastrUzemiKod>"),
			codes: []int{109}, list: "ParcelaList", item: "Parcela"},
		{name: "parcela-datumk-future", op: "najdiParcelu", user: "WSTEST",
			payload: req("vyhledat", "NajdiParceluRequest", "<v:parcelaId>2850901306</v:parcelaId><v:datumK>2026-03-02T12:00:00</v:datumK>"),
			codes:   []int{453}, list: "ParcelaList", item: "Parcela"},
		{name: "parcela-datumk-before-migration", op: "najdiParcelu", user: "WSTEST",
			payload: req("vyhledat", "NajdiParceluRequest", "<v:parcelaId>2850901306</v:parcelaId><v:datumK>2000-01-01T00:00:00</v:datumK>"),
			codes:   []int{476}, list: "ParcelaList", item: "Parcela"},
		{name: "parcela-datumk-past", op: "najdiParcelu", user: "WSTEST",
			payload: req("vyhledat", "NajdiParceluRequest", "<v:parcelaId>2850901306</v:parcelaId><v:datumK>2020-01-01T00:00:00</v:datumK>"),
			codes:   []int{0}, list: "ParcelaList", item: "Parcela", idElem: "idParcely", ids: []string{sim.SampleParcela}},
		{name: "parcela-datumk-verifying", op: "najdiParcelu", user: "WSTESTO",
			payload: req("vyhledat", "NajdiParceluRequest", "<v:parcelaId>2850901306</v:parcelaId><v:datumK>2020-01-01T00:00:00</v:datumK>"),
			codes:   []int{479}, list: "ParcelaList", item: "Parcela"},
		{name: "stavba-by-cislo", op: "najdiStavbu", user: "WSTEST",
			payload: req("vyhledat", "NajdiStavbuRequest", "<v:castObceKod>93939</v:castObceKod><v:typStavbyKod>1</v:typStavbyKod><v:cisloDomovni>25</v:cisloDomovni>"),
			codes:   []int{0}, list: "StavbaList", item: "Stavba", idElem: "idStavby", ids: []string{sim.SampleStavba}},
		{name: "stavba-evidencni", op: "najdiStavbu", user: "WSTEST",
			payload: req("vyhledat", "NajdiStavbuRequest", "<v:castObceKod>93939</v:castObceKod><v:typStavbyKod>2</v:typStavbyKod><v:cisloDomovni>7</v:cisloDomovni>"),
			codes:   []int{0}, list: "StavbaList", item: "Stavba", idElem: "idStavby", ids: []string{"293231306"}},
		{name: "stavba-unknown-cast-obce", op: "najdiStavbu", user: "WSTEST",
			payload: req("vyhledat", "NajdiStavbuRequest", "<v:castObceKod>1</v:castObceKod><v:typStavbyKod>1</v:typStavbyKod><v:cisloDomovni>25</v:cisloDomovni>"),
			codes:   []int{303}, list: "StavbaList", item: "Stavba"},
		{name: "stavba-bad-type", op: "najdiStavbu", user: "WSTEST",
			payload: req("vyhledat", "NajdiStavbuRequest", "<v:castObceKod>93939</v:castObceKod><v:typStavbyKod>3</v:typStavbyKod><v:cisloDomovni>25</v:cisloDomovni>"),
			codes:   []int{390}, list: "StavbaList", item: "Stavba"},
		{name: "stavba-by-id", op: "najdiStavbu", user: "WSTEST", payload: req("vyhledat", "NajdiStavbuRequest", "<v:stavbaId>293229306</v:stavbaId>"),
			codes: []int{0}, list: "StavbaList", item: "Stavba", idElem: "idStavby", ids: []string{sim.SampleStavba}},
		{name: "jednotky-of-building", op: "najdiJednotku", user: "WSTEST", payload: req("vyhledat", "NajdiJednotkuRequest", "<v:stavbaId>293230306</v:stavbaId>"),
			codes: []int{0}, list: "JednotkaList", item: "Jednotka", idElem: "idJednotky", ids: []string{sim.SampleJednotka, "3310002306"}},
		{name: "jednotka-by-number", op: "najdiJednotku", user: "WSTEST",
			payload: req("vyhledat", "NajdiJednotkuRequest", "<v:castObceKod>93939</v:castObceKod><v:typStavbyKod>1</v:typStavbyKod><v:cisloDomovni>41</v:cisloDomovni><v:cisloJednotky>410002</v:cisloJednotky>"),
			codes:   []int{0}, list: "JednotkaList", item: "Jednotka", idElem: "idJednotky", ids: []string{"3310002306"}},
		{name: "jednotka-by-id", op: "najdiJednotku", user: "WSTEST", payload: req("vyhledat", "NajdiJednotkuRequest", "<v:jednotkaId>3310001306</v:jednotkaId>"),
			codes: []int{0}, list: "JednotkaList", item: "Jednotka", idElem: "idJednotky", ids: []string{sim.SampleJednotka}},
		{name: "jednotka-unknown-building", op: "najdiJednotku", user: "WSTEST", payload: req("vyhledat", "NajdiJednotkuRequest", "<v:stavbaId>5</v:stavbaId>"),
			codes: []int{304}, list: "JednotkaList", item: "Jednotka"},
		{name: "os-free-account-by-surname-prefix", op: "najdiOS", user: "WSTESTB", payload: req("vyhledat", "NajdiOSRequest", "<v:prijmeni>nova</v:prijmeni>"),
			codes: []int{0}, list: "OSList", item: "OS", idElem: "idOS", ids: []string{sim.SampleOwner}},
		{name: "os-paying-account-surname-alone-refused", op: "najdiOS", user: "WSTEST", payload: req("vyhledat", "NajdiOSRequest", "<v:prijmeni>Nováková</v:prijmeni>"),
			codes: []int{532}, list: "OSList", item: "OS"},
		{name: "os-paying-by-rc", op: "najdiOS", user: "WSTEST", payload: req("vyhledat", "NajdiOSRequest", "<v:rc>7553120102</v:rc>"),
			codes: []int{0}, list: "OSList", item: "OS", idElem: "idOS", ids: []string{sim.SampleOwner}},
		{name: "os-paying-by-name-and-birth-date", op: "najdiOS", user: "WSTEST",
			payload: req("vyhledat", "NajdiOSRequest", "<v:jmeno>Jana</v:jmeno><v:prijmeni>Novakova</v:prijmeni><v:datumNarozeni>1975-03-12</v:datumNarozeni>"),
			codes:   []int{0}, list: "OSList", item: "OS", idElem: "idOS", ids: []string{sim.SampleOwner}},
		{name: "os-wrong-birth-date", op: "najdiOS", user: "WSTEST",
			payload: req("vyhledat", "NajdiOSRequest", "<v:jmeno>Jana</v:jmeno><v:prijmeni>Nováková</v:prijmeni><v:datumNarozeni>1975-03-13</v:datumNarozeni>"),
			codes:   []int{0, 392}, list: "OSList", item: "OS"},
		{name: "os-with-marriage-property", op: "najdiOS", user: "WSTESTB", payload: req("vyhledat", "NajdiOSRequest", "<v:prijmeni>Svobod</v:prijmeni>"),
			codes: []int{0}, list: "OSList", item: "OS", idElem: "idOS", ids: []string{sim.SampleUnitsOwnerA, "1500014306", sim.SampleSJM}},
		{name: "os-address-narrows", op: "najdiOS", user: "WSTESTB",
			payload: req("vyhledat", "NajdiOSRequest", "<v:prijmeni>Dvořák</v:prijmeni><v:adresniUdaje><v:obec>Mičovice</v:obec></v:adresniUdaje>"),
			codes:   []int{0, 392}, list: "OSList", item: "OS"},
		{name: "os-address-matches", op: "najdiOS", user: "WSTESTB",
			payload: req("vyhledat", "NajdiOSRequest", "<v:prijmeni>Dvořák</v:prijmeni><v:adresniUdaje><v:obec>prachatice</v:obec><v:ulice>Husova</v:ulice></v:adresniUdaje>"),
			codes:   []int{0}, list: "OSList", item: "OS", idElem: "idOS", ids: []string{"1500016306"}},
		{name: "opo-by-ico", op: "najdiOS", user: "WSTEST", payload: req("vyhledat", "NajdiOSRequest", "<v:ico>27143104</v:ico>"),
			codes: []int{0}, list: "OSList", item: "OS", idElem: "idOS", ids: []string{"1500017306"}},
		{name: "opo-by-name-prefix", op: "najdiOS", user: "WSTEST", payload: req("vyhledat", "NajdiOSRequest", "<v:nazev>sumavska</v:nazev>"),
			codes: []int{0}, list: "OSList", item: "OS", idElem: "idOS", ids: []string{"1500017306"}},
		{name: "os-opo-and-ofo-mixed", op: "najdiOS", user: "WSTEST", payload: req("vyhledat", "NajdiOSRequest", "<v:ico>27143104</v:ico><v:rc>7553120102</v:rc>"),
			codes: []int{321}, list: "OSList", item: "OS"},
		{name: "os-no-criteria", op: "najdiOS", user: "WSTEST", payload: req("vyhledat", "NajdiOSRequest", ""),
			codes: []int{532}, list: "OSList", item: "OS"},
	}
	s := newSandbox(t, sim.Options{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := s.call(t, "vyhledat", tt.op, tt.user, tt.payload)
			if !slices.Equal(r.codes(), tt.codes) {
				t.Fatalf("codes %v, want %v\n%s", r.codes(), tt.codes, r.body)
			}
			list := r.payload.Child(tt.list)
			if list == nil {
				t.Fatalf("no %s", tt.list)
			}
			var ids []string
			for _, it := range list.All(tt.item) {
				ids = append(ids, it.Value(tt.idElem))
			}
			if !slices.Equal(ids, tt.ids) {
				t.Fatalf("found %v, want %v", ids, tt.ids)
			}
		})
	}
}

// TestParcelaLikeTheUserGuide compares the answer for St. 77 in Jáma with
// the user guide's example (Příloha 1).
func TestParcelaLikeTheUserGuide(t *testing.T) {
	s := newSandbox(t, sim.Options{})
	r := s.call(t, "vyhledat", "najdiParcelu", "WSTEST",
		req("vyhledat", "NajdiParceluRequest", "<v:katastrUzemiKod>693936</v:katastrUzemiKod><v:kmenoveCislo>77</v:kmenoveCislo>"))
	p := r.payload.Child("ParcelaList").Child("Parcela")
	for elem, want := range map[string]string{"idParcely": "2850901306", "parcelaType": "PKN", "katuzeKod": "693936", "kmenoveCislo": "77",
		"zpUrVyKod": "2", "drupozKod": "13", "vymera": "893", "lvId": "807841306", "druhCislovaniPar": "1", "stavbaSoucastiParcely": "n"} {
		if got := p.Value(elem); got != want {
			t.Errorf("%s = %q, want %q", elem, got, want)
		}
	}
	for elem, want := range map[string]string{"idStavby": "293229306", "lvId": "807841306", "typStavbyKod": "1", "castObceKod": "93939", "cisloDomovni": "25"} {
		if got := path(p, "stavba", elem); got != want {
			t.Errorf("stavba/%s = %q, want %q", elem, got, want)
		}
	}
	if p.Child("idParcely").Name.Space != "http://katastr.cuzk.cz/commonTypes/v2.8" || p.Name.Space != "http://katastr.cuzk.cz/vyhledat/types/v2.8" {
		t.Errorf("namespaces: Parcela %s, idParcely %s", p.Name.Space, p.Child("idParcely").Name.Space)
	}
}

func TestMarriagePropertyCarriesBothPartners(t *testing.T) {
	s := newSandbox(t, sim.Options{})
	r := s.call(t, "vyhledat", "najdiOS", "WSTESTB", req("vyhledat", "NajdiOSRequest", "<v:prijmeni>Svobodová</v:prijmeni>"))
	var bsm = r.payload.Child("OSList").All("OS")
	if len(bsm) != 2 || bsm[1].Value("vlastnikTyp") != "BSM" {
		t.Fatalf("%s", r.body)
	}
	if path(bsm[1], "partner1", "OS", "prijmeni") != "Svoboda" || path(bsm[1], "partner2", "OS", "prijmeni") != "Svobodová" {
		t.Fatalf("partners:\n%s", r.body)
	}
	if rc := bsm[0].Value("rcZkracene"); rc != "705621" {
		t.Fatalf("rcZkracene %q", rc)
	}
}
