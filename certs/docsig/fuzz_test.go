package docsig

import (
	"bytes"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"konektor/certs/xmlsig"
)

// FuzzVerify feeds the verifier arbitrary documents (seeds in
// testdata/fuzz/FuzzVerify: signed reports, xmlsec1-signed documents and
// attacks). It must never panic, every refusal must be a classified
// *xmlsig.Error, and whatever it accepts must be signed by the one usable
// certificate under the test CA, with comment-free canonical bytes.
func FuzzVerify(f *testing.F) {
	for _, s := range []string{
		`<r/>`,
		`<r><ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"/></r>`,
		`<!DOCTYPE r [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><r>&b;</r>`,
		`<r xmlns:p="urn:p" p:a="1" p:a="2"/>`,
	} {
		f.Add([]byte(s))
	}
	v := testVerifier(f, chainedTrust(f))
	signer := testCert(f, "signer")
	f.Fuzz(func(t *testing.T, doc []byte) {
		res, err := v.Verify(doc)
		if err != nil {
			if res != nil || xmlsig.CodeOf(err) == "" {
				t.Fatalf("result %v with unclassified error %v", res, err)
			}
			return
		}
		if !res.Signer.Equal(signer) || len(res.Canonical) == 0 || bytes.Contains(res.Canonical, []byte("<!--")) ||
			bytes.Contains(res.Canonical, []byte("SignatureValue")) {
			t.Fatalf("accepted %+v\n%s", res, res.Canonical)
		}
	})
}

// TestFuzzSeedsStillVerify: the signed seeds are valid documents, so the
// fuzzer starts from inputs that reach the cryptographic checks.
func TestFuzzSeedsStillVerify(t *testing.T) {
	v := testVerifier(t, chainedTrust(t))
	for _, name := range []string{"signed-report", "signed-namespaces", "xmlsec1-default-ns"} {
		raw := readTestdata(t, filepath.Join("fuzz", "FuzzVerify", name))
		_, quoted, ok := strings.Cut(strings.TrimSpace(string(raw)), "\n")
		quoted = strings.TrimSuffix(strings.TrimPrefix(quoted, "[]byte("), ")")
		doc, err := strconv.Unquote(quoted)
		if !ok || err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if _, err := v.Verify([]byte(doc)); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}
