package policies

import (
	"fmt"
	"strings"
)

// Sub-codes a refusal is reported with: the ISZR VysledekSubKod
// (NENI OPRAVNENI EGON, PREKROCEN SEZNAM, NENI OPRAVNENI) and the RPP error
// texts (iszr-rpp note §2.3, §3.3).
const (
	SubNeniOpravneniEgon     = "NENI OPRAVNENI EGON"
	SubNepovolenyKodAgendy   = "NEPOVOLENY KOD AGENDY"
	SubNepovolenyKodOvm      = "NEPOVOLENY KOD OVM"
	SubNepovolenyKodCinnosti = "NEPOVOLENY KOD CINNOSTI"
	SubPusobnostNeexistuje   = "PUSOBNOST NEEXISTUJE"
	SubVazbaNeexistuje       = "VAZBA SLUZBA CINNOST AGENDY NEEXISTUJE"
	SubPrekrocenSeznam       = "PREKROCEN SEZNAM"
	SubNeniOpravneni         = "NENI OPRAVNENI"
)

// Links of the decision chain (Reason.Link), in the order Decide checks
// them.
const (
	LinkAIS         = "ais-registered"
	LinkAgenda      = "agenda"
	LinkOVM         = "ovm"
	LinkRole        = "role"
	LinkPusobnost   = "pusobnost"
	LinkRoleService = "role-service"
	LinkItems       = "items"
	LinkMaxRecords  = "max-records"

	LinkRegional = "regional"
	LinkDataBox  = "data-box"
	LinkCadastre = "cadastre"
)

// okReasons are the passed links, without identifiers so that the permit
// path needs no allocation; Explain prints the identifiers from
// Decision.Request.
var okReasons = [...]Reason{
	{Link: LinkAIS, OK: true,
		CS: "AIS je v RPP registrován pro agendu a OVM.",
		EN: "The AIS is registered in RPP for the agenda and the OVM."},
	{Link: LinkAgenda, OK: true,
		CS: "Agenda je v RPP evidována.",
		EN: "The agenda is registered in RPP."},
	{Link: LinkOVM, OK: true,
		CS: "OVM je v RPP evidován.",
		EN: "The OVM is registered in RPP."},
	{Link: LinkRole, OK: true,
		CS: "Činnostní role je činností agendy.",
		EN: "The role is an activity of the agenda."},
	{Link: LinkPusobnost, OK: true,
		CS: "OVM má v agendě působnost a vykonává tuto činnost.",
		EN: "The OVM acts in the agenda and performs this activity."},
	{Link: LinkRoleService, OK: true,
		CS: "Činnostní role má vazbu na eGON službu.",
		EN: "The role is linked to the eGON service."},
}

// Variants of the last two links on the permit path.
const (
	itemsRequested = iota // every requested item is permitted
	itemsAll              // AutorizaceInfo absent: all items the role may read
	itemsModes
)

const (
	limitNone    = iota // no limit applies
	limitWithin         // the requested count is within the limit
	limitApplied        // none requested: the limit is applied
	limitCapped         // over the limit, capped (settings.overLimit: cap)
	limitModes
)

var itemsOK = [itemsModes]Reason{
	itemsRequested: {Link: LinkItems, OK: true,
		CS: "Všechny požadované údaje smí role číst.",
		EN: "The role may read every requested data item."},
	itemsAll: {Link: LinkItems, OK: true,
		CS: "AutorizaceInfo chybí: výstup obsahuje všechny údaje, které smí role číst.",
		EN: "AutorizaceInfo is absent: the answer holds every data item the role may read."},
}

var limitOK = [limitModes]Reason{
	limitNone: {Link: LinkMaxRecords, OK: true,
		CS: "Počet záznamů není omezen.",
		EN: "The number of records is not limited."},
	limitWithin: {Link: LinkMaxRecords, OK: true,
		CS: "MaximalniPocetZaznamu je v limitu.",
		EN: "MaximalniPocetZaznamu is within the limit."},
	limitApplied: {Link: LinkMaxRecords, OK: true,
		CS: "MaximalniPocetZaznamu nebyl zadán: platí limit role.",
		EN: "MaximalniPocetZaznamu was not given: the role's limit applies."},
	limitCapped: {Link: LinkMaxRecords, OK: true,
		CS: "MaximalniPocetZaznamu překročil limit a byl snížen na limit.",
		EN: "MaximalniPocetZaznamu exceeded the limit and was lowered to it."},
}

// permitChains are the complete chains of a permit, one per variant; the
// slices are shared and must not be modified (their capacity equals their
// length, so an append copies).
var permitChains [itemsModes][limitModes][]Reason

func init() {
	for i := range itemsModes {
		for l := range limitModes {
			c := make([]Reason, 0, len(okReasons)+2)
			c = append(c, okReasons[:]...)
			c = append(c, itemsOK[i], limitOK[l])
			permitChains[i][l] = c[:len(c):len(c)]
		}
	}
}

// failure is the link that refused a request.
type failure struct {
	link    int // index in the chain: 0..len(okReasons)+1
	subCode string
	reason  Reason
}

func denyAIS(r *Request, roleRestricted bool) failure {
	if roleRestricted {
		return failure{0, SubNeniOpravneniEgon, Reason{Link: LinkAIS,
			CS: fmt.Sprintf("AIS %s je registrován pro agendu %s a OVM %s, ale ne pro činnostní roli %s.", r.AIS, r.Agenda, r.OVM, r.Role),
			EN: fmt.Sprintf("AIS %s is registered for agenda %s and OVM %s, but not for role %s.", r.AIS, r.Agenda, r.OVM, r.Role)}}
	}
	return failure{0, SubNeniOpravneniEgon, Reason{Link: LinkAIS,
		CS: fmt.Sprintf("AIS %s není v RPP registrován pro agendu %s a OVM %s.", r.AIS, r.Agenda, r.OVM),
		EN: fmt.Sprintf("AIS %s is not registered in RPP for agenda %s and OVM %s.", r.AIS, r.Agenda, r.OVM)}}
}

func denyAgenda(r *Request) failure {
	return failure{1, SubNepovolenyKodAgendy, Reason{Link: LinkAgenda,
		CS: fmt.Sprintf("Agenda %s není v RPP evidována (neexistuje nebo zanikla).", r.Agenda),
		EN: fmt.Sprintf("Agenda %s is not registered in RPP (unknown or cancelled).", r.Agenda)}}
}

func denyOVM(r *Request) failure {
	return failure{2, SubNepovolenyKodOvm, Reason{Link: LinkOVM,
		CS: fmt.Sprintf("OVM %s není v RPP evidován.", r.OVM),
		EN: fmt.Sprintf("OVM %s is not registered in RPP.", r.OVM)}}
}

func denyRole(r *Request) failure {
	return failure{3, SubNepovolenyKodCinnosti, Reason{Link: LinkRole,
		CS: fmt.Sprintf("Činnostní role %s není činností agendy %s.", r.Role, r.Agenda),
		EN: fmt.Sprintf("Role %s is not an activity of agenda %s.", r.Role, r.Agenda)}}
}

func denyPusobnost(r *Request, roleMissing bool) failure {
	if roleMissing {
		return failure{4, SubPusobnostNeexistuje, Reason{Link: LinkPusobnost,
			CS: fmt.Sprintf("OVM %s má působnost v agendě %s, ale nevykonává činnost %s.", r.OVM, r.Agenda, r.Role),
			EN: fmt.Sprintf("OVM %s acts in agenda %s but does not perform activity %s.", r.OVM, r.Agenda, r.Role)}}
	}
	return failure{4, SubPusobnostNeexistuje, Reason{Link: LinkPusobnost,
		CS: fmt.Sprintf("OVM %s nemá působnost v agendě %s.", r.OVM, r.Agenda),
		EN: fmt.Sprintf("OVM %s has no competence (působnost) in agenda %s.", r.OVM, r.Agenda)}}
}

func denyRoleService(r *Request) failure {
	return failure{5, SubVazbaNeexistuje, Reason{Link: LinkRoleService,
		CS: fmt.Sprintf("Činnostní role %s agendy %s nemá vazbu na službu %s.", r.Role, r.Agenda, r.Service),
		EN: fmt.Sprintf("Role %s of agenda %s is not linked to service %s.", r.Role, r.Agenda, r.Service)}}
}

func denyItems(r *Request, missing []string) failure {
	verbCS, verbEN := "číst", "read"
	if r.Write {
		verbCS, verbEN = "zapisovat", "write"
	}
	list := strings.Join(missing, " ")
	return failure{6, SubNeniOpravneniEgon, Reason{Link: LinkItems,
		CS: fmt.Sprintf("Role %s agendy %s u OVM %s nesmí %s údaje: %s.", r.Role, r.Agenda, r.OVM, verbCS, list),
		EN: fmt.Sprintf("Role %s of agenda %s at OVM %s may not %s the data items: %s.", r.Role, r.Agenda, r.OVM, verbEN, list)}}
}

func denyLimit(r *Request, limit int) failure {
	return failure{7, SubPrekrocenSeznam, Reason{Link: LinkMaxRecords,
		CS: fmt.Sprintf("MaximalniPocetZaznamu %d překračuje limit %d pro roli %s agendy %s a službu %s.", r.MaxRecords, limit, r.Role, r.Agenda, r.Service),
		EN: fmt.Sprintf("MaximalniPocetZaznamu %d exceeds the limit %d for role %s of agenda %s and service %s.", r.MaxRecords, limit, r.Role, r.Agenda, r.Service)}}
}

// chainPrefix returns the passed links before link i (items in the given
// mode when the items link passed).
func chainPrefix(i, items int) []Reason {
	if i > len(okReasons) {
		return permitChains[items][limitNone][:i:i]
	}
	return okReasons[:i:i]
}

// deny is a refusal with a single reason (regional services).
func deny(sub string, r Reason) Decision {
	return Decision{SubCode: sub, Reasons: []Reason{r}}
}
