//go:build !cgo || !unix || noopenssl

package opensslsign

import (
	"crypto"
	"crypto/rsa"
	"io"
)

// errNotCompiled is why the signer is unavailable in this build.
var errNotCompiled error = &loadError{short: "built without cgo or with -tags noopenssl"}

// Signer is the OpenSSL-backed RSA signer; in this build (CGO_ENABLED=0 or
// -tags noopenssl) it cannot be created.
type Signer struct{ pub *rsa.PublicKey }

// Available reports whether the OpenSSL signer can be used: never in this
// build.
func Available() bool { return false }

// LoadError says why the OpenSSL signer is unavailable (an error wrapping
// ErrUnavailable).
func LoadError() error { return errNotCompiled }

// Version is the libcrypto version in use, or "" without the binding.
func Version() string { return "" }

func description() string { return "" }

// New returns an error wrapping ErrUnavailable in this build.
func New(*rsa.PrivateKey) (*Signer, error) { return nil, errNotCompiled }

// Public returns the public key.
func (s *Signer) Public() crypto.PublicKey { return s.pub }

// Sign returns an error wrapping ErrUnavailable in this build.
func (s *Signer) Sign(io.Reader, []byte, crypto.SignerOpts) ([]byte, error) {
	return nil, errNotCompiled
}

// Close does nothing in this build.
func (s *Signer) Close() error { return nil }
