package certs

import (
	"crypto/x509"
	"fmt"

	"software.sslmate.com/src/go-pkcs12"
)

// LoadPKCS12 reads a PKCS#12 (.p12/.pfx) file holding one private key, its
// certificate and optionally CA certificates, which become the rest of the
// chain.
func LoadPKCS12(file, password string) (*KeyPair, error) {
	data, err := readBounded(file)
	if err != nil {
		return nil, err
	}
	kp, err := ParsePKCS12(data, password)
	if err != nil {
		return nil, fmt.Errorf("certs: %s: %w", file, err)
	}
	return kp, nil
}

// ParsePKCS12 decodes PKCS#12 data (see LoadPKCS12).
func ParsePKCS12(data []byte, password string) (*KeyPair, error) {
	key, leaf, cas, err := pkcs12.DecodeChain(data, password)
	if err != nil {
		return nil, fmt.Errorf("invalid PKCS#12 (or wrong password): %w", err)
	}
	s, err := asSigner(key)
	if err != nil {
		return nil, err
	}
	kp := &KeyPair{Key: s, Chain: append([]*x509.Certificate{leaf}, cas...)}
	if err := kp.check(); err != nil {
		return nil, err
	}
	return kp, nil
}

// EncodePKCS12 writes the pair as a password-protected PKCS#12 file body
// (AES-256-CBC, PBKDF2-SHA256), e.g. to import an auditor's development
// certificate into a browser.
func EncodePKCS12(kp *KeyPair, password string) ([]byte, error) {
	if kp == nil || kp.Leaf() == nil {
		return nil, fmt.Errorf("certs: encode PKCS#12: %w", ErrNoCertificate)
	}
	out, err := pkcs12.Modern.Encode(kp.Key, kp.Leaf(), kp.Chain[1:], password)
	if err != nil {
		return nil, fmt.Errorf("certs: encode PKCS#12: %w", err)
	}
	return out, nil
}
