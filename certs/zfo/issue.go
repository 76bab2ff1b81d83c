package zfo

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"math/big"
	"time"

	"konektor/certs"
)

// SandboxSealSubject is the subject of the sandbox's "ISDS" seal, modelled
// on the test environment's seal ("… - zkušební prostředí").
var SandboxSealSubject = pkix.Name{
	CommonName:   "Informační systém datových schránek - sandbox konektoru - zkušební prostředí",
	Organization: []string{"konektor sandbox (nepoužívat v provozu / not for production)"},
	Country:      []string{"CZ"},
}

// SandboxSealLife is the validity of a sandbox seal certificate.
const SandboxSealLife = 5 * 365 * 24 * time.Hour

// IssueSealCertificate issues a seal certificate for a fresh RSA key of
// bits (2048 when 0), signed by ca, valid from now-1h for SandboxSealLife
// (never outside the CA's validity): key usage digital signature and non-repudiation, as
// a qualified seal has.
func IssueSealCertificate(ca *certs.KeyPair, subject pkix.Name, bits int, now time.Time) (*certs.KeyPair, error) {
	if ca == nil || ca.Leaf() == nil || ca.Key == nil {
		return nil, errors.New("zfo: issuing CA has no certificate or key")
	}
	if bits == 0 {
		bits = 2048
	}
	key, err := rsa.GenerateKey(rand.Reader, bits)
	if err != nil {
		return nil, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 126))
	if err != nil {
		return nil, err
	}
	spki, err := x509.MarshalPKIXPublicKey(key.Public())
	if err != nil {
		return nil, err
	}
	ski := sha256.Sum256(spki)
	tmpl := &x509.Certificate{
		SerialNumber:          serial.Add(serial, big.NewInt(1)),
		Subject:               subject,
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(SandboxSealLife),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment,
		BasicConstraintsValid: true,
		SubjectKeyId:          ski[:20],
	}
	if start := ca.Leaf().NotBefore; tmpl.NotBefore.Before(start) {
		tmpl.NotBefore = start
	}
	if end := ca.Leaf().NotAfter; tmpl.NotAfter.After(end) {
		tmpl.NotAfter = end
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.Leaf(), key.Public(), ca.Key)
	if err != nil {
		return nil, fmt.Errorf("zfo: create seal certificate: %w", err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	return certs.NewKeyPair(key, append([]*x509.Certificate{c}, ca.Chain[1:]...))
}
