package policies

import (
	"slices"
	"strings"
	"testing"
)

func TestDemo(t *testing.T) {
	s := Demo()
	if w := s.Warnings(); len(w) != 0 {
		t.Fatalf("demo policy has warnings: %v", w)
	}
	tests := []struct {
		name    string
		req     Request
		permit  bool
		subCode string
	}{
		{"rob-read-by-999002", Request{AIS: "999002", OVM: "12345678", Agenda: "X999", Role: "XR2", Service: "E03",
			Items: []string{"Aifo", "Prijmeni", "Jmeno", "AdresaPobytu"}}, true, ""},
		{"every-service-of-xr2", Request{AIS: "999002", OVM: "12345678", Agenda: "X999", Role: "XR2", Service: "E100"}, true, ""},
		{"ros-and-ruian-items-of-999002", Request{AIS: "999002", OVM: "12345678", Agenda: "X999", Role: "XR2", Service: "E256",
			Items: []string{"Ico", "ObchodniNazev", "AdresaSidla", "ObecNazev"}}, true, ""},
		{"ros-by-999003", Request{AIS: "999003", OVM: "87654321", Agenda: "X998", Role: "XR1", Service: "E256",
			Items: []string{"Ico", "ObchodniNazev"}}, true, ""},
		{"ruian-by-999003", Request{AIS: "999003", OVM: "87654321", Agenda: "X998", Role: "XR1", Service: "E36"}, true, ""},
		{"rob-service-refused-to-999003", Request{AIS: "999003", OVM: "87654321", Agenda: "X998", Role: "XR1", Service: "E03"},
			false, SubVazbaNeexistuje},
		{"rob-items-refused-to-999003", Request{AIS: "999003", OVM: "87654321", Agenda: "X998", Role: "XR1", Service: "E256",
			Items: []string{"Ico", "Prijmeni"}}, false, SubNeniOpravneniEgon},
		{"999003-for-foreign-ovm", Request{AIS: "999003", OVM: "12345678", Agenda: "X999", Role: "XR2", Service: "E03"},
			false, SubNeniOpravneniEgon},
		{"over-limit", Request{AIS: "999002", OVM: "12345678", Agenda: "X999", Role: "XR2", Service: "E278", MaxRecords: 1001},
			false, SubPrekrocenSeznam},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := s.Decide(tc.req)
			if d.Permit != tc.permit || d.SubCode != tc.subCode {
				t.Fatalf("Decide = permit %v %q, want %v %q; chain: %v", d.Permit, d.SubCode, tc.permit, tc.subCode, d.Reasons)
			}
		})
	}
}

func TestDemoItemsE227(t *testing.T) {
	s := Demo()
	items := s.Items("X999", "XR2", "12345678")
	var names []string
	for _, it := range items {
		names = append(names, it.KodIszr)
	}
	for _, want := range strings.Fields("Aifo Prijmeni Jmeno AdresaPobytu Ico ObchodniNazev AdresniMistoKod ObecNazev") {
		if !slices.Contains(names, want) {
			t.Errorf("Items(X999, XR2, 12345678) lacks %s", want)
		}
	}
	if got := s.Items("X998", "XR1", "87654321"); slices.ContainsFunc(got, func(it ItemName) bool { return it.KodIszr == "Prijmeni" }) {
		t.Errorf("Items(X998, XR1) includes the ROB item Prijmeni")
	}
	if i := slices.IndexFunc(items, func(it ItemName) bool { return it.KodIszr == "Prijmeni" }); i < 0 || items[i].KodRpp != "101-1-1" {
		t.Errorf("Prijmeni does not map to RPP 101-1-1: %+v", items)
	}
}
