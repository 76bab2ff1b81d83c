package policies

import (
	"os"
	"slices"
	"strings"
	"testing"
)

func loadFixture(t testing.TB, name string) *Snapshot {
	t.Helper()
	f, err := os.Open("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s, err := LoadYAML(f)
	if err != nil {
		t.Fatalf("LoadYAML(%s): %v", name, err)
	}
	return s
}

// base is a request permitted by testdata/refusals.yaml.
func base() Request {
	return Request{AIS: "100", OVM: "11111111", Agenda: "A1", Role: "CR1", Service: "E03", Items: []string{"Prijmeni"}}
}

func with(f func(r *Request)) Request {
	r := base()
	f(&r)
	return r
}

func TestDecideRefusals(t *testing.T) {
	s := loadFixture(t, "refusals.yaml")
	tests := []struct {
		name    string
		req     Request
		subCode string
		link    string
		text    string // in the Czech reason
	}{
		{"unknown-ais", with(func(r *Request) { r.AIS = "300" }), SubNeniOpravneniEgon, LinkAIS, "AIS 300 není v RPP registrován pro agendu A1 a OVM 11111111"},
		{"ais-not-for-ovm", with(func(r *Request) { r.AIS = "200"; r.OVM = "33333333" }), SubNeniOpravneniEgon, LinkAIS, "není v RPP registrován"},
		{"ais-not-for-role", with(func(r *Request) { r.AIS = "200" }), SubNeniOpravneniEgon, LinkAIS, "ale ne pro činnostní roli CR1"},
		{"unknown-agenda", with(func(r *Request) { r.Agenda = "A9" }), SubNepovolenyKodAgendy, LinkAgenda, "Agenda A9 není v RPP evidována"},
		{"unknown-ovm", with(func(r *Request) { r.OVM = "99999999" }), SubNepovolenyKodOvm, LinkOVM, "OVM 99999999 není v RPP evidován"},
		{"unknown-role", with(func(r *Request) { r.Role = "CR77" }), SubNepovolenyKodCinnosti, LinkRole, "Činnostní role CR77 není činností agendy A1"},
		{"no-pusobnost", with(func(r *Request) { r.OVM = "22222222" }), SubPusobnostNeexistuje, LinkPusobnost, "OVM 22222222 nemá působnost v agendě A1"},
		{"pusobnost-without-role", with(func(r *Request) { r.OVM = "33333333" }), SubPusobnostNeexistuje, LinkPusobnost, "nevykonává činnost CR1"},
		{"service-not-linked", with(func(r *Request) { r.Service = "E36" }), SubVazbaNeexistuje, LinkRoleService, "nemá vazbu na službu E36"},
		{"unknown-service", with(func(r *Request) { r.Service = "E999" }), SubVazbaNeexistuje, LinkRoleService, "službu E999"},
		{"item-not-granted", with(func(r *Request) { r.Items = []string{"Prijmeni", "Telefon", "Email"} }), SubNeniOpravneniEgon, LinkItems, "nesmí číst údaje: Telefon Email"},
		{"unknown-item", with(func(r *Request) { r.Items = []string{"Neexistuje"} }), SubNeniOpravneniEgon, LinkItems, "údaje: Neexistuje"},
		{"write-needs-w", with(func(r *Request) { r.Role = "CR3"; r.Service = "E01"; r.Write = true; r.Items = []string{"Prijmeni"} }), SubNeniOpravneniEgon, LinkItems, "nesmí zapisovat údaje: Prijmeni"},
		{"read-of-write-only", with(func(r *Request) { r.Role = "CR3"; r.Service = "E01"; r.Items = []string{"Email"} }), SubNeniOpravneniEgon, LinkItems, "nesmí číst údaje: Email"},
		{"over-service-limit", with(func(r *Request) { r.Service = "E278"; r.MaxRecords = 51 }), SubPrekrocenSeznam, LinkMaxRecords, "MaximalniPocetZaznamu 51 překračuje limit 50"},
		{"over-role-limit", with(func(r *Request) { r.MaxRecords = 501 }), SubPrekrocenSeznam, LinkMaxRecords, "limit 500"},
		{"category-grant-does-not-cover", with(func(r *Request) { r.OVM = "44444444"; r.Items = []string{"Email"} }), SubNeniOpravneniEgon, LinkItems, "Email"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, reuse := range []bool{false, true} {
				var d Decision
				if reuse {
					d.reasonsBuf = make([]Reason, 0, 1) // a too-small buffer grows
					r := tc.req
					s.DecideInto(&r, &d)
				} else {
					d = s.Decide(tc.req)
				}
				if d.Permit {
					t.Fatalf("permitted; chain %v", d.Reasons)
				}
				if d.SubCode != tc.subCode {
					t.Errorf("SubCode = %q, want %q", d.SubCode, tc.subCode)
				}
				last := d.Reasons[len(d.Reasons)-1]
				if last.OK || last.Link != tc.link {
					t.Errorf("last link = %+v, want failed %s", last, tc.link)
				}
				if !strings.Contains(last.CS, tc.text) {
					t.Errorf("reason %q lacks %q", last.CS, tc.text)
				}
				if last.EN == "" {
					t.Error("no English reason")
				}
				for _, r := range d.Reasons[:len(d.Reasons)-1] {
					if !r.OK {
						t.Errorf("link %s before the refusal is not OK", r.Link)
					}
				}
				if d.Items != nil || d.MaxRecords != 0 {
					t.Errorf("refusal carries Items %v, MaxRecords %d", d.Items, d.MaxRecords)
				}
			}
		})
	}
}

func TestDecidePermits(t *testing.T) {
	s := loadFixture(t, "refusals.yaml")
	tests := []struct {
		name       string
		req        Request
		items      []string
		maxRecords int
		itemsLink  string // Czech text of the items link
	}{
		{"requested-items", base(), []string{"Prijmeni"}, 500, "Všechny požadované"},
		{"duplicate-items", with(func(r *Request) { r.Items = []string{"Jmeno", "Jmeno"} }), []string{"Jmeno", "Jmeno"}, 500, "Všechny požadované"},
		{"empty-seznam-udaju", with(func(r *Request) { r.Items = []string{} }), []string{}, 500, "Všechny požadované"},
		{"absent-autorizace-info", with(func(r *Request) { r.Items = nil }), []string{"Prijmeni", "Jmeno"}, 500, "AutorizaceInfo chybí"},
		{"role-restricted-ais", with(func(r *Request) { r.AIS = "200"; r.Role = "CR2" }), []string{"Prijmeni"}, 0, "Všechny"},
		{"pusobnost-for-role", with(func(r *Request) { r.OVM = "33333333"; r.Role = "CR2"; r.Items = nil }), []string{"Prijmeni", "Jmeno"}, 0, "AutorizaceInfo chybí"},
		{"category-pusobnost-and-grant", with(func(r *Request) { r.OVM = "44444444"; r.Items = []string{"Jmeno", "Telefon"} }), []string{"Jmeno", "Telefon"}, 500, "Všechny"},
		{"union-of-ovm-and-category-grants", with(func(r *Request) { r.OVM = "44444444"; r.Items = nil }), []string{"Prijmeni", "Jmeno", "Telefon"}, 500, "AutorizaceInfo chybí"},
		{"write-item", with(func(r *Request) { r.Role = "CR3"; r.Service = "E01"; r.Write = true; r.Items = []string{"Email"} }), []string{"Email"}, 0, "Všechny"},
		{"all-write-items", with(func(r *Request) { r.Role = "CR3"; r.Service = "E01"; r.Write = true; r.Items = nil }), []string{"Email"}, 0, "AutorizaceInfo"},
		{"within-limit", with(func(r *Request) { r.Service = "E278"; r.MaxRecords = 50 }), []string{"Prijmeni"}, 50, "Všechny"},
		{"service-limit-applied", with(func(r *Request) { r.Service = "E278" }), []string{"Prijmeni"}, 50, "Všechny"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, reuse := range []bool{false, true} {
				var d Decision
				if reuse {
					r := tc.req
					s.DecideInto(&r, &d)
				} else {
					d = s.Decide(tc.req)
				}
				if !d.Permit || d.SubCode != "" {
					t.Fatalf("denied %q: %v", d.SubCode, d.Reasons)
				}
				if !slices.Equal(d.Items, tc.items) || (d.Items == nil) != (tc.items == nil) {
					t.Errorf("Items = %#v, want %#v", d.Items, tc.items)
				}
				if d.MaxRecords != tc.maxRecords {
					t.Errorf("MaxRecords = %d, want %d", d.MaxRecords, tc.maxRecords)
				}
				if len(d.Reasons) != 8 {
					t.Fatalf("chain has %d links, want 8", len(d.Reasons))
				}
				for _, r := range d.Reasons {
					if !r.OK {
						t.Errorf("link %s not OK in a permit", r.Link)
					}
				}
				if !strings.Contains(d.Reasons[6].CS, tc.itemsLink) {
					t.Errorf("items link %q lacks %q", d.Reasons[6].CS, tc.itemsLink)
				}
			}
		})
	}
}

func TestDecideCapMode(t *testing.T) {
	m := decodeFixture(t, "refusals.yaml")
	m.Settings.OverLimit = OverLimitCap
	s, err := Compile(m)
	if err != nil {
		t.Fatal(err)
	}
	d := s.Decide(with(func(r *Request) { r.Service = "E278"; r.MaxRecords = 10_000 }))
	if !d.Permit || d.MaxRecords != 50 {
		t.Fatalf("cap mode: permit %v MaxRecords %d, want permit with 50", d.Permit, d.MaxRecords)
	}
	if got := d.Reasons[7].CS; !strings.Contains(got, "snížen") {
		t.Errorf("limit link %q does not say it was lowered", got)
	}
}

func TestDecideDefaultLimit(t *testing.T) {
	m := decodeFixture(t, "refusals.yaml")
	m.Settings.DefaultMaxRecords = 7
	s, err := Compile(m)
	if err != nil {
		t.Fatal(err)
	}
	// CR2 has no limit of its own: the default applies.
	d := s.Decide(with(func(r *Request) { r.Role = "CR2"; r.MaxRecords = 8 }))
	if d.Permit || d.SubCode != SubPrekrocenSeznam {
		t.Fatalf("default limit not applied: %+v", d)
	}
}

func TestDecideWarnsAboutDanglingReferences(t *testing.T) {
	s := loadFixture(t, "refusals.yaml")
	w := strings.Join(s.Warnings(), "\n")
	for _, want := range []string{"agenda A9 is not in the catalogue", "OVM 99999999 is not in the catalogue"} {
		if !strings.Contains(w, want) {
			t.Errorf("warnings lack %q:\n%s", want, w)
		}
	}
}

// TestDecideReasonsNotShared checks that a caller reusing its Decision
// cannot corrupt the shared permit chain or the snapshot's item lists.
func TestDecideReasonsNotShared(t *testing.T) {
	s := loadFixture(t, "refusals.yaml")
	var d Decision
	r := with(func(r *Request) { r.Items = nil })
	s.DecideInto(&r, &d)
	permitText := d.Reasons[0].CS
	items := slices.Clone(d.Items)
	deny := with(func(r *Request) { r.OVM = "22222222" })
	s.DecideInto(&deny, &d)
	_ = append(d.Items, "X")
	s.DecideInto(&r, &d)
	if d.Reasons[0].CS != permitText || !slices.Equal(d.Items, items) {
		t.Fatalf("shared state changed: %q %v", d.Reasons[0].CS, d.Items)
	}
	d2 := s.Decide(r)
	if d2.Reasons[0].CS != permitText {
		t.Fatal("permit chain corrupted")
	}
}

func decodeFixture(t testing.TB, name string) *Model {
	t.Helper()
	f, err := os.Open("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m, err := DecodeYAML(f)
	if err != nil {
		t.Fatal(err)
	}
	return m
}
