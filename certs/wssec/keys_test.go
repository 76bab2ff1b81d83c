package wssec

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"flag"
	"math/big"
	"os"
	"path/filepath"
	"testing"
	"time"
)

var regenKeys = flag.Bool("regen-keys", false, "rewrite testdata/keys (then rerun with -update)")

// TestRegenerateKeys writes the test-only keys and certificates in
// testdata/keys, valid 2026-01-01 to 2036-01-01:
//
//	ca         RSA 2048 CA "wssec test CA"
//	signer     RSA 2048, issued by ca: the trusted signer of the golden files
//	seal3072   RSA 3072, issued by ca: like the dev PKI seal key
//	weak       RSA 1024, issued by ca: must be rejected
//	ecdsa      ECDSA P-256, issued by ca: must be rejected
//	rogue      RSA 2048 with the signer's subject, issued by a self-signed
//	           "rogue CA" that is not written anywhere
//
// Run: go test ./certs/wssec -run TestRegenerateKeys -regen-keys, then
// regenerate the golden files with -update.
func TestRegenerateKeys(t *testing.T) {
	if !*regenKeys {
		t.Skip("run with -regen-keys to rewrite testdata/keys")
	}
	dir := filepath.Join("testdata", "keys")
	serial := int64(1000)
	issue := func(cn string, key crypto.Signer, ca *x509.Certificate, caKey crypto.Signer, isCA bool) *x509.Certificate {
		serial++
		tmpl := &x509.Certificate{
			SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: cn, Organization: []string{"konektor wssec test"}},
			NotBefore: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), NotAfter: time.Date(2036, 1, 1, 0, 0, 0, 0, time.UTC),
			BasicConstraintsValid: true, IsCA: isCA, KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment,
		}
		if isCA {
			tmpl.KeyUsage = x509.KeyUsageCertSign
		}
		if ca == nil {
			ca, caKey = tmpl, key
		}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, key.Public(), caKey)
		if err != nil {
			t.Fatal(err)
		}
		c, err := x509.ParseCertificate(der)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	save := func(name string, c *x509.Certificate, key crypto.Signer) {
		der, err := x509.MarshalPKCS8PrivateKey(key)
		if err != nil {
			t.Fatal(err)
		}
		for file, block := range map[string]*pem.Block{name + ".pem": {Type: "CERTIFICATE", Bytes: c.Raw}, name + "-key.pem": {Type: "PRIVATE KEY", Bytes: der}} {
			if err := os.WriteFile(filepath.Join(dir, file), pem.EncodeToMemory(block), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	rsaKey := func(bits int) crypto.Signer {
		k, err := rsa.GenerateKey(rand.Reader, bits)
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	caKey := rsaKey(2048)
	ca := issue("wssec test CA", caKey, nil, nil, true)
	save("ca", ca, caKey)
	for _, k := range []struct {
		name, cn string
		key      crypto.Signer
	}{
		{"signer", "wssec test signer", rsaKey(2048)},
		{"seal3072", "wssec test seal", rsaKey(3072)},
		{"weak", "wssec weak signer", rsaKey(1024)},
	} {
		save(k.name, issue(k.cn, k.key, ca, caKey, false), k.key)
	}
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	save("ecdsa", issue("wssec ecdsa signer", ecKey, ca, caKey, false), ecKey)
	rogueCAKey := rsaKey(2048)
	rogueCA := issue("rogue CA", rogueCAKey, nil, nil, true)
	rogueKey := rsaKey(2048)
	save("rogue", issue("wssec test signer", rogueKey, rogueCA, rogueCAKey, false), rogueKey)
}
