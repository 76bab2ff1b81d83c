package tsa

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"fmt"
	"math/big"
	"time"

	"konektor/certs"
)

// Lifetimes of sandbox certificates.
const (
	SandboxCALife   = 10 * 365 * 24 * time.Hour
	SandboxLeafLife = 5 * 365 * 24 * time.Hour
)

var (
	oidExtKeyUsage    = asn1.ObjectIdentifier{2, 5, 29, 37}
	oidKPTimeStamping = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 3, 8}
)

// NewSandboxCA makes a self-signed ECDSA P-256 CA that may issue
// certificates to leaves only, valid from now-1h for SandboxCALife. It
// stands in for a real trust anchor (PostSignum) in tests and in a sandbox
// started without konektor's development CA.
func NewSandboxCA(name pkix.Name, now time.Time) (*certs.KeyPair, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	tmpl, err := template(name, key.Public(), now, SandboxCALife)
	if err != nil {
		return nil, err
	}
	tmpl.KeyUsage = x509.KeyUsageCertSign | x509.KeyUsageCRLSign
	tmpl.IsCA, tmpl.MaxPathLenZero = true, true
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		return nil, fmt.Errorf("tsa: create CA certificate: %w", err)
	}
	return keyPair(key, der)
}

// IssueCertificate issues a TSA certificate for a fresh ECDSA P-256 key,
// signed by ca, valid from now-1h (not before the CA) for life
// (SandboxLeafLife when 0). As
// RFC 3161 §2.3 requires, the time-stamping key purpose is its only one and
// is marked critical.
func IssueCertificate(ca *certs.KeyPair, subject pkix.Name, now time.Time, life time.Duration) (*certs.KeyPair, error) {
	if ca == nil || ca.Leaf() == nil || ca.Key == nil {
		return nil, errors.New("tsa: issuing CA has no certificate or key")
	}
	if life <= 0 {
		life = SandboxLeafLife
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	tmpl, err := template(subject, key.Public(), now, life)
	if err != nil {
		return nil, err
	}
	eku, err := asn1.Marshal([]asn1.ObjectIdentifier{oidKPTimeStamping})
	if err != nil {
		return nil, err
	}
	if start := ca.Leaf().NotBefore; tmpl.NotBefore.Before(start) {
		tmpl.NotBefore = start
	}
	tmpl.KeyUsage = x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment
	tmpl.ExtraExtensions = []pkix.Extension{{Id: oidExtKeyUsage, Critical: true, Value: eku}}
	if end := ca.Leaf().NotAfter; tmpl.NotAfter.After(end) {
		tmpl.NotAfter = end
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.Leaf(), key.Public(), ca.Key)
	if err != nil {
		return nil, fmt.Errorf("tsa: create TSA certificate: %w", err)
	}
	kp, err := keyPair(key, der)
	if err != nil {
		return nil, err
	}
	kp.Chain = append(kp.Chain, ca.Chain[1:]...)
	return kp, nil
}

// NewSandbox returns an authority with a fresh key and a certificate from
// ca named "konektor sandbox TSA". Signer, Certificate and Chain of o are
// replaced; the other options apply.
func NewSandbox(ca *certs.KeyPair, o Options) (*Authority, error) {
	at := o.IssuedAt
	if at.IsZero() {
		if o.Now != nil {
			at = o.Now()
		} else {
			at = time.Now()
		}
	}
	kp, err := IssueCertificate(ca, pkix.Name{
		CommonName:   "konektor sandbox TSA",
		Organization: []string{"konektor sandbox (nepoužívat v provozu / not for production)"},
		Country:      []string{"CZ"},
	}, at, 0)
	if err != nil {
		return nil, err
	}
	o.Signer, o.Certificate, o.Chain = kp.Key, kp.Leaf(), kp.Chain[1:]
	return New(o)
}

func template(name pkix.Name, pub crypto.PublicKey, now time.Time, life time.Duration) (*x509.Certificate, error) {
	serial, err := randomSerial()
	if err != nil {
		return nil, err
	}
	spki, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return nil, err
	}
	ski := sha256.Sum256(spki)
	return &x509.Certificate{
		SerialNumber:          serial.Add(serial, big.NewInt(1)),
		Subject:               name,
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(life),
		BasicConstraintsValid: true,
		SubjectKeyId:          ski[:20],
	}, nil
}

func keyPair(key crypto.Signer, der []byte) (*certs.KeyPair, error) {
	c, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	return certs.NewKeyPair(key, []*x509.Certificate{c})
}
