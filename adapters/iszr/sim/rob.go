package sim

import (
	"sort"
	"strings"

	"konektor/wsdl/iszr/egon"
)

// ROB: E03 robCtiAifo, E276 robCtiAifo2, E278 robCtiPodleUdaju2.

func init() {
	register("E03", service{serve: decoded(serveE03), bare: func(x *exchange, oi *egon.OdpovedInfoType) any {
		return &egon.RobCtiAifoResponseType{IszrOdpovedAifoStIdAdrAbstractType: odpovedAifo(oi)}
	}})
	register("E276", service{serve: decoded(serveE276), bare: func(x *exchange, oi *egon.OdpovedInfoType) any {
		return &egon.RobCtiAifo2ResponseType{IszrOdpovedAifoStIdAdrAbstractType: odpovedAifo(oi)}
	}})
	register("E278", service{serve: decoded(serveE278), bare: func(x *exchange, oi *egon.OdpovedInfoType) any {
		return &egon.RobCtiPodleUdaju2ResponseType{IszrOdpovedAifoStIdAdrAbstractType: odpovedAifo(oi)}
	}})
}

func odpovedAifo(oi *egon.OdpovedInfoType) *egon.IszrOdpovedAifoStIdAdrAbstractType {
	return &egon.IszrOdpovedAifoStIdAdrAbstractType{IszrOdpovedAbstractType: &egon.IszrOdpovedAbstractType{OdpovedInfo: oi}}
}

func invalid(format string, args ...any) *status {
	st := chyba(egon.VysledekSubKodTypeNEVALIDNIDATA, format, args...)
	return &st
}

// appChyba is the status of a register's application error (APLIKACNI
// CHYBA): the register's own subcode sub leads the description.
func appChyba[Sub ~string](reg egon.RegistrType, sub Sub, popis string) status {
	return status{kod: egon.VysledekKodTypeCHYBA, sub: egon.VysledekSubKodTypeAPLIKACNICHYBA, popis: string(sub) + ": " + popis, puvodce: reg}
}

// robRead is the part E03 and E276 share: the person the request's AIFO
// names, the AIFO map to echo and the status.
type robRead struct {
	person *Person
	mapa   *egon.MapaAifoType
	st     status
}

func readByAifo(x *exchange, ra *egon.IszrZadostRAifoAbstractType, data *egon.RobCtiAifoDataType) (robRead, *status) {
	var mapa *egon.MapaAifoType
	if ra != nil {
		mapa = ra.MapaAifo
	}
	if data == nil || data.Aifo == nil || data.VyuzitiPoskytnuti == nil {
		return robRead{}, invalid("Chybí Zadost/Aifo nebo VyuzitiPoskytnuti (missing payload).")
	}
	if v := *data.VyuzitiPoskytnuti; v != egon.TypVyuzitiPoskytnutiTypeVyuziti && v != egon.TypVyuzitiPoskytnutiTypePoskytnuti {
		return robRead{}, invalid("VyuzitiPoskytnuti %q není vyuziti ani poskytnuti.", v)
	}
	if mapa == nil || len(mapa.PrevodAifo) == 0 {
		return robRead{}, invalid("MapaAifo neobsahuje žádný PrevodAifo (the AIFO map is empty).")
	}
	if len(mapa.PrevodAifo) > 100 {
		return robRead{}, invalid("MapaAifo obsahuje více než 100 převodů (too many).")
	}
	var found *egon.PrevodAifoType
	for _, pa := range mapa.PrevodAifo {
		if pa.LokalniAifo == nil || pa.GlobalniAifo == nil {
			return robRead{}, invalid("PrevodAifo musí mít LokalniAifo i GlobalniAifo.")
		}
		if !validAifo(string(*pa.GlobalniAifo)) {
			return robRead{}, invalid("GlobalniAifo %d není AIFO (base64 17 bajtů).", pa.LokalniAifo.Value)
		}
		if pa.LokalniAifo.Value == data.Aifo.Value {
			found = pa
		}
	}
	if found == nil {
		st := chyba(egon.VysledekSubKodTypeNEVALIDNIVAZBA, "Aifo %d v datové části není v MapaAifo (the payload AIFO is not in the map).", data.Aifo.Value)
		return robRead{}, &st
	}
	echo := &egon.MapaAifoType{}
	for _, pa := range mapa.PrevodAifo {
		echo.PrevodAifo = append(echo.PrevodAifo, &egon.PrevodAifoType{
			LokalniAifo:  &egon.LokalniAifoType{Value: pa.LokalniAifo.Value},
			GlobalniAifo: pa.GlobalniAifo,
		})
	}
	p, ok := personByAifo(string(*x.zi.Agenda), string(*found.GlobalniAifo))
	if !ok {
		for _, pa := range echo.PrevodAifo {
			if pa.LokalniAifo.Value == data.Aifo.Value {
				pa.LokalniAifo.PrevodAifoStatus = ptr(egon.PrevodAifoStatusTypeAifoZdrojNenalezeno)
			}
		}
		st := chyba(egon.VysledekSubKodTypeAIFONEEXISTUJE, "AIFO %d neexistuje v agendě %s nebo k němu není přístup (unknown AIFO in this agenda).", data.Aifo.Value, *x.zi.Agenda)
		st.puvodce = egon.RegistrTypeORG
		return robRead{mapa: echo, st: st}, nil
	}
	return robRead{person: p, mapa: echo, st: statusOK()}, nil
}

// answerByAifo is what E03 and E276 share once the request is decoded:
// it returns the answer's head (OdpovedInfo, the echoed MapaAifo and, for a
// person with a known address, SeznamIdAdres) and hands the person's ROB
// data and address point (nil when unknown) to found.
func answerByAifo(x *exchange, ra *egon.IszrZadostRAifoAbstractType, data *egon.RobCtiAifoDataType,
	found func(d *egon.RobCtiAifoDataResponseType, a *Address)) (*egon.IszrOdpovedAifoStIdAdrAbstractType, *status) {
	rd, st := readByAifo(x, ra, data)
	if st != nil {
		return nil, st
	}
	head := odpovedAifo(x.info(rd.st))
	head.MapaAifo = rd.mapa
	if rd.person == nil {
		return head, nil
	}
	d := robData(x, rd.person)
	var addr *Address
	if d.AdresaPobytu != nil {
		if a, ok := findAddress(rd.person.AdresaPobytu); ok {
			head.SeznamIdAdres = seznamIdAdres(a.Kod)
			addr = &a
		}
	}
	found(d, addr)
	return head, nil
}

func serveE03(s *Server, x *exchange, req *egon.RobCtiAifoType) (any, *status) {
	var data *egon.RobCtiAifoDataType
	if req.Zadost != nil {
		data = req.Zadost.RobCtiAifoData
	}
	resp := &egon.RobCtiAifoResponseType{}
	head, st := answerByAifo(x, req.IszrZadostRAifoAbstractType, data, func(d *egon.RobCtiAifoDataResponseType, a *Address) {
		resp.RobOdpoved = &egon.RobCtiAifoRobOdpovedType{RobCtiAifoDataResponse: d}
		if a != nil {
			resp.RuianOdpoved = &egon.RobCtiAifoRuianOdpovedType{RuianCtiProRobDataResponse: &egon.RuianCtiProRobDataResponseType{
				SeznamAdres: &egon.SeznamAdresType{PolozkovaAdresa: []*egon.AdresaPolozkovaType{polozkova1(*a, allRuian)}},
			}}
		}
	})
	if st != nil {
		return nil, st
	}
	resp.IszrOdpovedAifoStIdAdrAbstractType = head
	return resp, nil
}

func serveE276(s *Server, x *exchange, req *egon.RobCtiAifo2Type) (any, *status) {
	var data *egon.RobCtiAifoDataType
	if req.Zadost != nil {
		data = req.Zadost.RobCtiAifo2Data
	}
	resp := &egon.RobCtiAifo2ResponseType{}
	head, st := answerByAifo(x, req.IszrZadostRAifoAbstractType, data, func(d *egon.RobCtiAifoDataResponseType, a *Address) {
		resp.RobOdpoved = &egon.RobCtiAifo2RobOdpovedType{RobCtiAifo2DataResponse: d}
		if a != nil {
			resp.RuianOdpoved = &egon.RobCtiAifo2RuianOdpovedType{RuianCtiProRobV2DataResponse: &egon.RuianCtiProRobV2DataResponseType{
				SeznamAdres: &egon.SeznamAdres2Type{PolozkovaAdresa: []*egon.AdresaPolozkova2Type{polozkova2(*a, allRuian)}},
			}}
		}
	})
	if st != nil {
		return nil, st
	}
	resp.IszrOdpovedAifoStIdAdrAbstractType = head
	return resp, nil
}

func seznamIdAdres(kody ...int) *egon.SeznamIdAdresType {
	s := &egon.SeznamIdAdresType{}
	for _, k := range kody {
		s.AdresniMisto = append(s.AdresniMisto, &egon.AdresniMistoIdType{
			Value:            ptr(egon.KodAdresniMistoType(k)),
			StavOvereniPrvku: ptr(egon.StavOvereniPrvkuRuianTypeExistuje),
		})
	}
	return s
}

var spravny = ptr(egon.StavTypeSpravny)

// robData is the ROB answer for p, holding only the items x may read.
func robData(x *exchange, p *Person) *egon.RobCtiAifoDataResponseType {
	d := &egon.RobCtiAifoDataResponseType{RobDotazyDataResponseType: &egon.RobDotazyDataResponseType{
		RobAplikacniStatus: &egon.RobAplikacniStatusType{VysledekRobKodType: ptr(egon.VysledekKodTypeOK)},
	}}
	if x.can("AdresaPobytu") && p.AdresaPobytu != 0 {
		d.AdresaPobytu = &egon.AdresaPobytuStavType{Value: ptr(egon.KodAdresniMistoType(p.AdresaPobytu)), Stav: spravny}
	}
	if x.can("DatovaSchrankaROB") && p.DatovaSchranka != "" {
		d.DatovaSchranka = &egon.DatovaSchrankaStavType{Value: ptr(egon.DatovaSchrankaIdType(p.DatovaSchranka)), Stav: spravny}
	}
	if x.can("DatumNarozeni") {
		d.DatumNarozeni = &egon.DatumStavType{Value: ptr(egon.DatumType(p.DatumNarozeni)), Stav: spravny}
	}
	if x.can("DatumUmrti") && p.DatumUmrti != "" {
		d.DatumUmrti = &egon.DatumStavType{Value: ptr(egon.DatumType(p.DatumUmrti)), Stav: spravny}
	}
	if x.can("Jmeno") {
		d.Jmeno = &egon.JmenoStavType{Value: ptr(egon.JmenoType(p.Jmeno)), Stav: spravny}
	}
	if x.can("MistoNarozeni") {
		m := &egon.MistoNarozeniStavType{MistoNarozeniType: &egon.MistoNarozeniType{}, Stav: spravny}
		if p.MistoNarozeni != 0 {
			m.NarozeniCr = &egon.MistoCrType{Value: ptr(egon.AdresniLokalitaType(p.MistoNarozeni)), Obec: true}
		} else {
			m.NarozeniSvet = &egon.MistoSvetType{MistoSvet: ptr(egon.MistoSvetNazevType(p.MistoSvet)), Stat: ptr(egon.KodStatType(p.StatNarozeni))}
		}
		d.MistoNarozeni = m
	}
	if x.can("Prijmeni") {
		d.Prijmeni = &egon.PrijmeniStavType{Value: ptr(egon.PrijmeniType(p.Prijmeni)), Stav: spravny}
	}
	if x.can("RodnePrijmeni") && p.RodnePrijmeni != "" {
		d.RodnePrijmeni = &egon.PrijmeniStavType{Value: ptr(egon.PrijmeniType(p.RodnePrijmeni)), Stav: spravny}
	}
	if x.can("RodinnyStavPartnerstvi") && p.RodinnyStav != "" {
		d.RodinnyStavPartnerstvi = &egon.RodinnyStavPartnerstviStavType{Value: ptr(egon.RodinnyStavPartnerstviType(p.RodinnyStav)), Stav: spravny}
	}
	if x.can("Pohlavi") {
		d.Pohlavi = &egon.PohlaviStavType{Value: ptr(egon.PohlaviType(p.Pohlavi)), Stav: spravny}
	}
	if x.can("Doklad") && p.Doklad != nil {
		d.Doklady = []*egon.DokladStavType{{DokladType: &egon.DokladType{
			Cislo: ptr(egon.DokladCisloType(p.Doklad.Cislo)), Druh: ptr(egon.DokladDruhType(p.Doklad.Druh)),
			PlatnostDo: ptr(egon.DatumType(p.Doklad.PlatnostDo)),
		}, Stav: spravny}}
	}
	if x.can("Obcanstvi") {
		for _, c := range p.Obcanstvi {
			d.Obcanstvi = append(d.Obcanstvi, &egon.ObcanstviStavType{Value: ptr(egon.KodStatType(c)), Stav: spravny})
		}
	}
	return d
}

// osoba turns a ROB answer into one person found by E278.
func osoba(d *egon.RobCtiAifoDataResponseType, lokalni int32) *egon.RobOsobaType {
	return &egon.RobOsobaType{
		AdresaPobytu:           d.AdresaPobytu,
		Aifo:                   &egon.LokalniAifoStavType{Value: lokalni, Stav: spravny},
		DatovaSchranka:         d.DatovaSchranka,
		DatumNarozeni:          d.DatumNarozeni,
		DatumUmrti:             d.DatumUmrti,
		Jmeno:                  d.Jmeno,
		MistoNarozeni:          d.MistoNarozeni,
		Prijmeni:               d.Prijmeni,
		RodnePrijmeni:          d.RodnePrijmeni,
		RodinnyStavPartnerstvi: d.RodinnyStavPartnerstvi,
		Pohlavi:                d.Pohlavi,
		Doklady:                d.Doklady,
		Obcanstvi:              d.Obcanstvi,
	}
}

// maxSearch is the sandbox's own cap on E278 results.
const maxSearch = 100

func serveE278(s *Server, x *exchange, req *egon.RobCtiPodleUdaju2Type) (any, *status) {
	if req.Zadost == nil || req.Zadost.RobCtiPodleUdaju2Data == nil {
		return nil, invalid("Chybí Zadost/RobCtiPodleUdaju2Data.")
	}
	q, st := parseSearch(req.Zadost.RobCtiPodleUdaju2Data)
	if st != nil {
		return nil, st
	}
	if req.IszrZadostIdAdrAbstractType != nil && req.SeznamIdAdres != nil && q.adresa != 0 {
		listed := false
		for _, am := range req.SeznamIdAdres.AdresniMisto {
			if am.Value != nil && int(*am.Value) == q.adresa {
				listed = true
			}
		}
		if !listed {
			st := chyba(egon.VysledekSubKodTypeNEVALIDNIVAZBA, "AdresaPobytu %d není v SeznamIdAdres (the payload address is not in the header list).", q.adresa)
			return nil, &st
		}
	}
	resp := &egon.RobCtiPodleUdaju2ResponseType{}
	app := &egon.RobAplikacniStatusType{VysledekRobKodType: ptr(egon.VysledekKodTypeOK)}
	data := &egon.RobCtiPodleUdajuDataResponseType{RobDotazyDataResponseType: &egon.RobDotazyDataResponseType{RobAplikacniStatus: app}}
	resp.RobOdpoved = &egon.RobCtiPodleUdaju2RobOdpovedType{RobCtiPodleUdaju2DataResponse: data}
	appError := func(sub egon.VysledekSubKodRobType, popis string) (any, *status) {
		app.VysledekRobKodType = ptr(egon.VysledekKodTypeCHYBA)
		app.VysledekDetail = []*egon.RobVysledekDetailType{{VysledekSubKod: ptr(sub), VysledekPopis: ptr(egon.VysledekPopisType(popis))}}
		resp.IszrOdpovedAifoStIdAdrAbstractType = odpovedAifo(x.info(appChyba(egon.RegistrTypeROB, sub, popis)))
		return resp, nil
	}
	if q.empty() {
		return appError(egon.VysledekSubKodRobTypeNEPOVOLENAKOMBINACE, "Dotaz neobsahuje žádný vyhledávací údaj (no search criterion).")
	}
	var found []*Person
	for i := range persons {
		if q.matches(&persons[i]) {
			found = append(found, &persons[i])
		}
	}
	if len(found) == 0 {
		return appError(egon.VysledekSubKodRobTypeZAZNAMNENALEZEN, "Zadané kombinaci údajů neodpovídá žádná osoba (no person matches).")
	}
	limit := x.maxRecords
	if limit <= 0 || limit > maxSearch {
		limit = maxSearch
	}
	if len(found) > limit {
		st := chyba(egon.VysledekSubKodTypePREKROCENSEZNAM, "Dotazu odpovídá %d osob, povoleno je nejvýše %d; upřesněte podmínky (too many results).", len(found), limit)
		st.puvodce = egon.RegistrTypeROB
		return nil, &st
	}
	sort.SliceStable(found, func(i, j int) bool {
		a, b := found[i], found[j]
		if a.Prijmeni != b.Prijmeni {
			return a.Prijmeni < b.Prijmeni
		}
		if a.Jmeno != b.Jmeno {
			return a.Jmeno < b.Jmeno
		}
		return a.DatumNarozeni < b.DatumNarozeni
	})
	mapa := &egon.MapaAifoType{}
	var kody []int
	var adresy []*egon.AdresaPolozkova2Type
	agenda := string(*x.zi.Agenda)
	for i, p := range found {
		n := int32(i + 1)
		d := robData(x, p)
		data.Osoba = append(data.Osoba, osoba(d, n))
		pa := &egon.PrevodAifoType{LokalniAifo: &egon.LokalniAifoType{Value: n}}
		if x.can("Aifo") {
			pa.GlobalniAifo = ptr(egon.AifoType(agendaAifo(p, agenda)))
		}
		mapa.PrevodAifo = append(mapa.PrevodAifo, pa)
		if d.AdresaPobytu != nil && !containsInt(kody, p.AdresaPobytu) {
			if a, ok := findAddress(p.AdresaPobytu); ok {
				kody = append(kody, a.Kod)
				adresy = append(adresy, polozkova2(a, allRuian))
			}
		}
	}
	mapa.LokalniAifoOd = ptr(egon.KladneCeleCisloType(len(found)))
	resp.IszrOdpovedAifoStIdAdrAbstractType = odpovedAifo(x.info(statusOK()))
	resp.MapaAifo = mapa
	if len(kody) > 0 {
		resp.SeznamIdAdres = seznamIdAdres(kody...)
		resp.RuianOdpoved = &egon.RobCtiPodleUdaju2RuianOdpovedType{RuianCtiProRobV2DataResponse: &egon.RuianCtiProRobV2DataResponseType{
			SeznamAdres: &egon.SeznamAdres2Type{PolozkovaAdresa: adresy},
		}}
	}
	return resp, nil
}

func containsInt(xs []int, v int) bool {
	for _, x := range xs {
		if x == v {
			return true
		}
	}
	return false
}

// searchQuery holds the E278 criteria; empty strings and zeros are unset.
type searchQuery struct {
	fold                                      func(string) string
	jmeno, prijmeni, rodnePrijmeni            string
	datumNarozeni, datumUmrti, datumMociUmrti string
	adresa, mistoCr, statSvet, obcanstvi      int
	mistoSvet, ds, pohlavi, rodinnyStav, omez string
	dokladCislo, dokladDruh, mistoUmrti       string
	certifikat                                bool
}

func (q *searchQuery) empty() bool {
	return q.jmeno == "" && q.prijmeni == "" && q.rodnePrijmeni == "" && q.datumNarozeni == "" && q.datumUmrti == "" &&
		q.datumMociUmrti == "" && q.adresa == 0 && q.mistoCr == 0 && q.mistoSvet == "" && q.statSvet == 0 && q.obcanstvi == 0 &&
		q.ds == "" && q.pohlavi == "" && q.rodinnyStav == "" && q.omez == "" && q.dokladCislo == "" && q.mistoUmrti == "" && !q.certifikat
}

func parseSearch(d *egon.RobCtiPodleUdaju2DataType) (*searchQuery, *status) {
	q := &searchQuery{fold: foldDiakritika}
	base := d.RobCtiPodleUdajuDataType
	if base == nil {
		base = &egon.RobCtiPodleUdajuDataType{}
	}
	if base.TypPorovnani != nil {
		switch *base.TypPorovnani {
		case egon.TypPorovnaniTypeStriktni:
			q.fold = func(s string) string { return s }
		case egon.TypPorovnaniTypeAscii:
			q.fold = foldASCII
		case egon.TypPorovnaniTypeDiakritika:
		default:
			return nil, invalid("typPorovnani %q není striktni, diakritika ani ascii.", *base.TypPorovnani)
		}
	}
	str := func(p *string) string {
		if p == nil {
			return ""
		}
		return strings.TrimSpace(*p)
	}
	q.jmeno = str((*string)(base.Jmeno))
	q.prijmeni = str((*string)(base.Prijmeni))
	q.rodnePrijmeni = str((*string)(d.RodnePrijmeni))
	q.ds = str((*string)(base.DatovaSchrankaId))
	q.pohlavi = str((*string)(d.Pohlavi))
	q.rodinnyStav = str((*string)(d.RodinnyStavPartnerstvi))
	q.omez = str((*string)(d.OmezeniSvepravnosti))
	q.certifikat = d.SerioveCisloCertifikatu != nil || d.VydavatelCertifikatu != nil
	for _, f := range []struct {
		name string
		in   *egon.DatumType
		out  *string
	}{
		{"DatumNarozeni", base.DatumNarozeni, &q.datumNarozeni},
		{"DatumUmrti", base.DatumUmrti, &q.datumUmrti},
		{"DatumPravniMociUmrti", base.DatumPravniMociUmrti, &q.datumMociUmrti},
	} {
		if v := str((*string)(f.in)); v != "" {
			if !validDate(v) {
				return nil, invalid("%s %q není datum (not a date).", f.name, v)
			}
			*f.out = v
		}
	}
	if base.AdresaPobytu != nil && base.AdresaPobytu.Value != nil {
		q.adresa = int(*base.AdresaPobytu.Value)
	}
	if m := base.MistoNarozeni; m != nil {
		if m.NarozeniCr != nil && m.NarozeniCr.Value != nil {
			q.mistoCr = int(*m.NarozeniCr.Value)
		}
		if m.NarozeniSvet != nil {
			q.mistoSvet = str((*string)(m.NarozeniSvet.MistoSvet))
			if m.NarozeniSvet.Stat != nil {
				q.statSvet = int(*m.NarozeniSvet.Stat)
			}
		}
	}
	if m := base.MistoUmrti; m != nil && (m.UmrtiCr != nil || m.UmrtiSvet != nil) {
		q.mistoUmrti = "set"
	}
	if base.Obcanstvi != nil {
		q.obcanstvi = int(*base.Obcanstvi)
	}
	if dk := base.Doklad; dk != nil {
		q.dokladCislo, q.dokladDruh = str((*string)(dk.Cislo)), str((*string)(dk.Druh))
		if q.dokladCislo == "" {
			return nil, invalid("Doklad bez čísla (document without a number).")
		}
	}
	return q, nil
}

// matches reports whether p meets every criterion of q. A criterion the
// sandbox keeps no data for (certificates, legal capacity, place of death)
// matches nobody.
func (q *searchQuery) matches(p *Person) bool {
	eq := func(want, have string) bool { return want == "" || q.fold(want) == q.fold(have) }
	switch {
	case !eq(q.jmeno, p.Jmeno), !eq(q.prijmeni, p.Prijmeni), !eq(q.rodnePrijmeni, p.RodnePrijmeni):
		return false
	case q.datumNarozeni != "" && q.datumNarozeni != p.DatumNarozeni:
		return false
	case q.datumUmrti != "" && q.datumUmrti != p.DatumUmrti:
		return false
	case q.adresa != 0 && q.adresa != p.AdresaPobytu:
		return false
	case q.mistoCr != 0 && q.mistoCr != p.MistoNarozeni:
		return false
	case q.mistoSvet != "" && !eq(q.mistoSvet, p.MistoSvet), q.statSvet != 0 && q.statSvet != p.StatNarozeni:
		return false
	case q.ds != "" && q.ds != p.DatovaSchranka:
		return false
	case q.pohlavi != "" && q.pohlavi != p.Pohlavi, q.rodinnyStav != "" && q.rodinnyStav != p.RodinnyStav:
		return false
	case q.obcanstvi != 0 && !containsInt(p.Obcanstvi, q.obcanstvi):
		return false
	case q.dokladCislo != "" && (p.Doklad == nil || p.Doklad.Cislo != q.dokladCislo || (q.dokladDruh != "" && p.Doklad.Druh != q.dokladDruh)):
		return false
	case q.datumMociUmrti != "", q.omez != "", q.mistoUmrti != "", q.certifikat:
		return false
	}
	return true
}

// foldDiakritika compares ignoring case ("diakritika": diacritics count).
func foldDiakritika(s string) string { return strings.ToUpper(s) }

var asciiFold = strings.NewReplacer(
	"Á", "A", "Č", "C", "Ď", "D", "É", "E", "Ě", "E", "Í", "I", "Ň", "N", "Ó", "O", "Ř", "R",
	"Š", "S", "Ť", "T", "Ú", "U", "Ů", "U", "Ý", "Y", "Ž", "Z", "Ä", "A", "Ö", "O", "Ü", "U", "Ľ", "L", "Ĺ", "L", "Ŕ", "R", "Ô", "O",
)

// foldASCII compares ignoring case and Czech and Slovak diacritics.
func foldASCII(s string) string { return asciiFold.Replace(strings.ToUpper(s)) }
