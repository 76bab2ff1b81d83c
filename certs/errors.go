package certs

import "errors"

// Sentinel errors. Callers test them with errors.Is; the wrapping error names
// the file and the problem.
var (
	// ErrNoCertificate means a file holds no CERTIFICATE PEM block.
	ErrNoCertificate = errors.New("no certificate found")
	// ErrNoPrivateKey means a file holds no private key PEM block.
	ErrNoPrivateKey = errors.New("no private key found")
	// ErrEncryptedKey means a PEM private key is password-protected; konektor
	// reads only unencrypted PEM keys (use PKCS#12 for protected keys).
	ErrEncryptedKey = errors.New("private key is encrypted")
	// ErrUnsupportedKey means the key type is not RSA, ECDSA or Ed25519.
	ErrUnsupportedKey = errors.New("unsupported private key type")
	// ErrKeyMismatch means the private key does not belong to the certificate.
	ErrKeyMismatch = errors.New("private key does not match certificate")
	// ErrPKIExists means InitDevPKI found an existing PKI and Force was not set.
	ErrPKIExists = errors.New("development PKI already exists")
	// ErrNoTrustAnchors means a trust pool would be empty or was not given.
	ErrNoTrustAnchors = errors.New("no trusted certificates")
)
