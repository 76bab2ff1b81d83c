package wssec

import (
	"bytes"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"strings"
	"time"
)

// Trust says which signing certificates the verifier accepts: a certificate
// equal to one of Pinned, or one that chains to Roots (through
// Intermediates or certificates sent in KeyInfo/X509Data).
type Trust struct {
	Pinned        []*x509.Certificate
	Roots         *x509.CertPool
	Intermediates []*x509.Certificate
}

// ErrNoTrust means a Verifier was configured without any trusted certificate.
var ErrNoTrust = errors.New("wssec: no pinned certificate and no trusted roots configured")

// maxX509DataCerts bounds the certificates accepted in KeyInfo/X509Data.
const maxX509DataCerts = 8

// signingCert resolves KeyInfo to the signing certificate and any extra
// chain certificates the message carries.
//
// A certificate whose DER equals one in known (the pinned ones) is returned
// as that already parsed certificate instead of being parsed again.
func signingCert(m *message, sec, ki *element, known []*x509.Certificate) (*x509.Certificate, []*x509.Certificate, error) {
	kids := ki.ChildElements()
	if len(kids) != 1 || hasText(ki) {
		return nil, nil, reject(CodeKeyReference, "KeyInfo must hold exactly one SecurityTokenReference or X509Data")
	}
	k := kids[0]
	switch {
	case m.is(k, nsWSSE, "SecurityTokenReference"):
		r, ok := onlyChild(k, nsWSSE, "Reference")
		if !ok || len(k.ChildElements()) != 1 {
			return nil, nil, reject(CodeKeyReference, "SecurityTokenReference must hold exactly one wsse:Reference")
		}
		uri := plainAttrValue(r, "URI", "")
		if vt, ok := plainAttr(r, "ValueType"); ok && vt != valueTypeX509v3 {
			return nil, nil, reject(CodeKeyReference, "token reference ValueType is not X509v3")
		}
		if len(uri) < 2 || uri[0] != '#' {
			return nil, nil, reject(CodeKeyReference, "token reference URI %q is not a same-document #id", uri)
		}
		bst := m.ids[uri[1:]]
		if bst == nil || !m.is(bst, nsWSSE, "BinarySecurityToken") || sec == nil || bst.Parent() != sec {
			return nil, nil, reject(CodeKeyReference, "token reference %q does not point to a BinarySecurityToken in this Security header", uri)
		}
		if plainAttrValue(bst, "ValueType", "") != valueTypeX509v3 {
			return nil, nil, reject(CodeKeyReference, "BinarySecurityToken ValueType is not X509v3")
		}
		if et, ok := plainAttr(bst, "EncodingType"); ok && et != encodingBase64 {
			return nil, nil, reject(CodeKeyReference, "BinarySecurityToken EncodingType is not Base64Binary")
		}
		c, err := parseB64Cert(bst, known)
		if err != nil {
			return nil, nil, err
		}
		return c, nil, nil
	case m.is(k, nsDS, "X509Data"):
		var certs []*x509.Certificate
		for _, e := range k.ChildElements() {
			if !m.is(e, nsDS, "X509Certificate") {
				return nil, nil, reject(CodeKeyReference, "X509Data may hold only X509Certificate elements")
			}
			if len(certs) == maxX509DataCerts {
				return nil, nil, reject(CodeKeyReference, "more than %d certificates in X509Data", maxX509DataCerts)
			}
			c, err := parseB64Cert(e, known)
			if err != nil {
				return nil, nil, err
			}
			certs = append(certs, c)
		}
		if len(certs) == 0 {
			return nil, nil, reject(CodeKeyReference, "X509Data holds no certificate")
		}
		return certs[0], certs[1:], nil
	default:
		return nil, nil, reject(CodeKeyReference, "unsupported KeyInfo content %s", k.Tag)
	}
}

// parseB64Cert decodes the base64 DER certificate in el's text; a
// certificate of known is reused when its DER is the same.
func parseB64Cert(el *element, known []*x509.Certificate) (*x509.Certificate, error) {
	txt, ok := textOf(el)
	if !ok {
		return nil, reject(CodeKeyReference, "%s must hold only base64 text", el.Tag)
	}
	der, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(txt), ""))
	if err != nil {
		return nil, rejectErr(CodeKeyReference, err, "%s is not base64", el.Tag)
	}
	for _, k := range known {
		if bytes.Equal(k.Raw, der) {
			return k, nil
		}
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, rejectErr(CodeKeyReference, err, "%s is not an X.509 certificate", el.Tag)
	}
	return c, nil
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

// check accepts c when it is valid at now, may sign, and is pinned or
// chains to the roots.
func (t Trust) check(c *x509.Certificate, extra []*x509.Certificate, now time.Time) error {
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
		_, err := c.Verify(x509.VerifyOptions{
			Roots: t.Roots, Intermediates: inter, CurrentTime: now,
			KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny},
		})
		if err == nil {
			return nil
		}
		return rejectErr(CodeUntrusted, err, "certificate %q", c.Subject.String())
	}
	return reject(CodeUntrusted, "certificate %q is not pinned", c.Subject.String())
}
