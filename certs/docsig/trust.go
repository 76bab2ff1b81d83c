package docsig

import (
	"crypto/rsa"
	"crypto/x509"
	"time"

	"konektor/certs/wssec"
)

// maxX509DataCerts bounds the certificates accepted in KeyInfo/X509Data.
const maxX509DataCerts = 8

// checkTrust accepts c when it is valid at now, may sign, and is equal to a
// pinned certificate or chains to the roots (through the configured
// intermediates or the certificates the document carries). The rules are
// those of wssec.Trust.
func checkTrust(t wssec.Trust, c *x509.Certificate, extra []*x509.Certificate, now time.Time) error {
	if now.Before(c.NotBefore) || now.After(c.NotAfter) {
		return reject(CodeCertValidity, "certificate %q is valid from %s to %s", c.Subject.String(),
			c.NotBefore.UTC().Format(time.RFC3339), c.NotAfter.UTC().Format(time.RFC3339))
	}
	if c.KeyUsage != 0 && c.KeyUsage&(x509.KeyUsageDigitalSignature|x509.KeyUsageContentCommitment) == 0 {
		return reject(CodeUntrusted, "certificate %q key usage does not allow signatures", c.Subject.String())
	}
	for _, p := range t.Pinned {
		if p.Equal(c) {
			return nil
		}
	}
	if t.Roots != nil {
		inter := x509.NewCertPool()
		for _, i := range t.Intermediates {
			inter.AddCert(i)
		}
		for _, i := range extra {
			inter.AddCert(i)
		}
		_, err := c.Verify(x509.VerifyOptions{Roots: t.Roots, Intermediates: inter, CurrentTime: now,
			KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}})
		if err == nil {
			return nil
		}
		return rejectErr(CodeUntrusted, err, "certificate %q", c.Subject.String())
	}
	return reject(CodeUntrusted, "certificate %q is not pinned", c.Subject.String())
}

// rsaKey applies the key policy: RSA of at least MinRSABits.
func rsaKey(c *x509.Certificate) (*rsa.PublicKey, error) {
	pub, ok := c.PublicKey.(*rsa.PublicKey)
	if !ok {
		return nil, reject(CodeAlgorithm, "signing key is %s, only RSA is allowed", c.PublicKeyAlgorithm)
	}
	if pub.N.BitLen() < MinRSABits {
		return nil, reject(CodeWeakKey, "RSA key of %d bits, at least %d required", pub.N.BitLen(), MinRSABits)
	}
	return pub, nil
}
