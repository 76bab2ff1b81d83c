package wssec

import (
	"bytes"
	"crypto/x509"
	"encoding/base64"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// xmlsec1IDArgs declares the ID attributes xmlsec1 must know to resolve
// #id references in WS-Security messages.
func xmlsec1IDArgs(soapNS string) []string {
	return []string{"--id-attr:Id", soapNS + ":Body", "--id-attr:Id", nsWSU + ":Timestamp"}
}

// runXmlsec1 runs xmlsec1 with args and returns its combined output.
func runXmlsec1(t *testing.T, args ...string) (string, error) {
	t.Helper()
	out, err := exec.Command(xmlsec1(t), args...).CombinedOutput()
	return string(out), err
}

// TestXmlsec1VerifiesOurSignatures: every signature konektor makes verifies
// with the C reference implementation.
func TestXmlsec1VerifiesOurSignatures(t *testing.T) {
	xmlsec1(t)
	cases := []struct {
		name   string
		input  string
		signer string
		soapNS string
	}{
		{name: "soap11-rsa2048", input: "envelope.xml", signer: "signer", soapNS: nsSOAP11},
		{name: "soap12-special-characters", input: "envelope12.xml", signer: "signer", soapNS: nsSOAP12},
		{name: "soap11-rsa3072-seal", input: "envelope.xml", signer: "seal3072", soapNS: nsSOAP11},
		{name: "soap11-default-namespace", input: "envelope-default-ns.xml", signer: "signer", soapNS: nsSOAP11},
		{name: "soap11-existing-security-header", input: "envelope-existing-security.xml", signer: "signer", soapNS: nsSOAP11},
		// Attribute order by namespace URI and xmlns="" handling, where
		// goxmldsig's canonicalizer differs from the specification.
		{name: "soap11-c14n-edge-cases", input: "envelope-c14n-edge.xml", signer: "signer", soapNS: nsSOAP11},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			signed := mustSign(t, testSigner(t, tc.signer, t0), readTestdata(t, "input/"+tc.input))
			file := filepath.Join(t.TempDir(), "signed.xml")
			if err := os.WriteFile(file, signed, 0o600); err != nil {
				t.Fatal(err)
			}
			args := append([]string{"--verify", "--pubkey-cert-pem", filepath.Join("testdata", "keys", tc.signer+".pem")}, xmlsec1IDArgs(tc.soapNS)...)
			out, err := runXmlsec1(t, append(args, file)...)
			if err != nil || !strings.Contains(out, "SignedInfo References (ok/all): 2/2") {
				t.Fatalf("xmlsec1 rejected our signature: %v\n%s", err, out)
			}
			// And a tampered copy must fail there too, or the check proves nothing.
			tampered := signed
			for _, swap := range [][2]string{{"RECEIVED", "REJECTED"}, {"Text with", "Text WITH"}, {"<Id>42", "<Id>43"}, {"Žádost", "Zadost"}, {"no namespace", "no-namespace"}} {
				tampered = bytes.Replace(tampered, []byte(swap[0]), []byte(swap[1]), 1)
			}
			if bytes.Equal(tampered, signed) {
				t.Fatal("test input has nothing to tamper with")
			}
			os.WriteFile(file, tampered, 0o600)
			if out, err := runXmlsec1(t, append(args, file)...); err == nil {
				t.Fatalf("xmlsec1 accepted a tampered envelope:\n%s", out)
			}
		})
	}
}

// xmlsec1Template is a SOAP 1.1 envelope with a WS-Security header whose
// signature xmlsec1 fills in. keyInfo and refs vary per case.
const xmlsec1Template = `<?xml version="1.0" encoding="UTF-8"?>
<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">
  <soap:Header>
    <wsse:Security xmlns:wsse="%[1]s" xmlns:wsu="%[2]s" soap:mustUnderstand="1">
      <wsse:BinarySecurityToken EncodingType="%[3]s" ValueType="%[4]s" wsu:Id="BST-x">%[5]s</wsse:BinarySecurityToken>
      <wsu:Timestamp wsu:Id="TS-x">
        <wsu:Created>2026-11-23T11:59:30Z</wsu:Created>
        <wsu:Expires>2026-11-23T12:04:30Z</wsu:Expires>
      </wsu:Timestamp>
      <ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#">
        <ds:SignedInfo>
          <ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>
          <ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/>%[6]s
        </ds:SignedInfo>
        <ds:SignatureValue/>
        <ds:KeyInfo>%[7]s</ds:KeyInfo>
      </ds:Signature>
    </wsse:Security>
  </soap:Header>
  <soap:Body xmlns:wsu="%[2]s" wsu:Id="Body-x">
    <q:Request xmlns:q="urn:example:q"><q:Name>Jan Novák</q:Name></q:Request>
  </soap:Body>
</soap:Envelope>
`

const (
	xmlsec1RefsWSS = `
          <ds:Reference URI="#Body-x">
            <ds:Transforms><ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/></ds:Transforms>
            <ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue/>
          </ds:Reference>
          <ds:Reference URI="#TS-x">
            <ds:Transforms><ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/></ds:Transforms>
            <ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue/>
          </ds:Reference>`
	xmlsec1RefsInclusive = `
          <ds:Reference URI="#Body-x">
            <ds:Transforms><ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"><ec:InclusiveNamespaces xmlns:ec="http://www.w3.org/2001/10/xml-exc-c14n#" PrefixList="#default"/></ds:Transform></ds:Transforms>
            <ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue/>
          </ds:Reference>
          <ds:Reference URI="#TS-x">
            <ds:Transforms><ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"><ec:InclusiveNamespaces xmlns:ec="http://www.w3.org/2001/10/xml-exc-c14n#" PrefixList="wsse soap"/></ds:Transform></ds:Transforms>
            <ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue/>
          </ds:Reference>`
	xmlsec1RefsEnveloped = `
          <ds:Reference URI="">
            <ds:Transforms>
              <ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>
              <ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>
            </ds:Transforms>
            <ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue/>
          </ds:Reference>`
	xmlsec1KeyInfoSTR  = `<wsse:SecurityTokenReference><wsse:Reference URI="#BST-x" ValueType="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0#X509v3"/></wsse:SecurityTokenReference>`
	xmlsec1KeyInfoX509 = `<ds:X509Data/>`
)

// xmlsec1Sign fills the template with xmlsec1 and returns the signed bytes.
func xmlsec1Sign(t *testing.T, signer, refs, keyInfo string) []byte {
	t.Helper()
	dir := t.TempDir()
	cert := loadCert(t, signer)
	tmpl := fmt.Sprintf(xmlsec1Template, nsWSSE, nsWSU, encodingBase64, valueTypeX509v3,
		base64.StdEncoding.EncodeToString(cert.Raw), refs, keyInfo)
	in, out := filepath.Join(dir, "template.xml"), filepath.Join(dir, "signed.xml")
	if err := os.WriteFile(in, []byte(tmpl), 0o600); err != nil {
		t.Fatal(err)
	}
	key := filepath.Join("testdata", "keys", signer+"-key.pem") + "," + filepath.Join("testdata", "keys", signer+".pem")
	args := append([]string{"--sign", "--privkey-pem", key}, xmlsec1IDArgs(nsSOAP11)...)
	if msg, err := runXmlsec1(t, append(args, "--output", out, in)...); err != nil {
		t.Fatalf("xmlsec1 --sign: %v\n%s", err, msg)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestOurVerifierAcceptsXmlsec1Signatures: signatures the C reference
// implementation makes verify with ours, pinned or chained.
func TestOurVerifierAcceptsXmlsec1Signatures(t *testing.T) {
	xmlsec1(t)
	roots := x509.NewCertPool()
	roots.AddCert(loadCert(t, "ca"))
	cases := []struct {
		name     string
		refs     string
		keyInfo  string
		mode     string
		wantRefs string
	}{
		{name: "wss-token-reference", refs: xmlsec1RefsWSS, keyInfo: xmlsec1KeyInfoSTR, mode: ModeWSSecurity, wantRefs: "#Body-x Body,#TS-x Timestamp"},
		{name: "wss-x509data", refs: xmlsec1RefsWSS, keyInfo: xmlsec1KeyInfoX509, mode: ModeWSSecurity, wantRefs: "#Body-x Body,#TS-x Timestamp"},
		{name: "wss-inclusive-namespaces", refs: xmlsec1RefsInclusive, keyInfo: xmlsec1KeyInfoSTR, mode: ModeWSSecurity, wantRefs: "#Body-x Body,#TS-x Timestamp"},
		{name: "enveloped-x509data", refs: xmlsec1RefsEnveloped, keyInfo: xmlsec1KeyInfoX509, mode: ModeEnveloped, wantRefs: " Envelope"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			signed := xmlsec1Sign(t, "signer", tc.refs, tc.keyInfo)
			for _, trust := range []struct {
				name string
				mut  func(*VerifierOptions)
			}{
				{"pinned", func(*VerifierOptions) {}},
				{"chained", func(o *VerifierOptions) { o.Trust = Trust{Roots: roots} }},
			} {
				res, err := pinnedVerifier(t, t0, trust.mut).Verify(bg, signed)
				if err != nil {
					t.Fatalf("%s: %v", trust.name, err)
				}
				var refs []string
				for _, r := range res.References {
					refs = append(refs, r.URI+" "+r.Element)
				}
				if res.Mode != tc.mode || strings.Join(refs, ",") != tc.wantRefs {
					t.Fatalf("%s: mode %s refs %v", trust.name, res.Mode, refs)
				}
				if !bytes.Contains(res.Body, []byte("<q:Name>Jan Novák</q:Name>")) {
					t.Fatalf("%s: verified body %s", trust.name, res.Body)
				}
			}
			// Tampering after xmlsec1 signed must be caught.
			tampered := bytes.Replace(signed, []byte("Jan Novák"), []byte("Eva Nováková"), 1)
			if _, err := pinnedVerifier(t, t0).Verify(bg, tampered); CodeOf(err) != CodeDigestMismatch {
				t.Fatalf("tampered: %v, want %s", err, CodeDigestMismatch)
			}
		})
	}
}
