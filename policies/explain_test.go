package policies

import (
	"bytes"
	"strings"
	"testing"
)

func TestCheckExplains(t *testing.T) {
	tests := []struct {
		name   string
		req    Request
		lang   string
		permit bool
		want   []string
	}{
		{"permit-cs", Request{AIS: "999002", OVM: "12345678", Agenda: "X999", Role: "XR2", Service: "E03", Items: []string{"Prijmeni"}},
			"cs", true, []string{"Rozhodnutí: POVOLENO", "[OK] ais-registered AIS 999002 je v RPP registrován pro agendu X999 a OVM 12345678.",
				"[OK] role-service   Činnostní role XR2 agendy X999 má vazbu na službu E03.", "[OK] items", "Údaje k výdeji (1): Prijmeni", "Nejvýše záznamů: 1000"}},
		{"permit-en-all-items", Request{AIS: "999003", OVM: "87654321", Agenda: "X998", Role: "XR1", Service: "E36"},
			"en", true, []string{"Decision: PERMIT", "items: not given (AutorizaceInfo absent)", "Items released (40): Ico", "Maximum records: 100"}},
		{"deny-en", Request{AIS: "999003", OVM: "87654321", Agenda: "X998", Role: "XR1", Service: "E03"},
			"en", false, []string{"Decision: DENY (VAZBA SLUZBA CINNOST AGENDY NEEXISTUJE)", "[OK] pusobnost", "[NO] role-service", "Role XR1 of agenda X998 is not linked to service E03."}},
		{"deny-cs-items", Request{AIS: "999003", OVM: "87654321", Agenda: "X998", Role: "XR1", Service: "E256", Items: []string{"Prijmeni", "Ico"}},
			"cs", false, []string{"ZAMÍTNUTO (NENI OPRAVNENI EGON)", "[NE] items", "nesmí číst údaje: Prijmeni."}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			if got := Check(&buf, Demo(), tc.req, tc.lang); got != tc.permit {
				t.Fatalf("Check = %v, want %v\n%s", got, tc.permit, buf.String())
			}
			for _, w := range tc.want {
				if !strings.Contains(buf.String(), w) {
					t.Errorf("output lacks %q:\n%s", w, buf.String())
				}
			}
		})
	}
}
