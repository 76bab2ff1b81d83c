package sim_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	"konektor/adapters/iszr/sim"
	"konektor/wsdl/iszr"
)

// FuzzServe feeds arbitrary bodies to every service: the sandbox must
// answer 200 with a SOAP answer or 500 with a SOAP fault, never panic.
func FuzzServe(f *testing.F) {
	codes := []string{"E03", "E276", "E278", "E256", "E36", "E251", "E227", "E164", "E99", "E100", "E07"}
	files, _ := filepath.Glob(filepath.Join("testdata", "golden", "*.request.xml"))
	for i, name := range files {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(uint8(i), b)
		}
	}
	f.Add(uint8(0), []byte(`<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><x/></s:Body></s:Envelope>`))
	f.Add(uint8(2), []byte(`<!DOCTYPE a><a/>`))
	s := sim.New(sim.Options{Now: func() time.Time { return testNow }, Policy: fakePolicy{}, Connectors: []string{connectorCN}})
	f.Fuzz(func(t *testing.T, which uint8, body []byte) {
		code := codes[int(which)%len(codes)]
		a := send(t, s, call{code: code, action: "Iszr"}, body)
		switch a.status {
		case 200:
			if a.root == nil || a.root.Child("OdpovedInfo") == nil {
				t.Fatalf("200 without OdpovedInfo: %s", a.body)
			}
		case 500:
			if !bytes.Contains(a.body, []byte("<s:Fault>")) {
				t.Fatalf("500 without a SOAP fault: %s", a.body)
			}
		default:
			t.Fatalf("HTTP %d: %s", a.status, a.body)
		}
		if _, err := iszr.Parse(bytes.NewReader(a.body), iszr.Limits{MaxBytes: 8 << 20}); err != nil {
			t.Fatalf("answer is not well-formed: %v\n%s", err, a.body)
		}
	})
}
