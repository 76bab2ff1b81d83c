package docsig

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/beevik/etree"

	"konektor/certs/xmlsig"
)

// TestSignAndVerify: a sealed document verifies, the Signature is the
// root's first child with the required algorithms, and the verified
// canonical bytes are the document's exclusive canonical form without it.
func TestSignAndVerify(t *testing.T) {
	cases := []struct {
		name, input, signer, root, canonical string
		pinned                               bool
	}{
		{name: "report-chained", input: "report.xml", signer: "signer", root: "VypisZKatastruNemovitosti",
			canonical: `<VypisZKatastruNemovitosti><LIST_TEXT><TEXTY><ZAHLAVI_LV><OKRES><nuts4>CZ0315</nuts4>`},
		{name: "report-pinned-3072", input: "report.xml", signer: "pinned", pinned: true, root: "VypisZKatastruNemovitosti",
			canonical: `<poznamka>Text &amp; &lt;znaky&gt; "uvozovky" &#xD; konec</poznamka>`},
		{name: "namespaces", input: "namespaced.xml", signer: "signer", root: "Report",
			canonical: `<r:Report xmlns:r="urn:example:report" id="R-1" r:version="2">
  <r:Header xml:lang="cs"><Title xmlns="urn:example:default">Výpis — zkouška</Title></r:Header>
  <Body xmlns="urn:example:default" xmlns:a="urn:a" xmlns:b="urn:b" a:first="1" b:second="2">
    <Item kind="parcel">St. 77</Item>
    &lt;not markup&gt; &amp; text
    <Empty></Empty>
  </Body>
</r:Report>`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			signed := mustSign(t, testSigner(t, tc.signer), readTestdata(t, "input/"+tc.input))
			tr := chainedTrust(t)
			if tc.pinned {
				tr = pinnedTrust(t)
			}
			res, err := testVerifier(t, tr).Verify(signed)
			if err != nil {
				t.Fatalf("verify: %v\n%s", err, signed)
			}
			if res.Root != tc.root || !strings.Contains(res.Subject, "CN=docsig") || !res.Signer.Equal(testCert(t, tc.signer)) ||
				res.SignatureMethod != xmlsig.AlgRSASHA256 || res.DigestMethod != xmlsig.AlgSHA256 || len(res.SignatureID) != 64 {
				t.Fatalf("result %+v", res)
			}
			if !bytes.Contains(res.Canonical, []byte(tc.canonical)) || bytes.Contains(res.Canonical, []byte("Signature")) {
				t.Fatalf("canonical bytes:\n%s", res.Canonical)
			}
			doc := etree.NewDocument()
			if err := doc.ReadFromBytes(signed); err != nil {
				t.Fatal(err)
			}
			first := doc.Root().ChildElements()[0]
			if first.Tag != "Signature" || first.NamespaceURI() != xmlsig.NamespaceDS {
				t.Fatalf("first child of the root is %s", first.Tag)
			}
			for _, want := range []string{
				`<ds:CanonicalizationMethod Algorithm="` + xmlsig.AlgExcC14N + `"/>`,
				`<ds:SignatureMethod Algorithm="` + xmlsig.AlgRSASHA256 + `"/>`,
				`<ds:Reference URI=""><ds:Transforms><ds:Transform Algorithm="` + xmlsig.AlgEnveloped + `"/><ds:Transform Algorithm="` + xmlsig.AlgExcC14N + `"/></ds:Transforms>`,
				`<ds:DigestMethod Algorithm="` + xmlsig.AlgSHA256 + `"/>`,
				`<ds:KeyInfo><ds:X509Data><ds:X509Certificate>`,
			} {
				if !bytes.Contains(signed, []byte(want)) {
					t.Errorf("signature lacks %s", want)
				}
			}
		})
	}
}

// TestSignKeepsTheDocument: apart from the Signature, the sealed document
// is the input (the namespaces the canonical form leaves out stay, the
// attribute order stays).
func TestSignKeepsTheDocument(t *testing.T) {
	in := readTestdata(t, "input/namespaced.xml")
	signed := mustSign(t, testSigner(t, "signer"), in)
	start := bytes.Index(signed, []byte("<ds:Signature"))
	end := bytes.Index(signed, []byte("</ds:Signature>"))
	if start < 0 || end < start {
		t.Fatal("no signature")
	}
	rest := string(signed[:start]) + string(signed[end+len("</ds:Signature>"):])
	want := strings.Replace(string(in), "<![CDATA[<not markup> & text]]>", "&lt;not markup&gt; &amp; text", 1)
	if rest != want {
		t.Fatalf("document changed:\n%s\nwant\n%s", rest, want)
	}
}

// TestSignRefuses: what the verifier would refuse is not sealed either.
func TestSignRefuses(t *testing.T) {
	s := testSigner(t, "signer")
	signed := mustSign(t, s, readTestdata(t, "input/report.xml"))
	if _, err := s.Sign(signed); !errors.Is(err, ErrAlreadySigned) {
		t.Fatalf("signed twice: %v", err)
	}
	cases := []struct {
		name, doc string
		code      xmlsig.Code
	}{
		{"doctype", `<!DOCTYPE r [<!ENTITY x "y">]><r>&x;</r>`, xmlsig.CodeForbidden},
		{"processing-instruction", `<?xml version="1.0"?><?xml-stylesheet href="x.xsl"?><r/>`, xmlsig.CodeForbidden},
		{"comment", `<r>a<!-- b -->c</r>`, xmlsig.CodeComment},
		{"undeclaration", `<r xmlns="urn:r"><a xmlns=""/></r>`, CodeUnsupported},
		{"attribute-order", `<r xmlns:p="urn:z" xmlns:q="urn:a" p:a="1" q:b="2"/>`, CodeUnsupported},
		{"relative-namespace", `<r xmlns="rel"/>`, CodeUnsupported},
		{"newline-in-attribute", "<r a=\"x\ny\"/>", CodeUnsupported},
		{"not-well-formed", `<r><a></r>`, xmlsig.CodeMalformed},
		{"two-roots", `<r/><s/>`, xmlsig.CodeMalformed},
		{"duplicate-attribute", `<r a="1" a="2"/>`, xmlsig.CodeMalformed},
		{"windows-1250", `<?xml version="1.0" encoding="windows-1250"?><r/>`, xmlsig.CodeMalformed},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := s.Sign([]byte(tc.doc)); xmlsig.CodeOf(err) != tc.code {
				t.Fatalf("%v, want %s", err, tc.code)
			}
		})
	}
	// Prefixed attributes whose canonical order goxmldsig reproduces are fine.
	if _, err := s.Sign([]byte(`<r xmlns:p="urn:a" xmlns:q="urn:z" p:a="1" q:b="2"/>`)); err != nil {
		t.Fatal(err)
	}
}

func TestNewSignerKeyPolicy(t *testing.T) {
	if _, err := NewSigner(testKey(t, "weak"), testCert(t, "weak"), SignerOptions{}); !errors.Is(err, ErrSignerKey) {
		t.Fatalf("1024-bit key: %v", err)
	}
	if _, err := NewSigner(testKey(t, "signer"), testCert(t, "other"), SignerOptions{}); !errors.Is(err, ErrSignerKey) {
		t.Fatalf("key of another certificate: %v", err)
	}
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := NewSigner(k, nil, SignerOptions{}); !errors.Is(err, ErrSignerKey) {
		t.Fatalf("no certificate: %v", err)
	}
}

// TestSignWithChain: the chain given is sent in X509Data after the signing
// certificate, and a verifier trusting only the root accepts it.
func TestSignWithChain(t *testing.T) {
	s, err := NewSigner(testKey(t, "signer"), testCert(t, "signer"), SignerOptions{Chain: []*x509.Certificate{testCert(t, "ca")}})
	if err != nil {
		t.Fatal(err)
	}
	signed := mustSign(t, s, []byte(`<r>x</r>`))
	if n := bytes.Count(signed, []byte("<ds:X509Certificate>")); n != 2 {
		t.Fatalf("%d certificates in X509Data", n)
	}
	if _, err := testVerifier(t, chainedTrust(t)).Verify(signed); err != nil {
		t.Fatal(err)
	}
}

// TestConcurrentUse: one Signer and one Verifier serve many goroutines
// (the sandbox seals and the adapter verifies reports concurrently).
func TestConcurrentUse(t *testing.T) {
	s := testSigner(t, "signer")
	v := testVerifier(t, chainedTrust(t))
	in := readTestdata(t, "input/report.xml")
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			signed, err := s.Sign(in)
			if err == nil {
				_, err = v.Verify(signed)
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
}
