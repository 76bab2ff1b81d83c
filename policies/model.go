package policies

import "cmp"

// Model is the editable, uncompiled policy: what the local YAML holds and
// what the RPP open-data import produces. Several models merge (Merge) into
// one before Compile turns them into an immutable Snapshot.
//
// Codes are kept exactly as ISZR spells them in ZadostInfo: agenda "A343"
// (or "X999" in the test environment), činnostní role "CR12345" ("XR2"),
// OVM "00007064", AIS "999002", eGON service "E03", data item by its ISZR
// name ("Prijmeni") with the RPP údaj code ("101-1-1") where known.
type Model struct {
	// Version of the YAML format; 1 (or absent).
	Version  int      `yaml:"version"`
	Settings Settings `yaml:"settings"`

	// Agendas are the agendas with their činnostní role and, per role, the
	// eGON services linked to it (role × service links).
	Agendas []Agenda `yaml:"agendas"`
	// OVMs are the public authorities (orgány veřejné moci) and their
	// categories.
	OVMs []OVM `yaml:"ovms"`
	// Pusobnost says which OVM (or OVM category) performs which agenda.
	Pusobnost []Pusobnost `yaml:"pusobnost"`
	// Items is the catalogue of data items (údaje): the E227 mapping between
	// the ISZR name used in SeznamUdaju and the RPP údaj code.
	Items []DataItem `yaml:"items"`
	// Permissions are data-access permissions (oprávnění k přístupu k
	// údajům): which roles of a consuming agenda may read (R/RH) or write
	// (W) which items of a providing agenda.
	Permissions []Permission `yaml:"permissions"`
	// AIS are the registrations of agenda information systems: AIS × agenda
	// × OVM (optionally restricted to some roles).
	AIS []AISRegistration `yaml:"ais"`
	// Limits cap AutorizaceInfo/MaximalniPocetZaznamu per agenda, role and
	// service.
	Limits []RecordLimit `yaml:"limits"`

	// The region's own rules.

	// Records lists who may use the region's records service (eSSL).
	Records []ServiceGrant `yaml:"records"`
	// Archive lists who may use the region's archive service (e-Spisovna).
	Archive []ServiceGrant `yaml:"archive"`
	// DataBoxes lists which AIS may use which data box (ISDS), for which
	// OVM and with which privileges.
	DataBoxes []DataBoxGrant `yaml:"dataBoxes"`
	// Cadastre lists the ČÚZK WSDP accounts and who may call which cadastre
	// service through them.
	Cadastre []CadastreAccount `yaml:"cadastre"`
}

// Settings are policy-wide switches.
type Settings struct {
	// OverLimit says what happens when MaximalniPocetZaznamu exceeds the
	// limit: "deny" (default; refuse with PREKROCEN SEZNAM, as ISZR does) or
	// "cap" (lower the request to the limit and permit).
	OverLimit string `yaml:"overLimit"`
	// DefaultMaxRecords is the record limit where no Limits entry applies;
	// 0 means no limit.
	DefaultMaxRecords int `yaml:"defaultMaxRecords"`
}

// Over-limit modes of Settings.OverLimit.
const (
	OverLimitDeny = "deny"
	OverLimitCap  = "cap"
)

// Agenda is one agenda (A\d+) with its činnostní role.
type Agenda struct {
	Code  string `yaml:"code"`
	Name  string `yaml:"name"`
	Roles []Role `yaml:"roles"`
}

// Role is a činnostní role (činnost agendy, CR\d+) and the eGON services
// linked to it.
type Role struct {
	Code     string   `yaml:"code"`
	Name     string   `yaml:"name"`
	Services []string `yaml:"services"`
}

// OVM is a public authority (or a SPUU, identifier with a ".n" suffix).
type OVM struct {
	ID         string   `yaml:"id"`
	Name       string   `yaml:"name"`
	Categories []string `yaml:"categories"` // KO\d+ / KU\d+
}

// Pusobnost records that an OVM, or every OVM of a category, performs an
// agenda. Roles, when given, restricts it to those činnosti; empty means
// every role of the agenda.
type Pusobnost struct {
	Agenda   string   `yaml:"agenda"`
	OVM      string   `yaml:"ovm"`
	Category string   `yaml:"category"`
	Roles    []string `yaml:"roles"`
}

// DataItem is one data item: the ISZR name put in SeznamUdaju (KodIszr) and
// the RPP údaj code <agenda>-<object>-<n> (KodRpp). At least one is set;
// only items with an ISZR name can be requested through ISZR.
type DataItem struct {
	Iszr string `yaml:"iszr"`
	Rpp  string `yaml:"rpp"`
	// Agenda is the providing agenda (A101 for ROB, ...); optional.
	Agenda string `yaml:"agenda"`
	Name   string `yaml:"name"`
}

// Access levels of a data-access permission.
const (
	LevelRead        = "R"
	LevelReadHistory = "RH"
	LevelWrite       = "W"
)

// Permission is a data-access permission (oprávnění k přístupu k údajům,
// code A<consuming>-A<providing>-<n>).
type Permission struct {
	Code  string       `yaml:"code"`
	From  string       `yaml:"from"` // providing agenda (z-agendy)
	To    string       `yaml:"to"`   // consuming agenda (do-agendy)
	Roles []RoleRef    `yaml:"roles"`
	Items []ItemAccess `yaml:"items"`
}

// RoleRef is an RPP role: agenda + činnost + OVM or OVM category.
type RoleRef struct {
	Agenda   string `yaml:"agenda"`
	Role     string `yaml:"role"`
	OVM      string `yaml:"ovm"`
	Category string `yaml:"category"`
}

// ItemAccess grants one item (by ISZR name or RPP code) at a level. In YAML
// a plain string means level R.
type ItemAccess struct {
	Item  string `yaml:"item"`
	Level string `yaml:"level"`
}

// AISRegistration registers an AIS for agendas of OVMs: every combination of
// Agendas × OVMs, restricted to Roles when given.
type AISRegistration struct {
	AIS     string   `yaml:"ais"`
	Name    string   `yaml:"name"`
	Agendas []string `yaml:"agendas"`
	OVMs    []string `yaml:"ovms"`
	Roles   []string `yaml:"roles"`
}

// RecordLimit caps MaximalniPocetZaznamu for an agenda's role; Service empty
// means every service of the role.
type RecordLimit struct {
	Agenda  string `yaml:"agenda"`
	Role    string `yaml:"role"`
	Service string `yaml:"service"`
	Max     int    `yaml:"max"`
}

// ServiceGrant lets an AIS, acting for the listed OVMs, call operations of
// one of the region's services. Operations ["*"] means every operation.
type ServiceGrant struct {
	AIS        string   `yaml:"ais"`
	OVMs       []string `yaml:"ovms"`
	Operations []string `yaml:"operations"`
}

// DataBoxGrant lets an AIS, acting for an OVM, use a data box with the given
// ISDS privileges (PRIVIL_READ_ALL, PRIVIL_CREATE_DM, ...) and konektor's
// KONEKTOR_DRAFT: prepare messages that konektor keeps as drafts for a
// client with PRIVIL_CREATE_DM to send. The four uses map to: list
// and read without delivering = PRIVIL_VIEW_INFO (+ PRIVIL_READ_* to read);
// download = PRIVIL_READ_NON_PERSONAL / PRIVIL_READ_ALL; prepare a draft =
// KONEKTOR_DRAFT; send = PRIVIL_CREATE_DM.
type DataBoxGrant struct {
	AIS        string   `yaml:"ais"`
	OVM        string   `yaml:"ovm"`
	Box        string   `yaml:"box"` // dbID, 7 characters [0-9a-z]
	Privileges []string `yaml:"privileges"`
}

// CadastreAccount is a ČÚZK WSDP account (the user name only; Secret names
// where the password lives, env:NAME or file:PATH) and who may use it.
type CadastreAccount struct {
	Account string   `yaml:"account"`
	Secret  string   `yaml:"secret"` // reference to the credential, never the credential
	AIS     []string `yaml:"ais"`
	OVMs    []string `yaml:"ovms"`
	// Services are the WSDP services allowed: ciselnik, vyhledat,
	// informace, sestavy, ucet, ctios.
	Services []string `yaml:"services"`
	// Paid allows operations that charge the account (sestavy).
	Paid bool `yaml:"paid"`
	// Type is ČÚZK's account type, which decides what report requests
	// must carry: free (bezúplatný, the default), paying or verifying.
	Type string `yaml:"type"`
}

// Merge appends o's entries to m. Settings of o win where set.
func (m *Model) Merge(o *Model) {
	if o == nil {
		return
	}
	if o.Settings.OverLimit != "" {
		m.Settings.OverLimit = o.Settings.OverLimit
	}
	if o.Settings.DefaultMaxRecords != 0 {
		m.Settings.DefaultMaxRecords = o.Settings.DefaultMaxRecords
	}
	m.Agendas = mergeAgendas(m.Agendas, o.Agendas)
	m.OVMs = append(m.OVMs, o.OVMs...)
	m.Pusobnost = append(m.Pusobnost, o.Pusobnost...)
	m.Items = mergeItems(m.Items, o.Items)
	m.Permissions = append(m.Permissions, o.Permissions...)
	m.AIS = append(m.AIS, o.AIS...)
	m.Limits = append(m.Limits, o.Limits...)
	m.Records = append(m.Records, o.Records...)
	m.Archive = append(m.Archive, o.Archive...)
	m.DataBoxes = append(m.DataBoxes, o.DataBoxes...)
	m.Cadastre = append(m.Cadastre, o.Cadastre...)
}

// mergeAgendas merges agendas by code: roles of the same code are merged,
// their service lists united. This lets a local YAML add role × service
// links to agendas imported from RPP.
func mergeAgendas(a, b []Agenda) []Agenda {
	idx := make(map[string]int, len(a))
	for i, ag := range a {
		idx[ag.Code] = i
	}
	for _, ag := range b {
		i, ok := idx[ag.Code]
		if !ok {
			idx[ag.Code] = len(a)
			ag.Roles = append([]Role(nil), ag.Roles...) // never alias o's roles
			a = append(a, ag)
			continue
		}
		if a[i].Name == "" {
			a[i].Name = ag.Name
		}
		a[i].Roles = mergeRoles(a[i].Roles, ag.Roles)
	}
	return a
}

func mergeRoles(a, b []Role) []Role {
	idx := make(map[string]int, len(a))
	for i, r := range a {
		idx[r.Code] = i
	}
	for _, r := range b {
		i, ok := idx[r.Code]
		if !ok {
			idx[r.Code] = len(a)
			r.Services = append([]string(nil), r.Services...)
			a = append(a, r)
			continue
		}
		if a[i].Name == "" {
			a[i].Name = r.Name
		}
		a[i].Services = append(a[i].Services, r.Services...)
	}
	return a
}

// mergeItems merges item catalogues: an item of b that shares the ISZR name
// or the RPP code of an item of a completes it (so a local YAML can map
// ISZR names to RPP údaje imported from the open data). Conflicting items
// are kept apart, for Validate to report.
func mergeItems(a, b []DataItem) []DataItem {
	out := make([]DataItem, 0, len(a)+len(b))
	byIszr := make(map[string]int, len(a)+len(b))
	byRpp := make(map[string]int, len(a)+len(b))
	add := func(it DataItem) {
		i, ok := byRpp[it.Rpp]
		if !ok || it.Rpp == "" {
			i, ok = byIszr[it.Iszr]
			ok = ok && it.Iszr != ""
		}
		if ok {
			cur := &out[i]
			conflict := it.Iszr != "" && cur.Iszr != "" && it.Iszr != cur.Iszr ||
				it.Rpp != "" && cur.Rpp != "" && it.Rpp != cur.Rpp
			if !conflict {
				cur.Iszr = cmp.Or(cur.Iszr, it.Iszr)
				cur.Rpp = cmp.Or(cur.Rpp, it.Rpp)
				cur.Agenda = cmp.Or(cur.Agenda, it.Agenda)
				cur.Name = cmp.Or(cur.Name, it.Name)
				if cur.Iszr != "" {
					byIszr[cur.Iszr] = i
				}
				if cur.Rpp != "" {
					byRpp[cur.Rpp] = i
				}
				return
			}
		}
		out = append(out, it)
		if _, dup := byIszr[it.Iszr]; it.Iszr != "" && !dup {
			byIszr[it.Iszr] = len(out) - 1
		}
		if _, dup := byRpp[it.Rpp]; it.Rpp != "" && !dup {
			byRpp[it.Rpp] = len(out) - 1
		}
	}
	for _, it := range a {
		add(it)
	}
	for _, it := range b {
		add(it)
	}
	return out
}
