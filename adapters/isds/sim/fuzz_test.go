package sim

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// FuzzServe feeds arbitrary request bodies to every service as a logged-in
// user: the sandbox must answer (SOAP answer, fault or HTTP error), never
// panic, and never answer 200 with something that is not SOAP.
func FuzzServe(f *testing.F) {
	fx := newSim(f, func(o *Options) { o.MaxAttachmentBytes = 1 << 20; o.MaxBodyBytes = 1 << 20 })
	seeds := []string{
		soapRequest("DummyOperation", "x"),
		soapRequest("CreateMessage", createXML(BoxCompany, "", "Věc", envelopeFlags, pdfFile("a.pdf"))),
		soapRequest("GetListOfReceivedMessages", listXML("-1")),
		soapRequest("MessageDownload", idXML("4217731")),
		soapRequest("FindDataBox2", findXML("", "OVM", "", "demo")),
		soapRequest("CheckDataBox", "<dbID>firma2x</dbID>"),
		soapRequest("GetMessageStateChanges", `<dmFromTime>2026-03-01T00:00:00</dmFromTime><dmToTime xsi:nil="true"/>`),
		`<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body/></s:Envelope>`,
		"",
	}
	for i, s := range seeds {
		f.Add(s, uint8(i))
	}
	services := []string{"dz", "dx", "df", "DsManage"}
	f.Fuzz(func(t *testing.T, body string, svc uint8) {
		req := httptest.NewRequest(http.MethodPost, "/DS/"+services[int(svc)%len(services)], strings.NewReader(body))
		req.Header.Set("Content-Type", "text/xml")
		req.SetBasicAuth(BoxDemoOVM+".spravce", seedPassword)
		w := httptest.NewRecorder()
		fx.srv.ServeHTTP(w, req)
		switch w.Code {
		case http.StatusOK:
			if !strings.Contains(w.Body.String(), "<SOAP-ENV:Body><p:") {
				t.Fatalf("200 without a SOAP answer: %s", w.Body.String())
			}
		case http.StatusInternalServerError, http.StatusRequestEntityTooLarge, http.StatusBadRequest:
		default:
			t.Fatalf("unexpected HTTP %d", w.Code)
		}
	})
}
