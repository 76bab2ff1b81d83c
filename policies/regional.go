package policies

import (
	"fmt"
	"slices"
	"strings"
)

// Regional services decided by the same engine as ISZR calls: the records
// service (eSSL), the archive (e-Spisovna), data boxes (ISDS) and the
// cadastre (ČÚZK WSDP).

// Regional service names of RegionalRequest.Service.
const (
	ServiceRecords = "records"
	ServiceArchive = "archive"
)

// Privilege is a set of ISDS user privileges (userPrivils bits).
type Privilege uint32

// ISDS privileges.
const (
	PrivReadNonPersonal Privilege = 1
	PrivReadAll         Privilege = 2
	PrivCreateDM        Privilege = 4
	PrivViewInfo        Privilege = 8
	PrivSearchDB        Privilege = 16
	PrivOwnerAdm        Privilege = 32
	PrivEraseVault      Privilege = 128
	// PrivDraft is konektor's own, not an ISDS privilege (KONEKTOR_DRAFT):
	// prepare a data message that konektor keeps as a draft, to be sent by
	// a client with PRIVIL_CREATE_DM. A client holding PRIVIL_CREATE_DM
	// sends directly.
	PrivDraft Privilege = 1 << 16
)

type regional struct {
	records  map[string]opSet // key ais\x00ovm
	archive  map[string]opSet
	boxes    map[string]Privilege          // key ais\x00ovm\x00box
	cadastre map[string][]*CadastreAccount // key ais\x00ovm
	accounts map[string]*CadastreAccount   // by account name
}

type opSet map[string]bool

func key2(a, b string) string    { return a + "\x00" + b }
func key3(a, b, c string) string { return a + "\x00" + b + "\x00" + c }

func (s *Snapshot) compileRegional(m *Model) {
	r := &s.regional
	r.records = compileGrants(m.Records)
	r.archive = compileGrants(m.Archive)
	r.boxes = make(map[string]Privilege)
	for _, d := range m.DataBoxes {
		var p Privilege
		for _, name := range d.Privileges {
			p |= Privilege(isdsPrivileges[name])
		}
		r.boxes[key3(d.AIS, d.OVM, d.Box)] |= p
		if !s.ovmKnownCode(d.OVM) {
			s.warn("dataBoxes: OVM %s is not in the catalogue", d.OVM)
		}
	}
	r.cadastre = make(map[string][]*CadastreAccount)
	r.accounts = make(map[string]*CadastreAccount)
	for i := range m.Cadastre {
		acct := m.Cadastre[i]
		acct.AIS = slices.Clone(acct.AIS)
		acct.OVMs = slices.Clone(acct.OVMs)
		acct.Services = slices.Clone(acct.Services)
		r.accounts[acct.Account] = &acct
		for _, a := range acct.AIS {
			for _, o := range acct.OVMs {
				k := key2(a, o)
				r.cadastre[k] = append(r.cadastre[k], &acct)
			}
		}
	}
}

func (s *Snapshot) ovmKnownCode(code string) bool {
	id, ok := s.ovms.lookup(code)
	return ok && s.ovmKnown(id)
}

func compileGrants(gs []ServiceGrant) map[string]opSet {
	out := make(map[string]opSet)
	for _, g := range gs {
		for _, o := range g.OVMs {
			k := key2(g.AIS, o)
			set := out[k]
			if set == nil {
				set = make(opSet)
				out[k] = set
			}
			for _, op := range g.Operations {
				set[op] = true
			}
		}
	}
	return out
}

// RegionalRequest asks whether an AIS acting for an OVM may call an
// operation of the region's records or archive service.
type RegionalRequest struct {
	AIS       string
	OVM       string
	Service   string // ServiceRecords or ServiceArchive
	Operation string
}

// DecideRegional decides a call to the region's records or archive service.
// Deny by default: the AIS must be granted the operation for that OVM.
func (s *Snapshot) DecideRegional(r RegionalRequest) Decision {
	var grants map[string]opSet
	switch r.Service {
	case ServiceRecords:
		grants = s.regional.records
	case ServiceArchive:
		grants = s.regional.archive
	default:
		return deny(SubNeniOpravneni, Reason{Link: LinkRegional,
			CS: fmt.Sprintf("Neznámá služba kraje %q.", r.Service),
			EN: fmt.Sprintf("Unknown regional service %q.", r.Service)})
	}
	set := grants[key2(r.AIS, r.OVM)]
	if set == nil {
		return deny(SubNeniOpravneni, Reason{Link: LinkRegional,
			CS: fmt.Sprintf("AIS %s nemá v politice kraje oprávnění ke službě %s za OVM %s.", r.AIS, r.Service, r.OVM),
			EN: fmt.Sprintf("AIS %s may not use the %s service for OVM %s under the region's policy.", r.AIS, r.Service, r.OVM)})
	}
	if !set["*"] && !set[r.Operation] {
		return deny(SubNeniOpravneni, Reason{Link: LinkRegional,
			CS: fmt.Sprintf("AIS %s smí za OVM %s volat službu %s, ale ne operaci %s.", r.AIS, r.OVM, r.Service, r.Operation),
			EN: fmt.Sprintf("AIS %s may use the %s service for OVM %s, but not the operation %s.", r.AIS, r.Service, r.OVM, r.Operation)})
	}
	return Decision{Permit: true, Reasons: []Reason{{Link: LinkRegional, OK: true,
		CS: fmt.Sprintf("AIS %s smí za OVM %s volat %s/%s.", r.AIS, r.OVM, r.Service, r.Operation),
		EN: fmt.Sprintf("AIS %s may call %s/%s for OVM %s.", r.AIS, r.Service, r.Operation, r.OVM)}}}
}

// DataBoxRequest asks whether an AIS acting for an OVM may use a data box
// with the privileges an ISDS operation needs.
type DataBoxRequest struct {
	AIS  string
	OVM  string
	Box  string    // dbID
	Need Privilege // privileges the operation requires (0 = none, e.g. AuthenticateMessage)
}

// DecideDataBox decides a data-box call: the AIS must be granted the box
// for that OVM, with every privilege the operation needs.
func (s *Snapshot) DecideDataBox(r DataBoxRequest) Decision {
	have, ok := s.regional.boxes[key3(r.AIS, r.OVM, r.Box)]
	if !ok {
		return deny(SubNeniOpravneni, Reason{Link: LinkDataBox,
			CS: fmt.Sprintf("AIS %s nesmí za OVM %s používat datovou schránku %s.", r.AIS, r.OVM, r.Box),
			EN: fmt.Sprintf("AIS %s may not use data box %s for OVM %s.", r.AIS, r.Box, r.OVM)})
	}
	if missing := r.Need &^ have; missing != 0 {
		return deny(SubNeniOpravneni, Reason{Link: LinkDataBox,
			CS: fmt.Sprintf("AIS %s nemá v datové schránce %s oprávnění %s.", r.AIS, r.Box, missing),
			EN: fmt.Sprintf("AIS %s lacks the privileges %s in data box %s.", r.AIS, missing, r.Box)})
	}
	return Decision{Permit: true, Reasons: []Reason{{Link: LinkDataBox, OK: true,
		CS: fmt.Sprintf("AIS %s smí za OVM %s používat datovou schránku %s s oprávněními %s.", r.AIS, r.OVM, r.Box, have),
		EN: fmt.Sprintf("AIS %s may use data box %s for OVM %s with privileges %s.", r.AIS, r.Box, r.OVM, have)}}}
}

// String lists the privilege names, e.g. "PRIVIL_READ_ALL+PRIVIL_CREATE_DM".
func (p Privilege) String() string {
	if p == 0 {
		return "žádné/none"
	}
	var names []string
	for _, n := range privilegeOrder {
		if p&Privilege(isdsPrivileges[n]) != 0 {
			names = append(names, n)
			p &^= Privilege(isdsPrivileges[n])
		}
	}
	if p != 0 {
		names = append(names, fmt.Sprintf("0x%x", uint32(p)))
	}
	return strings.Join(names, "+")
}

var privilegeOrder = []string{
	"PRIVIL_READ_NON_PERSONAL", "PRIVIL_READ_ALL", "PRIVIL_CREATE_DM", "PRIVIL_VIEW_INFO",
	"PRIVIL_SEARCH_DB", "PRIVIL_OWNER_ADM", "PRIVIL_ERASE_VAULT", "KONEKTOR_DRAFT",
}

// CadastreRequest asks whether an AIS acting for an OVM may call a WSDP
// service, and through which account.
type CadastreRequest struct {
	AIS     string
	OVM     string
	Service string // ciselnik, vyhledat, informace, sestavy, ucet, ctios
	Paid    bool   // the operation charges the account
}

// DecideCadastre decides a cadastre call and names the WSDP account to use
// (the first account in policy order that allows it).
func (s *Snapshot) DecideCadastre(r CadastreRequest) (account string, d Decision) {
	accts := s.regional.cadastre[key2(r.AIS, r.OVM)]
	if len(accts) == 0 {
		return "", deny(SubNeniOpravneni, Reason{Link: LinkCadastre,
			CS: fmt.Sprintf("AIS %s nemá za OVM %s žádný účet katastru.", r.AIS, r.OVM),
			EN: fmt.Sprintf("AIS %s has no cadastre account for OVM %s.", r.AIS, r.OVM)})
	}
	for _, a := range accts {
		if !slices.Contains(a.Services, r.Service) || (r.Paid && !a.Paid) {
			continue
		}
		return a.Account, Decision{Permit: true, Reasons: []Reason{{Link: LinkCadastre, OK: true,
			CS: fmt.Sprintf("AIS %s smí za OVM %s volat službu katastru %s účtem %s.", r.AIS, r.OVM, r.Service, a.Account),
			EN: fmt.Sprintf("AIS %s may call cadastre service %s for OVM %s with account %s.", r.AIS, r.Service, r.OVM, a.Account)}}}
	}
	what, whatEN := "službu "+r.Service, "service "+r.Service
	if r.Paid {
		what, whatEN = "placenou službu "+r.Service, "paid service "+r.Service
	}
	return "", deny(SubNeniOpravneni, Reason{Link: LinkCadastre,
		CS: fmt.Sprintf("Žádný účet katastru AIS %s za OVM %s nepovoluje %s.", r.AIS, r.OVM, what),
		EN: fmt.Sprintf("No cadastre account of AIS %s for OVM %s allows the %s.", r.AIS, r.OVM, whatEN)})
}

// CadastreAccountOf returns the account entry of a name (its secret
// reference, services), for the adapter that logs in.
func (s *Snapshot) CadastreAccountOf(name string) (CadastreAccount, bool) {
	a, ok := s.regional.accounts[name]
	if !ok {
		return CadastreAccount{}, false
	}
	c := *a
	c.AIS, c.OVMs, c.Services = slices.Clone(c.AIS), slices.Clone(c.OVMs), slices.Clone(c.Services)
	return c, true
}

// CadastreAccounts returns every cadastre account of the policy, sorted by
// name (e.g. for the sandbox to create them).
func (s *Snapshot) CadastreAccounts() []CadastreAccount {
	out := make([]CadastreAccount, 0, len(s.regional.accounts))
	for name := range s.regional.accounts {
		a, _ := s.CadastreAccountOf(name)
		out = append(out, a)
	}
	slices.SortFunc(out, func(a, b CadastreAccount) int { return strings.Compare(a.Account, b.Account) })
	return out
}
