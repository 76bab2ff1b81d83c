package certs

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"os"
)

// maxPEMFile caps how much of a certificate, key or bundle file is read.
const maxPEMFile = 4 << 20

// KeyPair is a private key with its certificate chain, leaf first.
type KeyPair struct {
	Key   crypto.Signer
	Chain []*x509.Certificate
}

// Leaf returns the end-entity certificate.
func (kp *KeyPair) Leaf() *x509.Certificate {
	if kp == nil || len(kp.Chain) == 0 {
		return nil
	}
	return kp.Chain[0]
}

// TLSCertificate returns the pair in the form crypto/tls uses.
func (kp *KeyPair) TLSCertificate() tls.Certificate {
	c := tls.Certificate{PrivateKey: kp.Key, Leaf: kp.Leaf()}
	for _, x := range kp.Chain {
		c.Certificate = append(c.Certificate, x.Raw)
	}
	return c
}

// LoadKeyPair reads a PEM certificate chain (leaf first) from certFile and
// its PEM private key (PKCS#1, PKCS#8 or SEC1; RSA, ECDSA or Ed25519) from
// keyFile. An empty keyFile reads the key from certFile. The key must belong
// to the leaf certificate.
func LoadKeyPair(certFile, keyFile string) (*KeyPair, error) {
	chain, err := LoadCertificates(certFile)
	if err != nil {
		return nil, err
	}
	if keyFile == "" {
		keyFile = certFile
	}
	key, err := LoadPrivateKey(keyFile)
	if err != nil {
		return nil, err
	}
	kp := &KeyPair{Key: key, Chain: chain}
	if err := kp.check(); err != nil {
		return nil, fmt.Errorf("certs: %s and %s: %w", certFile, keyFile, err)
	}
	return kp, nil
}

// NewKeyPair checks that key belongs to chain[0] and returns the pair.
func NewKeyPair(key crypto.Signer, chain []*x509.Certificate) (*KeyPair, error) {
	kp := &KeyPair{Key: key, Chain: chain}
	if err := kp.check(); err != nil {
		return nil, fmt.Errorf("certs: %w", err)
	}
	return kp, nil
}

func (kp *KeyPair) check() error {
	if len(kp.Chain) == 0 {
		return ErrNoCertificate
	}
	if kp.Key == nil {
		return ErrNoPrivateKey
	}
	pub, ok := kp.Key.Public().(interface{ Equal(crypto.PublicKey) bool })
	if !ok || !pub.Equal(kp.Chain[0].PublicKey) {
		return ErrKeyMismatch
	}
	return nil
}

// LoadCertificates reads every CERTIFICATE block of a PEM file, in order.
func LoadCertificates(file string) ([]*x509.Certificate, error) {
	data, err := readBounded(file)
	if err != nil {
		return nil, err
	}
	certs, err := ParseCertificatesPEM(data)
	if err != nil {
		return nil, fmt.Errorf("certs: %s: %w", file, err)
	}
	return certs, nil
}

// ParseCertificatesPEM parses every CERTIFICATE block in data, ignoring
// other block types. It fails with ErrNoCertificate when there is none.
func ParseCertificatesPEM(data []byte) ([]*x509.Certificate, error) {
	var out []*x509.Certificate
	for n := 1; ; n++ {
		var b *pem.Block
		b, data = pem.Decode(data)
		if b == nil {
			break
		}
		if b.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(b.Bytes)
		if err != nil {
			return nil, fmt.Errorf("PEM block %d: invalid certificate: %w", n, err)
		}
		out = append(out, c)
	}
	if len(out) == 0 {
		return nil, ErrNoCertificate
	}
	return out, nil
}

// LoadPrivateKey reads the one unencrypted PEM private key in file.
func LoadPrivateKey(file string) (crypto.Signer, error) {
	data, err := readBounded(file)
	if err != nil {
		return nil, err
	}
	k, err := ParsePrivateKeyPEM(data)
	if err != nil {
		return nil, fmt.Errorf("certs: %s: %w", file, err)
	}
	return k, nil
}

// ParsePrivateKeyPEM parses the one private key in data: "PRIVATE KEY"
// (PKCS#8), "RSA PRIVATE KEY" (PKCS#1) or "EC PRIVATE KEY" (SEC1). Other
// block types (certificates, EC PARAMETERS) are ignored; a second key is an
// error, and encrypted keys are refused with ErrEncryptedKey.
func ParsePrivateKeyPEM(data []byte) (crypto.Signer, error) {
	var found crypto.Signer
	for n := 1; ; n++ {
		var b *pem.Block
		b, data = pem.Decode(data)
		if b == nil {
			break
		}
		var (
			k   any
			err error
		)
		switch b.Type {
		case "ENCRYPTED PRIVATE KEY":
			return nil, fmt.Errorf("PEM block %d: %w", n, ErrEncryptedKey)
		case "PRIVATE KEY":
			k, err = x509.ParsePKCS8PrivateKey(b.Bytes)
		case "RSA PRIVATE KEY":
			k, err = x509.ParsePKCS1PrivateKey(b.Bytes)
		case "EC PRIVATE KEY":
			k, err = x509.ParseECPrivateKey(b.Bytes)
		default:
			continue
		}
		if b.Headers["Proc-Type"] != "" {
			return nil, fmt.Errorf("PEM block %d: %w", n, ErrEncryptedKey)
		}
		if err != nil {
			return nil, fmt.Errorf("PEM block %d (%s): invalid key: %w", n, b.Type, err)
		}
		s, err := asSigner(k)
		if err != nil {
			return nil, fmt.Errorf("PEM block %d: %w", n, err)
		}
		if found != nil {
			return nil, fmt.Errorf("PEM block %d: more than one private key", n)
		}
		found = s
	}
	if found == nil {
		return nil, ErrNoPrivateKey
	}
	return found, nil
}

// asSigner accepts the key types konektor supports.
func asSigner(k any) (crypto.Signer, error) {
	switch k := k.(type) {
	case *rsa.PrivateKey:
		return k, nil
	case *ecdsa.PrivateKey:
		return k, nil
	case ed25519.PrivateKey:
		return k, nil
	case *ed25519.PrivateKey:
		if k == nil {
			return nil, ErrUnsupportedKey
		}
		return *k, nil
	default:
		return nil, fmt.Errorf("%w %T (want RSA, ECDSA or Ed25519)", ErrUnsupportedKey, k)
	}
}

// readBounded reads at most maxPEMFile bytes of file, naming it in errors.
func readBounded(file string) ([]byte, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, fmt.Errorf("certs: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxPEMFile+1))
	if err != nil {
		return nil, fmt.Errorf("certs: %s: %w", file, err)
	}
	if len(data) > maxPEMFile {
		return nil, fmt.Errorf("certs: %s: %w", file, errTooLarge)
	}
	return data, nil
}

var errTooLarge = errors.New("file larger than 4 MiB")
