package tsa

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"fmt"
	"math/big"
	"time"
)

// Token is what a time-stamp token states.
type Token struct {
	Time     time.Time   // genTime
	Hash     crypto.Hash // imprint algorithm
	Digest   []byte      // imprint
	Serial   *big.Int
	Policy   asn1.ObjectIdentifier
	Nonce    *big.Int
	Accuracy time.Duration
	// Signer is the TSA certificate that signed the token.
	Signer *x509.Certificate
	// Certificates are those the token carries (and those supplied to
	// Parse), used to build the signer's chain.
	Certificates []*x509.Certificate
}

// Errors of Parse and Verify. Verify wraps one of them, so a caller can
// tell a forged token from an untrusted TSA or a token over other data.
var (
	ErrMalformed     = errors.New("tsa: malformed time-stamp token")
	ErrNoCertificate = errors.New("tsa: the TSA certificate is neither in the token nor supplied")
	ErrSignature     = errors.New("tsa: time-stamp token signature is invalid")
	ErrUntrusted     = errors.New("tsa: TSA certificate does not chain to a trusted root")
	ErrImprint       = errors.New("tsa: time-stamp token stamps other data")
	ErrNoRoots       = errors.New("tsa: no trust roots configured")
	ErrRejected      = errors.New("tsa: request rejected by the TSA")
)

// MaxTokenBytes bounds a token Parse and Verify accept; real tokens are a
// few kilobytes.
const MaxTokenBytes = 256 << 10

// Parse reads a token and checks its CMS signature with the TSA certificate
// it carries (or one of certs when it carries none). It does not judge
// trust: use Verify for that.
func Parse(token []byte, certs ...*x509.Certificate) (*Token, error) {
	if len(token) == 0 {
		return nil, fmt.Errorf("%w: empty", ErrMalformed)
	}
	if len(token) > MaxTokenBytes {
		return nil, fmt.Errorf("%w: %d bytes, limit %d", ErrMalformed, len(token), MaxTokenBytes)
	}
	st, err := checkSignature(token, certs)
	if err != nil {
		return nil, err
	}
	t, err := decodeTSTInfo(st.content)
	if err != nil {
		return nil, err
	}
	t.Signer, t.Certificates = st.signer, st.certs
	return t, nil
}

// VerifyOptions say what a token must satisfy.
type VerifyOptions struct {
	// Roots are the trusted roots; Verify fails with ErrNoRoots without them.
	Roots *x509.CertPool
	// Intermediates help build the TSA certificate's chain.
	Intermediates []*x509.Certificate
	// Certificates are candidate TSA certificates for tokens that carry
	// none.
	Certificates []*x509.Certificate
	// Hash and Digest are the expected imprint; a nil Digest skips the
	// check (the caller compares Token.Digest itself).
	Hash   crypto.Hash
	Digest []byte
}

// Verify parses a token, checks its signature, the TSA certificate's chain
// to o.Roots at the token's genTime with the time-stamping key purpose,
// and the imprint. On failure it returns the token as far as it could be
// read together with the error.
func Verify(token []byte, o VerifyOptions) (*Token, error) {
	t, err := Parse(token, o.Certificates...)
	if err != nil {
		return nil, err
	}
	if o.Digest != nil && (t.Hash != o.Hash || !bytes.Equal(t.Digest, o.Digest)) {
		return t, fmt.Errorf("%w: token has %v %x, want %v %x", ErrImprint, t.Hash, t.Digest, o.Hash, o.Digest)
	}
	if err := CheckChain(t, o.Roots, o.Intermediates); err != nil {
		return t, err
	}
	return t, nil
}

// CheckChain checks that the token's TSA certificate chains to roots at
// the token's genTime and may stamp time.
func CheckChain(t *Token, roots *x509.CertPool, intermediates []*x509.Certificate) error {
	if roots == nil {
		return ErrNoRoots
	}
	if t == nil || t.Signer == nil {
		return ErrNoCertificate
	}
	pool := x509.NewCertPool()
	for _, c := range append(t.Certificates[:len(t.Certificates):len(t.Certificates)], intermediates...) {
		pool.AddCert(c)
	}
	_, err := t.Signer.Verify(x509.VerifyOptions{
		Roots:         roots,
		Intermediates: pool,
		CurrentTime:   t.Time,
		KeyUsages:     []x509.ExtKeyUsage{x509.ExtKeyUsageTimeStamping},
	})
	if err != nil {
		return fmt.Errorf("%w: %v", ErrUntrusted, err)
	}
	return nil
}
