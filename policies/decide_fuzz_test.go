package policies

import (
	"slices"
	"strings"
	"testing"
)

// FuzzDecide decides arbitrary requests against the refusal fixture: no
// panic, a permit only for a registered AIS with every requested item
// granted, a refusal always with a failed last link and a sub-code.
func FuzzDecide(f *testing.F) {
	s := loadFixture(f, "refusals.yaml")
	f.Add("100", "11111111", "A1", "CR1", "E03", "Prijmeni", 0)
	f.Add("100", "44444444", "A1", "CR1", "E278", "-", 51)
	f.Add("200", "11111111", "A1", "CR2", "E03", "Jmeno Telefon", 1)
	f.Add("0", "1111111.1", "A01", "CR01", "E3a", "", -1)
	f.Fuzz(func(t *testing.T, ais, ovm, agenda, role, service, items string, max int) {
		r := Request{AIS: ais, OVM: ovm, Agenda: agenda, Role: role, Service: service, MaxRecords: max}
		if items != "-" {
			r.Items = strings.Fields(items)
		}
		d := s.Decide(r)
		var into Decision
		s.DecideInto(&r, &into)
		if d.Permit != into.Permit || d.SubCode != into.SubCode {
			t.Fatalf("Decide and DecideInto disagree: %+v vs %+v", d, into)
		}
		if !d.Permit {
			last := d.Reasons[len(d.Reasons)-1]
			if d.SubCode == "" || last.OK || last.CS == "" || last.EN == "" {
				t.Fatalf("refusal without a reason: %+v", d)
			}
			return
		}
		if !slices.Contains([]string{"100", "200"}, ais) {
			t.Fatalf("permitted an unregistered AIS %q", ais)
		}
		for _, it := range r.Items {
			if !slices.Contains([]string{"Prijmeni", "Jmeno", "Telefon", "Email"}, it) {
				t.Fatalf("permitted unknown item %q", it)
			}
		}
	})
}
