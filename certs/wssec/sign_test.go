package wssec

import (
	"bytes"
	"encoding/base64"
	"errors"
	"testing"
	"time"
)

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

func TestNewSigner(t *testing.T) {
	signer, weak, ec := loadPair(t, "signer"), loadPair(t, "weak"), loadPair(t, "ecdsa")
	cases := []struct {
		name string
		make func() (*Signer, error)
		ok   bool
	}{
		{name: "rsa-2048", make: func() (*Signer, error) { return NewSigner(signer.Key, signer.Leaf(), SignerOptions{}) }, ok: true},
		{name: "rsa-1024", make: func() (*Signer, error) { return NewSigner(weak.Key, weak.Leaf(), SignerOptions{}) }},
		{name: "ecdsa", make: func() (*Signer, error) { return NewSigner(ec.Key, ec.Leaf(), SignerOptions{}) }},
		{name: "key-certificate-mismatch", make: func() (*Signer, error) { return NewSigner(signer.Key, weak.Leaf(), SignerOptions{}) }},
		{name: "nil-key", make: func() (*Signer, error) { return NewSigner(nil, signer.Leaf(), SignerOptions{}) }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, err := tc.make()
			if tc.ok {
				if err != nil || s.Certificate() != signer.Leaf() {
					t.Fatalf("err %v", err)
				}
				return
			}
			if !errors.Is(err, ErrSignerKey) {
				t.Fatalf("got %v, want ErrSignerKey", err)
			}
		})
	}
	if _, err := NewSigner(signer.Key, signer.Leaf(), SignerOptions{TTL: -time.Second}); err == nil {
		t.Fatal("negative TTL accepted")
	}
}

func TestSign(t *testing.T) {
	s := testSigner(t, "signer", t0)
	cases := []struct {
		name    string
		in      []byte
		wantErr error
		code    Code
	}{
		{name: "already-signed", in: readTestdata(t, "valid/wss-soap11.xml"), wantErr: ErrAlreadySigned},
		{name: "xmlsec1-signed", in: readTestdata(t, "valid/xmlsec1-enveloped.xml"), wantErr: ErrAlreadySigned},
		{name: "not-soap", in: []byte(`<a/>`), code: CodeStructure},
		{name: "doctype", in: []byte(`<!DOCTYPE a><a/>`), code: CodeForbidden},
		{name: "security-outside-header", in: []byte(`<s:Envelope xmlns:s="` + nsSOAP11 + `"><s:Header><x><w:Security xmlns:w="` + nsWSSE + `"/></x></s:Header><s:Body/></s:Envelope>`)},
		{name: "two-security-headers", in: []byte(`<s:Envelope xmlns:s="` + nsSOAP11 + `"><s:Header><w:Security xmlns:w="` + nsWSSE + `"/><w:Security xmlns:w="` + nsWSSE + `"/></s:Header><s:Body/></s:Envelope>`)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.Sign(tc.in)
			if err == nil {
				t.Fatal("signed")
			}
			if tc.wantErr != nil && !errors.Is(err, tc.wantErr) {
				t.Fatalf("got %v, want %v", err, tc.wantErr)
			}
			if CodeOf(err) != tc.code {
				t.Fatalf("got %v, want code %q", err, tc.code)
			}
		})
	}
}

func TestSignDeterministicAndRoundTrip(t *testing.T) {
	in := readTestdata(t, "input/envelope.xml")
	s := testSigner(t, "signer", t0)
	a, b := mustSign(t, s, in), mustSign(t, s, in)
	if !bytes.Equal(a, b) {
		t.Fatal("signing is not deterministic for a fixed clock")
	}
	if !bytes.Equal(a, readTestdata(t, "valid/wss-soap11.xml")) {
		t.Fatal("signature differs from the golden file; rerun with -update if the change is intended")
	}
	// Existing wsu:Id on the Body and colliding IDs elsewhere are respected.
	withIDs := replace(t, in, "<soap:Body>", `<soap:Body xmlns:u="`+nsWSU+`" u:Id="payload">`)
	withIDs = replace(t, withIDs, "<reg:MessageInfo>", `<reg:MessageInfo Id="TS-1">`)
	out := mustSign(t, s, withIDs)
	res, err := pinnedVerifier(t, goldenAt).Verify(bg, out)
	if err != nil {
		t.Fatal(err)
	}
	if res.References[0].URI != "#payload" || res.References[1].URI != "#TS-2" {
		t.Fatalf("references %v", res.References)
	}
	// TTL option.
	s2, err := NewSigner(loadPair(t, "signer").Key, loadCert(t, "signer"), SignerOptions{Now: fixedClock(t0), TTL: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	res, err = pinnedVerifier(t, t0).Verify(bg, mustSign(t, s2, in))
	if err != nil || !res.Expires.Equal(t0.Add(time.Minute)) {
		t.Fatalf("expires %v err %v", res.Expires, err)
	}
}
