package wssec

import (
	"bytes"
	"crypto"
	_ "crypto/sha1" // SHA-1 vectors that must be rejected
	"encoding/base64"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// Regenerate the golden envelopes with
//
//	go test ./certs/wssec -run TestGolden -update
//
// Signing is deterministic (fixed clock, fixed IDs, RSA PKCS#1 v1.5), so a
// regeneration with unchanged code rewrites identical files. The xmlsec1-made
// vectors are only rewritten when xmlsec1 is installed.
var update = flag.Bool("update", false, "rewrite testdata/valid and testdata/tampered")

// goldenAt is when golden envelopes are verified.
var goldenAt = t0.Add(time.Minute)

// validCase makes one envelope the verifier must accept.
type validCase struct {
	name    string
	xmlsec1 bool
	make    func(t *testing.T) []byte
}

func validCases() []validCase {
	ours := func(input string, plan signPlan) func(t *testing.T) []byte {
		return func(t *testing.T) []byte {
			out, err := testSigner(t, "signer", t0).sign(readTestdata(t, "input/"+input), plan)
			if err != nil {
				t.Fatal(err)
			}
			return out
		}
	}
	return []validCase{
		{name: "wss-soap11", make: ours("envelope.xml", signPlan{})},
		{name: "wss-soap12", make: ours("envelope12.xml", signPlan{})},
		{name: "wss-default-namespace", make: ours("envelope-default-ns.xml", signPlan{})},
		{name: "wss-existing-security-header", make: ours("envelope-existing-security.xml", signPlan{})},
		{name: "wss-x509data", make: ours("envelope.xml", signPlan{x509Data: true})},
		{name: "wss-sha512", make: ours("envelope.xml", signPlan{hash: crypto.SHA512})},
		{name: "xmlsec1-wss-token-reference", xmlsec1: true, make: func(t *testing.T) []byte {
			return xmlsec1Sign(t, "signer", xmlsec1RefsWSS, xmlsec1KeyInfoSTR)
		}},
		{name: "xmlsec1-wss-x509data", xmlsec1: true, make: func(t *testing.T) []byte {
			return xmlsec1Sign(t, "signer", xmlsec1RefsWSS, xmlsec1KeyInfoX509)
		}},
		{name: "xmlsec1-wss-inclusive-namespaces", xmlsec1: true, make: func(t *testing.T) []byte {
			return xmlsec1Sign(t, "signer", xmlsec1RefsInclusive, xmlsec1KeyInfoSTR)
		}},
		{name: "xmlsec1-enveloped", xmlsec1: true, make: func(t *testing.T) []byte {
			return xmlsec1Sign(t, "signer", xmlsec1RefsEnveloped, xmlsec1KeyInfoX509)
		}},
	}
}

// tamperedCase makes one envelope the verifier must reject with code.
type tamperedCase struct {
	name string
	code Code
	make func(t *testing.T, base []byte) []byte
}

// edit parses a signed envelope, lets f change the tree and serializes it.
func edit(t *testing.T, raw []byte, f func(m *message)) []byte {
	t.Helper()
	m, err := parseEnvelope(raw, Limits{}.withDefaults())
	if err != nil {
		t.Fatal(err)
	}
	f(m)
	out, err := writeDocument(m.doc)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// replace replaces the first old with new and fails when old is absent.
func replace(t *testing.T, raw []byte, old, new string) []byte {
	t.Helper()
	if !bytes.Contains(raw, []byte(old)) {
		t.Fatalf("%q not found", old)
	}
	return bytes.Replace(raw, []byte(old), []byte(new), 1)
}

// setEvil replaces the Body's content with the attacker's payload.
func setEvil(body *element) {
	for len(body.Child) > 0 {
		body.RemoveChildAt(0)
	}
	r := body.CreateElement("reg:SubmitRecordsRequest").CreateElement("reg:Record")
	r.CreateElement("reg:CaseNumber").SetText("CASE-ATTACKER")
}

// wrapper appends <x:Wrapper> to parent.
func wrapper(parent *element) *element {
	w := parent.CreateElement("x:Wrapper")
	w.CreateAttr("xmlns:x", "urn:attacker")
	return w
}

// childNamed returns parent's first child element with local name tag.
func childNamed(parent *element, tag string) *element {
	for _, c := range parent.ChildElements() {
		if c.Tag == tag {
			return c
		}
	}
	return nil
}

func tamperedCases() []tamperedCase {
	signWith := func(signer string, at time.Time, input string, plan signPlan, mut ...func(*Signer)) func(t *testing.T, _ []byte) []byte {
		return func(t *testing.T, _ []byte) []byte {
			kp := loadPair(t, signer)
			s := &Signer{key: kp.Key, cert: kp.Leaf(), certB64: base64.StdEncoding.EncodeToString(kp.Leaf().Raw),
				now: fixedClock(at), ttl: DefaultTTL, limits: Limits{}.withDefaults()}
			for _, f := range mut {
				f(s)
			}
			out, err := s.sign(readTestdata(t, "input/"+input), plan)
			if err != nil {
				t.Fatal(err)
			}
			return out
		}
	}
	const (
		doctype = "<!DOCTYPE soap:Envelope [<!ELEMENT soap:Envelope ANY>]>\n"
		xxe     = `<!DOCTYPE soap:Envelope [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>` + "\n"
		laughs  = `<!DOCTYPE soap:Envelope [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;"><!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;"><!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;"><!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;"><!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;"><!ENTITY i "&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;">]>` + "\n"
		decl    = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	)
	return []tamperedCase{
		// XML Signature Wrapping (notes/xml-security.md §2).
		{name: "xsw1-signed-body-in-header-wrapper-new-body-without-id", code: CodeWrapping, make: func(t *testing.T, base []byte) []byte {
			return edit(t, base, func(m *message) {
				wrapper(m.header).AddChild(m.body.Copy())
				m.body.RemoveAttr("wsu:Id")
				setEvil(m.body)
			})
		}},
		{name: "xsw2-signed-body-in-header-wrapper-new-body-other-id", code: CodeWrapping, make: func(t *testing.T, base []byte) []byte {
			return edit(t, base, func(m *message) {
				wrapper(m.header).AddChild(m.body.Copy())
				m.body.CreateAttr("wsu:Id", "Body-2")
				setEvil(m.body)
			})
		}},
		{name: "xsw3-signed-body-in-header-wrapper-same-id", code: CodeWrapping, make: func(t *testing.T, base []byte) []byte {
			return edit(t, base, func(m *message) {
				wrapper(m.header).AddChild(m.body.Copy())
				setEvil(m.body)
			})
		}},
		{name: "xsw4-wrapper-inside-security-header", code: CodeWrapping, make: func(t *testing.T, base []byte) []byte {
			return edit(t, base, func(m *message) {
				wrapper(m.securities[0]).AddChild(m.body.Copy())
				m.body.RemoveAttr("wsu:Id")
				setEvil(m.body)
			})
		}},
		{name: "xsw4-wrapper-inside-signature-object", code: CodeWrapping, make: func(t *testing.T, base []byte) []byte {
			return edit(t, base, func(m *message) {
				m.signatures[0].CreateElement("ds:Object").AddChild(m.body.Copy())
				m.body.RemoveAttr("wsu:Id")
				setEvil(m.body)
			})
		}},
		{name: "xsw5-signed-body-nested-in-attacker-body", code: CodeWrapping, make: func(t *testing.T, base []byte) []byte {
			return edit(t, base, func(m *message) {
				orig := m.body.Copy()
				m.body.RemoveAttr("wsu:Id")
				setEvil(m.body)
				wrapper(m.body).AddChild(orig)
			})
		}},
		{name: "xsw6-signed-timestamp-wrapped-fresh-unsigned-one", code: CodeWrapping, make: func(t *testing.T, base []byte) []byte {
			return edit(t, base, func(m *message) {
				sec, ts := m.securities[0], m.timestamps[0]
				i := childIndex(sec, ts)
				sec.RemoveChildAt(i)
				w := wrapper(m.header)
				w.CreateAttr("xmlns:wsu", nsWSU)
				w.AddChild(ts)
				fresh := newElement("wsu:Timestamp")
				fresh.CreateAttr("wsu:Id", "TS-2")
				fresh.CreateElement("wsu:Created").SetText("2026-11-23T12:00:30Z")
				fresh.CreateElement("wsu:Expires").SetText("2026-11-23T12:05:30Z")
				sec.InsertChildAt(i, fresh)
			})
		}},
		{name: "id-moved-from-body-to-header-element", code: CodeDigestMismatch, make: func(t *testing.T, base []byte) []byte {
			return edit(t, base, func(m *message) {
				holder := m.header.CreateElement("x:Data")
				holder.CreateAttr("xmlns:x", "urn:attacker")
				holder.CreateAttr("xmlns:wsu", nsWSU)
				holder.CreateAttr("wsu:Id", "Body-1")
				for _, c := range m.body.ChildElements() {
					holder.AddChild(c.Copy())
				}
				m.body.RemoveAttr("wsu:Id")
				setEvil(m.body)
			})
		}},
		{name: "signature-over-another-element", code: CodeNotCovered, make: signWith("signer", t0, "envelope-info-id.xml", signPlan{
			targets: func(m *message, ts *element) []*element { return []*element{m.ids["Info-1"], ts} },
		})},
		{name: "timestamp-not-signed", code: CodeNotCovered, make: signWith("signer", t0, "envelope.xml", signPlan{
			targets: func(m *message, _ *element) []*element { return []*element{m.body} },
		})},
		{name: "signature-inside-body", code: CodeWrapping, make: func(t *testing.T, base []byte) []byte {
			return edit(t, base, func(m *message) {
				sig := m.signatures[0]
				m.securities[0].RemoveChildAt(childIndex(m.securities[0], sig))
				sig.CreateAttr("xmlns:wsse", nsWSSE)
				m.body.AddChild(sig)
			})
		}},
		{name: "signature-directly-in-header-not-enveloped", code: CodeWrapping, make: func(t *testing.T, base []byte) []byte {
			return edit(t, base, func(m *message) {
				sig := m.signatures[0]
				m.securities[0].RemoveChildAt(childIndex(m.securities[0], sig))
				sig.CreateAttr("xmlns:wsse", nsWSSE)
				m.header.AddChild(sig)
			})
		}},
		{name: "two-security-headers", code: CodeWrapping, make: func(t *testing.T, base []byte) []byte {
			return edit(t, base, func(m *message) {
				m.header.CreateElement("wsse:Security").CreateAttr("xmlns:wsse", nsWSSE)
			})
		}},
		{name: "second-body-sibling", code: CodeStructure, make: func(t *testing.T, base []byte) []byte {
			return replace(t, base, "</soap:Body>", "</soap:Body><soap:Body><reg:Delete/></soap:Body>")
		}},
		{name: "duplicate-id", code: CodeDuplicateID, make: func(t *testing.T, base []byte) []byte {
			return edit(t, base, func(m *message) {
				e := m.header.CreateElement("x:Info")
				e.CreateAttr("xmlns:x", "urn:attacker")
				e.CreateAttr("xmlns:wsu", nsWSU)
				e.CreateAttr("wsu:Id", "Body-1")
			})
		}},
		{name: "payload-id-duplicated", code: CodeDuplicateID, make: func(t *testing.T, base []byte) []byte {
			b := replace(t, base, "<reg:Record reg:seq=\"1\">", "<reg:Record reg:seq=\"1\" ID=\"r1\">")
			return replace(t, b, "<reg:Record reg:seq=\"2\">", "<reg:Record reg:seq=\"2\" ID=\"r1\">")
		}},
		{name: "bst-outside-security-header", code: CodeKeyReference, make: func(t *testing.T, base []byte) []byte {
			return edit(t, base, func(m *message) {
				sec := m.securities[0]
				bst := childNamed(sec, "BinarySecurityToken")
				sec.RemoveChildAt(childIndex(sec, bst))
				holder := m.header.CreateElement("x:Tokens")
				holder.CreateAttr("xmlns:x", "urn:attacker")
				holder.CreateAttr("xmlns:wsse", nsWSSE)
				holder.CreateAttr("xmlns:wsu", nsWSU)
				holder.AddChild(bst)
			})
		}},
		{name: "keyinfo-retrieval-method", code: CodeKeyReference, make: func(t *testing.T, base []byte) []byte {
			return edit(t, base, func(m *message) {
				ki := childNamed(m.signatures[0], "KeyInfo")
				for len(ki.Child) > 0 {
					ki.RemoveChildAt(0)
				}
				ki.CreateElement("ds:RetrievalMethod").CreateAttr("URI", "http://attacker.example/key.cer")
			})
		}},
		// Tampering with signed or signature content.
		{name: "body-modified", code: CodeDigestMismatch, make: func(t *testing.T, base []byte) []byte {
			return replace(t, base, "CASE-2026-000001", "CASE-2026-999999")
		}},
		{name: "timestamp-expires-extended", code: CodeDigestMismatch, make: func(t *testing.T, base []byte) []byte {
			return replace(t, base, "<wsu:Expires>2026-11-23T12:05:00Z", "<wsu:Expires>2026-11-23T12:55:00Z")
		}},
		{name: "signature-value-modified", code: CodeBadSignature, make: func(t *testing.T, base []byte) []byte {
			i := bytes.Index(base, []byte("<ds:SignatureValue>")) + len("<ds:SignatureValue>")
			out := slices.Clone(base)
			if out[i] == 'A' {
				out[i] = 'B'
			} else {
				out[i] = 'A'
			}
			return out
		}},
		{name: "digest-value-modified", code: CodeBadSignature, make: func(t *testing.T, base []byte) []byte {
			i := bytes.Index(base, []byte("<ds:DigestValue>")) + len("<ds:DigestValue>")
			j := i + bytes.Index(base[i:], []byte("<"))
			return slices.Concat(base[:i], []byte(base64.StdEncoding.EncodeToString(make([]byte, 32))), base[j:])
		}},
		{name: "comment-injected-in-signed-text", code: CodeComment, make: func(t *testing.T, base []byte) []byte {
			return replace(t, base, "CASE-2026-000001", "CASE-2026-<!---->000001")
		}},
		// Parser attacks.
		{name: "doctype", code: CodeForbidden, make: func(t *testing.T, base []byte) []byte {
			return replace(t, base, decl, decl+doctype)
		}},
		{name: "external-entity", code: CodeForbidden, make: func(t *testing.T, base []byte) []byte {
			return replace(t, replace(t, base, decl, decl+xxe), "RECEIVED", "&xxe;")
		}},
		{name: "billion-laughs", code: CodeForbidden, make: func(t *testing.T, base []byte) []byte {
			return replace(t, replace(t, base, decl, decl+laughs), "RECEIVED", "&i;")
		}},
		{name: "undeclared-entity-reference", code: CodeMalformed, make: func(t *testing.T, base []byte) []byte {
			return replace(t, base, "RECEIVED", "&xxe;")
		}},
		{name: "processing-instruction", code: CodeForbidden, make: func(t *testing.T, base []byte) []byte {
			return replace(t, base, decl, decl+`<?xml-stylesheet type="text/xsl" href="http://attacker.example/x.xsl"?>`+"\n")
		}},
		{name: "deep-nesting", code: CodeTooLarge, make: func(t *testing.T, base []byte) []byte {
			return replace(t, base, "RECEIVED", strings.Repeat("<a>", 150)+"RECEIVED"+strings.Repeat("</a>", 150))
		}},
		{name: "duplicate-attribute", code: CodeMalformed, make: func(t *testing.T, base []byte) []byte {
			return replace(t, base, `wsu:Id="Body-1"`, `wsu:Id="Body-1" wsu:Id="Body-2"`)
		}},
		{name: "non-utf8-encoding", code: CodeMalformed, make: func(t *testing.T, base []byte) []byte {
			return replace(t, base, `encoding="UTF-8"`, `encoding="ISO-8859-2"`)
		}},
		{name: "unsigned", code: CodeMissingSig, make: func(t *testing.T, _ []byte) []byte {
			return readTestdata(t, "input/envelope.xml")
		}},
		// Algorithms and keys.
		{name: "rsa-sha1", code: CodeAlgorithm, make: signWith("signer", t0, "envelope.xml", signPlan{hash: crypto.SHA1})},
		{name: "sha1-digest", code: CodeAlgorithm, make: signWith("signer", t0, "envelope.xml", signPlan{digest: crypto.SHA1})},
		{name: "inclusive-c14n-signedinfo", code: CodeAlgorithm, make: func(t *testing.T, base []byte) []byte {
			return replace(t, base, `<ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>`,
				`<ds:CanonicalizationMethod Algorithm="http://www.w3.org/TR/2001/REC-xml-c14n-20010315"/>`)
		}},
		{name: "xpath-transform", code: CodeAlgorithm, make: signWith("signer", t0, "envelope.xml", signPlan{transform: "http://www.w3.org/TR/1999/REC-xpath-19991116"})},
		{name: "external-reference-uri", code: CodeNotCovered, make: signWith("signer", t0, "envelope.xml", signPlan{extraRefs: []string{"http://attacker.example/doc.xml"}})},
		{name: "rsa-1024-key", code: CodeWeakKey, make: signWith("weak", t0, "envelope.xml", signPlan{})},
		{name: "ecdsa-certificate", code: CodeAlgorithm, make: func(t *testing.T, base []byte) []byte {
			signer := base64.StdEncoding.EncodeToString(loadCert(t, "signer").Raw)
			return replace(t, base, signer, base64.StdEncoding.EncodeToString(loadCert(t, "ecdsa").Raw))
		}},
		{name: "untrusted-signer-same-name", code: CodeUntrusted, make: signWith("rogue", t0, "envelope.xml", signPlan{})},
		// Time.
		{name: "expired-timestamp", code: CodeExpired, make: signWith("signer", t0.Add(-time.Hour), "envelope.xml", signPlan{})},
		{name: "future-timestamp", code: CodeFuture, make: signWith("signer", t0.Add(time.Hour), "envelope.xml", signPlan{})},
		{name: "missing-timestamp", code: CodeTimestamp, make: signWith("signer", t0, "envelope.xml", signPlan{noTimestamp: true})},
		{name: "timestamp-lifetime-too-long", code: CodeTimestamp, make: signWith("signer", t0, "envelope.xml", signPlan{}, func(s *Signer) { s.ttl = 24 * time.Hour })},
	}
}

// goldenVerifier is the verifier golden files are checked with.
func goldenVerifier(t *testing.T) *Verifier {
	t.Helper()
	return pinnedVerifier(t, goldenAt)
}

// TestGoldenUpdate rewrites the golden files when -update is set.
func TestGoldenUpdate(t *testing.T) {
	if !*update {
		t.Skip("run with -update to rewrite golden files")
	}
	for _, dir := range []string{"valid", "tampered"} {
		if err := os.MkdirAll(filepath.Join("testdata", dir), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	write := func(path string, data []byte) {
		t.Helper()
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var base []byte
	for _, c := range validCases() {
		if c.xmlsec1 {
			if _, err := os.Stat("/usr/bin/xmlsec1"); err != nil {
				t.Logf("xmlsec1 absent: keeping %s", c.name)
				continue
			}
		}
		out := c.make(t)
		if c.name == "wss-soap11" {
			base = out
		}
		res, err := goldenVerifier(t).Verify(bg, out)
		if err != nil {
			t.Fatalf("%s does not verify: %v", c.name, err)
		}
		write(filepath.Join("testdata", "valid", c.name+".xml"), out)
		write(filepath.Join("testdata", "valid", c.name+".body.golden"), res.Body)
	}
	for _, c := range tamperedCases() {
		write(filepath.Join("testdata", "tampered", c.name+".xml"), c.make(t, base))
	}
}

// TestGoldenValid: every file in testdata/valid verifies, and the verified
// canonical Body equals its .body.golden file.
func TestGoldenValid(t *testing.T) {
	want := map[string]bool{}
	for _, c := range validCases() {
		want[c.name+".xml"] = true
	}
	files, _ := filepath.Glob(filepath.Join("testdata", "valid", "*.xml"))
	if len(files) != len(want) {
		t.Errorf("testdata/valid holds %d envelopes, the table %d", len(files), len(want))
	}
	for _, f := range files {
		name := filepath.Base(f)
		t.Run(strings.TrimSuffix(name, ".xml"), func(t *testing.T) {
			if !want[name] {
				t.Fatal("file has no case in validCases")
			}
			res, err := goldenVerifier(t).Verify(bg, readTestdata(t, "valid/"+name))
			if err != nil {
				t.Fatal(err)
			}
			golden := readTestdata(t, "valid/"+strings.TrimSuffix(name, ".xml")+".body.golden")
			if !bytes.Equal(res.Body, golden) {
				t.Fatalf("verified Body differs from golden:\n%s\nwant\n%s", res.Body, golden)
			}
			if res.Signer.Subject.CommonName != "wssec test signer" || len(res.References) == 0 {
				t.Fatalf("signer %s references %v", res.Signer.Subject, res.References)
			}
		})
	}
}

// TestGoldenTampered: every file in testdata/tampered is rejected with the
// code its case names, and the rejection reads well in Czech and English.
func TestGoldenTampered(t *testing.T) {
	codes := map[string]Code{}
	for _, c := range tamperedCases() {
		codes[c.name+".xml"] = c.code
	}
	files, _ := filepath.Glob(filepath.Join("testdata", "tampered", "*.xml"))
	if len(files) != len(codes) {
		t.Errorf("testdata/tampered holds %d envelopes, the table %d", len(files), len(codes))
	}
	for _, f := range files {
		name := filepath.Base(f)
		t.Run(strings.TrimSuffix(name, ".xml"), func(t *testing.T) {
			want, ok := codes[name]
			if !ok {
				t.Fatal("file has no case in tamperedCases")
			}
			res, err := goldenVerifier(t).Verify(bg, readTestdata(t, "tampered/"+name))
			if err == nil {
				t.Fatalf("accepted (references %v)", res.References)
			}
			if CodeOf(err) != want {
				t.Fatalf("rejected with %v, want code %s", err, want)
			}
			var e *Error
			if !errorsAs(err, &e) || e.Message() == "" || e.MessageEN() == "" {
				t.Fatalf("rejection %v lacks a Czech or English message", err)
			}
		})
	}
}
