package docsig

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"konektor/certs/xmlsig"
)

// xmlsec1 returns the path of the xmlsec1 binary or skips the test.
func xmlsec1(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("xmlsec1")
	if err != nil {
		t.Skip("xmlsec1 not installed")
	}
	return p
}

func runXmlsec1(t *testing.T, args ...string) (string, error) {
	t.Helper()
	out, err := exec.Command(xmlsec1(t), args...).CombinedOutput()
	return string(out), err
}

func writeTemp(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestXmlsec1VerifiesOurSignatures: `xmlsec1 --verify --trusted-pem`
// accepts the documents konektor seals (chained to a CA, and a pinned
// self-signed seal), and refuses them once changed.
func TestXmlsec1VerifiesOurSignatures(t *testing.T) {
	xmlsec1(t)
	cases := []struct{ name, input, signer, trusted, tamperFrom, tamperTo string }{
		{"report-chained", "report.xml", "signer", "ca.pem", "Nováková", "Novotná"},
		{"report-pinned", "report.xml", "pinned", "pinned.pem", "1/2", "2/2"},
		{"namespaces-cdata", "namespaced.xml", "signer", "ca.pem", "St. 77", "St. 78"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			signed := mustSign(t, testSigner(t, tc.signer), readTestdata(t, "input/"+tc.input))
			args := []string{"--verify", "--trusted-pem", keyPath(tc.trusted)}
			out, err := runXmlsec1(t, append(args, writeTemp(t, "signed.xml", signed))...)
			if err != nil || !strings.Contains(out, "SignedInfo References (ok/all): 1/1") {
				t.Fatalf("xmlsec1 refused our signature: %v\n%s", err, out)
			}
			tampered := swap(t, signed, tc.tamperFrom, tc.tamperTo)
			if out, err := runXmlsec1(t, append(args, writeTemp(t, "tampered.xml", tampered))...); err == nil {
				t.Fatalf("xmlsec1 accepted a changed document:\n%s", out)
			}
		})
	}
}

// Templates xmlsec1 fills in: a signature in the default namespace (as many
// Java and .NET signers write it) placed last, and a ds-prefixed one first
// with an InclusiveNamespaces prefix list.
const (
	xmlsec1DefaultNS = `<?xml version="1.0" encoding="UTF-8"?>
<Zprava xmlns="urn:example:zprava" verze="1">
  <Obsah>Výpis pro <b>Jana Nováková</b> &amp; spol.</Obsah>
  <Signature xmlns="http://www.w3.org/2000/09/xmldsig#">
    <SignedInfo>
      <CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>
      <SignatureMethod Algorithm="%[1]s"/>
      <Reference URI="">
        <Transforms>
          <Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>
          <Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>
        </Transforms>
        <DigestMethod Algorithm="%[2]s"/>
        <DigestValue/>
      </Reference>
    </SignedInfo>
    <SignatureValue/>
    <KeyInfo><X509Data><X509Certificate/></X509Data></KeyInfo>
  </Signature>
</Zprava>
`
	xmlsec1Prefixed = `<?xml version="1.0" encoding="UTF-8"?>
<v:Vypis xmlns:v="urn:example:vypis" xmlns:p="urn:example:p"><ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo><ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/><ds:SignatureMethod Algorithm="%[1]s"/><ds:Reference URI=""><ds:Transforms><ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/><ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"><ec:InclusiveNamespaces xmlns:ec="http://www.w3.org/2001/10/xml-exc-c14n#" PrefixList="p"/></ds:Transform></ds:Transforms><ds:DigestMethod Algorithm="%[2]s"/><ds:DigestValue/></ds:Reference></ds:SignedInfo><ds:SignatureValue/><ds:KeyInfo><ds:X509Data><ds:X509Certificate/></ds:X509Data></ds:KeyInfo></ds:Signature>
  <v:Polozka typ="p:parcela">St. 77</v:Polozka>
</v:Vypis>
`
)

// TestWeVerifyXmlsec1Signatures: documents xmlsec1 signed from a template
// verify here, and fail once changed; an RSA-SHA1 one xmlsec1 itself
// accepts is refused by policy.
func TestWeVerifyXmlsec1Signatures(t *testing.T) {
	xmlsec1(t)
	v := testVerifier(t, chainedTrust(t))
	cases := []struct {
		name, template, sigAlg, digAlg string
		code                           xmlsig.Code
		tamperFrom, tamperTo           string
	}{
		{name: "default-namespace-signature-last", template: xmlsec1DefaultNS, sigAlg: xmlsig.AlgRSASHA256, digAlg: xmlsig.AlgSHA256, tamperFrom: "&amp; spol.", tamperTo: "a spol."},
		{name: "prefixed-inclusive-namespaces", template: xmlsec1Prefixed, sigAlg: xmlsig.AlgRSASHA512, digAlg: xmlsig.AlgSHA384, tamperFrom: "St. 77", tamperTo: "St. 78"},
		{name: "rsa-sha1", template: xmlsec1DefaultNS, sigAlg: "http://www.w3.org/2000/09/xmldsig#rsa-sha1", digAlg: "http://www.w3.org/2000/09/xmldsig#sha1", code: xmlsig.CodeAlgorithm},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tmpl := writeTemp(t, "template.xml", []byte(sprintf(tc.template, tc.sigAlg, tc.digAlg)))
			out := filepath.Join(t.TempDir(), "signed.xml")
			if msg, err := runXmlsec1(t, "--sign", "--privkey-pem", keyPath("signer-key.pem")+","+keyPath("signer.pem"), "--output", out, tmpl); err != nil {
				t.Fatalf("xmlsec1 --sign: %v\n%s", err, msg)
			}
			if msg, err := runXmlsec1(t, "--verify", "--trusted-pem", keyPath("ca.pem"), out); err != nil {
				t.Fatalf("xmlsec1 does not verify its own signature: %v\n%s", err, msg)
			}
			signed, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			res, err := v.Verify(signed)
			if xmlsig.CodeOf(err) != tc.code {
				t.Fatalf("%v, want %q\n%s", err, tc.code, signed)
			}
			if tc.code != "" {
				return
			}
			if bytes.Contains(res.Canonical, []byte("Signature")) || !bytes.Contains(res.Canonical, []byte(tc.tamperFrom)) {
				t.Fatalf("canonical:\n%s", res.Canonical)
			}
			if _, err := v.Verify(swap(t, signed, tc.tamperFrom, tc.tamperTo)); xmlsig.CodeOf(err) != xmlsig.CodeDigestMismatch {
				t.Fatalf("changed document: %v", err)
			}
		})
	}
}

func sprintf(format string, args ...any) string { return fmt.Sprintf(format, args...) }
