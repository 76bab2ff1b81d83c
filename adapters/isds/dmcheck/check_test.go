package dmcheck

import (
	"encoding/base64"
	"encoding/xml"
	"errors"
	"fmt"
	"strings"
	"testing"

	"konektor/wsdl/isds/dm"
)

// message writes a CreateMessage to recipient with the given files (name,
// MIME type, content), as a client sends it.
func message(recipient, annotation string, files ...[3]string) string {
	var b strings.Builder
	b.WriteString(`<CreateMessage xmlns="http://isds.czechpoint.cz/v20"><dmEnvelope><dbIDRecipient>` + recipient +
		`</dbIDRecipient><dmAnnotation>` + annotation + `</dmAnnotation></dmEnvelope><dmFiles>`)
	for _, f := range files {
		fmt.Fprintf(&b, `<dmFile dmMimeType="%s" dmFileMetaType="main" dmFileDescr="%s"><dmEncodedContent>%s</dmEncodedContent></dmFile>`,
			f[1], f[0], base64.StdEncoding.EncodeToString([]byte(f[2])))
	}
	b.WriteString(`</dmFiles></CreateMessage>`)
	return b.String()
}

func decode(t testing.TB, s string) *dm.CreateMessage {
	t.Helper()
	var req dm.CreateMessage
	if err := xml.Unmarshal([]byte(s), &req); err != nil {
		t.Fatal(err)
	}
	return &req
}

const pdf = "%PDF-1.4\n"

func TestCheck(t *testing.T) {
	files := func(n int, name, mime, content string) [][3]string {
		var out [][3]string
		for i := 0; i < n; i++ {
			out = append(out, [3]string{fmt.Sprintf(name, i), mime, content})
		}
		return out
	}
	for _, c := range []struct {
		name   string
		req    string
		max    int
		code   string // refusal
		text   string // refusal text suffix
		schema bool
	}{
		{name: "valid", req: message("firma2x", "Výzva\tk doplnění", [3]string{"vyzva.pdf", "application/pdf", pdf})},
		{name: "mime-as-extension", req: message("firma2x", "Věc", [3]string{"a.pdf", "pdf", pdf})},
		{name: "bad-check-character", req: message("firma2y", "Věc", [3]string{"a.pdf", "application/pdf", pdf}), code: CodeBadBoxID},
		{name: "short-box-id", req: message("firma2", "Věc", [3]string{"a.pdf", "application/pdf", pdf}), code: CodeBadBoxID},
		{name: "format", req: message("firma2x", "Věc", [3]string{"a.exe", "application/octet-stream", "MZ"}), code: CodeAttachment, text: "Nepovolený formát souboru: a.exe"},
		{name: "mime-mismatch", req: message("firma2x", "Věc", [3]string{"a.pdf", "image/png", pdf}), code: CodeAttachment, text: ": a.pdf"},
		{name: "content", req: message("firma2x", "Věc", [3]string{"a.png", "image/png", pdf}), code: CodeAttachment, text: "Obsah souboru nebyl identifikován.: a.png"},
		{name: "too-many-files", req: message("firma2x", "Věc", files(MaxFiles+1, "f%d.txt", "text/plain", "x")...), code: CodeAttachment, text: ": 101"},
		{name: "hundred-files", req: message("firma2x", "Věc", files(MaxFiles, "f%d.txt", "text/plain", "x")...)},
		{name: "too-many-containers", req: message("firma2x", "Věc", files(MaxContainers+1, "f%d.zip", "application/zip", "PK\x03\x04")...), code: CodeAttachment, text: ": f10.zip"},
		{name: "too-large", req: message("firma2x", "Věc", [3]string{"a.txt", "text/plain", strings.Repeat("x", 101)}), max: 100, code: CodeTooLarge},
		{name: "annotation-too-long", req: message("firma2x", strings.Repeat("ř", MaxAnnotation+1), [3]string{"a.pdf", "application/pdf", pdf}), schema: true},
		{name: "annotation-at-limit", req: message("firma2x", strings.Repeat("ř", MaxAnnotation), [3]string{"a.pdf", "application/pdf", pdf})},
		{name: "no-files", req: `<CreateMessage xmlns="http://isds.czechpoint.cz/v20"><dmEnvelope><dbIDRecipient>firma2x</dbIDRecipient></dmEnvelope></CreateMessage>`, schema: true},
		{name: "bad-type", req: strings.Replace(message("firma2x", "Věc", [3]string{"a.pdf", "application/pdf", pdf}), "<dmEnvelope>", `<dmEnvelope dmType="X">`, 1), schema: true},
		{name: "bad-base64", req: strings.Replace(message("firma2x", "Věc", [3]string{"a.pdf", "application/pdf", pdf}), "JVBE", "*VBE", 1), code: CodeAttachment, text: "není platné base64: a.pdf"},
	} {
		t.Run(c.name, func(t *testing.T) {
			max := c.max
			if max == 0 {
				max = DefaultMaxAttachmentBytes
			}
			m, r, err := Check(decode(t, c.req), max)
			var se *SchemaError
			switch {
			case c.schema:
				if !errors.As(err, &se) {
					t.Fatalf("want a schema error, got %+v %+v %v", m, r, err)
				}
			case c.code != "":
				if err != nil || r == nil || r.Code != c.code || !strings.HasSuffix(r.Text, c.text) {
					t.Fatalf("want %s …%s, got %+v %v", c.code, c.text, r, err)
				}
			default:
				if err != nil || r != nil || m == nil || m.Recipient != "firma2x" || m.Type != "V" || len(m.Files) == 0 {
					t.Fatalf("want a valid message, got %+v %+v %v", m, r, err)
				}
			}
		})
	}
	m, _, _ := Check(decode(t, message("firma2x", "Výzva\tk\u00addoplnění", [3]string{"vyzva.pdf", "application/pdf", pdf})), DefaultMaxAttachmentBytes)
	if m.Annotation != "Výzva kdoplnění" || m.Size != len(pdf) || string(m.Files[0].Content) != pdf || m.Files[0].MetaType != "main" {
		t.Fatalf("checked message %+v", m)
	}
}

// FuzzCheck feeds arbitrary CreateMessage documents to the checks: they
// must never panic, and what passes must hold a valid recipient, at most
// MaxFiles documents within the size limit.
func FuzzCheck(f *testing.F) {
	f.Add(message("firma2x", "Věc", [3]string{"a.pdf", "application/pdf", pdf}))
	f.Add(message("firma2y", "Věc", [3]string{"a.zip", "application/zip", "PK\x03\x04"}))
	f.Add(`<CreateMessage xmlns="http://isds.czechpoint.cz/v20"><dmEnvelope dmType="K"><dbIDRecipient>aaaaaaa</dbIDRecipient></dmEnvelope><dmFiles><dmFile dmFileDescr="x.xml"><dmXMLContent><a/></dmXMLContent></dmFile></dmFiles></CreateMessage>`)
	f.Fuzz(func(t *testing.T, doc string) {
		var req dm.CreateMessage
		if xml.Unmarshal([]byte(doc), &req) != nil {
			return
		}
		const max = 1 << 16
		m, r, err := Check(&req, max)
		if m == nil {
			if (r == nil) == (err == nil) {
				t.Fatalf("neither or both of a refusal and an error: %+v %v", r, err)
			}
			return
		}
		if Recipient(m.Recipient) != nil || len(m.Files) == 0 || len(m.Files) > MaxFiles || m.Size > max {
			t.Fatalf("passed an invalid message: %+v", m)
		}
	})
}
