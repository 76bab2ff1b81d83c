package sim_test

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"konektor/adapters/iszr/sim"
	"konektor/internal/xsdcheck"
	"konektor/wsdl/iszr"
)

var update = flag.Bool("update", false, "rewrite testdata/golden")

// goldenCases are request/answer pairs kept in testdata/golden: the
// requests are the inputs, the answers what the sandbox must say.
var goldenCases = []struct {
	name string
	call call
}{
	{"e36-vsechny", call{code: "E36", payload: e36Payload("11270705", "VSECHNY")}},
	{"e03-ok", call{code: "E03", items: "Jmeno Prijmeni DatumNarozeni AdresaPobytu", payload: e03Payload(sim.SampleAifo),
		extraHead: "<reg:Subjekt>Testovací OVM</reg:Subjekt><reg:Uzivatel>novak</reg:Uzivatel><reg:DuvodUcel>Ověření adresy</reg:DuvodUcel>"}},
	{"e03-aifo-neexistuje", call{code: "E03", payload: e03Payload("AAAAAAAAAAAAAAAAAAAAAAA=")}},
	{"e03-neni-opravneni-egon", call{code: "E03", ovm: "87654321", payload: e03Payload(sim.SampleAifo)}},
	{"e276-ok", call{code: "E276", items: "Jmeno Prijmeni AdresaPobytu Obcanstvi", payload: e276Payload("8NHzMuaacmpXEHLq+fxygAg=")}},
	{"e278-ok", call{code: "E278", items: "Aifo Jmeno Prijmeni DatumNarozeni AdresaPobytu",
		payload: e278Payload(` typPorovnani="ascii"`, `<rod:Prijmeni>Novakova</rod:Prijmeni>`)}},
	{"e278-prekrocen-seznam", call{code: "E278", items: "Jmeno", max: 2, payload: e278Payload(``, `<rod:AdresaPobytu>21700851</rod:AdresaPobytu>`)}},
	{"e256-ok", call{code: "E256", items: "Ico ObchodniNazev PravniForma DatovaSchrankaROS AdresaSidla DatumVznikuOpravneni", payload: e256Payload(sim.SampleIco)}},
	{"e256-ico-neexistuje", call{code: "E256", payload: e256Payload("27182827")}},
	{"e36-polozkovy", call{code: "E36", payload: e36Payload("21700851", "POLOZKOVY")}},
	{"e36-radkovy", call{code: "E36", payload: e36Payload("24876310", "RADKOVY")}},
	{"e36-nevalidni-data", call{code: "E36", payload: e36Payload("14492253", "VSECHNO")}},
	{"e251-ok", call{code: "E251", payload: e251Payload(fmt.Sprint(sim.SampleAddress), "POLOZKOVY")}},
	{"e227-ok", call{code: "E227", payload: e227Payload("X999", "XR2", "12345678")}},
	{"e164-ok", call{code: "E164", payload: e164Payload("ROB ROS RUIAN")}},
	{"e99-ok", call{code: "E99"}},
	{"e100-nenalezeno", call{code: "E100", kodAsync: "E278", payload: e100Payload("1c0de000-0000-4000-8000-000000000099")}},
	{"e07-neni-implementovano", call{code: "E07", payload: `<svc:Zadost/>`}},
}

func TestGolden(t *testing.T) {
	dir := filepath.Join("testdata", "golden")
	for i, tc := range goldenCases {
		t.Run(tc.name, func(t *testing.T) {
			reqPath := filepath.Join(dir, tc.name+".request.xml")
			respPath := filepath.Join(dir, tc.name+".response.xml")
			c := tc.call
			c.id = fmt.Sprintf("5e0f1a2b-0000-4000-8000-%012d", i+1)
			if *update {
				if err := os.MkdirAll(dir, 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(reqPath, c.envelope(t), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			req, err := os.ReadFile(reqPath)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if tc.call.code != "E07" && !strings.Contains(tc.name, "nevalidni") {
				xsdcheck.ValidateBody(t, req, tc.call.code)
			}
			s, _ := newServer(t)
			a := send(t, s, c, req)
			if a.status != 200 || a.root == nil {
				t.Fatalf("HTTP %d: %s", a.status, a.body)
			}
			validate(t, a.body, tc.call.code)
			env, err := iszr.Parse(bytes.NewReader(a.body), iszr.Limits{})
			if err != nil {
				t.Fatal(err)
			}
			got := env.Indented()
			if *update {
				if err := os.WriteFile(respPath, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(respPath)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("answer differs from %s:\n--- got ---\n%s", respPath, got)
			}
		})
	}
}
