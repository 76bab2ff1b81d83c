package sim

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

func TestCreateMessageRefusals(t *testing.T) {
	f := newSim(t, func(o *Options) { o.MaxAttachmentBytes = 64 << 10 })
	zip := file{name: "a.zip", mime: "application/zip", content: []byte("PK\x03\x04rest")}
	many := func(n int, fl file) []file {
		out := make([]file, n)
		for i := range out {
			out[i] = fl
			out[i].name = fmt.Sprintf("%d-%s", i, fl.name)
		}
		return out
	}
	tests := []struct {
		name     string
		user, to string
		dmType   string
		files    []file
		code     string
		text     string
	}{
		{"no-create-privilege", BoxDemoOVM + ".prehled", BoxCompany, "", []file{pdfFile("a.pdf")}, codePrivileges, ""},
		{"malformed-recipient", BoxDemoOVM + ".spravce", "mstdem1", "", []file{pdfFile("a.pdf")}, codeBadBoxID, ""},
		{"wrong-check-character", BoxDemoOVM + ".spravce", "mstdemx", "", []file{pdfFile("a.pdf")}, codeBadBoxID, ""},
		{"unknown-recipient", BoxDemoOVM + ".spravce", "aydaadk", "", []file{pdfFile("a.pdf")}, codeBoxNotFound, ""},
		{"inaccessible-recipient", BoxDemoOVM + ".spravce", BoxClosed, "", []file{pdfFile("a.pdf")}, codeRecipient, ""},
		{"own-box", BoxDemoOVM + ".spravce", BoxDemoOVM, "", []file{pdfFile("a.pdf")}, codeRecipient, ""},
		{"system-box", BoxDemoOVM + ".spravce", "aaaaaaa", "", []file{pdfFile("a.pdf")}, codeRecipient, ""},
		{"from-inaccessible-box", BoxClosed + ".spravce", BoxCompany, "", []file{pdfFile("a.pdf")}, codeSenderInactive, ""},
		{"public-between-non-ovm", BoxCompany + ".spravce", BoxPerson, "", []file{pdfFile("a.pdf")}, codeNoOVM, ""},
		{"commercial-to-closed-addressing", BoxCompany + ".spravce", BoxLawyer, "K", []file{pdfFile("a.pdf")}, codePDZRefused, ""},
		{"commercial-to-open-addressing", BoxPerson + ".spravce", BoxCompany, "K", []file{pdfFile("a.pdf")}, codeOK, ""},
		{"forbidden-extension", BoxDemoOVM + ".spravce", BoxCompany, "", []file{{name: "a.exe", mime: "application/x-msdownload", content: []byte("MZ")}}, codeAttachment, "Nepovolený formát souboru: a.exe"},
		{"mime-mismatch", BoxDemoOVM + ".spravce", BoxCompany, "", []file{{name: "a.pdf", mime: "image/png", content: []byte(pdf)}}, codeAttachment, "Typ MIME neodpovídá příponě souboru: a.pdf"},
		{"content-not-pdf", BoxDemoOVM + ".spravce", BoxCompany, "", []file{{name: "testovací.pdf", mime: "application/pdf", content: []byte("hello")}}, codeAttachment, "Obsah souboru nebyl identifikován.: testovací.pdf"},
		{"extension-as-mime", BoxDemoOVM + ".spravce", BoxCompany, "", []file{{name: "a.pdf", mime: "pdf", content: []byte(pdf)}}, codeOK, ""},
		{"empty-mime", BoxDemoOVM + ".spravce", BoxCompany, "", []file{{name: "a.png", mime: "", content: []byte("\x89PNG\r\n\x1a\nIHDR")}}, codeOK, ""},
		{"xml-content", BoxDemoOVM + ".spravce", BoxCompany, "", []file{pdfFile("a.pdf"), {name: "data.xml", mime: "application/xml", meta: "enclosure", xml: `<d xmlns="urn:x">1</d>`}}, codeOK, ""},
		{"xml-content-in-pdf", BoxDemoOVM + ".spravce", BoxCompany, "", []file{{name: "a.pdf", mime: "application/pdf", xml: `<d/>`}}, codeAttachment, "Obsah XML lze vložit jen do souboru XML: a.pdf"},
		{"hundred-files", BoxDemoOVM + ".spravce", BoxCompany, "", many(100, pdfFile("a.pdf")), codeOK, ""},
		{"hundred-and-one-files", BoxDemoOVM + ".spravce", BoxCompany, "", many(101, pdfFile("a.pdf")), codeAttachment, ""},
		{"ten-containers", BoxDemoOVM + ".spravce", BoxCompany, "", many(10, zip), codeOK, ""},
		{"eleven-containers", BoxDemoOVM + ".spravce", BoxCompany, "", many(11, zip), codeAttachment, ""},
		{"too-large", BoxDemoOVM + ".spravce", BoxCompany, "", []file{{name: "big.pdf", mime: "application/pdf", content: append([]byte(pdf), bytes.Repeat([]byte("x"), 64<<10)...)}}, codeTooLarge, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := f.call(tc.user, "dz", "CreateMessage", createXML(tc.to, tc.dmType, "Věc", envelopeFlags, tc.files...)).want(t, tc.code)
			if tc.text != "" && r.field("dmStatusMessage") != tc.text {
				t.Errorf("text %q, want %q", r.field("dmStatusMessage"), tc.text)
			}
			if (tc.code == codeOK) != (r.field("dmID") != "") {
				t.Errorf("dmID %q with status %s", r.field("dmID"), r.code)
			}
		})
	}
}

func TestCreateMessageSchemaErrorsAreFaults(t *testing.T) {
	f := newSim(t, nil)
	tests := []struct {
		name, body string
	}{
		{"annotation-over-255", createXML(BoxCompany, "", strings.Repeat("x", 256), envelopeFlags, pdfFile("a.pdf"))},
		{"no-files", `<dmEnvelope><dbIDRecipient>` + BoxCompany + `</dbIDRecipient></dmEnvelope>`},
		{"unknown-message-type", createXML(BoxCompany, "Q", "Věc", envelopeFlags, pdfFile("a.pdf"))},
		{"bad-meta-type", createXML(BoxCompany, "", "Věc", envelopeFlags, file{name: "a.pdf", mime: "application/pdf", meta: "other", content: []byte(pdf)})},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, raw := f.post(f.ts.Client(), f.ts.URL, "/DS/dz", BoxDemoOVM+".spravce", seedPassword, "text/xml", soapRequest("CreateMessage", tc.body))
			if tc.name == "bad-meta-type" {
				// The schema check of ISDS happens before; the sandbox
				// refuses the file with 1214.
				f.reply(status, raw).want(t, codeAttachment)
				return
			}
			if status != http.StatusInternalServerError || !bytes.Contains(raw, []byte("<faultcode>SOAP-ENV:Client</faultcode>")) {
				t.Fatalf("HTTP %d: %s", status, raw)
			}
		})
	}
}

// TestVirusCheck: a message with the EICAR signature is refused by the
// antivirus check (state 3): the recipient never sees it, the sender's
// delivery info says EV8.
func TestVirusCheck(t *testing.T) {
	f := newSim(t, nil)
	r := f.call(BoxDemoOVM+".spravce", "dz", "CreateMessage", createXML(BoxCompany, "", "Věc", envelopeFlags,
		file{name: "eicar.txt", mime: "text/plain", content: eicar})).want(t, codeOK)
	id := r.field("dmID")
	r = f.call(BoxCompany+".spravce", "dx", "GetListOfReceivedMessages", listXML("-1")).want(t, codeOK)
	if len(allFields(r.raw, "dmID")) != 0 {
		t.Fatalf("the recipient lists an infected message: %s", r.raw)
	}
	f.call(BoxCompany+".spravce", "dz", "MessageDownload", idXML(id)).want(t, codeNotFound)
	r = f.call(BoxDemoOVM+".spravce", "dx", "GetDeliveryInfo", idXML(id)).want(t, codeOK)
	if r.field("dmMessageStatus") != "3" || !strings.Contains(string(r.raw), "EV8:") {
		t.Fatalf("delivery info of an infected message: %s", r.raw)
	}
	f.call(BoxDemoOVM+".spravce", "dz", "SignedSentMessageDownload", idXML(id)).want(t, codeSentUndelivered)
}

func TestSanitize(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"tab-and-newlines", "a\tb\r\nc", "a b  c"},
		{"no-break-space", "a\u00a0b\u202fc", "a b c"},
		{"soft-hyphen-and-zwsp", "ro\u00adz\u200bhod", "rozhod"},
		{"bidi", "a\u202eb", "ab"},
		{"angle-brackets-stay", "<<firma>>", "<<firma>>"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := sanitize(tc.in); got != tc.want {
				t.Fatalf("sanitize(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}
