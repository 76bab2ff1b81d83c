package xmlsig

import (
	"crypto"
	"testing"
)

func TestAllowLists(t *testing.T) {
	tests := []struct {
		uri       string
		signature bool // a SignatureMethod, else a DigestMethod
		hash      crypto.Hash
		allowed   bool
	}{
		{uri: AlgRSASHA256, signature: true, hash: crypto.SHA256, allowed: true},
		{uri: AlgRSASHA384, signature: true, hash: crypto.SHA384, allowed: true},
		{uri: AlgRSASHA512, signature: true, hash: crypto.SHA512, allowed: true},
		{uri: AlgRSASHA1, signature: true, hash: crypto.SHA1},
		{uri: "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256", signature: true},
		{uri: AlgSHA256, signature: true}, // a digest is no signature method
		{uri: AlgSHA256, hash: crypto.SHA256, allowed: true},
		{uri: AlgSHA384, hash: crypto.SHA384, allowed: true},
		{uri: AlgSHA512, hash: crypto.SHA512, allowed: true},
		{uri: AlgSHA1, hash: crypto.SHA1},
		{uri: AlgRSASHA256}, // a signature method is no digest
		{uri: ""},
	}
	for _, tc := range tests {
		h, ok := DigestHash(tc.uri)
		name := SignatureMethod(tc.hash)
		if !tc.signature {
			name = DigestMethod(tc.hash)
		} else {
			h, ok = SignatureHash(tc.uri)
		}
		if ok != tc.allowed || (ok && h != tc.hash) {
			t.Errorf("%s (signature %v): hash %v allowed %v, want %v %v", tc.uri, tc.signature, h, ok, tc.hash, tc.allowed)
		}
		if tc.hash != 0 && name != tc.uri {
			t.Errorf("the name of %v is %q, want %q", tc.hash, name, tc.uri)
		}
	}
	if SignatureMethod(crypto.MD5) != "" || DigestMethod(crypto.MD5) != "" {
		t.Error("MD5 has a name")
	}
}
