//go:build !openssl || !cgo

package opensslsign

import (
	"crypto"
	"crypto/rsa"
	"io"
)

// Signer is the OpenSSL-backed RSA signer; in this build (without the
// "openssl" tag or cgo) it cannot be created.
type Signer struct{ pub *rsa.PublicKey }

// Available reports whether the OpenSSL signer is compiled in.
func Available() bool { return false }

// Version is the libcrypto version in use, or "" without the binding.
func Version() string { return "" }

// New returns ErrUnavailable in this build.
func New(*rsa.PrivateKey) (*Signer, error) { return nil, ErrUnavailable }

// Public returns the public key.
func (s *Signer) Public() crypto.PublicKey { return s.pub }

// Sign returns ErrUnavailable in this build.
func (s *Signer) Sign(io.Reader, []byte, crypto.SignerOpts) ([]byte, error) {
	return nil, ErrUnavailable
}

// Close does nothing in this build.
func (s *Signer) Close() error { return nil }
