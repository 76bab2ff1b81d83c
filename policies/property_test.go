package policies

import (
	"bytes"
	"math/rand/v2"
	"slices"
	"testing"
)

func cloneModel(t *testing.T, m *Model) *Model {
	t.Helper()
	var buf bytes.Buffer
	if err := m.Save(&buf); err != nil {
		t.Fatal(err)
	}
	c, err := LoadModel(&buf)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// linkRemovals each remove one link a permitted request relies on, and
// name the refusal that must follow.
var linkRemovals = []struct {
	name    string
	subCode string
	remove  func(m *Model, r Request)
}{
	{"ais-registration", SubNeniOpravneniEgon, func(m *Model, r Request) {
		var out []AISRegistration
		for _, a := range m.AIS {
			for _, ag := range a.Agendas {
				for _, o := range a.OVMs {
					if a.AIS == r.AIS && ag == r.Agenda && o == r.OVM {
						continue
					}
					out = append(out, AISRegistration{AIS: a.AIS, Agendas: []string{ag}, OVMs: []string{o}, Roles: a.Roles})
				}
			}
		}
		m.AIS = out
	}},
	{"agenda", SubNepovolenyKodAgendy, func(m *Model, r Request) {
		m.Agendas = slices.DeleteFunc(m.Agendas, func(a Agenda) bool { return a.Code == r.Agenda })
	}},
	{"ovm", SubNepovolenyKodOvm, func(m *Model, r Request) {
		m.OVMs = slices.DeleteFunc(m.OVMs, func(o OVM) bool { return o.ID == r.OVM })
	}},
	{"role", SubNepovolenyKodCinnosti, func(m *Model, r Request) {
		for i := range m.Agendas {
			if m.Agendas[i].Code == r.Agenda {
				m.Agendas[i].Roles = slices.DeleteFunc(m.Agendas[i].Roles, func(x Role) bool { return x.Code == r.Role })
			}
		}
	}},
	{"pusobnost", SubPusobnostNeexistuje, func(m *Model, r Request) {
		var cats []string
		for _, o := range m.OVMs {
			if o.ID == r.OVM {
				cats = o.Categories
			}
		}
		m.Pusobnost = slices.DeleteFunc(m.Pusobnost, func(p Pusobnost) bool {
			return p.Agenda == r.Agenda && (p.OVM == r.OVM || slices.Contains(cats, p.Category))
		})
	}},
	{"role-service", SubVazbaNeexistuje, func(m *Model, r Request) {
		for i := range m.Agendas {
			for j := range m.Agendas[i].Roles {
				role := &m.Agendas[i].Roles[j]
				if m.Agendas[i].Code == r.Agenda && role.Code == r.Role {
					role.Services = slices.DeleteFunc(role.Services, func(s string) bool { return s == r.Service })
				}
			}
		}
	}},
	{"item-grant", SubNeniOpravneniEgon, func(m *Model, r Request) {
		item := r.Items[len(r.Items)-1]
		for i := range m.Permissions {
			p := &m.Permissions[i]
			if slices.ContainsFunc(p.Roles, func(rr RoleRef) bool { return rr.Agenda == r.Agenda && rr.Role == r.Role }) {
				p.Items = slices.DeleteFunc(p.Items, func(ia ItemAccess) bool { return ia.Item == item })
				if len(p.Items) == 0 {
					p.Items = []ItemAccess{{Item: "Udaj0", Level: LevelWrite}} // keep it valid
				}
			}
		}
	}},
	{"record-limit", SubPrekrocenSeznam, func(m *Model, r Request) {
		m.Limits = append(m.Limits, RecordLimit{Agenda: r.Agenda, Role: r.Role, Max: r.MaxRecords - 1})
	}},
}

// TestAnyLinkRemovedDenies: for permitted requests of generated policies,
// removing any one link the request relies on turns the permit into the
// refusal of that link.
func TestAnyLinkRemovedDenies(t *testing.T) {
	for seed := uint64(1); seed <= 2; seed++ {
		m, reqs := genModel(t, smallScale, seed)
		rng := rand.New(rand.NewPCG(seed, 99))
		rng.Shuffle(len(reqs), func(i, j int) { reqs[i], reqs[j] = reqs[j], reqs[i] })
		for _, r := range reqs[:min(len(reqs), 8)] {
			r.MaxRecords = 2 + rng.IntN(100)
			s, err := Compile(m)
			if err != nil {
				t.Fatal(err)
			}
			if d := s.Decide(r); !d.Permit {
				t.Fatalf("seed %d: base request denied: %s", seed, Explain(d, "en"))
			}
			for _, lr := range linkRemovals {
				c := cloneModel(t, m)
				lr.remove(c, r)
				s, err := Compile(c)
				if err != nil {
					t.Fatalf("%s: %v", lr.name, err)
				}
				d := s.Decide(r)
				if d.Permit || d.SubCode != lr.subCode {
					t.Errorf("seed %d, %s removed: permit %v %q, want %q\n%s", seed, lr.name, d.Permit, d.SubCode, lr.subCode, Explain(d, "en"))
				}
			}
		}
	}
}
