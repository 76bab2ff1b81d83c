package sim

import (
	"fmt"
	"strings"

	"konektor/wsdl/iszr/egon"
)

// RÚIAN: E36 ruianCtiAdresu, E251 ruianCtiAdresu2.

func init() {
	register("E36", service{serve: decoded(serveE36), bare: func(x *exchange, oi *egon.OdpovedInfoType) any {
		return &egon.RuianCtiAdresuResponseType{IszrOdpovedAbstractType: &egon.IszrOdpovedAbstractType{OdpovedInfo: oi}}
	}})
	register("E251", service{serve: decoded(serveE251), bare: func(x *exchange, oi *egon.OdpovedInfoType) any {
		return &egon.RuianCtiAdresu2ResponseType{IszrOdpovedAbstractType: &egon.IszrOdpovedAbstractType{OdpovedInfo: oi}}
	}})
}

// allRuian lets every address item through (addresses joined to ROB
// answers: the AdresaPobytu item grants them).
func allRuian(string) bool { return true }

// readAddress is what E36 and E251 share: it reads Kod and FormatAdresy,
// finds the address point and hands it to itemised and inLines for the
// formats asked for (VSECHNY: both).
func readAddress(x *exchange, kod *egon.KodAdresniMistoType, format *egon.FormatAdresyType, itemised func(Address), inLines func(lines)) *status {
	if kod == nil || format == nil {
		return invalid("Chybí Kod nebo FormatAdresy.")
	}
	if *kod <= 0 || *kod >= 999999999 {
		return invalid("Kod %d není kód adresního místa.", *kod)
	}
	var item, line bool
	switch *format {
	case egon.FormatAdresyTypePOLOZKOVY:
		item = true
	case egon.FormatAdresyTypeRADKOVY:
		line = true
	case egon.FormatAdresyTypeVSECHNY:
		item, line = true, true
	default:
		return invalid("FormatAdresy %q není POLOZKOVY, RADKOVY ani VSECHNY.", *format)
	}
	a, ok := findAddress(int(*kod))
	if !ok {
		st := chyba(egon.VysledekSubKodTypeADRESANEEXISTUJE, "Adresní místo %d neexistuje (unknown address point).", *kod)
		st.puvodce = egon.RegistrTypeRUIAN
		return &st
	}
	if item {
		itemised(a)
	}
	if line {
		inLines(radky(a, x.can))
	}
	return nil
}

func serveE36(s *Server, x *exchange, req *egon.RuianCtiAdresuType) (any, *status) {
	if req.Zadost == nil || req.Zadost.RuianCtiAdresuData == nil {
		return nil, invalid("Chybí Zadost/RuianCtiAdresuData.")
	}
	d, adresa := req.Zadost.RuianCtiAdresuData, &egon.AdresaResponseType{}
	if st := readAddress(x, d.Kod, d.FormatAdresy,
		func(a Address) { adresa.PolozkovaAdresa = polozkova1(a, x.can) },
		func(r lines) {
			adresa.RadkovaAdresa = &egon.AdresaRadkovaType{AdresniMistoKod: r.kod, RadekAdresy1: r.line(0), RadekAdresy2: r.line(1), RadekAdresy3: r.line(2)}
		}); st != nil {
		return nil, st
	}
	return &egon.RuianCtiAdresuResponseType{
		IszrOdpovedAbstractType: &egon.IszrOdpovedAbstractType{OdpovedInfo: x.info(statusOK())},
		RuianOdpoved: &egon.RuianCtiAdresuRuianOdpovedType{RuianCtiAdresuDataResponse: &egon.RuianCtiAdresuDataResponseType{
			Adresa: adresa,
		}},
	}, nil
}

func serveE251(s *Server, x *exchange, req *egon.RuianCtiAdresu2Type) (any, *status) {
	if req.Zadost == nil || req.Zadost.RuianCtiAdresu2Data == nil {
		return nil, invalid("Chybí Zadost/RuianCtiAdresu2Data.")
	}
	d, adresa := req.Zadost.RuianCtiAdresu2Data, &egon.AdresaResponse2Type{}
	if st := readAddress(x, d.Kod, d.FormatAdresy,
		func(a Address) { adresa.PolozkovaAdresa = polozkova2(a, x.can) },
		func(r lines) {
			adresa.RadkovaAdresa = &egon.AdresaRadkova2Type{AdresniMistoKod: r.kod, RadekAdresy1: r.line(0), RadekAdresy2: r.line(1), RadekAdresy3: r.line(2)}
		}); st != nil {
		return nil, st
	}
	return &egon.RuianCtiAdresu2ResponseType{
		IszrOdpovedAbstractType: &egon.IszrOdpovedAbstractType{OdpovedInfo: x.info(statusOK())},
		RuianOdpoved: &egon.RuianCtiAdresu2RuianOdpovedType{RuianCtiAdresu2DataResponse: &egon.RuianCtiAdresu2DataResponseType{
			Adresa: adresa,
		}},
	}, nil
}

// fields is the itemised address with only the permitted items set.
type fields struct {
	okresKod, obecKod, castObceKod, uliceKod, postaKod, soKod, amKod, typCD, cd, co, mopKod *int32
	okres, obec, castObce, ulice, posta, coPismeno, mop                                     *string
}

func pick(a Address, can func(string) bool) fields {
	var f fields
	num := func(item string, v int) *int32 {
		if v == 0 || !can(item) {
			return nil
		}
		return ptr(int32(v))
	}
	text := func(item, v string) *string {
		if v == "" || !can(item) {
			return nil
		}
		return ptr(v)
	}
	f.okresKod, f.okres = num("OkresKod", a.OkresKod), text("OkresNazev", a.OkresNazev)
	f.obecKod, f.obec = num("ObecKod", a.ObecKod), text("ObecNazev", a.ObecNazev)
	f.castObceKod, f.castObce = num("CastObceKod", a.CastObceKod), text("CastObceNazev", a.CastObceNazev)
	f.uliceKod, f.ulice = num("UliceKod", a.UliceKod), text("UliceNazev", a.UliceNazev)
	f.postaKod, f.posta = num("PostaKod", a.PSC), text("PostaNazev", a.PostaNazev)
	f.soKod, f.amKod = num("StavebniObjektKod", a.StavebniObjektKod), num("AdresniMistoKod", a.Kod)
	f.typCD, f.cd, f.co = num("TypCislaDomovnihoKod", a.TypCislaDomovniho), num("CisloDomovni", a.CisloDomovni), num("CisloOrientacni", a.CisloOrientacni)
	f.coPismeno = text("CisloOrientacniPismeno", a.CisloOrientacniPismeno)
	f.mopKod, f.mop = num("MopKod", a.MopKod), text("MopNazev", a.MopNazev)
	return f
}

func conv[T ~int32](p *int32) *T {
	if p == nil {
		return nil
	}
	v := T(*p)
	return &v
}

func convS[T ~string](p *string) *T {
	if p == nil {
		return nil
	}
	v := T(*p)
	return &v
}

// polozkova1 is the itemised address of the v1 schemas (CtiAdresa:v1).
func polozkova1(a Address, can func(string) bool) *egon.AdresaPolozkovaType {
	f := pick(a, can)
	return &egon.AdresaPolozkovaType{
		OkresKod: conv[egon.Kod4Type](f.okresKod), OkresNazev: convS[egon.Nazev32Type](f.okres),
		ObecKod: conv[egon.Kod6Type](f.obecKod), ObecNazev: convS[egon.Nazev48Type](f.obec),
		CastObceKod: conv[egon.Kod6Type](f.castObceKod), CastObceNazev: convS[egon.Nazev48Type](f.castObce),
		UliceKod: conv[egon.Kod7Type](f.uliceKod), UliceNazev: convS[egon.Nazev48Type](f.ulice),
		PostaKod: conv[egon.Kod5Type](f.postaKod), PostaNazev: convS[egon.Nazev48Type](f.posta),
		StavebniObjektKod: conv[egon.Kod9Type](f.soKod), AdresniMistoKod: conv[egon.KodAdresniMistoType](f.amKod),
		TypCislaDomovnihoKod: conv[egon.Kod1Type](f.typCD), CisloDomovni: conv[egon.Kod4Type](f.cd),
		CisloOrientacni: conv[egon.Kod3Type](f.co), CisloOrientacniPismeno: convS[egon.Kod1TextType](f.coPismeno),
		MopKod: conv[egon.Kod3Type](f.mopKod), MopNazev: convS[egon.Nazev32Type](f.mop),
	}
}

// polozkova2 is the itemised address of the v2 schemas (CtiAdresa:v2),
// where the Prague district is ObvodPrahy.
func polozkova2(a Address, can func(string) bool) *egon.AdresaPolozkova2Type {
	f := pick(a, can)
	return &egon.AdresaPolozkova2Type{
		OkresKod: conv[egon.Kod4Type](f.okresKod), OkresNazev: convS[egon.Nazev32Type](f.okres),
		ObecKod: conv[egon.Kod6Type](f.obecKod), ObecNazev: convS[egon.Nazev48Type](f.obec),
		CastObceKod: conv[egon.Kod6Type](f.castObceKod), CastObceNazev: convS[egon.Nazev48Type](f.castObce),
		UliceKod: conv[egon.Kod7Type](f.uliceKod), UliceNazev: convS[egon.Nazev48Type](f.ulice),
		PostaKod: conv[egon.Kod5Type](f.postaKod), PostaNazev: convS[egon.Nazev48Type](f.posta),
		StavebniObjektKod: conv[egon.Kod9Type](f.soKod), AdresniMistoKod: conv[egon.KodAdresniMistoType](f.amKod),
		TypCislaDomovnihoKod: conv[egon.Kod1Type](f.typCD), CisloDomovni: conv[egon.Kod4Type](f.cd),
		CisloOrientacni: conv[egon.Kod3Type](f.co), CisloOrientacniPismeno: convS[egon.Kod1TextType](f.coPismeno),
		ObvodPrahyKod: conv[egon.Kod3Type](f.mopKod), ObvodPrahyNazev: convS[egon.Nazev32Type](f.mop),
	}
}

// lines is a one-line-per-row address (FormatAdresy RADKOVY), composed of
// the permitted items only.
type lines struct {
	kod  *egon.KodAdresniMistoType
	rows []string
}

func (l lines) line(i int) *egon.RadekAdresyType {
	if i >= len(l.rows) {
		return nil
	}
	return ptr(egon.RadekAdresyType(l.rows[i]))
}

// radky formats an address the Czech postal way: street and numbers (or
// část obce and number where there are no streets), the část obce
// when it differs from the municipality, then the postcode and
// municipality (with the Prague district).
func radky(a Address, can func(string) bool) lines {
	f := pick(a, can)
	var out lines
	if f.amKod != nil {
		out.kod = ptr(egon.KodAdresniMistoType(*f.amKod))
	}
	cislo := ""
	if f.cd != nil {
		prefix := ""
		if f.typCD != nil && *f.typCD == 2 {
			prefix = "č. ev. "
		}
		cislo = prefix + fmt.Sprint(*f.cd)
		if f.co != nil {
			cislo += "/" + fmt.Sprint(*f.co)
			if f.coPismeno != nil {
				cislo += *f.coPismeno
			}
		}
	}
	var first []string
	switch {
	case f.ulice != nil:
		first = append(first, *f.ulice)
	case f.castObce != nil:
		first = append(first, *f.castObce)
	}
	if cislo != "" {
		first = append(first, cislo)
	}
	if len(first) > 0 {
		out.rows = append(out.rows, strings.Join(first, " "))
	}
	if f.ulice != nil && f.castObce != nil && (f.obec == nil || *f.castObce != *f.obec) {
		out.rows = append(out.rows, *f.castObce)
	}
	var last []string
	if f.postaKod != nil {
		psc := fmt.Sprintf("%05d", *f.postaKod)
		last = append(last, psc[:3]+" "+psc[3:])
	}
	switch {
	case f.mop != nil:
		last = append(last, *f.mop)
	case f.obec != nil:
		last = append(last, *f.obec)
	}
	if len(last) > 0 {
		out.rows = append(out.rows, strings.Join(last, " "))
	}
	return out
}
