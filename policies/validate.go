package policies

import (
	"errors"
	"fmt"
	"strings"
)

// ErrInvalid is wrapped by every validation error: the policy cannot be
// used and the previous one (if any) stays in force.
var ErrInvalid = errors.New("invalid policy")

// maxProblems bounds how many problems a ValidationError lists.
const maxProblems = 200

// ValidationError lists every problem found in a model at once.
type ValidationError struct {
	Problems []string
	// More counts problems beyond those listed.
	More int
}

func (e *ValidationError) Error() string {
	var b strings.Builder
	b.WriteString("invalid policy: ")
	b.WriteString(strings.Join(e.Problems, "; "))
	if e.More > 0 {
		fmt.Fprintf(&b, "; and %d more", e.More)
	}
	return b.String()
}

// Unwrap makes errors.Is(err, ErrInvalid) hold.
func (e *ValidationError) Unwrap() error { return ErrInvalid }

type problems struct{ e ValidationError }

func (p *problems) add(format string, args ...any) {
	if len(p.e.Problems) >= maxProblems {
		p.e.More++
		return
	}
	p.e.Problems = append(p.e.Problems, fmt.Sprintf(format, args...))
}

func (p *problems) err() error {
	if len(p.e.Problems) == 0 {
		return nil
	}
	e := p.e
	return &e
}

// ISDS user privileges (userPrivils bits) a data-box grant may name, and
// konektor's own KONEKTOR_DRAFT (PrivDraft).
var isdsPrivileges = map[string]uint32{
	"PRIVIL_READ_NON_PERSONAL": 1,
	"PRIVIL_READ_ALL":          2,
	"PRIVIL_CREATE_DM":         4,
	"PRIVIL_VIEW_INFO":         8,
	"PRIVIL_SEARCH_DB":         16,
	"PRIVIL_OWNER_ADM":         32,
	"PRIVIL_ERASE_VAULT":       128,
	"KONEKTOR_DRAFT":           uint32(PrivDraft),
}

// cadastreServices are the ČÚZK WSDP services a cadastre account may use.
var cadastreServices = map[string]bool{
	"ciselnik": true, "vyhledat": true, "informace": true,
	"sestavy": true, "ucet": true, "ctios": true,
}

// Validate checks the syntax of every code and the consistency of the
// model, and returns a *ValidationError listing every problem, or nil.
// References that may legitimately dangle (an AIS registered for an agenda
// RPP has since cancelled) are not errors: Compile reports them as warnings
// and Decide refuses them with the RPP text.
func (m *Model) Validate() error {
	var p problems
	if m.Version != 0 && m.Version != FormatVersion {
		p.add("version: %d is not supported (want %d)", m.Version, FormatVersion)
	}
	switch m.Settings.OverLimit {
	case "", OverLimitDeny, OverLimitCap:
	default:
		p.add("settings.overLimit: %q is not %q or %q", m.Settings.OverLimit, OverLimitDeny, OverLimitCap)
	}
	if m.Settings.DefaultMaxRecords < 0 {
		p.add("settings.defaultMaxRecords: %d is negative", m.Settings.DefaultMaxRecords)
	}
	m.validateCatalogue(&p)
	m.validateGrants(&p)
	m.validateRegional(&p)
	return p.err()
}

func (m *Model) validateCatalogue(p *problems) {
	for i, a := range m.Agendas {
		if !validAgenda(a.Code) {
			p.add("agendas[%d].code: %q is not an agenda code (A123)", i, a.Code)
		}
		seen := make(map[string]bool, len(a.Roles))
		for j, r := range a.Roles {
			if !validRole(r.Code) {
				p.add("agendas[%d].roles[%d].code: %q is not a role code (CR123)", i, j, r.Code)
			}
			if seen[r.Code] {
				p.add("agendas[%d].roles[%d].code: %q is listed twice", i, j, r.Code)
			}
			seen[r.Code] = true
			for k, s := range r.Services {
				if !validService(s) {
					p.add("agendas[%d].roles[%d].services[%d]: %q is not an eGON service code (E03)", i, j, k, s)
				}
			}
		}
	}
	for i, o := range m.OVMs {
		if !validOVM(o.ID) {
			p.add("ovms[%d].id: %q is not an OVM identifier (8 digits)", i, o.ID)
		}
		for j, c := range o.Categories {
			if !validCategory(c) {
				p.add("ovms[%d].categories[%d]: %q is not a category (KO123)", i, j, c)
			}
		}
	}
	for i, ps := range m.Pusobnost {
		if !validAgenda(ps.Agenda) {
			p.add("pusobnost[%d].agenda: %q is not an agenda code", i, ps.Agenda)
		}
		checkHolder(p, fmt.Sprintf("pusobnost[%d]", i), ps.OVM, ps.Category)
		for j, r := range ps.Roles {
			if !validRole(r) {
				p.add("pusobnost[%d].roles[%d]: %q is not a role code", i, j, r)
			}
		}
	}
	iszr := make(map[string]bool, len(m.Items))
	rpp := make(map[string]bool, len(m.Items))
	for i, it := range m.Items {
		if it.Iszr == "" && it.Rpp == "" {
			p.add("items[%d]: needs iszr or rpp", i)
		}
		if it.Iszr != "" && !validIszrItem(it.Iszr) {
			p.add("items[%d].iszr: %q is not an ISZR item name", i, it.Iszr)
		}
		if it.Rpp != "" && !validRppItem(it.Rpp) {
			p.add("items[%d].rpp: %q is not an RPP údaj code (101-1-1)", i, it.Rpp)
		}
		if it.Agenda != "" && !validAgenda(it.Agenda) {
			p.add("items[%d].agenda: %q is not an agenda code", i, it.Agenda)
		}
		if it.Iszr != "" && iszr[it.Iszr] {
			p.add("items[%d].iszr: %q is listed twice", i, it.Iszr)
		}
		if it.Rpp != "" && rpp[it.Rpp] {
			p.add("items[%d].rpp: %q is listed twice", i, it.Rpp)
		}
		iszr[it.Iszr], rpp[it.Rpp] = true, true
	}
}

// checkHolder checks that exactly one of an OVM and a category is given.
func checkHolder(p *problems, at, ovm, category string) {
	switch {
	case ovm != "" && category != "":
		p.add("%s: give ovm or category, not both", at)
	case ovm == "" && category == "":
		p.add("%s: needs ovm or category", at)
	case ovm != "" && !validOVM(ovm):
		p.add("%s.ovm: %q is not an OVM identifier", at, ovm)
	case category != "" && !validCategory(category):
		p.add("%s.category: %q is not a category", at, category)
	}
}

func (m *Model) validateGrants(p *problems) {
	for i, pm := range m.Permissions {
		at := fmt.Sprintf("permissions[%d]", i)
		if pm.From != "" && !validAgenda(pm.From) {
			p.add("%s.from: %q is not an agenda code", at, pm.From)
		}
		if pm.To != "" && !validAgenda(pm.To) {
			p.add("%s.to: %q is not an agenda code", at, pm.To)
		}
		if len(pm.Roles) == 0 {
			p.add("%s.roles: empty", at)
		}
		for j, r := range pm.Roles {
			rat := fmt.Sprintf("%s.roles[%d]", at, j)
			if !validAgenda(r.Agenda) {
				p.add("%s.agenda: %q is not an agenda code", rat, r.Agenda)
			}
			if !validRole(r.Role) {
				p.add("%s.role: %q is not a role code", rat, r.Role)
			}
			checkHolder(p, rat, r.OVM, r.Category)
		}
		if len(pm.Items) == 0 {
			p.add("%s.items: empty", at)
		}
		for j, it := range pm.Items {
			if !validIszrItem(it.Item) && !validRppItem(it.Item) {
				p.add("%s.items[%d].item: %q is neither an ISZR item name nor an RPP údaj code", at, j, it.Item)
			}
			if !validLevel(it.Level) {
				p.add("%s.items[%d].level: %q is not R, RH or W", at, j, it.Level)
			}
		}
	}
	for i, a := range m.AIS {
		at := fmt.Sprintf("ais[%d]", i)
		if !validAIS(a.AIS) {
			p.add("%s.ais: %q is not an AIS code (1-9999999)", at, a.AIS)
		}
		if len(a.Agendas) == 0 {
			p.add("%s.agendas: empty", at)
		}
		if len(a.OVMs) == 0 {
			p.add("%s.ovms: empty", at)
		}
		for j, c := range a.Agendas {
			if !validAgenda(c) {
				p.add("%s.agendas[%d]: %q is not an agenda code", at, j, c)
			}
		}
		for j, c := range a.OVMs {
			if !validOVM(c) {
				p.add("%s.ovms[%d]: %q is not an OVM identifier", at, j, c)
			}
		}
		for j, c := range a.Roles {
			if !validRole(c) {
				p.add("%s.roles[%d]: %q is not a role code", at, j, c)
			}
		}
	}
	for i, l := range m.Limits {
		at := fmt.Sprintf("limits[%d]", i)
		if !validAgenda(l.Agenda) {
			p.add("%s.agenda: %q is not an agenda code", at, l.Agenda)
		}
		if !validRole(l.Role) {
			p.add("%s.role: %q is not a role code", at, l.Role)
		}
		if l.Service != "" && !validService(l.Service) {
			p.add("%s.service: %q is not an eGON service code", at, l.Service)
		}
		if l.Max < 1 {
			p.add("%s.max: %d must be at least 1", at, l.Max)
		}
	}
}

func (m *Model) validateRegional(p *problems) {
	grants := func(name string, gs []ServiceGrant) {
		for i, g := range gs {
			at := fmt.Sprintf("%s[%d]", name, i)
			if !validAIS(g.AIS) {
				p.add("%s.ais: %q is not an AIS code", at, g.AIS)
			}
			if len(g.OVMs) == 0 {
				p.add("%s.ovms: empty", at)
			}
			for j, o := range g.OVMs {
				if !validOVM(o) {
					p.add("%s.ovms[%d]: %q is not an OVM identifier", at, j, o)
				}
			}
			if len(g.Operations) == 0 {
				p.add("%s.operations: empty (use [\"*\"] for every operation)", at)
			}
			for j, op := range g.Operations {
				if !validOperation(op) {
					p.add("%s.operations[%d]: %q is not an operation name", at, j, op)
				}
			}
		}
	}
	grants("records", m.Records)
	grants("archive", m.Archive)
	for i, d := range m.DataBoxes {
		at := fmt.Sprintf("dataBoxes[%d]", i)
		if !validAIS(d.AIS) {
			p.add("%s.ais: %q is not an AIS code", at, d.AIS)
		}
		if !validOVM(d.OVM) {
			p.add("%s.ovm: %q is not an OVM identifier", at, d.OVM)
		}
		if !validBox(d.Box) {
			p.add("%s.box: %q is not a data box id (7 characters 0-9a-z)", at, d.Box)
		}
		if len(d.Privileges) == 0 {
			p.add("%s.privileges: empty", at)
		}
		for j, pr := range d.Privileges {
			if _, ok := isdsPrivileges[pr]; !ok {
				p.add("%s.privileges[%d]: %q is not an ISDS privilege (PRIVIL_READ_ALL, ...) nor KONEKTOR_DRAFT", at, j, pr)
			}
		}
	}
	accounts := make(map[string]bool, len(m.Cadastre))
	for i, c := range m.Cadastre {
		at := fmt.Sprintf("cadastre[%d]", i)
		if !validOperation(c.Account) || c.Account == "*" {
			p.add("%s.account: %q is not an account name", at, c.Account)
		}
		if accounts[c.Account] {
			p.add("%s.account: %q is listed twice", at, c.Account)
		}
		accounts[c.Account] = true
		switch c.Type {
		case "", "free", "paying", "verifying":
		default:
			p.add("%s.type: %q is not free, paying or verifying", at, c.Type)
		}
		if c.Secret != "" && !strings.HasPrefix(c.Secret, "env:") && !strings.HasPrefix(c.Secret, "file:") {
			p.add("%s.secret: must be a reference (env:NAME or file:PATH), never the credential itself", at)
		}
		if len(c.AIS) == 0 {
			p.add("%s.ais: empty", at)
		}
		for j, a := range c.AIS {
			if !validAIS(a) {
				p.add("%s.ais[%d]: %q is not an AIS code", at, j, a)
			}
		}
		if len(c.OVMs) == 0 {
			p.add("%s.ovms: empty", at)
		}
		for j, o := range c.OVMs {
			if !validOVM(o) {
				p.add("%s.ovms[%d]: %q is not an OVM identifier", at, j, o)
			}
		}
		if len(c.Services) == 0 {
			p.add("%s.services: empty", at)
		}
		for j, s := range c.Services {
			if !cadastreServices[s] {
				p.add("%s.services[%d]: %q is not a WSDP service (ciselnik, vyhledat, informace, sestavy, ucet, ctios)", at, j, s)
			}
		}
	}
}
