package policies

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// scale sizes a generated policy.
type scale struct {
	OVMs, Agendas, RolesPerAgenda, Services, ServicesPerRole int
	Items, ItemsPerRole, Categories, CategoriesPerOVM        int
	AgendasPerOVM                                            int
}

// nationalScale is the dataset issue 3 benchmarks against: 10 000 OVMs,
// 1 000 agendas and 100 000 role-service-item links (10 000 roles × 5
// linked services + 10 000 roles × 5 granted items), 200 000 působnost
// entries and 200 000 AIS registrations.
var nationalScale = scale{
	OVMs: 10_000, Agendas: 1_000, RolesPerAgenda: 10, Services: 360, ServicesPerRole: 5,
	Items: 500, ItemsPerRole: 5, Categories: 200, CategoriesPerOVM: 4, AgendasPerOVM: 20,
}

// genModel generates a policy of the given scale, deterministic for a seed,
// and requests it permits by construction. Agenda a belongs to category
// a mod Categories; its roles read their items at that category. Every OVM
// is in CategoriesPerOVM categories, acts (direct působnost, every role) in
// AgendasPerOVM agendas of those categories, and is served by one AIS
// registered for them. Every tenth OVM also gets one item granted directly
// to the first role of its first agenda, so some roles read the union of an
// OVM and a category grant.
func genModel(tb testing.TB, sc scale, seed uint64) (*Model, []Request) {
	tb.Helper()
	rng := rand.New(rand.NewPCG(seed, seed^0x5eed))
	m := &Model{}
	for i := range sc.Items {
		m.Items = append(m.Items, DataItem{Iszr: fmt.Sprintf("Udaj%d", i), Rpp: fmt.Sprintf("%d-1-%d", 100+i%50, i)})
	}
	type roleGen struct {
		agenda, code string
		services     []string
		items        []string
	}
	cat := func(i int) string { return fmt.Sprintf("KO%d", i) }
	var roles [][]roleGen // per agenda
	for a := range sc.Agendas {
		code := fmt.Sprintf("A%d", 1000+a)
		ag := Agenda{Code: code, Name: "Agenda " + code}
		var rs []roleGen
		for r := range sc.RolesPerAgenda {
			rg := roleGen{agenda: code, code: fmt.Sprintf("CR%d", a*sc.RolesPerAgenda+r+1)}
			for range sc.ServicesPerRole {
				rg.services = append(rg.services, fmt.Sprintf("E%d", 1+rng.IntN(sc.Services)))
			}
			for range sc.ItemsPerRole {
				rg.items = append(rg.items, m.Items[rng.IntN(sc.Items)].Iszr)
			}
			ag.Roles = append(ag.Roles, Role{Code: rg.code, Services: rg.services})
			m.Permissions = append(m.Permissions, permissionFor(code, rg.code, "", cat(a%sc.Categories), rg.items))
			rs = append(rs, rg)
		}
		roles = append(roles, rs)
		m.Agendas = append(m.Agendas, ag)
	}
	var reqs []Request
	for o := range sc.OVMs {
		id := fmt.Sprintf("%08d", 10_000_000+o)
		ovm := OVM{ID: id, Name: "OVM " + id}
		var agendas []int // agendas of the OVM's categories
		for k := range sc.CategoriesPerOVM {
			c := (o + k*7) % sc.Categories
			ovm.Categories = append(ovm.Categories, cat(c))
			for a := c; a < sc.Agendas; a += sc.Categories {
				agendas = append(agendas, a)
			}
		}
		m.OVMs = append(m.OVMs, ovm)
		reg := AISRegistration{AIS: fmt.Sprint(100_000 + o), OVMs: []string{id}}
		rng.Shuffle(len(agendas), func(i, j int) { agendas[i], agendas[j] = agendas[j], agendas[i] })
		for n, a := range agendas[:min(sc.AgendasPerOVM, len(agendas))] {
			ag := roles[a][0].agenda
			reg.Agendas = append(reg.Agendas, ag)
			m.Pusobnost = append(m.Pusobnost, Pusobnost{Agenda: ag, OVM: id})
			if o%10 == 0 && n == 0 {
				rg := roles[a][0]
				m.Permissions = append(m.Permissions, permissionFor(ag, rg.code, id, "", []string{m.Items[o%sc.Items].Iszr}))
			}
			for _, rg := range roles[a] {
				if len(reqs) < 4096 && rng.IntN(8) == 0 {
					reqs = append(reqs, Request{AIS: reg.AIS, OVM: id, Agenda: rg.agenda, Role: rg.code,
						Service: rg.services[rng.IntN(len(rg.services))], Items: rg.items})
				}
			}
		}
		m.AIS = append(m.AIS, reg)
	}
	return m, reqs
}

func permissionFor(agenda, role, ovm, category string, items []string) Permission {
	p := Permission{Code: agenda + "-A101-1", From: "A101", To: agenda,
		Roles: []RoleRef{{Agenda: agenda, Role: role, OVM: ovm, Category: category}}}
	for _, it := range items {
		p.Items = append(p.Items, ItemAccess{Item: it, Level: LevelRead})
	}
	return p
}

func genSnapshot(tb testing.TB, sc scale, seed uint64) (*Snapshot, []Request) {
	tb.Helper()
	m, reqs := genModel(tb, sc, seed)
	s, err := Compile(m)
	if err != nil {
		tb.Fatal(err)
	}
	return s, reqs
}

var smallScale = scale{
	OVMs: 60, Agendas: 12, RolesPerAgenda: 3, Services: 20, ServicesPerRole: 3,
	Items: 30, ItemsPerRole: 4, Categories: 6, CategoriesPerOVM: 2, AgendasPerOVM: 4,
}

func TestGeneratedRequestsPermitted(t *testing.T) {
	s, reqs := genSnapshot(t, smallScale, 1)
	if len(reqs) == 0 {
		t.Fatal("no requests generated")
	}
	if w := s.Warnings(); len(w) != 0 {
		t.Fatalf("generated model has warnings: %v", w[:min(5, len(w))])
	}
	for _, r := range reqs {
		if d := s.Decide(r); !d.Permit {
			t.Fatalf("generated request denied: %s", Explain(d, "en"))
		}
	}
}
