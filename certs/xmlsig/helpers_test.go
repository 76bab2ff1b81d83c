package xmlsig

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
)

// at is the verification time of the tests; certificates are valid for a
// day around it unless a test says otherwise.
var at = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

// testVocabulary words the shared codes that name what is checked, and one
// code of its own.
var testVocabulary = NewVocabulary("test", map[Code][2]string{
	CodeTooLarge:     {"moc velké", "too large"},
	CodeMalformed:    {"nesprávné", "malformed"},
	CodeForbidden:    {"zakázané", "forbidden"},
	CodeMissingSig:   {"nepodepsané", "not signed"},
	CodeWrapping:     {"podvržené", "wrapped"},
	CodeNotCovered:   {"nepokryté", "not covered"},
	CodeAlgorithm:    {"algoritmus", "algorithm"},
	CodeKeyReference: {"odkaz na klíč", "key reference"},
	codeOwn:          {"vlastní", "own"},
})

const codeOwn Code = "own"

var (
	keysOnce          sync.Once
	rsa2048, rsa1024  *rsa.PrivateKey
	ecKey, caKey, ca2 *ecdsa.PrivateKey
)

// keys returns keys made once per test binary (RSA 2048 is slow).
func keys(t testing.TB) {
	t.Helper()
	keysOnce.Do(func() {
		var err error
		if rsa2048, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			panic(err)
		}
		if rsa1024, err = rsa.GenerateKey(rand.Reader, 1024); err != nil {
			panic(err)
		}
		for _, k := range []**ecdsa.PrivateKey{&ecKey, &caKey, &ca2} {
			if *k, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader); err != nil {
				panic(err)
			}
		}
	})
}

// certSpec describes a test certificate.
type certSpec struct {
	name     string
	pub      crypto.PublicKey
	isCA     bool
	keyUsage x509.KeyUsage
	from, to time.Time // zero: a day either side of at
}

// issue makes a certificate for s, signed by parent (self-signed when nil).
func issue(t testing.TB, s certSpec, parent *x509.Certificate, parentKey crypto.Signer) *x509.Certificate {
	t.Helper()
	if s.from.IsZero() {
		s.from, s.to = at.Add(-24*time.Hour), at.Add(24*time.Hour)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: s.name},
		NotBefore: s.from, NotAfter: s.to, KeyUsage: s.keyUsage,
		BasicConstraintsValid: s.isCA, IsCA: s.isCA,
	}
	if parent == nil {
		parent = tmpl
	}
	var c *x509.Certificate
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, s.pub, parentKey)
	if err == nil {
		c, err = x509.ParseCertificate(der)
	}
	if err != nil {
		t.Fatalf("%s: %v", s.name, err)
	}
	return c
}
