package certs

import (
	"errors"
	"strings"
	"testing"
)

func TestPKCS12(t *testing.T) {
	dir := t.TempDir()
	ca := testCA(t, "test CA")
	a := testLeaf(t, ca, "a")
	withCA := &KeyPair{Key: a.Key, Chain: append(a.Chain, ca.Leaf())}
	p12, err := EncodePKCS12(withCA, "heslo")
	if err != nil {
		t.Fatal(err)
	}
	file := writeFile(t, dir, "a.p12", p12)
	notP12 := writeFile(t, dir, "x.p12", []byte("not pkcs12"))
	cases := []struct {
		name     string
		file     string
		password string
		errText  string
	}{
		{name: "right-password", file: file, password: "heslo"},
		{name: "wrong-password", file: file, password: "spatne", errText: "wrong password"},
		{name: "not-pkcs12", file: notP12, password: "heslo", errText: "x.p12: invalid PKCS#12"},
		{name: "missing-file", file: dir + "/none.p12", errText: "none.p12"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			kp, err := LoadPKCS12(tc.file, tc.password)
			if tc.errText != "" {
				if err == nil || !strings.Contains(err.Error(), tc.errText) {
					t.Fatalf("error %v, want it to mention %q", err, tc.errText)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(kp.Chain) != 2 || kp.Leaf().Subject.CommonName != "a" || kp.Chain[1].Subject.CommonName != "test CA" {
				t.Fatalf("unexpected chain %v", kp.Chain)
			}
		})
	}
}

func TestEncodePKCS12NoCertificate(t *testing.T) {
	if _, err := EncodePKCS12(&KeyPair{}, "x"); !errors.Is(err, ErrNoCertificate) {
		t.Fatalf("got %v", err)
	}
}
