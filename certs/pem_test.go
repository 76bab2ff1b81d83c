package certs

import (
	"crypto"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"os"
	"strings"
	"testing"
)

func TestParsePrivateKeyPEM(t *testing.T) {
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	_, edKey, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	xKey, err := ecdh.X25519().GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	pkcs8 := func(k any) []byte {
		der, err := x509.MarshalPKCS8PrivateKey(k)
		if err != nil {
			t.Fatal(err)
		}
		return pemBytes("PRIVATE KEY", der)
	}
	sec1, err := x509.MarshalECPrivateKey(ecKey)
	if err != nil {
		t.Fatal(err)
	}
	legacyEncrypted := pem.EncodeToMemory(&pem.Block{
		Type:    "RSA PRIVATE KEY",
		Headers: map[string]string{"Proc-Type": "4,ENCRYPTED", "DEK-Info": "AES-128-CBC,00000000000000000000000000000000"},
		Bytes:   []byte("ciphertext"),
	})
	cases := []struct {
		name    string
		in      []byte
		want    crypto.PublicKey
		wantErr error
		errText string
	}{
		{name: "rsa-pkcs1", in: pemBytes("RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(rsaKey)), want: rsaKey.Public()},
		{name: "rsa-pkcs8", in: pkcs8(rsaKey), want: rsaKey.Public()},
		{name: "ecdsa-sec1", in: pemBytes("EC PRIVATE KEY", sec1), want: ecKey.Public()},
		{name: "ecdsa-sec1-with-params", in: append(pemBytes("EC PARAMETERS", []byte{6, 8, 42, 134, 72, 206, 61, 3, 1, 7}), pemBytes("EC PRIVATE KEY", sec1)...), want: ecKey.Public()},
		{name: "ecdsa-pkcs8", in: pkcs8(ecKey), want: ecKey.Public()},
		{name: "ed25519-pkcs8", in: pkcs8(edKey), want: edKey.Public()},
		{name: "key-after-certificate", in: append(pemBytes("CERTIFICATE", []byte{1}), pkcs8(ecKey)...), want: ecKey.Public()},
		{name: "encrypted-pkcs8", in: pemBytes("ENCRYPTED PRIVATE KEY", []byte{1, 2}), wantErr: ErrEncryptedKey},
		{name: "encrypted-legacy", in: legacyEncrypted, wantErr: ErrEncryptedKey},
		{name: "no-key", in: pemBytes("CERTIFICATE", []byte{1}), wantErr: ErrNoPrivateKey},
		{name: "empty", in: nil, wantErr: ErrNoPrivateKey},
		{name: "not-pem", in: []byte("hello"), wantErr: ErrNoPrivateKey},
		{name: "two-keys", in: append(pkcs8(ecKey), pkcs8(rsaKey)...), errText: "more than one private key"},
		{name: "garbage-der", in: pemBytes("PRIVATE KEY", []byte{0x30, 0x03, 1, 2, 3}), errText: "invalid key"},
		{name: "x25519-unsupported", in: pkcs8(xKey), wantErr: ErrUnsupportedKey},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParsePrivateKeyPEM(tc.in)
			if tc.wantErr != nil || tc.errText != "" {
				if err == nil {
					t.Fatalf("got key %T, want error", got)
				}
				if tc.wantErr != nil && !errors.Is(err, tc.wantErr) {
					t.Fatalf("error %v, want %v", err, tc.wantErr)
				}
				if !strings.Contains(err.Error(), tc.errText) {
					t.Fatalf("error %q does not mention %q", err, tc.errText)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !got.Public().(interface{ Equal(crypto.PublicKey) bool }).Equal(tc.want) {
				t.Fatal("parsed key differs from the original")
			}
		})
	}
}

func TestParseCertificatesPEM(t *testing.T) {
	ca := testCA(t, "test CA")
	leaf := testLeaf(t, ca, "leaf")
	cases := []struct {
		name    string
		in      []byte
		want    []string
		wantErr error
		errText string
	}{
		{name: "one", in: pemBytes("CERTIFICATE", ca.Leaf().Raw), want: []string{"test CA"}},
		{name: "chain-in-order", in: append(pemBytes("CERTIFICATE", leaf.Leaf().Raw), pemBytes("CERTIFICATE", ca.Leaf().Raw)...), want: []string{"leaf", "test CA"}},
		{name: "skips-keys", in: append(pemBytes("PRIVATE KEY", []byte{1}), pemBytes("CERTIFICATE", ca.Leaf().Raw)...), want: []string{"test CA"}},
		{name: "none", in: pemBytes("PRIVATE KEY", []byte{1}), wantErr: ErrNoCertificate},
		{name: "empty", in: nil, wantErr: ErrNoCertificate},
		{name: "invalid-der", in: pemBytes("CERTIFICATE", []byte{0x30, 0x00}), errText: "PEM block 1: invalid certificate"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseCertificatesPEM(tc.in)
			if tc.wantErr != nil || tc.errText != "" {
				if err == nil {
					t.Fatal("want error")
				}
				if tc.wantErr != nil && !errors.Is(err, tc.wantErr) {
					t.Fatalf("error %v, want %v", err, tc.wantErr)
				}
				if !strings.Contains(err.Error(), tc.errText) {
					t.Fatalf("error %q does not mention %q", err, tc.errText)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, c := range got {
				names = append(names, c.Subject.CommonName)
			}
			if strings.Join(names, ",") != strings.Join(tc.want, ",") {
				t.Fatalf("got %v, want %v", names, tc.want)
			}
		})
	}
}

func TestLoadKeyPair(t *testing.T) {
	dir := t.TempDir()
	ca := testCA(t, "test CA")
	a := testLeaf(t, ca, "a")
	b := testLeaf(t, ca, "b")
	aCert, aKey := writeKeyPair(t, dir, "a", a)
	_, bKey := writeKeyPair(t, dir, "b", b)
	aData, _ := os.ReadFile(aCert)
	aKeyData, _ := os.ReadFile(aKey)
	combined := writeFile(t, dir, "combined.pem", append(aData, aKeyData...))
	big := writeFile(t, dir, "big.pem", make([]byte, maxPEMFile+1))
	cases := []struct {
		name     string
		cert     string
		key      string
		wantErr  error
		errNames string
	}{
		{name: "matching", cert: aCert, key: aKey},
		{name: "combined-file", cert: combined, key: ""},
		{name: "mismatch", cert: aCert, key: bKey, wantErr: ErrKeyMismatch, errNames: bKey},
		{name: "missing-cert", cert: dir + "/nope.pem", key: aKey, wantErr: os.ErrNotExist, errNames: "nope.pem"},
		{name: "missing-key", cert: aCert, key: dir + "/nokey.pem", wantErr: os.ErrNotExist, errNames: "nokey.pem"},
		{name: "key-as-cert", cert: aKey, key: aKey, wantErr: ErrNoCertificate, errNames: aKey},
		{name: "cert-as-key", cert: aCert, key: aCert, wantErr: ErrNoPrivateKey, errNames: aCert},
		{name: "oversize", cert: big, key: aKey, wantErr: errTooLarge, errNames: big},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			kp, err := LoadKeyPair(tc.cert, tc.key)
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("error %v, want %v", err, tc.wantErr)
				}
				if !strings.Contains(err.Error(), tc.errNames) {
					t.Fatalf("error %q does not name %q", err, tc.errNames)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if kp.Leaf().Subject.CommonName != "a" {
				t.Fatalf("leaf %q", kp.Leaf().Subject.CommonName)
			}
			tc := kp.TLSCertificate()
			if len(tc.Certificate) != 1 || tc.PrivateKey == nil || tc.Leaf == nil {
				t.Fatalf("bad tls.Certificate %+v", tc)
			}
		})
	}
}

func TestNewKeyPair(t *testing.T) {
	ca := testCA(t, "test CA")
	a := testLeaf(t, ca, "a")
	if _, err := NewKeyPair(a.Key, a.Chain); err != nil {
		t.Fatal(err)
	}
	if _, err := NewKeyPair(ca.Key, a.Chain); !errors.Is(err, ErrKeyMismatch) {
		t.Fatalf("got %v, want ErrKeyMismatch", err)
	}
	if _, err := NewKeyPair(a.Key, nil); !errors.Is(err, ErrNoCertificate) {
		t.Fatalf("got %v, want ErrNoCertificate", err)
	}
}

func FuzzParsePrivateKeyPEM(f *testing.F) {
	ecKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	der, _ := x509.MarshalPKCS8PrivateKey(ecKey)
	f.Add(pemBytes("PRIVATE KEY", der))
	f.Add(pemBytes("ENCRYPTED PRIVATE KEY", []byte{1}))
	f.Add([]byte("-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		k, err := ParsePrivateKeyPEM(data)
		if err == nil && k == nil {
			t.Fatal("nil key without error")
		}
		c, err := ParseCertificatesPEM(data)
		if err == nil && len(c) == 0 {
			t.Fatal("no certificates without error")
		}
	})
}
