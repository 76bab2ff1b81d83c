package opensslsign

import (
	"crypto"
	"crypto/rsa"
	"errors"
	"fmt"
)

// Engine settings accepted by Select (configuration: seal.rsa_engine).
const (
	// EngineAuto uses OpenSSL when it is compiled in and the key is RSA,
	// else crypto/rsa.
	EngineAuto = "auto"
	// EngineGo always uses Go's crypto/rsa.
	EngineGo = "go"
	// EngineOpenSSL requires the OpenSSL signer and fails without it.
	EngineOpenSSL = "openssl"
)

// GoEngine describes Go's own implementation in Select's description.
const GoEngine = "Go crypto/rsa"

var (
	// ErrUnavailable means konektor was built without the OpenSSL signer
	// (without `-tags openssl` or without cgo).
	ErrUnavailable = errors.New("opensslsign: the OpenSSL RSA signer is not compiled in (build with -tags openssl and cgo)")
	// ErrUnsupported means a signing option the signer does not implement
	// (RSA-PSS, a hash other than SHA-256/384/512).
	ErrUnsupported = errors.New("opensslsign: unsupported signature option")
	// ErrClosed means Sign was called after Close.
	ErrClosed = errors.New("opensslsign: signer is closed")
)

// ValidEngine reports whether e is an engine setting Select accepts ("" is
// EngineAuto).
func ValidEngine(e string) bool {
	switch e {
	case "", EngineAuto, EngineGo, EngineOpenSSL:
		return true
	}
	return false
}

// Select returns the signer to use for key under the engine setting, and a
// one-line description of the RSA implementation chosen (for a start-up log
// line; it holds no key material).
//
// EngineGo returns key unchanged. EngineAuto (or "") returns an OpenSSL
// Signer when the binding is compiled in and key is an *rsa.PrivateKey;
// otherwise, or when OpenSSL cannot take the key, it returns key unchanged
// and says why in the description. EngineOpenSSL returns an error instead
// of falling back.
func Select(key crypto.Signer, engine string) (crypto.Signer, string, error) {
	if !ValidEngine(engine) {
		return nil, "", fmt.Errorf("opensslsign: unknown RSA engine %q (auto, go or openssl)", engine)
	}
	if key == nil {
		return nil, "", errors.New("opensslsign: no key")
	}
	if engine == EngineGo {
		return key, GoEngine + " (forced by configuration)", nil
	}
	rk, ok := key.(*rsa.PrivateKey)
	if !ok {
		if engine == EngineOpenSSL {
			return nil, "", fmt.Errorf("opensslsign: the key is %T, not an RSA private key", key)
		}
		return key, fmt.Sprintf("Go crypto (%T key, not RSA)", key), nil
	}
	if !Available() {
		if engine == EngineOpenSSL {
			return nil, "", ErrUnavailable
		}
		return key, GoEngine + " (built without -tags openssl)", nil
	}
	s, err := New(rk)
	if err != nil {
		if engine == EngineOpenSSL {
			return nil, "", err
		}
		return key, GoEngine + " (OpenSSL refused the key: " + err.Error() + ")", nil
	}
	return s, Version() + " (libcrypto, via -tags openssl)", nil
}
