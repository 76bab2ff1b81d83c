package cuzk

import "encoding/xml"

// Operation is one official WSDP 2.8 operation.
type Operation struct {
	Service  string   // ciselnik, vyhledat, informace, sestavy, ucet, ctios
	Name     string   // operation name, e.g. najdiParcelu
	Request  xml.Name // body element of the request
	Response xml.Name // body element of the answer (every sestavy operation answers GenerujSestavuResponse)
	// Action is the official SOAPAction. vyhledat and sestavy use a double
	// slash (http://katastr.cuzk.cz/vyhledat//najdiParcelu), and
	// najdiListinuVeSbirceListin's action names najdiListinu.
	Action string
	// Contract reports whether konektor's contract (this folder) declares
	// the operation, i.e. whether the sandbox serves it.
	Contract bool
}

// Operations returns every operation of WSDP 2.8 in the order of the
// official WSDLs: ciselnik 33, vyhledat 7, informace 3, sestavy 21, ucet 1,
// ctios 1. The slice is a copy.
func Operations() []Operation { return append([]Operation(nil), operations...) }

// Lookup returns the operation of a service by name.
func Lookup(service, name string) (Operation, bool) {
	op, ok := byName[service+"/"+name]
	return op, ok
}

// ByRequest returns the operation of a service whose request element is el.
func ByRequest(service string, el xml.Name) (Operation, bool) {
	op, ok := byRequest[service+"/{"+el.Space+"}"+el.Local]
	return op, ok
}

// Services lists the six WSDP services.
func Services() []string { return []string{Ciselnik, Vyhledat, Informace, Sestavy, Ucet, CtiOS} }

var (
	byName    = map[string]Operation{}
	byRequest = map[string]Operation{}
)

func init() {
	for _, op := range operations {
		byName[op.Service+"/"+op.Name] = op
		byRequest[op.Service+"/{"+op.Request.Space+"}"+op.Request.Local] = op
	}
}

func op(service, name, request, response, action string, contract bool) Operation {
	ns := TypesNS(service)
	return Operation{Service: service, Name: name, Request: xml.Name{Space: ns, Local: request},
		Response: xml.Name{Space: ns, Local: response}, Action: action, Contract: contract}
}

var operations = []Operation{
	op(Ciselnik, "seznamCiselniku", "SeznamCiselnikuRequest", "SeznamCiselnikuResponse", "http://katastr.cuzk.cz/ciselnik/seznamCiselniku", true),
	op(Ciselnik, "seznamCastiObci", "SeznamCastiObciRequest", "SeznamCastiObciResponse", "http://katastr.cuzk.cz/ciselnik/seznamCastiObci", true),
	op(Ciselnik, "seznamCislovaniParcel", "SeznamCislovaniParcelRequest", "SeznamCislovaniParcelResponse", "http://katastr.cuzk.cz/ciselnik/seznamCislovaniParcel", false),
	op(Ciselnik, "seznamDruhuPozemku", "SeznamDruhuPozemkuRequest", "SeznamDruhuPozemkuResponse", "http://katastr.cuzk.cz/ciselnik/seznamDruhuPozemku", true),
	op(Ciselnik, "seznamHistKU", "SeznamHistKURequest", "SeznamHistKUResponse", "http://katastr.cuzk.cz/ciselnik/seznamHistKU", false),
	op(Ciselnik, "seznamZprav", "SeznamZpravRequest", "SeznamZpravResponse", "http://katastr.cuzk.cz/ciselnik/seznamZprav", true),
	op(Ciselnik, "seznamKraju", "SeznamKrajuRequest", "SeznamKrajuResponse", "http://katastr.cuzk.cz/ciselnik/seznamKraju", true),
	op(Ciselnik, "seznamKU", "SeznamKURequest", "SeznamKUResponse", "http://katastr.cuzk.cz/ciselnik/seznamKU", true),
	op(Ciselnik, "seznamMestskychCasti", "SeznamMestskychCastiRequest", "SeznamMestskychCastiResponse", "http://katastr.cuzk.cz/ciselnik/seznamMestskychCasti", false),
	op(Ciselnik, "seznamObci", "SeznamObciRequest", "SeznamObciResponse", "http://katastr.cuzk.cz/ciselnik/seznamObci", true),
	op(Ciselnik, "seznamOkresu", "SeznamOkresuRequest", "SeznamOkresuResponse", "http://katastr.cuzk.cz/ciselnik/seznamOkresu", true),
	op(Ciselnik, "seznamOperaciRizeni", "SeznamOperaciRizeniRequest", "SeznamOperaciRizeniResponse", "http://katastr.cuzk.cz/ciselnik/seznamOperaciRizeni", false),
	op(Ciselnik, "seznamPracovist", "SeznamPracovistRequest", "SeznamPracovistResponse", "http://katastr.cuzk.cz/ciselnik/seznamPracovist", false),
	op(Ciselnik, "seznamPredmetuRizeni", "SeznamPredmetuRizeniRequest", "SeznamPredmetuRizeniResponse", "http://katastr.cuzk.cz/ciselnik/seznamPredmetuRizeni", false),
	op(Ciselnik, "seznamStatu", "SeznamStatuRequest", "SeznamStatuResponse", "http://katastr.cuzk.cz/ciselnik/seznamStatu", false),
	op(Ciselnik, "seznamTypuJednotek", "SeznamTypuJednotekRequest", "SeznamTypuJednotekResponse", "http://katastr.cuzk.cz/ciselnik/seznamTypuJednotek", false),
	op(Ciselnik, "seznamTypuOperaci", "SeznamTypuOperaciRequest", "SeznamTypuOperaciResponse", "http://katastr.cuzk.cz/ciselnik/seznamTypuOperaci", false),
	op(Ciselnik, "seznamTypuOS", "SeznamTypuOSRequest", "SeznamTypuOSResponse", "http://katastr.cuzk.cz/ciselnik/seznamTypuOS", false),
	op(Ciselnik, "seznamTypuParcel", "SeznamTypuParcelRequest", "SeznamTypuParcelResponse", "http://katastr.cuzk.cz/ciselnik/seznamTypuParcel", false),
	op(Ciselnik, "seznamTypuPravnichVztahu", "SeznamTypuPravnichVztahuRequest", "SeznamTypuPravnichVztahuResponse", "http://katastr.cuzk.cz/ciselnik/seznamTypuPravnichVztahu", false),
	op(Ciselnik, "seznamTypuRizeni", "SeznamTypuRizeniRequest", "SeznamTypuRizeniResponse", "http://katastr.cuzk.cz/ciselnik/seznamTypuRizeni", false),
	op(Ciselnik, "seznamUlic", "SeznamUlicRequest", "SeznamUlicResponse", "http://katastr.cuzk.cz/ciselnik/seznamUlic", false),
	op(Ciselnik, "seznamTypuStaveb", "SeznamTypuStavebRequest", "SeznamTypuStavebResponse", "http://katastr.cuzk.cz/ciselnik/seznamTypuStaveb", true),
	op(Ciselnik, "seznamUcelu", "SeznamUceluRequest", "SeznamUceluResponse", "http://katastr.cuzk.cz/ciselnik/seznamUcelu", true),
	op(Ciselnik, "seznamUrceniVymery", "SeznamUrceniVymeryRequest", "SeznamUrceniVymeryResponse", "http://katastr.cuzk.cz/ciselnik/seznamUrceniVymery", false),
	op(Ciselnik, "seznamVyuzitiJednotky", "SeznamVyuzitiJednotkyRequest", "SeznamVyuzitiJednotkyResponse", "http://katastr.cuzk.cz/ciselnik/seznamVyuzitiJednotky", false),
	op(Ciselnik, "seznamVyuzitiPozemku", "SeznamVyuzitiPozemkuRequest", "SeznamVyuzitiPozemkuResponse", "http://katastr.cuzk.cz/ciselnik/seznamVyuzitiPozemku", false),
	op(Ciselnik, "seznamVyuzitiStavby", "SeznamVyuzitiStavbyRequest", "SeznamVyuzitiStavbyResponse", "http://katastr.cuzk.cz/ciselnik/seznamVyuzitiStavby", false),
	op(Ciselnik, "seznamZpusobOchrany", "SeznamZpusobOchranyRequest", "SeznamZpusobOchranyResponse", "http://katastr.cuzk.cz/ciselnik/seznamZpusobOchrany", false),
	op(Ciselnik, "seznamZdrojuCislovaniZE", "SeznamZdrojuCislovaniZERequest", "SeznamZdrojuCislovaniZEResponse", "http://katastr.cuzk.cz/ciselnik/seznamZdrojuCislovaniZE", false),
	op(Ciselnik, "seznamUceluPS", "SeznamUceluPSRequest", "SeznamUceluPSResponse", "http://katastr.cuzk.cz/ciselnik/seznamUceluPS", false),
	op(Ciselnik, "seznamTypParcely", "SeznamTypParcelyRequest", "SeznamTypParcelyResponse", "http://katastr.cuzk.cz/ciselnik/seznamTypParcely", false),
	op(Ciselnik, "seznamCharakteristikOS", "SeznamCharakteristikOSRequest", "SeznamCharakteristikOSResponse", "http://katastr.cuzk.cz/ciselnik/seznamCharakteristikOS", false),
	op(Vyhledat, "najdiParcelu", "NajdiParceluRequest", "NajdiParceluResponse", "http://katastr.cuzk.cz/vyhledat//najdiParcelu", true),
	op(Vyhledat, "najdiJednotku", "NajdiJednotkuRequest", "NajdiJednotkuResponse", "http://katastr.cuzk.cz/vyhledat//najdiJednotku", true),
	op(Vyhledat, "najdiStavbu", "NajdiStavbuRequest", "NajdiStavbuResponse", "http://katastr.cuzk.cz/vyhledat//najdiStavbu", true),
	op(Vyhledat, "najdiOS", "NajdiOSRequest", "NajdiOSResponse", "http://katastr.cuzk.cz/vyhledat//najdiOS", true),
	op(Vyhledat, "najdiPravoStavby", "NajdiPravoStavbyRequest", "NajdiPravoStavbyResponse", "http://katastr.cuzk.cz/vyhledat//najdiPravoStavby", false),
	op(Vyhledat, "najdiRizeni", "NajdiRizeniRequest", "NajdiRizeniResponse", "http://katastr.cuzk.cz/vyhledat//najdiRizeni", false),
	op(Vyhledat, "najdiListinuVeSbirceListin", "NajdiListinuVeSbirceListinRequest", "NajdiListinuVeSbirceListinResponse", "http://katastr.cuzk.cz/vyhledat//najdiListinu", false),
	op(Informace, "dejMBRParcel", "DejMBRParcelRequest", "DejMBRParcelResponse", "http://katastr.cuzk.cz/informace/dejMBRParcel", true),
	op(Informace, "dejInfoOJednotce", "DejInfoOJednotceRequest", "DejInfoOJednotceResponse", "http://katastr.cuzk.cz/informace/dejInfoOJednotce", true),
	op(Informace, "dejNahledLV", "DejNahledLVRequest", "DejNahledLVResponse", "http://katastr.cuzk.cz/informace/dejNahledLV", true),
	op(Sestavy, "generujCenoveUdajeDleNemovitosti", "GenerujCenoveUdajeDleNemovitostiRequest", "GenerujSestavuResponse", "http://katastr.cuzk.cz/sestavy//generujCenoveUdajeDleNemovitosti", false),
	op(Sestavy, "generujCenoveUdajeDleRizeni", "GenerujCenoveUdajeDleRizeniRequest", "GenerujSestavuResponse", "http://katastr.cuzk.cz/sestavy//generujCenoveUdajeDleRizeni", false),
	op(Sestavy, "generujCenoveUdajeDleKu", "GenerujCenoveUdajeDleKuRequest", "GenerujSestavuResponse", "http://katastr.cuzk.cz/sestavy//generujCenoveUdajeDleKu", false),
	op(Sestavy, "generujEvidenciPravProOsobu", "GenerujEvidenciPravProOsobuRequest", "GenerujSestavuResponse", "http://katastr.cuzk.cz/sestavy//generujEvidenciPravProOsobu", false),
	op(Sestavy, "generujInfoOBodech", "GenerujInfoOBodechRequest", "GenerujSestavuResponse", "http://katastr.cuzk.cz/sestavy//generujInfoOBodech", false),
	op(Sestavy, "generujInfoOJednotkach", "GenerujInfoOJednotkachRequest", "GenerujSestavuResponse", "http://katastr.cuzk.cz/sestavy//generujInfoOJednotkach", false),
	op(Sestavy, "generujInfoOParcelach", "GenerujInfoOParcelachRequest", "GenerujSestavuResponse", "http://katastr.cuzk.cz/sestavy//generujInfoOParcelach", false),
	op(Sestavy, "generujInfoORizeni", "GenerujInfoORizeniRequest", "GenerujSestavuResponse", "http://katastr.cuzk.cz/sestavy//generujInfoORizeni", false),
	op(Sestavy, "generujInfoOStavbach", "GenerujInfoOStavbachRequest", "GenerujSestavuResponse", "http://katastr.cuzk.cz/sestavy//generujInfoOStavbach", false),
	op(Sestavy, "generujLV", "GenerujLVRequest", "GenerujSestavuResponse", "http://katastr.cuzk.cz/sestavy//generujLV", true),
	op(Sestavy, "generujLVPresOS", "GenerujLVPresOSRequest", "GenerujSestavuResponse", "http://katastr.cuzk.cz/sestavy//generujLVPresOS", false),
	op(Sestavy, "generujLVPresObjekty", "GenerujLVPresObjektyRequest", "GenerujSestavuResponse", "http://katastr.cuzk.cz/sestavy//generujLVPresObjekty", false),
	op(Sestavy, "generujLVZjednodusene", "GenerujLVZjednoduseneRequest", "GenerujSestavuResponse", "http://katastr.cuzk.cz/sestavy//generujLVZjednodusene", true),
	op(Sestavy, "generujMapu", "GenerujMapuRequest", "GenerujSestavuResponse", "http://katastr.cuzk.cz/sestavy//generujMapu", false),
	op(Sestavy, "generujPrehledVlastnictvi", "GenerujPrehledVlastnictviRequest", "GenerujSestavuResponse", "http://katastr.cuzk.cz/sestavy//generujPrehledVlastnictvi", false),
	op(Sestavy, "seznamSestav", "SeznamSestavRequest", "GenerujSestavuResponse", "http://katastr.cuzk.cz/sestavy//seznamSestav", true),
	op(Sestavy, "smazSestavu", "SmazSestavuRequest", "GenerujSestavuResponse", "http://katastr.cuzk.cz/sestavy//smazSestavu", true),
	op(Sestavy, "vratSestavu", "VratSestavuRequest", "GenerujSestavuResponse", "http://katastr.cuzk.cz/sestavy//vratSestavu", true),
	op(Sestavy, "vypisUctu", "VypisUctuRequest", "GenerujSestavuResponse", "http://katastr.cuzk.cz/sestavy//vypisUctu", false),
	op(Sestavy, "generujInfoOPravuStavby", "GenerujInfoOPravuStavbyRequest", "GenerujSestavuResponse", "http://katastr.cuzk.cz/sestavy//generujInfoOPravuStavby", false),
	op(Sestavy, "generujVystupZeSbirkyListin", "GenerujVystupZeSbirkyListinRequest", "GenerujSestavuResponse", "http://katastr.cuzk.cz/sestavy//generujVystupZeSbirkyListin", false),
	op(Ucet, "zmenHeslo", "ZmenHesloRequest", "ZmenHesloResponse", "http://katastr.cuzk.cz/ucet/zmenHeslo", false),
	op(CtiOS, "ctios", "CtiOsRequest", "CtiOsResponse", "http://katastr.cuzk.cz/ctios/ctios", true),
}
