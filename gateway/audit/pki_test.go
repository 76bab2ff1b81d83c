package audit

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"sync"
	"testing"
	"time"

	"konektor/certs"
)

// testPKI is a CA with a seal key pair and a TSA key pair issued by it.
type testPKI struct {
	ca    *certs.KeyPair
	seal  *certs.KeyPair
	tsa   *certs.KeyPair
	roots *x509.CertPool
}

var (
	pkiOnce   sync.Once
	sharedPKI *testPKI
	pkiErr    error
)

// pki returns a PKI shared by the package's tests (keys are slow to make).
func pki(t testing.TB) *testPKI {
	t.Helper()
	pkiOnce.Do(func() { sharedPKI, pkiErr = newTestPKI("konektor test") })
	if pkiErr != nil {
		t.Fatal(pkiErr)
	}
	return sharedPKI
}

func newTestPKI(name string) (*testPKI, error) {
	ca, err := issueTest(nil, name+" CA", nil, true)
	if err != nil {
		return nil, err
	}
	seal, err := issueTest(ca, name+" seal", nil, false)
	if err != nil {
		return nil, err
	}
	tsa, err := issueTest(ca, name+" TSA", []x509.ExtKeyUsage{x509.ExtKeyUsageTimeStamping}, false)
	if err != nil {
		return nil, err
	}
	roots := x509.NewCertPool()
	roots.AddCert(ca.Leaf())
	return &testPKI{ca: ca, seal: seal, tsa: tsa, roots: roots}, nil
}

// issueTest makes an ECDSA P-256 key pair; parent nil makes a self-signed CA.
func issueTest(parent *certs.KeyPair, cn string, eku []x509.ExtKeyUsage, isCA bool) (*certs.KeyPair, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	return issueWith(parent, cn, key, eku, isCA)
}

func issueWith(parent *certs.KeyPair, cn string, key crypto.Signer, eku []x509.ExtKeyUsage, isCA bool) (*certs.KeyPair, error) {
	serial, err := rand.Int(rand.Reader, big.NewInt(1<<62))
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: cn, Organization: []string{"konektor tests"}},
		NotBefore:             time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC),
		NotAfter:              time.Date(2040, 1, 1, 0, 0, 0, 0, time.UTC),
		KeyUsage:              x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           eku,
		BasicConstraintsValid: true,
		IsCA:                  isCA,
	}
	if isCA {
		tmpl.KeyUsage |= x509.KeyUsageCertSign
	}
	signCert, signKey := tmpl, key
	if parent != nil {
		signCert, signKey = parent.Leaf(), parent.Key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, signCert, key.Public(), signKey)
	if err != nil {
		return nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	return certs.NewKeyPair(key, []*x509.Certificate{cert})
}

// rsaSeal returns an RSA 3072 seal key pair issued by the shared CA, as
// the development PKI makes it.
var (
	rsaOnce sync.Once
	rsaKP   *certs.KeyPair
	rsaErr  error
)

func rsaSeal(t testing.TB) *certs.KeyPair {
	t.Helper()
	p := pki(t)
	rsaOnce.Do(func() {
		key, err := rsa.GenerateKey(rand.Reader, 3072)
		if err != nil {
			rsaErr = err
			return
		}
		rsaKP, rsaErr = issueWith(p.ca, "konektor test RSA seal", key, nil, false)
	})
	if rsaErr != nil {
		t.Fatal(rsaErr)
	}
	return rsaKP
}

// trust returns the Trust of the shared PKI.
func (p *testPKI) trust() Trust {
	return Trust{SealCerts: []*x509.Certificate{p.seal.Leaf()}, TSARoots: p.roots}
}
