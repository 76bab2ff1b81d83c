package sim

import (
	"strconv"
	"strings"

	"konektor/wsdl/iszr"
	"konektor/wsdl/iszr/egon"
)

// ROS: E256 rosCtiIco2.

func init() {
	register("E256", service{serve: serveE256, bare: func(x *exchange, oi *egon.OdpovedInfoType) any {
		return &egon.RosCtiIco2ResponseType{IszrOdpovedAifoStIdAdrAbstractType: odpovedAifo(oi)}
	}})
}

// rosEditor is the agenda and OVM the sandbox names as the registering
// editor of every legal entity (OsobaAgendy/KodAgendy, KodOvm).
const (
	rosEditorAgenda = "A121"
	rosEditorOvm    = "00007064"
	// dsTypPO is the data-box type of a legal entity.
	dsTypPO = 20
)

func serveE256(s *Server, x *exchange, root *iszr.Element) (any, *status) {
	// The payload Ico is an xs:int: read it from the text so that a value
	// out of range is NEVALIDNI DATA rather than a decoding error.
	el := root.Path("Zadost", "RosCtiIco2Data", "Ico")
	if el == nil {
		return nil, invalid("Chybí Zadost/RosCtiIco2Data/Ico.")
	}
	text := strings.TrimSpace(el.Text)
	ico, err := strconv.Atoi(strings.TrimPrefix(text, "+"))
	if err != nil || ico < 1 || ico > 99999999 {
		return nil, invalid("Ico %q není celé číslo 1–99999999 (not an IČO).", truncate(text, 40))
	}
	app := &egon.AplikacniStatusType{VysledekKod: ptr(egon.VysledekKodTypeOK)}
	data := &egon.RosCtiIco2DataResponseType{RosDotazyDataResponseAbstractType: &egon.RosDotazyDataResponseAbstractType{AplikacniStatus: app}}
	resp := &egon.RosCtiIco2ResponseType{RosOdpoved: &egon.RosCtiIco2RosOdpovedType{RosCtiIco2DataResponse: data}}
	appError := func(sub egon.VysledekSubKodRosType, popis string) (any, *status) {
		app.VysledekKod = ptr(egon.VysledekKodTypeCHYBA)
		app.VysledekDetail = []*egon.RosVysledekDetailType{{VysledekSubKod: ptr(sub), VysledekPopis: ptr(egon.VysledekPopisType(popis))}}
		resp.IszrOdpovedAifoStIdAdrAbstractType = odpovedAifo(x.info(appChyba(egon.RegistrTypeROS, sub, popis)))
		return resp, nil
	}
	if !validIco(ico) {
		return appError(egon.VysledekSubKodRosTypeICOCHYBAMODULO, "IČO "+pad8(ico)+" nevyhovuje kontrole modulo 11.")
	}
	e, found := findEntity(ico)
	if !found {
		return appError(egon.VysledekSubKodRosTypeICONEEXISTUJE, "IČO "+pad8(ico)+" není v ROS zapsáno.")
	}
	po := &egon.PravnickaOsobaStavResponse2Type{
		Ico:      ptr(egon.IcoType(ico)),
		CasZmeny: ptr(egon.CasovaZnackaType(e.CasZmeny)),
		IdZmeny:  ptr(egon.ZmenaIdType(e.IdZmeny)),
	}
	urceny := ptr(egon.StavRosUrcenyTypeSpravny)
	if x.can("DatovaSchrankaROS") && e.DatovaSchranka != "" {
		po.DatoveSchranky = &egon.DatoveSchrankyStavResponseType{DatovaSchranka: []*egon.DatovaSchrankaRosStavType{{
			Value: ptr(egon.DatovaSchrankaIdType(e.DatovaSchranka)), Typ: ptr(egon.TypDatoveSchrankyType(dsTypPO)), Stav: urceny,
		}}}
	}
	if x.can("PravniForma") {
		po.PravniForma = &egon.PravniFormaStavResponseType{
			KodPravniFormy:   ptr(egon.KodPravniFormyType(e.PravniForma)),
			NazevPravniFormy: ptr(egon.NazevPravniFormyType(e.PravniFormaNazev)),
			Stav:             urceny,
		}
	}
	oa := &egon.OsobaAgendyHrStavResponse2Type{KodAgendy: ptr(egon.KodAgendyType(rosEditorAgenda)), KodOvm: ptr(egon.KodOvmType(rosEditorOvm))}
	hasOA := false
	if x.can("ObchodniNazev") {
		oa.NazevOsoby, hasOA = &egon.NazevOsobyStavType{Value: ptr(egon.NazevOsobyType(e.Nazev)), Stav: urceny}, true
	}
	spravnyRos := ptr(egon.StavRosTypeSpravny)
	if x.can("DatumVznikuOpravneni") && e.DatumVzniku != "" {
		oa.DatumVznikuOpravneni, hasOA = &egon.DatumRosStavType{Value: ptr(egon.DatumType(e.DatumVzniku)), Stav: spravnyRos}, true
	}
	if x.can("DatumZanikuOpravneni") && e.DatumZaniku != "" {
		oa.DatumZanikuOpravneni, hasOA = &egon.DatumRosStavType{Value: ptr(egon.DatumType(e.DatumZaniku)), Stav: spravnyRos}, true
	}
	if x.can("AdresaSidla") && e.AdresaSidla != 0 {
		oa.AdresaSidla, hasOA = &egon.AdresaSidlaStavResponseType{AdresaType: &egon.AdresaType{OdkazRuian: ptr(egon.KodAdresniMistoType(e.AdresaSidla))}, Stav: spravnyRos}, true
	}
	if hasOA {
		po.OsobaAgendy = oa
	}
	data.PravnickaOsoba = po
	resp.IszrOdpovedAifoStIdAdrAbstractType = odpovedAifo(x.info(statusOK()))
	if po.OsobaAgendy != nil && po.OsobaAgendy.AdresaSidla != nil {
		resp.SeznamIdAdres = seznamIdAdres(e.AdresaSidla)
	}
	return resp, nil
}

func pad8(n int) string {
	s := strconv.Itoa(n)
	return strings.Repeat("0", 8-len(s)) + s
}
