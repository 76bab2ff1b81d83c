package docsig

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/beevik/etree"
	dsig "github.com/russellhaering/goxmldsig"

	"konektor/certs/xmlsig"
)

// rawSign signs doc through goxmldsig directly, bypassing NewSigner's key
// policy: any key and hash, and an optional ID attribute to reference the
// root by (URI="#id"). It builds documents that are correctly signed but
// that the verifier's policy must refuse.
func rawSign(t *testing.T, key crypto.Signer, cert *x509.Certificate, hash crypto.Hash, idAttr string, doc []byte) []byte {
	t.Helper()
	tree := etree.NewDocument()
	if err := tree.ReadFromBytes(doc); err != nil {
		t.Fatal(err)
	}
	ctx, err := dsig.NewSigningContext(key, [][]byte{cert.Raw})
	if err != nil {
		t.Fatal(err)
	}
	ctx.Hash, ctx.Prefix = hash, "ds"
	ctx.Canonicalizer = dsig.MakeC14N10ExclusiveCanonicalizerWithPrefixList("")
	ctx.IdAttribute = noIDAttribute
	if idAttr != "" {
		ctx.IdAttribute = idAttr
	}
	sig, err := ctx.ConstructSignature(tree.Root().Copy(), true)
	if err != nil {
		t.Fatal(err)
	}
	tree.Root().InsertChildAt(0, sig)
	tree.WriteSettings = etree.WriteSettings{CanonicalText: true, CanonicalAttrVal: true}
	out, err := tree.WriteToBytes()
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// goxmldsigAccepts reports whether goxmldsig's own ValidationContext (no
// algorithm or key policy, certificate pinning only) accepts doc: the
// refused documents below are genuine signatures, refused by policy.
func goxmldsigAccepts(t *testing.T, doc []byte, cert *x509.Certificate) bool {
	t.Helper()
	tree := etree.NewDocument()
	if err := tree.ReadFromBytes(doc); err != nil {
		t.Fatal(err)
	}
	vc := dsig.NewDefaultValidationContext(&dsig.MemoryX509CertificateStore{Roots: []*x509.Certificate{cert}})
	vc.IdAttribute = "id"
	vc.Clock = dsig.NewFakeClockAt(at)
	_, err := vc.Validate(tree.Root())
	return err == nil
}

// swap replaces the first old in doc with new, failing when absent.
func swap(t *testing.T, doc []byte, old, new string) []byte {
	t.Helper()
	if !bytes.Contains(doc, []byte(old)) {
		t.Fatalf("%q not in the document", old)
	}
	return bytes.Replace(doc, []byte(old), []byte(new), 1)
}

var sigRE = regexp.MustCompile(`(?s)<ds:Signature .*</ds:Signature>`)

// signatureOf returns the ds:Signature element of a signed document.
func signatureOf(t *testing.T, doc []byte) string {
	t.Helper()
	m := sigRE.Find(doc)
	if m == nil {
		t.Fatal("no signature")
	}
	return string(m)
}

// TestVerifyRefuses covers every refusal with a document that would pass
// without that one check.
func TestVerifyRefuses(t *testing.T) {
	report := readTestdata(t, "input/report.xml")
	signed := mustSign(t, testSigner(t, "signer"), report)
	sig := signatureOf(t, signed)
	unsigned := strings.Replace(string(signed), sig, "", 1)
	other := rawSign(t, testKey(t, "other"), testCert(t, "other"), crypto.SHA256, "", report)

	cases := []struct {
		name  string
		doc   []byte
		trust xmlsig.Trust
		when  time.Time
		code  xmlsig.Code
	}{
		{name: "changed-content", doc: swap(t, signed, "Nováková", "Novotná"), code: xmlsig.CodeDigestMismatch},
		{name: "changed-whitespace-inside", doc: swap(t, signed, "</LIST_TEXT>", " </LIST_TEXT>"), code: xmlsig.CodeDigestMismatch},
		{name: "changed-attribute-added", doc: swap(t, signed, "<VYHOTOVENO>", `<VYHOTOVENO platne="ne">`), code: xmlsig.CodeDigestMismatch},
		{name: "comment-injection", doc: swap(t, signed, "Nováková", "Nová<!---->ková"), code: xmlsig.CodeComment},
		{name: "comment-outside-root", doc: append(append([]byte(nil), signed...), "<!-- x -->"...), code: xmlsig.CodeComment},
		{name: "unsigned", doc: []byte(unsigned), code: xmlsig.CodeMissingSig},
		// Signature moved down into the content: no longer the root's child.
		{name: "signature-moved", doc: []byte(strings.Replace(unsigned, "<LIST_TEXT>", "<LIST_TEXT>"+sig, 1)), code: xmlsig.CodeWrapping},
		// The signed document wrapped in an attacker's root.
		{name: "signed-document-wrapped", doc: []byte(`<Obal><Podvrh>999</Podvrh>` + strings.TrimPrefix(string(signed), `<?xml version="1.0" encoding="UTF-8"?>`) + `</Obal>`), code: xmlsig.CodeWrapping},
		{name: "second-signature-sibling", doc: []byte(strings.Replace(string(signed), sig, sig+sig, 1)), code: xmlsig.CodeWrapping},
		{name: "second-signature-in-content", doc: []byte(strings.Replace(string(signed), "<LIST_TEXT>", "<LIST_TEXT>"+signatureOf(t, other), 1)), code: xmlsig.CodeWrapping},
		{name: "enveloping", doc: []byte(strings.Replace(sig, "</ds:Signature>", "<ds:Object>"+string(report[39:])+"</ds:Object></ds:Signature>", 1)), code: xmlsig.CodeWrapping},
		// The original content hidden in a ds:Object, the visible content replaced.
		{name: "content-in-object", doc: swap(t, signed, "</ds:KeyInfo>", "</ds:KeyInfo><ds:Object><Podvrh/></ds:Object>"), code: CodeStructure},
		{name: "no-keyinfo", doc: []byte(regexp.MustCompile(`<ds:KeyInfo>.*</ds:KeyInfo>`).ReplaceAllString(string(signed), "")), code: xmlsig.CodeKeyReference},
		{name: "sha1", doc: rawSign(t, testKey(t, "signer"), testCert(t, "signer"), crypto.SHA1, "", report), code: xmlsig.CodeAlgorithm},
		{name: "sha512-allowed-but-digest-changed", doc: swap(t, rawSign(t, testKey(t, "signer"), testCert(t, "signer"), crypto.SHA512, "", report), "Jáma 12", "Jáma 13"), code: xmlsig.CodeDigestMismatch},
		{name: "xpath-transform", doc: swap(t, signed, xmlsig.AlgEnveloped, "http://www.w3.org/TR/1999/REC-xpath-19991116"), code: xmlsig.CodeAlgorithm},
		{name: "inclusive-c14n", doc: swap(t, signed, `<ds:CanonicalizationMethod Algorithm="`+xmlsig.AlgExcC14N, `<ds:CanonicalizationMethod Algorithm="http://www.w3.org/TR/2001/REC-xml-c14n-20010315`), code: xmlsig.CodeAlgorithm},
		{name: "no-enveloped-transform", doc: swap(t, signed, `<ds:Transform Algorithm="`+xmlsig.AlgEnveloped+`"/>`, ""), code: CodeStructure},
		{name: "reference-by-id", doc: rawSign(t, testKey(t, "signer"), testCert(t, "signer"), crypto.SHA256, "id", []byte(`<r id="x1"><a>1</a></r>`)), code: xmlsig.CodeNotCovered},
		{name: "weak-1024-bit-key", doc: rawSign(t, testKey(t, "weak"), testCert(t, "weak"), crypto.SHA256, "", report), code: xmlsig.CodeWeakKey},
		{name: "untrusted-self-signed", doc: other, code: xmlsig.CodeUntrusted},
		{name: "not-the-pinned-certificate", doc: signed, trust: pinnedTrust(t), code: xmlsig.CodeUntrusted},
		{name: "certificate-not-for-signing", doc: rawSign(t, testKey(t, "signer"), testCert(t, "enc"), crypto.SHA256, "", report), code: xmlsig.CodeUntrusted},
		{name: "certificate-not-yet-valid", doc: signed, when: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), code: xmlsig.CodeCertValidity},
		// A trusted certificate put in front of another key's signature.
		{name: "certificate-swapped", doc: swap(t, other, b64(testCert(t, "other").Raw), b64(testCert(t, "signer").Raw)), code: xmlsig.CodeBadSignature},
		{name: "signature-value-changed", doc: regexp.MustCompile(`<ds:SignatureValue>.`).ReplaceAll(signed, []byte("<ds:SignatureValue>A")), code: xmlsig.CodeBadSignature},
		{name: "signedinfo-changed", doc: swap(t, signed, `<ds:Reference URI="">`, `<ds:Reference URI="" Id="r">`), code: xmlsig.CodeBadSignature},
		{name: "doctype", doc: append([]byte(`<!DOCTYPE VypisZKatastruNemovitosti [<!ENTITY x "y">]>`), signed[39:]...), code: xmlsig.CodeForbidden},
		{name: "external-entity", doc: append([]byte(`<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>`), swap(t, signed[39:], "Jáma 12", "&xxe;")...), code: xmlsig.CodeForbidden},
		{name: "processing-instruction", doc: swap(t, signed, "<LIST_TEXT>", "<?evil x?><LIST_TEXT>"), code: xmlsig.CodeForbidden},
		{name: "duplicate-attribute", doc: swap(t, signed, `<ds:Reference URI="">`, `<ds:Reference URI="" URI="#x">`), code: xmlsig.CodeMalformed},
		{name: "deep-nesting", doc: []byte(strings.Repeat("<a>", 200) + strings.Repeat("</a>", 200)), code: xmlsig.CodeTooLarge},
		{name: "not-utf8", doc: []byte("<r>\xff</r>"), code: xmlsig.CodeMalformed},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tr := tc.trust
			if tr.Roots == nil && tr.Pinned == nil {
				tr = chainedTrust(t)
			}
			when := at
			if !tc.when.IsZero() {
				when = tc.when
			}
			v, err := NewVerifier(VerifierOptions{Trust: tr, Now: func() time.Time { return when }})
			if err != nil {
				t.Fatal(err)
			}
			res, err := v.Verify(tc.doc)
			if xmlsig.CodeOf(err) != tc.code || res != nil {
				t.Fatalf("%v, want %s", err, tc.code)
			}
			var e *xmlsig.Error
			if !errors.As(err, &e) || e.Message() == "" || e.MessageEN() == "" {
				t.Fatalf("no texts for %v", err)
			}
		})
	}
}

// TestRefusedSignaturesAreGenuine: the SHA-1, 1024-bit and URI="#id"
// documents above are signatures goxmldsig itself accepts, so the refusals
// are the policy's, not accidents of their making.
func TestRefusedSignaturesAreGenuine(t *testing.T) {
	report := readTestdata(t, "input/report.xml")
	for name, doc := range map[string][]byte{
		"sha1":         rawSign(t, testKey(t, "signer"), testCert(t, "signer"), crypto.SHA1, "", report),
		"reference-id": rawSign(t, testKey(t, "signer"), testCert(t, "signer"), crypto.SHA256, "id", []byte(`<r id="x1"><a>1</a></r>`)),
	} {
		if !goxmldsigAccepts(t, doc, testCert(t, "signer")) {
			t.Errorf("%s: goxmldsig refuses it too", name)
		}
	}
	if !goxmldsigAccepts(t, rawSign(t, testKey(t, "weak"), testCert(t, "weak"), crypto.SHA256, "", report), testCert(t, "weak")) {
		t.Error("weak: goxmldsig refuses it too")
	}
	// And a comment injected into signed text does not break the digest:
	// only the comment rule stops it.
	signed := mustSign(t, testSigner(t, "signer"), report)
	if !goxmldsigAccepts(t, swap(t, signed, "Nováková", "Nová<!---->ková"), testCert(t, "signer")) {
		t.Error("comment injection breaks the digest; the comment test proves nothing")
	}
}

// TestVerifyAccepts: variations that keep the signed content valid.
func TestVerifyAccepts(t *testing.T) {
	report := readTestdata(t, "input/report.xml")
	signed := mustSign(t, testSigner(t, "signer"), report)
	sig := signatureOf(t, signed)
	v := testVerifier(t, chainedTrust(t))
	cases := map[string][]byte{
		"as-signed":             signed,
		"signature-last":        []byte(strings.Replace(strings.Replace(string(signed), sig, "", 1), "</VypisZKatastruNemovitosti>", sig+"</VypisZKatastruNemovitosti>", 1)),
		"no-xml-declaration":    signed[39:],
		"byte-order-mark":       append([]byte("\xEF\xBB\xBF"), signed...),
		"whitespace-after-root": append(append([]byte(nil), signed...), "\n\n"...),
		"base64-wrapped":        regexp.MustCompile(`(<ds:SignatureValue>.{64})`).ReplaceAll(signed, []byte("$1\n")),
	}
	for name, doc := range cases {
		t.Run(name, func(t *testing.T) {
			res, err := v.Verify(doc)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(res.Canonical, []byte("<VypisZKatastruNemovitosti><LIST_TEXT>")) {
				t.Fatalf("canonical:\n%.200s", res.Canonical)
			}
		})
	}
}

func TestVerifierLimits(t *testing.T) {
	signed := mustSign(t, testSigner(t, "signer"), readTestdata(t, "input/report.xml"))
	for name, l := range map[string]Limits{
		"bytes":      {MaxBytes: len(signed) - 1},
		"elements":   {MaxElements: 20},
		"depth":      {MaxDepth: 4},
		"attributes": {MaxAttributes: 0 + 1},
	} {
		t.Run(name, func(t *testing.T) {
			v, err := NewVerifier(VerifierOptions{Trust: chainedTrust(t), Now: func() time.Time { return at }, Limits: l})
			if err != nil {
				t.Fatal(err)
			}
			doc := signed
			if name == "attributes" {
				doc = swap(t, signed, "<VYHOTOVENO>", `<VYHOTOVENO a="1" b="2">`)
			}
			if _, err := v.Verify(doc); xmlsig.CodeOf(err) != xmlsig.CodeTooLarge {
				t.Fatalf("%v", err)
			}
		})
	}
	if _, err := NewVerifier(VerifierOptions{}); !errors.Is(err, ErrNoTrust) {
		t.Fatalf("no trust: %v", err)
	}
}

func TestCheckReport(t *testing.T) {
	signed := mustSign(t, testSigner(t, "signer"), readTestdata(t, "input/report.xml"))
	r := Check(signed, chainedTrust(t), at)
	if !r.Valid || r.Mode != Mode || len(r.References) != 1 || r.References[0].Element != "VypisZKatastruNemovitosti" ||
		r.References[0].URI != "" || r.Signer != "CN=docsig test seal,O=konektor docsig test,C=CZ" || r.Issuer != "CN=docsig test CA,O=konektor docsig test,C=CZ" {
		t.Fatalf("%+v", r)
	}
	r = Check(swap(t, signed, "Nováková", "Novotná"), chainedTrust(t), at)
	if r.Valid || r.Code != xmlsig.CodeDigestMismatch || r.Reason != "podepsaný obsah byl změněn" || len(r.References) != 0 {
		t.Fatalf("%+v", r)
	}
	if r := Check(signed, xmlsig.Trust{}, at); r.Valid || r.ReasonEN != "invalid verification setup" {
		t.Fatalf("%+v", r)
	}
	if IsSOAPEnvelope(signed) || !IsSOAPEnvelope([]byte(`<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body/></s:Envelope>`)) {
		t.Fatal("IsSOAPEnvelope")
	}
}

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
