package xmlsig

import (
	"crypto"
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"time"
)

// MinRSABits is the smallest RSA modulus signers and verifiers accept.
const MinRSABits = 2048

// MaxX509Certificates bounds the certificates accepted in one
// KeyInfo/X509Data.
const MaxX509Certificates = 8

// ErrSignerKey means a key cannot make an allowed signature.
var ErrSignerKey = errors.New("signing key must be RSA of at least 2048 bits and match the certificate")

// CheckSignerKey returns ErrSignerKey unless key is an RSA key of at least
// MinRSABits and the key of cert.
func CheckSignerKey(key crypto.Signer, cert *x509.Certificate) error {
	if key == nil || cert == nil {
		return ErrSignerKey
	}
	pub, ok := key.Public().(*rsa.PublicKey)
	if !ok || pub.N.BitLen() < MinRSABits || !pub.Equal(cert.PublicKey) {
		return ErrSignerKey
	}
	return nil
}

// RSAKey applies the key policy to a signing certificate: its key must be
// RSA (else CodeAlgorithm) of at least MinRSABits (else CodeWeakKey).
// Refusals are worded by v.
func RSAKey(v *Vocabulary, c *x509.Certificate) (*rsa.PublicKey, error) {
	pub, ok := c.PublicKey.(*rsa.PublicKey)
	if !ok {
		return nil, v.Reject(CodeAlgorithm, "signing key is %s, only RSA is allowed", c.PublicKeyAlgorithm)
	}
	if pub.N.BitLen() < MinRSABits {
		return nil, v.Reject(CodeWeakKey, "RSA key of %d bits, at least %d required", pub.N.BitLen(), MinRSABits)
	}
	return pub, nil
}

// Trust says which signing certificates a verifier accepts: a certificate
// equal to one of Pinned, or one that chains to Roots (through
// Intermediates or certificates sent with the signature).
type Trust struct {
	Pinned        []*x509.Certificate
	Roots         *x509.CertPool
	Intermediates []*x509.Certificate
}

// Empty reports whether t accepts no certificate at all (nothing pinned,
// no roots).
func (t Trust) Empty() bool { return len(t.Pinned) == 0 && t.Roots == nil }

// Check accepts c when it is valid at now, its key usage (if any) allows
// signatures, and it is equal to a pinned certificate or chains to the
// roots, through the configured intermediates or extra (the certificates
// sent with the signature). Refusals are CodeCertValidity or CodeUntrusted,
// worded by v.
func (t Trust) Check(v *Vocabulary, c *x509.Certificate, extra []*x509.Certificate, now time.Time) error {
	if now.Before(c.NotBefore) || now.After(c.NotAfter) {
		return v.Reject(CodeCertValidity, "certificate %q is valid from %s to %s", c.Subject.String(),
			c.NotBefore.UTC().Format(time.RFC3339), c.NotAfter.UTC().Format(time.RFC3339))
	}
	if c.KeyUsage != 0 && c.KeyUsage&(x509.KeyUsageDigitalSignature|x509.KeyUsageContentCommitment) == 0 {
		return v.Reject(CodeUntrusted, "certificate %q key usage does not allow signatures", c.Subject.String())
	}
	for _, p := range t.Pinned {
		if p.Equal(c) {
			return nil
		}
	}
	if t.Roots == nil {
		return v.Reject(CodeUntrusted, "certificate %q is not pinned", c.Subject.String())
	}
	inter := x509.NewCertPool()
	for _, i := range t.Intermediates {
		inter.AddCert(i)
	}
	for _, i := range extra {
		inter.AddCert(i)
	}
	_, err := c.Verify(x509.VerifyOptions{
		Roots: t.Roots, Intermediates: inter, CurrentTime: now,
		KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny},
	})
	if err != nil {
		return v.RejectErr(CodeUntrusted, err, "certificate %q", c.Subject.String())
	}
	return nil
}
