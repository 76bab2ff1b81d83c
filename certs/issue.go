package certs

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"math/big"
	"net"
	"time"
)

// leafSpec describes a certificate the development CA issues.
type leafSpec struct {
	subject  pkix.Name
	dnsNames []string
	ips      []net.IP
	usage    x509.KeyUsage
	extUsage []x509.ExtKeyUsage
	key      crypto.Signer
}

func newECKey() (crypto.Signer, error) {
	return ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
}

func newRSAKey(bits int) (crypto.Signer, error) {
	return rsa.GenerateKey(rand.Reader, bits)
}

func serialNumber() (*big.Int, error) {
	return rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
}

// keyID is the RFC 7093 method 1 style key identifier (leftmost 160 bits of
// SHA-256 over the public key).
func keyID(pub crypto.PublicKey) ([]byte, error) {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(der)
	return sum[:20], nil
}

// newCA makes a self-signed CA certificate valid from now-1h for life.
func newCA(name pkix.Name, now time.Time, life time.Duration) (*KeyPair, error) {
	key, err := newECKey()
	if err != nil {
		return nil, err
	}
	serial, err := serialNumber()
	if err != nil {
		return nil, err
	}
	ski, err := keyID(key.Public())
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               name,
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(life),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
		SubjectKeyId:          ski,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		return nil, fmt.Errorf("create CA certificate: %w", err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	return &KeyPair{Key: key, Chain: []*x509.Certificate{c}}, nil
}

// issue signs a leaf certificate for spec with the CA, valid from now-1h
// for life.
func issue(ca *KeyPair, spec leafSpec, now time.Time, life time.Duration) (*KeyPair, error) {
	serial, err := serialNumber()
	if err != nil {
		return nil, err
	}
	ski, err := keyID(spec.key.Public())
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               spec.subject,
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(life),
		KeyUsage:              spec.usage,
		ExtKeyUsage:           spec.extUsage,
		BasicConstraintsValid: true,
		DNSNames:              spec.dnsNames,
		IPAddresses:           spec.ips,
		SubjectKeyId:          ski,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.Leaf(), spec.key.Public(), ca.Key)
	if err != nil {
		return nil, fmt.Errorf("create certificate %q: %w", spec.subject.CommonName, err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	return &KeyPair{Key: spec.key, Chain: []*x509.Certificate{c}}, nil
}
