package policies

import (
	"errors"
	"os"
	"strings"
	"testing"
)

var yamlCases = []struct {
	name string
	in   string
	err  string // substring; empty = valid
}{
	{"empty-policy-is-invalid", ``, "empty policy"},
	{"minimal", `version: 1`, ""},
	{"unknown-key", `agendaz: []`, "field agendaz not found"},
	{"unknown-version", `version: 2`, "version: 2 is not supported"},
	{"two-documents", "version: 1\n---\nversion: 1\n", "more than one document"},
	{"bad-agenda-code", `agendas: [{code: B12}]`, `agendas[0].code: "B12" is not an agenda code`},
	{"bad-role-code", `agendas: [{code: A1, roles: [{code: R1}]}]`, `agendas[0].roles[0].code: "R1"`},
	{"duplicate-role", `agendas: [{code: A1, roles: [{code: CR1}, {code: CR1}]}]`, `"CR1" is listed twice`},
	{"bad-service", `agendas: [{code: A1, roles: [{code: CR1, services: [X03]}]}]`, `"X03" is not an eGON service code`},
	{"bad-ovm", `ovms: [{id: "1234"}]`, `ovms[0].id: "1234" is not an OVM identifier`},
	{"bad-category", `ovms: [{id: "12345678", categories: [K1]}]`, `"K1" is not a category`},
	{"pusobnost-needs-holder", `pusobnost: [{agenda: A1}]`, "needs ovm or category"},
	{"pusobnost-both-holders", `pusobnost: [{agenda: A1, ovm: "12345678", category: KO1}]`, "not both"},
	{"item-without-codes", `items: [{name: x}]`, "needs iszr or rpp"},
	{"bad-iszr-item", `items: [{iszr: "1abc"}]`, "not an ISZR item name"},
	{"bad-rpp-item", `items: [{rpp: "101-1"}]`, "not an RPP údaj code"},
	{"duplicate-item", `items: [{iszr: Jmeno}, {iszr: Jmeno}]`, `"Jmeno" is listed twice`},
	{"permission-bad-level", `permissions: [{roles: [{agenda: A1, role: CR1, ovm: "12345678"}], items: [{item: Jmeno, level: X}]}]`, "not R, RH or W"},
	{"permission-no-roles", `permissions: [{items: [Jmeno]}]`, "roles: empty"},
	{"permission-item-unknown-field", `permissions: [{roles: [{agenda: A1, role: CR1, ovm: "12345678"}], items: [{name: Jmeno}]}]`, "field name not found"},
	{"permission-item-sequence", `permissions: [{roles: [{agenda: A1, role: CR1, ovm: "12345678"}], items: [[Jmeno]]}]`, "an item is a name or {item, level}"},
	{"ais-bad-code", `ais: [{ais: "0123", agendas: [A1], ovms: ["12345678"]}]`, `"0123" is not an AIS code`},
	{"ais-without-ovms", `ais: [{ais: "1", agendas: [A1]}]`, "ovms: empty"},
	{"limit-zero", `limits: [{agenda: A1, role: CR1, max: 0}]`, "must be at least 1"},
	{"over-limit-mode", `settings: {overLimit: maybe}`, `"maybe" is not "deny" or "cap"`},
	{"records-without-operations", `records: [{ais: "1", ovms: ["12345678"]}]`, `operations: empty`},
	{"archive-bad-operation", `archive: [{ais: "1", ovms: ["12345678"], operations: ["a b"]}]`, "not an operation name"},
	{"databox-bad-id", `dataBoxes: [{ais: "1", ovm: "12345678", box: "ABC", privileges: [PRIVIL_READ_ALL]}]`, "not a data box id"},
	{"databox-bad-check-character", `dataBoxes: [{ais: "1", ovm: "12345678", box: "abc1234", privileges: [PRIVIL_READ_ALL]}]`, "not a data box id"},
	{"databox-bad-privilege", `dataBoxes: [{ais: "1", ovm: "12345678", box: "mstdemd", privileges: [READ]}]`, "not an ISDS privilege"},
	{"cadastre-secret-inline", `cadastre: [{account: a, secret: "hunter2", ais: ["1"], ovms: ["12345678"], services: [ciselnik]}]`, "never the credential itself"},
	{"cadastre-bad-type", `cadastre: [{account: a, ais: ["1"], ovms: ["12345678"], services: [ciselnik], type: gold}]`, "not free, paying or verifying"},
	{"cadastre-bad-service", `cadastre: [{account: a, ais: ["1"], ovms: ["12345678"], services: [lv]}]`, "not a WSDP service"},
	{"cadastre-duplicate-account", `cadastre: [{account: a, ais: ["1"], ovms: ["12345678"], services: [ciselnik]}, {account: a, ais: ["1"], ovms: ["12345678"], services: [ciselnik]}]`, `"a" is listed twice`},
	{"wrong-type", `agendas: {code: A1}`, "cannot unmarshal"},
	{"alias-bomb", "x-a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\nagendas: [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n", "cannot unmarshal !!seq"},
	{"many-type-errors", "agendas: [" + strings.Repeat("[x], ", 30) + "]", "; and 10 more"},
	{"every-problem-at-once", `agendas: [{code: B1}, {code: B2}]`, `agendas[1].code: "B2"`},
}

func TestDecodeYAML(t *testing.T) {
	for _, tc := range yamlCases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := DecodeYAML(strings.NewReader(tc.in))
			if tc.err == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Fatalf("err = %v, want it to contain %q", err, tc.err)
			}
			if len(err.Error()) > 8<<10 {
				t.Errorf("error message of %d bytes is not bounded", len(err.Error()))
			}
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("error does not wrap ErrInvalid: %v", err)
			}
		})
	}
}

func TestValidationErrorIsBounded(t *testing.T) {
	var b strings.Builder
	b.WriteString("agendas:\n")
	for range maxProblems + 50 {
		b.WriteString("  - {code: B1}\n")
	}
	_, err := DecodeYAML(strings.NewReader(b.String()))
	var ve *ValidationError
	if !errors.As(err, &ve) || len(ve.Problems) != maxProblems || ve.More != 50 {
		t.Fatalf("err = %v", err)
	}
	if !strings.HasSuffix(err.Error(), "and 50 more") {
		t.Errorf("message does not count the rest: %s", err.Error()[len(err.Error())-40:])
	}
}

func TestDecodeYAMLTooLarge(t *testing.T) {
	_, err := decodeYAML(&repeatReader{head: "# ", rec: strings.Repeat("x", 1<<10), n: 65}, 64<<10)
	if err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Fatalf("err = %v", err)
	}
}

func FuzzDecodeYAML(f *testing.F) {
	for _, tc := range yamlCases {
		f.Add([]byte(tc.in))
	}
	for _, name := range []string{"testdata/refusals.yaml", "testdata/rpp-local.yaml", "demo.yaml"} {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := DecodeYAML(strings.NewReader(string(data)))
		if err != nil {
			return
		}
		// A model that decodes compiles, and decisions on it do not panic.
		s, err := Compile(m)
		if err != nil {
			t.Fatalf("valid model does not compile: %v", err)
		}
		for _, a := range m.AIS {
			for _, ag := range a.Agendas {
				for _, o := range a.OVMs {
					for _, role := range []string{"CR1", "XR2"} {
						s.Decide(Request{AIS: a.AIS, Agenda: ag, OVM: o, Role: role, Service: "E03", Items: []string{"Jmeno"}})
						s.Decide(Request{AIS: a.AIS, Agenda: ag, OVM: o, Role: role, Service: "E03"})
					}
				}
			}
		}
		for _, ag := range m.Agendas {
			for _, r := range ag.Roles {
				for _, o := range m.OVMs {
					s.Items(ag.Code, r.Code, o.ID)
				}
			}
		}
	})
}
