package sim_test

import (
	"testing"

	"konektor/adapters/iszr/sim"
	"konektor/policies"
)

// TestItemsAreRequestedAndPermitted: the answer holds requested ∩
// permitted items, all permitted ones without AutorizaceInfo.
func TestItemsAreRequestedAndPermitted(t *testing.T) {
	data := []string{"AdresaPobytu", "DatovaSchranka", "DatumNarozeni", "Jmeno", "MistoNarozeni", "Prijmeni",
		"RodinnyStavPartnerstvi", "Pohlavi", "Doklady", "Obcanstvi"}
	tests := []struct {
		name  string
		items string
		want  []string
	}{
		{name: "only-requested", items: "Jmeno Prijmeni", want: []string{"Jmeno", "Prijmeni"}},
		{name: "unpermitted-item-dropped", items: "Jmeno Telefon Email", want: []string{"Jmeno"}},
		{name: "nothing-permitted-requested", items: "Telefon", want: nil},
		{name: "all-without-autorizace", items: "", want: data},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, _ := newServer(t)
			a := do(t, s, call{code: "E03", items: tc.items, payload: e03Payload(sim.SampleAifo)})
			expect(t, a, "E03", "OK", "")
			resp := a.root.Path("RobOdpoved", "RobCtiAifoDataResponse")
			var got []string
			for _, c := range resp.Children {
				if c.Name.Local != "RobAplikacniStatus" {
					got = append(got, c.Name.Local)
				}
			}
			if len(got) != len(tc.want) {
				t.Fatalf("answered %v, want %v", got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Fatalf("answered %v, want %v", got, tc.want)
				}
			}
			if joined := a.root.Child("RuianOdpoved") != nil; joined != contains(tc.want, "AdresaPobytu") {
				t.Errorf("RuianOdpoved present = %v, want it exactly when AdresaPobytu is answered", joined)
			}
		})
	}
}

func contains(xs []string, v string) bool {
	for _, x := range xs {
		if x == v {
			return true
		}
	}
	return false
}

// TestDemoPolicy runs the sandbox on the embedded demo policy.
func TestDemoPolicy(t *testing.T) {
	tests := []struct {
		name     string
		call     call
		kod, sub string
	}{
		{name: "demo-ais-reads-rob", call: call{code: "E03", items: "Jmeno Prijmeni AdresaPobytu", payload: e03Payload(sim.SampleAifo)}, kod: "OK"},
		{name: "demo-ais-searches-rob", call: call{code: "E278", items: "Aifo Jmeno", payload: e278Payload(``, `<rod:Prijmeni>NOVÁK</rod:Prijmeni>`)}, kod: "OK"},
		{name: "demo-ais-reads-ros", call: call{code: "E256", payload: e256Payload(sim.SampleIco)}, kod: "OK"},
		{name: "demo-ais-probe", call: call{code: "E164"}, kod: "OK"},
		{name: "demo-ais-item-list", call: call{code: "E227", payload: e227Payload("X999", "XR2", "12345678")}, kod: "OK"},
		{name: "second-ais-reads-ros", call: call{code: "E256", cn: "999003", ais: "999003", agenda: "X998", role: "XR1", ovm: "87654321",
			payload: e256Payload(sim.SampleIco)}, kod: "OK"},
		{name: "second-ais-reads-address", call: call{code: "E36", cn: "999003", ais: "999003", agenda: "X998", role: "XR1", ovm: "87654321",
			payload: e36Payload("14492253", "POLOZKOVY")}, kod: "OK"},
		{name: "second-ais-may-not-read-rob", call: call{code: "E03", cn: "999003", ais: "999003", agenda: "X998", role: "XR1", ovm: "87654321",
			payload: e03Payload(sim.SampleAifo)}, kod: "CHYBA", sub: "NENI OPRAVNENI EGON"},
		{name: "second-ais-may-not-use-e251", call: call{code: "E251", cn: "999003", ais: "999003", agenda: "X998", role: "XR1", ovm: "87654321",
			payload: e251Payload("14492253", "POLOZKOVY")}, kod: "CHYBA", sub: "NENI OPRAVNENI EGON"},
		{name: "demo-ais-for-foreign-ovm", call: call{code: "E36", ovm: "87654321", payload: e36Payload("14492253", "POLOZKOVY")}, kod: "CHYBA", sub: "NENI OPRAVNENI EGON"},
		{name: "connector-for-second-ais", call: call{code: "E36", cn: connectorCN, ais: "999003", agenda: "X998", role: "XR1", ovm: "87654321",
			payload: e36Payload("14492253", "POLOZKOVY")}, kod: "OK"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, _ := newServer(t, func(o *sim.Options) { o.Policy = policies.Demo() })
			a := do(t, s, tc.call)
			expect(t, a, tc.call.code, tc.kod, tc.sub)
		})
	}
}
