package sim

import (
	"strconv"
	"strings"
	"time"

	"konektor/wsdl/cuzk/wsdp"
)

// Conversions from the sandbox's data to the answer types.

func idp(v string) *wsdp.IdType {
	if v == "" {
		return nil
	}
	return ptr[wsdp.IdType](v)
}

func (x *index) parcelaIdent(p *Parcela) *wsdp.ParcelaIdentType {
	r := &wsdp.ParcelaIdentType{IdParcely: idp(p.ID), LvId: idp(p.LV), KatuzeKod: ptrInt[wsdp.KatastrUzemiKodType](p.KU),
		KmenoveCislo: ptrInt[wsdp.ParcelaKmenoveCisloType](p.Kmen), ParcelaType: ptr[wsdp.ParcelaTypeType]("PKN"),
		DruhCislovaniPar: ptr[wsdp.DruhCislovaniParType](druhCislovani(p))}
	if p.Podd > 0 {
		r.PoddeleniCisla = ptrInt[wsdp.ParcelaPoddeleniType](p.Podd)
	}
	return r
}

func druhCislovani(p *Parcela) string {
	if p.Stavebni {
		return "1"
	}
	return "2"
}

func (x *index) stavbaIdent(s *Stavba) *wsdp.StavbaIdentType {
	r := &wsdp.StavbaIdentType{IdStavby: idp(s.ID), LvId: idp(s.LV), TypStavbyKod: ptrInt[wsdp.TypStavbyKodType](s.Typ)}
	if s.Cislo > 0 {
		r.CastObceKod = ptrInt[wsdp.CastObceKodType](s.CastObce)
		r.CisloDomovni = ptrInt[wsdp.CisloDomovniType](s.Cislo)
	} else if p := x.parcela[s.Parcela]; p != nil {
		r.ParcelaIdentifikacni = x.parcelaIdent(p)
	}
	return r
}

func (x *index) parcelaType(p *Parcela) *wsdp.ParcelaType {
	r := &wsdp.ParcelaType{IdParcely: idp(p.ID), ParcelaType: ptr[wsdp.ParcelaTypeType]("PKN"),
		KatuzeKod: ptrInt[wsdp.KatastrUzemiKodType](p.KU), KmenoveCislo: ptrInt[wsdp.ParcelaKmenoveCisloType](p.Kmen),
		ZpUrVyKod: ptrInt[wsdp.ParcelaZpusobUrceniVymeryKodType](p.ZpUrVy), DrupozKod: ptrInt[wsdp.ParcelaDruhPozemkuKodType](p.Druh),
		Vymera: ptrInt[wsdp.ParcelaVymeraType](p.Vymera), LvId: idp(p.LV),
		DruhCislovaniPar:      ptr[wsdp.DruhCislovaniParType](druhCislovani(p)),
		StavbaSoucastiParcely: ptr[wsdp.AnoNeType]("n")}
	if p.Podd > 0 {
		r.PoddeleniCisla = ptrInt[wsdp.ParcelaPoddeleniType](p.Podd)
	}
	if p.Vyuziti > 0 {
		r.ZpuvypaKod = ptrInt[wsdp.ParcelaZpusobVyuzitiKodType](p.Vyuziti)
	}
	if s := x.stavba[p.Stavba]; s != nil {
		r.Stavba = x.stavbaIdent(s)
	}
	return r
}

func (x *index) stavbaType(s *Stavba, terr *Territory) *wsdp.StavbaType {
	r := &wsdp.StavbaType{IdStavby: idp(s.ID), StavbaTypKod: ptrInt[wsdp.TypStavbyKodType](s.Typ), LvId: idp(s.LV)}
	if s.Cislo > 0 {
		if co, ok := terr.CastOf(s.CastObce); ok {
			r.CastObce = &wsdp.CastObceType{Kod: ptrInt[wsdp.CastObceKodType](co.Kod), Nazev: ptr[wsdp.CastObceNazevType](co.Nazev)}
		}
		r.CisloDomovni = ptrInt[wsdp.CisloDomovniType](s.Cislo)
	}
	if s.Vyuziti > 0 {
		r.ZpuVyKod = ptrInt[wsdp.ZpusobVyuzitiStavbyType](s.Vyuziti)
	}
	if p := x.parcela[s.Parcela]; p != nil {
		r.ParcelaIdentifikacni = x.parcelaIdent(p)
	}
	return r
}

// unitNumber is the unit's number as WSDP writes it: DDDDJJJJ without
// leading zeros (č.p. 41, unit 1 → 410001).
func (x *index) unitNumber(j *Jednotka) int {
	cp := 0
	if s := x.stavba[j.Stavba]; s != nil {
		cp = s.Cislo
	}
	return cp*10000 + j.Cislo
}

func (x *index) jednotkaType(j *Jednotka) *wsdp.JednotkaType {
	r := &wsdp.JednotkaType{IdJednotky: idp(j.ID), TypJedKod: ptrInt[wsdp.JednotkaTypJednotkyKodType](j.Typ),
		Cislo: ptrInt[wsdp.JednotkaCisloType](x.unitNumber(j)), LvId: idp(j.LV)}
	if s := x.stavba[j.Stavba]; s != nil {
		r.Stavba = x.stavbaIdent(s)
	}
	if j.Vyuziti > 0 {
		r.ZpuVyKod = ptrInt[wsdp.JednotkaZpusobVyuzitiKodType](j.Vyuziti)
	}
	return r
}

func (x *index) jednotkaLong(j *Jednotka) *wsdp.JednotkaLongType {
	r := &wsdp.JednotkaLongType{JednotkaType: x.jednotkaType(j)}
	if j.TypNazev != "" {
		r.TypNazev = ptr[wsdp.JednotkaTypJednotkyNazevType](j.TypNazev)
	}
	if j.ZpVyNazev != "" {
		r.ZpuVyNazev = ptr[wsdp.JednotkaZpusobVyuzitiNazevType](j.ZpVyNazev)
	}
	return r
}

// osBase writes a person as OSBaseType; rcZkracene is the birth-date part
// of the RČ, as WSDP shows it.
func osBase(o *OS) *wsdp.OSBaseType {
	r := &wsdp.OSBaseType{IdOS: idp(o.ID), VlastnikTyp: ptr[wsdp.TypVlastnikaType](o.Typ)}
	if o.Nazev != "" {
		r.Nazev = ptr[wsdp.NazevFirmyType](o.Nazev)
	}
	if o.ICO != "" {
		r.Ico = ptr[wsdp.IcoType](o.ICO)
	}
	if o.Prijmeni != "" {
		r.Prijmeni = ptr[wsdp.PrijmeniType](o.Prijmeni)
	}
	if o.Jmeno != "" {
		r.Jmeno = ptr[wsdp.JmenoType](o.Jmeno)
	}
	if o.TitulPred != "" {
		r.TitulPred = ptr[wsdp.TitulPredJmenemType](o.TitulPred)
	}
	if len(o.RC) >= 6 {
		r.RcZkracene = ptr[wsdp.RcType](o.RC[:6])
	}
	if o.Ulice != "" {
		r.Ulice = ptr[wsdp.UliceNazevType](o.Ulice)
	}
	if o.CisloDomovni > 0 {
		r.CisloDomovni = ptrInt[wsdp.CisloDomovniType](o.CisloDomovni)
	}
	if o.CisloOrientacni != "" {
		r.CisloOrientacni = ptr[wsdp.CisloOrientacniType](o.CisloOrientacni)
	}
	if o.CastObce != "" {
		r.CastObceNazev = ptr[wsdp.CastObceNazevType](o.CastObce)
	}
	if o.Obec != "" {
		r.ObecNazev = ptr[wsdp.ObecNazevType](o.Obec)
	}
	if o.PSC > 0 {
		r.Psc = ptrInt[wsdp.PSCType](o.PSC)
	}
	if o.CisloDomovni > 0 {
		r.TypCpCe = ptr[wsdp.CpCeType]("1")
	}
	if o.Okres != "" {
		r.OkresNazev = ptr[wsdp.OkresNazevType](o.Okres)
	}
	if o.CharOS > 0 {
		r.CharOSType = ptrInt[wsdp.CharakteristikaOSKodType](o.CharOS)
	}
	return r
}

// osType writes a person; a marriage property (BSM) carries both spouses.
func (x *index) osType(o *OS) *wsdp.OSType {
	r := &wsdp.OSType{OSBaseType: osBase(o)}
	if p := x.os[o.Partner1]; p != nil {
		r.Partner1 = &wsdp.PartnerType{OS: osBase(p)}
	}
	if p := x.os[o.Partner2]; p != nil {
		r.Partner2 = &wsdp.PartnerType{OS: osBase(p)}
	}
	return r
}

func (x *index) vlastnictvi(lv *LV) []*wsdp.VlastnictviType {
	var out []*wsdp.VlastnictviType
	for _, p := range lv.Owners {
		out = append(out, &wsdp.VlastnictviType{IdVlastnictvi: idp(p.ID), LvId: idp(lv.ID),
			PodilCitatel: ptrInt[wsdp.VlastnictviPodilType](p.Citatel), PodilJmenovatel: ptrInt[wsdp.VlastnictviPodilType](p.Jmenovatel),
			TypPravnihoVztahuKod: ptr[wsdp.TypPravnihoVztahuKodType](p.TypPV), KatuzeKod: ptrInt[wsdp.KatastrUzemiKodType](lv.KU),
			LvCislo: ptrInt[wsdp.LVCisloType](lv.Cislo), OsId: idp(p.OS)})
	}
	return out
}

// owners returns the distinct persons owning an LV.
func (x *index) owners(lv *LV) []*wsdp.OSType {
	var out []*wsdp.OSType
	seen := map[string]bool{}
	for _, p := range lv.Owners {
		if o := x.os[p.OS]; o != nil && !seen[o.ID] {
			seen[o.ID] = true
			out = append(out, x.osType(o))
		}
	}
	return out
}

func (x *index) lvType(lv *LV, terr *Territory) *wsdp.LVType {
	k := &wsdp.KatuzeType{Kod: ptrInt[wsdp.KatastrUzemiKodType](lv.KU)}
	if ku, ok := terr.KUOf(lv.KU); ok {
		k.Nazev = ptr[wsdp.KatastrUzemiNazevType](ku.Nazev)
	}
	return &wsdp.LVType{IdLV: idp(lv.ID), KatastralniUzemi: k, LvCislo: ptrInt[wsdp.LVCisloType](lv.Cislo)}
}

// dateTime writes a time as ČÚZK does: local time without a zone.
func dateTime(t time.Time) string { return t.In(prague).Format("2006-01-02T15:04:05") }

var prague = func() *time.Location {
	l, err := time.LoadLocation("Europe/Prague")
	if err != nil {
		return time.FixedZone("CET", 3600)
	}
	return l
}()

// birthDate returns the date an RČ encodes (women have 50 added to the
// month; 20, 70 mark the extended series).
func birthDate(rc string) (time.Time, bool) {
	rc = strings.ReplaceAll(rc, "/", "")
	if len(rc) < 9 {
		return time.Time{}, false
	}
	yy, err1 := strconv.Atoi(rc[0:2])
	mm, err2 := strconv.Atoi(rc[2:4])
	dd, err3 := strconv.Atoi(rc[4:6])
	if err1 != nil || err2 != nil || err3 != nil {
		return time.Time{}, false
	}
	switch {
	case mm > 70:
		mm -= 70
	case mm > 50:
		mm -= 50
	case mm > 20:
		mm -= 20
	}
	year := 1900 + yy
	if len(rc) == 10 && yy < 54 {
		year = 2000 + yy
	}
	t := time.Date(year, time.Month(mm), dd, 0, 0, 0, 0, time.UTC)
	if t.Month() != time.Month(mm) || t.Day() != dd {
		return time.Time{}, false
	}
	return t, true
}
