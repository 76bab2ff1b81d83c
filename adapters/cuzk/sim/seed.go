package sim

import "time"

// Parcela is a parcel of the sandbox's cadastre.
type Parcela struct {
	ID        string // idParcely
	KU        int    // katastrální území
	Kmen      int    // kmenové číslo
	Podd      int    // poddělení, 0 = none
	Stavebni  bool   // stavební parcela (druh číslování 1), else pozemková (2)
	Druh      int    // druh pozemku (SC_D_POZEMKU)
	Vyuziti   int    // způsob využití, 0 = none
	ZpUrVy    int    // způsob určení výměry
	Vymera    int    // m²
	LV        string // id of the LV, "" = none
	Stavba    string // id of the building standing on it, ""
	MBR       []int  // Ymin, Xmin, Ymax, Xmax in S-JTSK metres; nil = no geometry
	Ochrana   string // způsob ochrany (LV report), ""
	ZPVyuziti string // text of the way of use (LV report), ""
}

// Stavba is a building.
type Stavba struct {
	ID       string
	Typ      int // 1 číslo popisné, 2 číslo evidenční
	CastObce int
	Cislo    int // číslo domovní
	Vyuziti  int // způsob využití stavby
	Parcela  string
	LV       string
}

// Jednotka is a unit in a building.
type Jednotka struct {
	ID        string
	Stavba    string
	Cislo     int // the unit number alone (1, 2, …)
	Typ       int // typ jednotky
	Vyuziti   int
	LV        string
	TypNazev  string
	ZpVyNazev string
}

// LV is a title deed (list vlastnictví).
type LV struct {
	ID     string
	KU     int
	Cislo  int
	Owners []Podil
	// FailReport makes every report of this LV end in "chyba při
	// vytváření" (for clients' error handling).
	FailReport bool
}

// Podil is a share of ownership.
type Podil struct {
	ID         string
	OS         string
	Citatel    int
	Jmenovatel int
	TypPV      string // typ právního vztahu, e.g. "10" vlastnické právo
}

// OS is a person holding rights (oprávněný subjekt). Every person in the
// sandbox is fictional.
type OS struct {
	ID              string
	Typ             string // OFO, OPO, BSM
	Jmeno, Prijmeni string
	TitulPred       string
	RC              string // 10 digits, fictional
	Nazev           string
	ICO             string
	Ulice           string
	CisloDomovni    int
	CisloOrientacni string
	CastObce        string
	Obec            string
	Okres           string
	PSC             int
	Partner1        string // BSM: the spouses' OS ids
	Partner2        string
	CharOS          int
	Vznik           time.Time
	RizeniVzniku    string
}

// Cadastre is the sandbox's cadastral data.
type Cadastre struct {
	Parcely  []Parcela
	Stavby   []Stavba
	Jednotky []Jednotka
	LVs      []LV
	OS       []OS
}

// Handy identifiers of the seed, as in ČÚZK's trial environment where the
// trial has them (k.ú. Jáma, parcel St. 77, LV 352).
const (
	SampleKU          = 693936       // k.ú. Jáma, obec Mičovice, okres Prachatice
	SampleObec        = 550426       // Mičovice
	SampleCastObce    = 93939        // část obce Jáma
	SampleParcela     = "2850901306" // St. 77 in Jáma
	SampleStavba      = "293229306"  // č.p. 25 on St. 77
	SampleLV          = "807841306"  // LV 352
	SampleLVCislo     = 352
	SampleUnitsLV     = "807928306" // LV 360, unit 41/1
	SampleJednotka    = "3310001306"
	SampleUnitStavba  = "293230306" // č.p. 41, building with units
	SampleOwner       = "1500012306"
	SampleOwnerRC     = "7553120102"
	SampleCompanyICO  = "27143104"
	SampleFailingLV   = "809999306" // LV 9999: its reports fail
	SampleNoGeometry  = "2850912306"
	SampleSJM         = "1500015306"
	SampleUnitsOwnerA = "1500013306"
)

// Seed returns the sandbox's cadastre: a handful of parcels, buildings,
// units and title deeds in k.ú. Jáma (the trial environment's territory),
// with fictional owners.
func Seed() *Cadastre {
	vznik := time.Date(2004, 5, 1, 0, 0, 0, 0, time.UTC)
	return &Cadastre{
		OS: []OS{
			{ID: SampleOwner, Typ: "OFO", Jmeno: "Jana", Prijmeni: "Nováková", RC: SampleOwnerRC,
				CastObce: "Jáma", Obec: "Mičovice", Okres: "Prachatice", CisloDomovni: 25, PSC: 38301, CharOS: 1,
				Vznik: vznik, RizeniVzniku: "52211641010"},
			{ID: SampleUnitsOwnerA, Typ: "OFO", Jmeno: "Petr", Prijmeni: "Svoboda", TitulPred: "Ing.", RC: "6811020106",
				CastObce: "Jáma", Obec: "Mičovice", Okres: "Prachatice", CisloDomovni: 41, PSC: 38301, CharOS: 1,
				Vznik: vznik, RizeniVzniku: "52211642010"},
			{ID: "1500014306", Typ: "OFO", Jmeno: "Eva", Prijmeni: "Svobodová", RC: "7056210106",
				CastObce: "Jáma", Obec: "Mičovice", Okres: "Prachatice", CisloDomovni: 41, PSC: 38301, CharOS: 1,
				Vznik: vznik, RizeniVzniku: "52211642010"},
			{ID: SampleSJM, Typ: "BSM", Partner1: SampleUnitsOwnerA, Partner2: "1500014306", CharOS: 1,
				Vznik: vznik, RizeniVzniku: "52211642010"},
			{ID: "1500016306", Typ: "OFO", Jmeno: "Karel", Prijmeni: "Dvořák", RC: "8101300108",
				Ulice: "Husova", CisloDomovni: 1120, CisloOrientacni: "7", CastObce: "Prachatice II", Obec: "Prachatice",
				Okres: "Prachatice", PSC: 38301, CharOS: 1, Vznik: vznik, RizeniVzniku: "52211643010"},
			{ID: "1500017306", Typ: "OPO", Nazev: "Šumavská lesní, s.r.o.", ICO: SampleCompanyICO,
				Ulice: "Nádražní", CisloDomovni: 312, CastObce: "Netolice", Obec: "Netolice", Okres: "Prachatice", PSC: 38411,
				CharOS: 7, Vznik: vznik, RizeniVzniku: "52211644010"},
			{ID: "1500018306", Typ: "OPO", Nazev: "Obec Mičovice (sandbox)", ICO: "45087211",
				CastObce: "Mičovice", Obec: "Mičovice", Okres: "Prachatice", CisloDomovni: 1, PSC: 38301,
				CharOS: 4, Vznik: vznik, RizeniVzniku: "52211645010"},
		},
		LVs: []LV{
			{ID: SampleLV, KU: SampleKU, Cislo: SampleLVCislo, Owners: []Podil{{ID: "4100001306", OS: SampleOwner, Citatel: 1, Jmenovatel: 1, TypPV: "10"}}},
			{ID: "807790306", KU: SampleKU, Cislo: 73, Owners: []Podil{
				{ID: "4100002306", OS: SampleSJM, Citatel: 1, Jmenovatel: 2, TypPV: "10"},
				{ID: "4100003306", OS: "1500016306", Citatel: 1, Jmenovatel: 2, TypPV: "10"}}},
			{ID: SampleUnitsLV, KU: SampleKU, Cislo: 360, Owners: []Podil{{ID: "4100004306", OS: SampleSJM, Citatel: 1, Jmenovatel: 1, TypPV: "10"}}},
			{ID: "807929306", KU: SampleKU, Cislo: 361, Owners: []Podil{{ID: "4100005306", OS: "1500016306", Citatel: 1, Jmenovatel: 1, TypPV: "10"}}},
			{ID: "807811306", KU: SampleKU, Cislo: 138, Owners: []Podil{{ID: "4100006306", OS: "1500017306", Citatel: 1, Jmenovatel: 1, TypPV: "10"}}},
			{ID: "807776306", KU: SampleKU, Cislo: 17, Owners: []Podil{{ID: "4100007306", OS: "1500018306", Citatel: 1, Jmenovatel: 1, TypPV: "10"}}},
			{ID: SampleFailingLV, KU: SampleKU, Cislo: 9999, FailReport: true, Owners: []Podil{{ID: "4100008306", OS: SampleOwner, Citatel: 1, Jmenovatel: 1, TypPV: "10"}}},
		},
		Parcely: []Parcela{
			{ID: SampleParcela, KU: SampleKU, Kmen: 77, Stavebni: true, Druh: 13, ZpUrVy: 2, Vymera: 893, LV: SampleLV, Stavba: SampleStavba,
				MBR: []int{778412, 1150831, 778449, 1150866}},
			{ID: "2850911306", KU: SampleKU, Kmen: 1191, Druh: 2, ZpUrVy: 2, Vymera: 4520, LV: SampleLV,
				MBR: []int{778300, 1150900, 778391, 1150982}, Ochrana: "zemědělský půdní fond"},
			{ID: SampleNoGeometry, KU: SampleKU, Kmen: 1192, Druh: 7, ZpUrVy: 2, Vymera: 1310, LV: SampleLV, Ochrana: "zemědělský půdní fond"},
			{ID: "2850902306", KU: SampleKU, Kmen: 41, Podd: 1, Stavebni: true, Druh: 13, ZpUrVy: 2, Vymera: 312, LV: "807790306", Stavba: SampleUnitStavba,
				MBR: []int{778520, 1150702, 778541, 1150723}},
			{ID: "2850903306", KU: SampleKU, Kmen: 76, Podd: 2, Stavebni: true, Druh: 13, ZpUrVy: 2, Vymera: 158, LV: "807776306", Stavba: "293231306",
				MBR: []int{778480, 1150790, 778495, 1150806}},
			{ID: "2850931306", KU: SampleKU, Kmen: 1362, Druh: 7, ZpUrVy: 2, Vymera: 12830, LV: "807811306",
				MBR: []int{777950, 1151205, 778160, 1151390}, Ochrana: "zemědělský půdní fond"},
			{ID: "2850932306", KU: SampleKU, Kmen: 1385, Podd: 8, Druh: 10, Vyuziti: 10, ZpUrVy: 2, Vymera: 20411, LV: "807811306",
				MBR: []int{777410, 1151610, 777702, 1151874}, Ochrana: "pozemek určený k plnění funkcí lesa", ZPVyuziti: "lesní pozemek"},
			{ID: "2850933306", KU: SampleKU, Kmen: 1385, Podd: 9, Druh: 10, Vyuziti: 10, ZpUrVy: 2, Vymera: 9870, LV: "807811306",
				MBR: []int{777300, 1151500, 777420, 1151640}, Ochrana: "pozemek určený k plnění funkcí lesa", ZPVyuziti: "lesní pozemek"},
			{ID: "2850951306", KU: SampleKU, Kmen: 2275, Podd: 1, Druh: 14, Vyuziti: 14, ZpUrVy: 2, Vymera: 10500, LV: "807776306",
				MBR: []int{778000, 1150600, 778700, 1150660}, ZPVyuziti: "ostatní komunikace"},
			{ID: "2850904306", KU: SampleKU, Kmen: 130, Stavebni: true, Druh: 13, ZpUrVy: 2, Vymera: 240, LV: SampleFailingLV,
				MBR: []int{778600, 1150900, 778620, 1150915}},
		},
		Stavby: []Stavba{
			{ID: SampleStavba, Typ: 1, CastObce: SampleCastObce, Cislo: 25, Vyuziti: 6, Parcela: SampleParcela, LV: SampleLV},
			{ID: SampleUnitStavba, Typ: 1, CastObce: SampleCastObce, Cislo: 41, Vyuziti: 3, Parcela: "2850902306", LV: "807790306"},
			{ID: "293231306", Typ: 2, CastObce: SampleCastObce, Cislo: 7, Vyuziti: 18, Parcela: "2850903306", LV: "807776306"},
		},
		Jednotky: []Jednotka{
			{ID: SampleJednotka, Stavba: SampleUnitStavba, Cislo: 1, Typ: 1, Vyuziti: 1, LV: SampleUnitsLV,
				TypNazev: "jednotka vymezená podle zákona o vlastnictví bytů", ZpVyNazev: "byt"},
			{ID: "3310002306", Stavba: SampleUnitStavba, Cislo: 2, Typ: 1, Vyuziti: 1, LV: "807929306",
				TypNazev: "jednotka vymezená podle zákona o vlastnictví bytů", ZpVyNazev: "byt"},
		},
	}
}

// index is the cadastre with its lookups.
type index struct {
	*Cadastre
	parcela  map[string]*Parcela
	stavba   map[string]*Stavba
	jednotka map[string]*Jednotka
	lv       map[string]*LV
	os       map[string]*OS
}

func newIndex(c *Cadastre) *index {
	x := &index{Cadastre: c, parcela: map[string]*Parcela{}, stavba: map[string]*Stavba{},
		jednotka: map[string]*Jednotka{}, lv: map[string]*LV{}, os: map[string]*OS{}}
	for i := range c.Parcely {
		x.parcela[c.Parcely[i].ID] = &c.Parcely[i]
	}
	for i := range c.Stavby {
		x.stavba[c.Stavby[i].ID] = &c.Stavby[i]
	}
	for i := range c.Jednotky {
		x.jednotka[c.Jednotky[i].ID] = &c.Jednotky[i]
	}
	for i := range c.LVs {
		x.lv[c.LVs[i].ID] = &c.LVs[i]
	}
	for i := range c.OS {
		x.os[c.OS[i].ID] = &c.OS[i]
	}
	return x
}

// lvByNumber finds an LV by k.ú. and number.
func (x *index) lvByNumber(ku, cislo int) *LV {
	for i := range x.LVs {
		if x.LVs[i].KU == ku && x.LVs[i].Cislo == cislo {
			return &x.LVs[i]
		}
	}
	return nil
}

// objectsOf returns the parcels, buildings and units on an LV.
func (x *index) objectsOf(lv string) (ps []*Parcela, ss []*Stavba, js []*Jednotka) {
	for i := range x.Parcely {
		if x.Parcely[i].LV == lv {
			ps = append(ps, &x.Parcely[i])
		}
	}
	for i := range x.Stavby {
		if x.Stavby[i].LV == lv {
			ss = append(ss, &x.Stavby[i])
		}
	}
	for i := range x.Jednotky {
		if x.Jednotky[i].LV == lv {
			js = append(js, &x.Jednotky[i])
		}
	}
	return
}
