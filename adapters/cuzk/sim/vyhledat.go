package sim

import (
	"time"

	"konektor/wsdl/cuzk/wsdp"
)

// migrace is when ISKN's data begins (error 476 before it).
var migrace = time.Date(2001, 9, 4, 0, 0, 0, 0, time.UTC)

// datumK checks the optional datumK of a request: it must lie in the past
// (at least minAge ago), after the migration to ISKN, and verifying
// accounts may not ask for history. The sandbox keeps no history, so a
// valid datumK answers with the present data.
func (c *call) datumK(minAge time.Duration) (zprava, bool) {
	v := c.req.Value("datumK")
	if v == "" {
		return zprava{}, true
	}
	if c.acct.Type == Verifying {
		return msg(479), false
	}
	t, ok := parseDateTime(v)
	if !ok {
		return msg(116, "datumK"), false
	}
	if !t.Before(c.now.Add(-minAge)) {
		return msg(453), false
	}
	if t.Before(migrace) {
		return msg(476, "4. 9. 2001"), false
	}
	return zprava{}, true
}

// parseDateTime reads an xs:dateTime; one without a zone is Prague time.
func parseDateTime(v string) (time.Time, bool) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999"} {
		loc := time.UTC
		if layout != time.RFC3339Nano {
			loc = prague
		}
		if t, err := time.ParseInLocation(layout, v, loc); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// choice reports which of two alternative identifications a request
// gives: 321 when both, 115 naming first's parameter when neither.
func (c *call) choice(first string, others ...string) (byFirst bool, z zprava, ok bool) {
	a := c.req.Child(first) != nil
	b := false
	for _, o := range others {
		if c.req.Child(o) != nil {
			b = true
		}
	}
	switch {
	case a && b:
		return false, msg(321), false
	case !a && !b:
		return false, msg(115, first), false
	}
	return a, zprava{}, true
}

// found finishes a search: success, plus 392 when nothing was found.
func found(n int) []zprava {
	if n == 0 {
		return []zprava{okMsg(), msg(392)}
	}
	return []zprava{okMsg()}
}

// najdiParcelu finds parcels by id, or by k.ú. and number (without
// poddeleni only parcels without one).
func (c *call) najdiParcelu() any {
	if z, ok := c.datumK(0); !ok {
		return c.emptyAnswer(z)
	}
	byID, z, ok := c.choice("parcelaId", "katastrUzemiKod", "kmenoveCislo", "poddeleni")
	if !ok {
		return c.emptyAnswer(z)
	}
	x := c.s.data
	r := &wsdp.NajdiParceluResponseType{ParcelaList: &wsdp.ParcelaListType{}}
	if byID {
		p := x.parcela[id(c.req.Value("parcelaId"))]
		if p == nil {
			return c.emptyAnswer(msg(304, c.req.Value("parcelaId")))
		}
		r.ParcelaList.Parcela = append(r.ParcelaList.Parcela, x.parcelaType(p))
		r.Vysledek = c.vysledek(okMsg())
		return r
	}
	if c.req.Child("katastrUzemiKod") == nil {
		return c.emptyAnswer(msg(106))
	}
	if c.req.Child("kmenoveCislo") == nil {
		return c.emptyAnswer(msg(109))
	}
	ku := code(c.req.Value("katastrUzemiKod"))
	if _, ok := c.s.terr.KUOf(ku); !ok {
		return c.emptyAnswer(msg(302))
	}
	kmen, podd := code(c.req.Value("kmenoveCislo")), 0
	if c.req.Child("poddeleni") != nil {
		podd = code(c.req.Value("poddeleni"))
	}
	for i := range x.Parcely {
		p := &x.Parcely[i]
		if p.KU == ku && p.Kmen == kmen && p.Podd == podd {
			r.ParcelaList.Parcela = append(r.ParcelaList.Parcela, x.parcelaType(p))
		}
	}
	r.Vysledek = c.vysledek(found(len(r.ParcelaList.Parcela))...)
	return r
}

// building finds buildings by část obce, type and number, checking the
// codes (303, 390).
func (c *call) building(castElem, typElem, cisloElem string) ([]*Stavba, zprava, bool) {
	for _, e := range []struct {
		name string
		kod  int
	}{{castElem, 110}, {typElem, 111}, {cisloElem, 112}} {
		if c.req.Child(e.name) == nil {
			return nil, msg(e.kod), false
		}
	}
	co := code(c.req.Value(castElem))
	if _, ok := c.s.terr.CastOf(co); !ok {
		return nil, msg(303), false
	}
	typ := code(c.req.Value(typElem))
	if typ != 1 && typ != 2 {
		return nil, msg(390), false
	}
	cislo := code(c.req.Value(cisloElem))
	var out []*Stavba
	for i := range c.s.data.Stavby {
		s := &c.s.data.Stavby[i]
		if s.CastObce == co && s.Typ == typ && s.Cislo == cislo {
			out = append(out, s)
		}
	}
	return out, zprava{}, true
}

func (c *call) najdiStavbu() any {
	if z, ok := c.datumK(0); !ok {
		return c.emptyAnswer(z)
	}
	byID, z, ok := c.choice("stavbaId", "castObceKod", "typStavbyKod", "cisloDomovni")
	if !ok {
		return c.emptyAnswer(z)
	}
	x := c.s.data
	r := &wsdp.NajdiStavbuResponseType{StavbaList: &wsdp.StavbaListType{}}
	if byID {
		s := x.stavba[id(c.req.Value("stavbaId"))]
		if s == nil {
			return c.emptyAnswer(msg(304, c.req.Value("stavbaId")))
		}
		r.StavbaList.Stavba = append(r.StavbaList.Stavba, x.stavbaType(s, c.s.terr))
		r.Vysledek = c.vysledek(okMsg())
		return r
	}
	ss, z, ok := c.building("castObceKod", "typStavbyKod", "cisloDomovni")
	if !ok {
		return c.emptyAnswer(z)
	}
	for _, s := range ss {
		r.StavbaList.Stavba = append(r.StavbaList.Stavba, x.stavbaType(s, c.s.terr))
	}
	r.Vysledek = c.vysledek(found(len(ss))...)
	return r
}

// najdiJednotku finds a unit by id, or the units of a building (by id or
// by část obce, type and number), optionally one number (DDDDJJJJ).
func (c *call) najdiJednotku() any {
	if z, ok := c.datumK(0); !ok {
		return c.emptyAnswer(z)
	}
	byID, z, ok := c.choice("jednotkaId", "stavbaId", "castObceKod", "typStavbyKod", "cisloDomovni", "cisloJednotky")
	if !ok {
		return c.emptyAnswer(z)
	}
	x := c.s.data
	r := &wsdp.NajdiJednotkuResponseType{JednotkaList: &wsdp.JednotkaListType{}}
	if byID {
		j := x.jednotka[id(c.req.Value("jednotkaId"))]
		if j == nil {
			return c.emptyAnswer(msg(304, c.req.Value("jednotkaId")))
		}
		r.JednotkaList.Jednotka = append(r.JednotkaList.Jednotka, x.jednotkaType(j))
		r.Vysledek = c.vysledek(okMsg())
		return r
	}
	var ss []*Stavba
	switch {
	case c.req.Child("stavbaId") != nil && c.req.Child("castObceKod") != nil:
		return c.emptyAnswer(msg(321))
	case c.req.Child("stavbaId") != nil:
		s := x.stavba[id(c.req.Value("stavbaId"))]
		if s == nil {
			return c.emptyAnswer(msg(304, c.req.Value("stavbaId")))
		}
		ss = []*Stavba{s}
	default:
		var z zprava
		if ss, z, ok = c.building("castObceKod", "typStavbyKod", "cisloDomovni"); !ok {
			return c.emptyAnswer(z)
		}
	}
	want := -1
	if c.req.Child("cisloJednotky") != nil {
		want = code(c.req.Value("cisloJednotky"))
	}
	for _, s := range ss {
		for i := range x.Jednotky {
			j := &x.Jednotky[i]
			if j.Stavba == s.ID && (want < 0 || x.unitNumber(j) == want) {
				r.JednotkaList.Jednotka = append(r.JednotkaList.Jednotka, x.jednotkaType(j))
			}
		}
	}
	r.Vysledek = c.vysledek(found(len(r.JednotkaList.Jednotka))...)
	return r
}

// najdiOS finds persons. Legal persons (OPO) by IČO (whole) and/or name
// (prefix); natural persons (OFO) by name and surname (prefixes), birth
// date or the whole RČ, narrowed by address. Paying and verifying accounts
// must give the RČ, or name, surname and birth date (or RČ); free accounts
// may search by RČ, birth date or surname alone (user guide §3.11.1).
// Persons with a marriage property (SJM) come with its BSM record.
func (c *call) najdiOS() any {
	if z, ok := c.datumK(0); !ok {
		return c.emptyAnswer(z)
	}
	q := c.req
	ico, nazev := q.Value("ico"), q.Value("nazev")
	jmeno, prijmeni, rc, narozeni := q.Value("jmeno"), q.Value("prijmeni"), q.Value("rc"), q.Value("datumNarozeni")
	opo := ico != "" || nazev != ""
	ofo := jmeno != "" || prijmeni != "" || rc != "" || narozeni != "" || q.Child("adresniUdaje") != nil
	switch {
	case opo && ofo:
		return c.emptyAnswer(msg(321))
	case !opo && !ofo:
		return c.emptyAnswer(msg(532))
	}
	x := c.s.data
	r := &wsdp.NajdiOSResponseType{OSList: &wsdp.OSListType{}}
	var hits []*OS
	if opo {
		for i := range x.OS {
			o := &x.OS[i]
			if o.Typ != "OPO" || (ico != "" && id(ico) != id(o.ICO)) || (nazev != "" && !prefixFold(o.Nazev, nazev)) {
				continue
			}
			hits = append(hits, o)
		}
	} else {
		enough := rc != "" || (jmeno != "" && prijmeni != "" && narozeni != "")
		if c.acct.Type == Free {
			enough = rc != "" || narozeni != "" || prijmeni != ""
		}
		if !enough {
			return c.emptyAnswer(msg(532))
		}
		var birth time.Time
		if narozeni != "" {
			t, err := time.Parse("2006-01-02", narozeni[:min(10, len(narozeni))])
			if err != nil {
				return c.emptyAnswer(msg(116, "datumNarozeni"))
			}
			birth = t
		}
		addr := q.Child("adresniUdaje")
		for i := range x.OS {
			o := &x.OS[i]
			if o.Typ != "OFO" || (rc != "" && rc != o.RC) || (jmeno != "" && !prefixFold(o.Jmeno, jmeno)) ||
				(prijmeni != "" && !prefixFold(o.Prijmeni, prijmeni)) {
				continue
			}
			if !birth.IsZero() {
				if b, ok := birthDate(o.RC); !ok || !b.Equal(birth) {
					continue
				}
			}
			if addr != nil && !addressMatches(o, addr) {
				continue
			}
			hits = append(hits, o)
		}
		// A person in a marriage property also brings the BSM record.
		for _, h := range append([]*OS(nil), hits...) {
			for i := range x.OS {
				b := &x.OS[i]
				if b.Typ == "BSM" && (b.Partner1 == h.ID || b.Partner2 == h.ID) && !containsOS(hits, b) {
					hits = append(hits, b)
				}
			}
		}
	}
	for _, o := range cut(hits, c.s.maxResults) {
		r.OSList.OS = append(r.OSList.OS, x.osType(o))
	}
	z := found(len(hits))
	if len(hits) > c.s.maxResults {
		z = append(z, msg(310))
	}
	r.Vysledek = c.vysledek(z...)
	return r
}

func containsOS(list []*OS, o *OS) bool {
	for _, v := range list {
		if v == o {
			return true
		}
	}
	return false
}

// addressMatches applies the address criteria: whole names, case- and
// diacritics-insensitive; numbers whole.
func addressMatches(o *OS, a interface{ Value(string) string }) bool {
	if v := a.Value("obec"); v != "" && !equalFold(v, o.Obec) {
		return false
	}
	if v := a.Value("castObce"); v != "" && !equalFold(v, o.CastObce) {
		return false
	}
	if v := a.Value("ulice"); v != "" && !equalFold(v, o.Ulice) {
		return false
	}
	if v := a.Value("cisloOrientacni"); v != "" && !equalFold(v, o.CisloOrientacni) {
		return false
	}
	if v := a.Value("cisloDomovni"); v != "" && code(v) != o.CisloDomovni {
		return false
	}
	return true
}
