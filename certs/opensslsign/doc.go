// Package opensslsign is an RSA signer backed by OpenSSL's libcrypto 3,
// for the keys konektor signs with most often (the seal key and
// WS-Security signing keys). crypto/rsa's constant-time private-key
// operation costs about three times OpenSSL's on the machines konektor runs
// on, which makes a sealed answer slower than xmlsec1 would make it.
//
// The binding is part of every build with cgo on a Unix-like system (cgo is
// on by default where a C compiler is found). It needs no OpenSSL headers and does not link
// against libcrypto: on first use it loads libcrypto.so.3 (else
// libcrypto.so) with dlopen, checks that it is OpenSSL 3 or later and
// resolves the dozen functions it calls. Where no such library exists
// (Debian/Ubuntu: package libssl3 or libssl3t64), Available reports false,
// LoadError says why, New returns an error wrapping ErrUnavailable and
// Select under "auto" hands back the crypto/rsa key unchanged, naming the
// cause in its description.
//
// Opting out: the engine "go" (configuration seal.rsa_engine, env
// KONEKTOR_SEAL_RSA_ENGINE) keeps crypto/rsa at run time; the build tag
// noopenssl (or CGO_ENABLED=0) leaves the binding out of the binary, which
// then behaves as if the library were missing.
//
// Signer implements crypto.Signer for RSA PKCS#1 v1.5 signatures over
// SHA-256, SHA-384 and SHA-512 digests. PKCS#1 v1.5 is deterministic: the
// signature bytes equal crypto/rsa's for the same key and digest. RSA-PSS
// options and other hashes are refused with an error wrapping
// ErrUnsupported (there is no silent fallback to crypto/rsa inside Sign).
package opensslsign
