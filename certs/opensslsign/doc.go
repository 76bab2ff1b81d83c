// Package opensslsign is an optional RSA signer backed by OpenSSL's
// libcrypto 3, for the keys konektor signs with most often (the seal key
// and WS-Security signing keys). crypto/rsa's constant-time private-key
// operation costs about three times OpenSSL's on the machines konektor runs
// on, which makes a sealed answer slower than xmlsec1 would make it.
//
// The binding is compiled only with the build tag "openssl" and cgo
// (`go build -tags openssl`, which needs a C compiler and libssl-dev). Without
// them New returns ErrUnavailable, Available reports false and Select hands
// back the crypto/rsa key unchanged, so a plain `go build` keeps working
// with Go alone.
//
// Signer implements crypto.Signer for RSA PKCS#1 v1.5 signatures over
// SHA-256, SHA-384 and SHA-512 digests. PKCS#1 v1.5 is deterministic: the
// signature bytes equal crypto/rsa's for the same key and digest. RSA-PSS
// options and other hashes are refused with an error wrapping
// ErrUnsupported (there is no silent fallback to crypto/rsa inside Sign).
package opensslsign
