package sim

// Sandbox data. Everything here is made up for the sandbox except the
// municipality, část obce and okres codes and names and the postcodes,
// which come from the ČÚZK RÚIAN code lists (UI_OBEC, the PSČ list). The
// persons, AIFOs, address-point, street and building codes, entity names
// and data-box ids are fictitious; IČOs only pass the mod-11 check (the
// demo IČO 00838420 and the demo address 14492253 are the values the DIA
// reference agent uses in the ISZR test environment).

// Identities of the ISZR test environment (DIA reference agent).
const (
	SampleAIS    = 999002
	SampleAgenda = "X999"
	SampleRole   = "XR2"
	SampleOVM    = "12345678"
)

// Seed identifiers for tests and the README.
const (
	// SampleAifo is the agenda-X999 AIFO of MAREK ROLNIČKA.
	SampleAifo = "ujsp6NxwSomHacBvFPfIJO0="
	// SampleIco is the demo IČO of the reference agent, in ROS here.
	SampleIco = "00838420"
	// SampleAddress is MAREK ROLNIČKA's address point (kód adresního místa).
	SampleAddress = 14492253
	// SampleFamilyAddress is the address point where three persons live
	// (E278 by AdresaPobytu finds three; useful for PREKROCEN SEZNAM).
	SampleFamilyAddress = 21700851
)

// Address is an address point of the sandbox RÚIAN.
type Address struct {
	Kod                    int // kód adresního místa
	ObecKod                int
	ObecNazev              string
	OkresKod               int // 0 in Praha, which belongs to no okres
	OkresNazev             string
	CastObceKod            int
	CastObceNazev          string
	MopKod                 int // Praha: městský obvod (v2: obvod Prahy); else 0
	MopNazev               string
	UliceKod               int // 0 where the municipality has no streets
	UliceNazev             string
	PSC                    int
	PostaNazev             string
	StavebniObjektKod      int
	TypCislaDomovniho      int // 1 číslo popisné, 2 číslo evidenční
	CisloDomovni           int
	CisloOrientacni        int // 0 = none
	CisloOrientacniPismeno string
}

// Person is a natural person of the sandbox ROB.
type Person struct {
	Aifo           string // AIFO in agenda X999, base64 of 17 bytes
	Jmeno          string
	Prijmeni       string
	RodnePrijmeni  string
	Pohlavi        string // muz | zena
	DatumNarozeni  string
	MistoNarozeni  int    // obec code; 0 = born abroad
	MistoSvet      string // place abroad
	StatNarozeni   int    // country code (ISO 3166 numeric) when born abroad
	DatumUmrti     string
	AdresaPobytu   int
	DatovaSchranka string
	RodinnyStav    string
	Obcanstvi      []int
	Doklad         *Doklad
}

// Doklad is an identity document.
type Doklad struct {
	Cislo, Druh, PlatnostDo string
}

// Entity is a legal entity of the sandbox ROS.
type Entity struct {
	Ico              string // 8 digits
	Nazev            string
	PravniForma      int
	PravniFormaNazev string
	DatovaSchranka   string
	AdresaSidla      int
	DatumVzniku      string
	DatumZaniku      string
	CasZmeny         string
	IdZmeny          int64
}

var addresses = []Address{
	{Kod: 14492253, ObecKod: 552046, ObecNazev: "Tábor", OkresKod: 3308, OkresNazev: "Tábor", CastObceKod: 405060, CastObceNazev: "Tábor",
		UliceKod: 731382, UliceNazev: "Palackého", PSC: 39002, PostaNazev: "Tábor", StavebniObjektKod: 27453218, TypCislaDomovniho: 1, CisloDomovni: 2801, CisloOrientacni: 12},
	{Kod: 21700851, ObecKod: 554782, ObecNazev: "Praha", CastObceKod: 400017, CastObceNazev: "Staré Město", MopKod: 19, MopNazev: "Praha 1",
		UliceKod: 457396, UliceNazev: "Karlova", PSC: 11000, PostaNazev: "Praha 1", StavebniObjektKod: 21683514, TypCislaDomovniho: 1, CisloDomovni: 165, CisloOrientacni: 25},
	{Kod: 19325941, ObecKod: 582786, ObecNazev: "Brno", OkresKod: 3702, OkresNazev: "Brno-město", CastObceKod: 411591, CastObceNazev: "Staré Brno",
		UliceKod: 366552, UliceNazev: "Křížová", PSC: 60200, PostaNazev: "Brno", StavebniObjektKod: 19117214, TypCislaDomovniho: 1, CisloDomovni: 1012, CisloOrientacni: 22},
	{Kod: 25634152, ObecKod: 500496, ObecNazev: "Olomouc", OkresKod: 3805, OkresNazev: "Olomouc", CastObceKod: 413836, CastObceNazev: "Olomouc",
		UliceKod: 385662, UliceNazev: "Dolní náměstí", PSC: 77900, PostaNazev: "Olomouc", StavebniObjektKod: 25419013, TypCislaDomovniho: 1, CisloDomovni: 140, CisloOrientacni: 8},
	{Kod: 26782286, ObecKod: 529303, ObecNazev: "Benešov", OkresKod: 3201, OkresNazev: "Benešov", CastObceKod: 400947, CastObceNazev: "Benešov",
		UliceKod: 598341, UliceNazev: "Masarykovo náměstí", PSC: 25601, PostaNazev: "Benešov", StavebniObjektKod: 26590727, TypCislaDomovniho: 1, CisloDomovni: 100},
	{Kod: 13861344, ObecKod: 586846, ObecNazev: "Jihlava", OkresKod: 3707, OkresNazev: "Jihlava", CastObceKod: 412317, CastObceNazev: "Jihlava",
		UliceKod: 647411, UliceNazev: "Komenského", PSC: 58601, PostaNazev: "Jihlava", StavebniObjektKod: 13650521, TypCislaDomovniho: 1, CisloDomovni: 1840, CisloOrientacni: 31},
	{Kod: 18934621, ObecKod: 533165, ObecNazev: "Kolín", OkresKod: 3204, OkresNazev: "Kolín", CastObceKod: 402087, CastObceNazev: "Kolín I",
		UliceKod: 553689, UliceNazev: "Kutnohorská", PSC: 28002, PostaNazev: "Kolín", StavebniObjektKod: 18722609, TypCislaDomovniho: 1, CisloDomovni: 41},
	{Kod: 11270705, ObecKod: 550426, ObecNazev: "Mičovice", OkresKod: 3306, OkresNazev: "Prachatice", CastObceKod: 93955, CastObceNazev: "Mičovice",
		PSC: 38301, PostaNazev: "Mičovice", StavebniObjektKod: 11094452, TypCislaDomovniho: 1, CisloDomovni: 12},
	{Kod: 15893120, ObecKod: 585068, ObecNazev: "Zlín", OkresKod: 3705, OkresNazev: "Zlín", CastObceKod: 412244, CastObceNazev: "Zlín",
		UliceKod: 611620, UliceNazev: "Štefánikova", PSC: 76001, PostaNazev: "Zlín", StavebniObjektKod: 15682311, TypCislaDomovniho: 1, CisloDomovni: 167, CisloOrientacni: 5},
	{Kod: 16384590, ObecKod: 555134, ObecNazev: "Pardubice", OkresKod: 3606, OkresNazev: "Pardubice", CastObceKod: 410586, CastObceNazev: "Pardubice-Staré Město",
		UliceKod: 428370, UliceNazev: "Pernštýnská", PSC: 53002, PostaNazev: "Pardubice", StavebniObjektKod: 16173284, TypCislaDomovniho: 1, CisloDomovni: 59},
	{Kod: 17412896, ObecKod: 563889, ObecNazev: "Liberec", OkresKod: 3505, OkresNazev: "Liberec", CastObceKod: 408638, CastObceNazev: "Liberec I-Staré Město",
		UliceKod: 474215, UliceNazev: "Moskevská", PSC: 46001, PostaNazev: "Liberec", StavebniObjektKod: 17201688, TypCislaDomovniho: 1, CisloDomovni: 27, CisloOrientacni: 10},
	{Kod: 24876310, ObecKod: 544256, ObecNazev: "České Budějovice", OkresKod: 3301, OkresNazev: "České Budějovice", CastObceKod: 403865, CastObceNazev: "České Budějovice 1",
		UliceKod: 413445, UliceNazev: "Krajinská", PSC: 37001, PostaNazev: "České Budějovice", StavebniObjektKod: 24665102, TypCislaDomovniho: 1, CisloDomovni: 220, CisloOrientacni: 15, CisloOrientacniPismeno: "a"},
}

var persons = []Person{
	{Aifo: SampleAifo, Jmeno: "MAREK", Prijmeni: "ROLNIČKA", Pohlavi: "muz", DatumNarozeni: "1974-05-15", MistoNarozeni: 552046,
		AdresaPobytu: SampleAddress, DatovaSchranka: "rol4k2m", RodinnyStav: "ZENATY/VDANA", Obcanstvi: []int{203},
		Doklad: &Doklad{Cislo: "214365870", Druh: "ID", PlatnostDo: "2031-05-15"}},
	{Aifo: "oJXa3ke1fOHcSJBDFLlZ7kk=", Jmeno: "JANA", Prijmeni: "NOVÁKOVÁ", RodnePrijmeni: "DVOŘÁKOVÁ", Pohlavi: "zena", DatumNarozeni: "1981-02-03", MistoNarozeni: 582786,
		AdresaPobytu: SampleFamilyAddress, RodinnyStav: "ZENATY/VDANA", Obcanstvi: []int{203},
		Doklad: &Doklad{Cislo: "207718432", Druh: "ID", PlatnostDo: "2029-09-30"}},
	{Aifo: "HHQBidIVNIGynCtasZvKrks=", Jmeno: "PETR", Prijmeni: "NOVÁK", Pohlavi: "muz", DatumNarozeni: "1979-09-21", MistoNarozeni: 554782,
		AdresaPobytu: SampleFamilyAddress, DatovaSchranka: "nvk2p7x", RodinnyStav: "ZENATY/VDANA", Obcanstvi: []int{203}},
	{Aifo: "jxGL0sGDiBNbfniRYKzyGaU=", Jmeno: "TEREZA", Prijmeni: "NOVÁKOVÁ", Pohlavi: "zena", DatumNarozeni: "2008-06-30", MistoNarozeni: 554782,
		AdresaPobytu: SampleFamilyAddress, RodinnyStav: "SVOBODNY/SVOBODNA", Obcanstvi: []int{203}},
	{Aifo: "0z1BnrOhj50xg4zSj8AW/wM=", Jmeno: "JIŘÍ", Prijmeni: "DVOŘÁK", Pohlavi: "muz", DatumNarozeni: "1956-12-01", MistoNarozeni: 582786,
		AdresaPobytu: 19325941, RodinnyStav: "ROZVEDENY/ROZVEDENA", Obcanstvi: []int{203}},
	{Aifo: "J773luHg28KwAx5vZdwWRkQ=", Jmeno: "LUCIE", Prijmeni: "SVOBODOVÁ", RodnePrijmeni: "ČERNÁ", Pohlavi: "zena", DatumNarozeni: "1990-07-14", MistoNarozeni: 500496,
		AdresaPobytu: 25634152, DatovaSchranka: "sv8lu3c", RodinnyStav: "ZENATY/VDANA", Obcanstvi: []int{203},
		Doklad: &Doklad{Cislo: "209933156", Druh: "ID", PlatnostDo: "2030-01-31"}},
	{Aifo: "OAuxY+gFymZxYjBwGCyKeP8=", Jmeno: "TOMÁŠ", Prijmeni: "ČERNÝ", Pohlavi: "muz", DatumNarozeni: "1985-03-08", MistoNarozeni: 586846,
		AdresaPobytu: 13861344, RodinnyStav: "SVOBODNY/SVOBODNA", Obcanstvi: []int{203}},
	{Aifo: "eNLcib9x1HET07EefXvNYpk=", Jmeno: "MARIE", Prijmeni: "PROCHÁZKOVÁ", RodnePrijmeni: "KREJČÍ", Pohlavi: "zena", DatumNarozeni: "1938-10-22", MistoNarozeni: 529303,
		DatumUmrti: "2023-11-02", AdresaPobytu: 26782286, RodinnyStav: "VDOVEC/VDOVA", Obcanstvi: []int{203}},
	{Aifo: "KzSJ60KNvtu8ZYsNJQ6MboY=", Jmeno: "KAREL", Prijmeni: "HÁJEK", Pohlavi: "muz", DatumNarozeni: "1969-01-27", MistoSvet: "Wien", StatNarozeni: 40,
		AdresaPobytu: 11270705, RodinnyStav: "ZENATY/VDANA", Obcanstvi: []int{203}},
	{Aifo: "8NHzMuaacmpXEHLq+fxygAg=", Jmeno: "ANNA", Prijmeni: "KUČEROVÁ", Pohlavi: "zena", DatumNarozeni: "1995-11-11", MistoNarozeni: 585068,
		AdresaPobytu: 15893120, DatovaSchranka: "ku5an9r", RodinnyStav: "SVOBODNY/SVOBODNA", Obcanstvi: []int{203, 703}},
	{Aifo: "pq7x2LkWUubb13uw8EkaxOw=", Jmeno: "MARTIN", Prijmeni: "VESELÝ", Pohlavi: "muz", DatumNarozeni: "2001-04-18", MistoNarozeni: 533165,
		AdresaPobytu: 18934621, RodinnyStav: "SVOBODNY/SVOBODNA", Obcanstvi: []int{203}},
}

var entities = []Entity{
	{Ico: SampleIco, Nazev: "Spolek pro zkoušky ISZR, z. s.", PravniForma: 706, PravniFormaNazev: "Spolek", DatovaSchranka: "dm3sz8k",
		AdresaSidla: SampleAddress, DatumVzniku: "1998-03-12", CasZmeny: "2024-05-20T09:14:03+02:00", IdZmeny: 80412},
	{Ico: "27182819", Nazev: "Pekárna U Zlatého klasu s.r.o.", PravniForma: 112, PravniFormaNazev: "Společnost s ručením omezeným", DatovaSchranka: "pk7zk2a",
		AdresaSidla: 26782286, DatumVzniku: "2006-09-01", CasZmeny: "2023-02-14T13:40:00+01:00", IdZmeny: 71233},
	{Ico: "31415920", Nazev: "Kruhová stavební a.s.", PravniForma: 121, PravniFormaNazev: "Akciová společnost", DatovaSchranka: "kr2st9b",
		AdresaSidla: 19325941, DatumVzniku: "1994-11-30", CasZmeny: "2025-01-07T08:02:11+01:00", IdZmeny: 90021},
	{Ico: "16180330", Nazev: "Zlatý řez, družstvo", PravniForma: 205, PravniFormaNazev: "Družstvo",
		AdresaSidla: 25634152, DatumVzniku: "2001-05-17", CasZmeny: "2022-10-03T10:30:45+02:00", IdZmeny: 65510},
	{Ico: "22360671", Nazev: "Vodárna Horní Kosov s.r.o.", PravniForma: 112, PravniFormaNazev: "Společnost s ručením omezeným", DatovaSchranka: "vd4hk6c",
		AdresaSidla: 13861344, DatumVzniku: "2012-01-02", CasZmeny: "2024-11-29T15:55:09+01:00", IdZmeny: 88704},
	{Ico: "14142139", Nazev: "Spolek přátel Mičovic, z. s.", PravniForma: 706, PravniFormaNazev: "Spolek",
		AdresaSidla: 11270705, DatumVzniku: "2015-06-06", CasZmeny: "2021-06-21T07:12:00+02:00", IdZmeny: 51002},
	{Ico: "17320500", Nazev: "Domov seniorů Pod Kostelem, příspěvková organizace", PravniForma: 331, PravniFormaNazev: "Příspěvková organizace", DatovaSchranka: "ds9pk1d",
		AdresaSidla: 18934621, DatumVzniku: "2003-01-01", CasZmeny: "2025-03-03T11:00:00+01:00", IdZmeny: 91317},
	{Ico: "26457512", Nazev: "Zdravé město Zlín, o.p.s.", PravniForma: 141, PravniFormaNazev: "Obecně prospěšná společnost",
		AdresaSidla: 15893120, DatumVzniku: "2009-04-15", CasZmeny: "2020-12-01T16:20:30+01:00", IdZmeny: 44980},
	{Ico: "05772150", Nazev: "Eulerova konstanta a.s.", PravniForma: 121, PravniFormaNazev: "Akciová společnost",
		AdresaSidla: 16384590, DatumVzniku: "2016-12-01", DatumZaniku: "2022-06-30", CasZmeny: "2022-07-04T09:00:00+02:00", IdZmeny: 63012},
	{Ico: "46692011", Nazev: "Feigenbaum software s.r.o.", PravniForma: 112, PravniFormaNazev: "Společnost s ručením omezeným", DatovaSchranka: "fg6sw4e",
		AdresaSidla: 17412896, DatumVzniku: "2019-08-19", CasZmeny: "2025-06-10T14:45:00+02:00", IdZmeny: 93555},
}

// Persons returns a copy of the sandbox ROB.
func Persons() []Person {
	out := make([]Person, len(persons))
	for i, p := range persons {
		out[i] = p
		out[i].Obcanstvi = append([]int(nil), p.Obcanstvi...)
		if p.Doklad != nil {
			d := *p.Doklad
			out[i].Doklad = &d
		}
	}
	return out
}

// Entities returns a copy of the sandbox ROS.
func Entities() []Entity { return append([]Entity(nil), entities...) }

// Addresses returns a copy of the sandbox RÚIAN address points.
func Addresses() []Address { return append([]Address(nil), addresses...) }

func findAddress(kod int) (Address, bool) {
	for _, a := range addresses {
		if a.Kod == kod {
			return a, true
		}
	}
	return Address{}, false
}

func findEntity(ico int) (Entity, bool) {
	for _, e := range entities {
		if n, ok := parseIco(e.Ico); ok && n == ico {
			return e, true
		}
	}
	return Entity{}, false
}
