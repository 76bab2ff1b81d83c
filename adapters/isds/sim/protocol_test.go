package sim

import (
	"bytes"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestProtocol(t *testing.T) {
	f := newSim(t, func(o *Options) { o.MaxBodyBytes = 4096 })
	user := BoxDemoOVM + ".spravce"
	tests := []struct {
		name, method, path, ctype, body string
		want                            int
		code                            string
		contains                        string
	}{
		{"dummy", http.MethodPost, "/DS/dz", "text/xml; charset=utf-8", soapRequest("DummyOperation", "ping"), 200, codeOK, ""},
		{"unknown-operation", http.MethodPost, "/DS/dz", "text/xml", soapRequest("X-Unknown", ""), 200, codeUnknownOp, "Neznámá operace: X-Unknown"},
		{"operation-of-another-service", http.MethodPost, "/DS/dx", "text/xml", soapRequest("CreateMessage", ""), 200, codeUnknownOp, ""},
		{"unknown-service", http.MethodPost, "/DS/vodz", "text/xml", soapRequest("DummyOperation", ""), 404, "", ""},
		{"get", http.MethodGet, "/DS/dz", "", "", 405, "", ""},
		{"soap-1-2", http.MethodPost, "/DS/dz", "application/soap+xml", soapRequest("DummyOperation", ""), 500, "", "SOAP 1.1"},
		{"not-soap", http.MethodPost, "/DS/dz", "text/xml", "<a/>", 500, "", "faultcode"},
		{"empty-body", http.MethodPost, "/DS/dz", "text/xml", `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body></s:Body></s:Envelope>`, 500, "", "faultcode"},
		{"doctype", http.MethodPost, "/DS/dz", "text/xml", `<!DOCTYPE x [<!ENTITY a "b">]>` + soapRequest("DummyOperation", ""), 500, "", "faultcode"},
		{"other-namespace", http.MethodPost, "/DS/dz", "text/xml", `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><DummyOperation xmlns="urn:x"/></s:Body></s:Envelope>`, 500, "", "jmenném prostoru"},
		{"with-header", http.MethodPost, "/DS/dz", "text/xml", strings.Replace(soapRequest("DummyOperation", ""), "<s:Body>", "<s:Header><x/></s:Header><s:Body>", 1), 200, codeOK, ""},
		{"too-large", http.MethodPost, "/DS/dz", "text/xml", soapRequest("DummyOperation", strings.Repeat("x", 5000)), 413, "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest(tc.method, f.ts.URL+tc.path, strings.NewReader(tc.body))
			req.SetBasicAuth(user, seedPassword)
			if tc.ctype != "" {
				req.Header.Set("Content-Type", tc.ctype)
			}
			resp, err := f.ts.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			var raw bytes.Buffer
			_, _ = raw.ReadFrom(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tc.want {
				t.Fatalf("HTTP %d, want %d: %s", resp.StatusCode, tc.want, raw.String())
			}
			if tc.code != "" {
				r := f.reply(resp.StatusCode, raw.Bytes()).want(t, tc.code)
				if tc.contains != "" && !strings.Contains(string(r.raw), tc.contains) {
					t.Errorf("answer lacks %q: %s", tc.contains, r.raw)
				}
			} else if tc.contains != "" && !strings.Contains(raw.String(), tc.contains) {
				t.Errorf("answer lacks %q: %s", tc.contains, raw.String())
			}
		})
	}
}

func TestMaintenance(t *testing.T) {
	f := newSim(t, func(o *Options) { o.Maintenance = FridayMaintenance })
	f.call(BoxDemoOVM+".spravce", "dz", "DummyOperation", "").want(t, codeOK) // Monday
	// Friday 6 March 2026, 00:30 Prague time.
	f.advance(time.Date(2026, 3, 6, 0, 30, 0, 0, prague).Sub(t0))
	status, raw := f.post(f.ts.Client(), f.ts.URL, "/DS/dz", BoxDemoOVM+".spravce", seedPassword, "text/xml", soapRequest("DummyOperation", ""))
	if status != http.StatusServiceUnavailable || !strings.Contains(string(raw), "Probíhá plánovaná údržba") {
		t.Fatalf("during maintenance: HTTP %d %s", status, raw)
	}
	f.advance(time.Hour)
	f.call(BoxDemoOVM+".spravce", "dz", "DummyOperation", "").want(t, codeOK)
}
