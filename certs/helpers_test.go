package certs

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// testNow is the fixed issuing time of test certificates.
var testNow = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

var (
	sharedPKIOnce sync.Once
	sharedPKIDir  string
	sharedPKIErr  error
)

// sharedDevPKI returns a development PKI made once per test binary (the RSA
// 3072 seal key is slow to generate). Tests must not modify it.
func sharedDevPKI(t *testing.T) DevPKIFiles {
	t.Helper()
	sharedPKIOnce.Do(func() {
		sharedPKIDir, sharedPKIErr = os.MkdirTemp("", "konektor-certs-test-")
		if sharedPKIErr == nil {
			sharedPKIErr = InitDevPKI(sharedPKIDir, DevPKIOptions{Now: func() time.Time { return testNow }})
		}
	})
	if sharedPKIErr != nil {
		t.Fatalf("shared dev PKI: %v", sharedPKIErr)
	}
	return DevPKIPaths(sharedPKIDir)
}

func TestMain(m *testing.M) {
	code := m.Run()
	if sharedPKIDir != "" {
		os.RemoveAll(sharedPKIDir)
	}
	os.Exit(code)
}

// writeFile writes data into dir/name and returns the path.
func writeFile(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func pemBytes(typ string, der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der})
}

// testCA makes an in-memory CA.
func testCA(t *testing.T, cn string) *KeyPair {
	t.Helper()
	ca, err := newCA(pkix.Name{CommonName: cn}, testNow, 24*time.Hour*365)
	if err != nil {
		t.Fatal(err)
	}
	return ca
}

// testLeaf issues an ECDSA leaf for cn from ca (with a DNS SAN for localhost).
func testLeaf(t *testing.T, ca *KeyPair, cn string, ext ...x509.ExtKeyUsage) *KeyPair {
	t.Helper()
	key, err := newECKey()
	if err != nil {
		t.Fatal(err)
	}
	spec := leafSpec{subject: pkix.Name{CommonName: cn}, key: key, usage: x509.KeyUsageDigitalSignature, extUsage: ext}
	if cn == "localhost" {
		spec.dnsNames = []string{cn}
	}
	kp, err := issue(ca, spec, testNow, 24*time.Hour*365)
	if err != nil {
		t.Fatal(err)
	}
	return kp
}

// writeKeyPair writes kp as cert and PKCS#8 key files into dir.
func writeKeyPair(t *testing.T, dir, name string, kp *KeyPair) (certFile, keyFile string) {
	t.Helper()
	der, err := x509.MarshalPKCS8PrivateKey(kp.Key)
	if err != nil {
		t.Fatal(err)
	}
	return writeFile(t, dir, name+".pem", pemBytes("CERTIFICATE", kp.Leaf().Raw)),
		writeFile(t, dir, name+"-key.pem", pemBytes("PRIVATE KEY", der))
}
