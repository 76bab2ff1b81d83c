package opensslsign

import (
	"crypto"
	"crypto/rsa"
	"errors"
	"fmt"
)

// Engine settings accepted by Select (configuration: seal.rsa_engine).
const (
	// EngineAuto uses OpenSSL when libcrypto 3 loads and the key is RSA,
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
	// ErrUnavailable means the OpenSSL signer cannot be used: no OpenSSL 3
	// libcrypto could be loaded, or the build has no cgo (CGO_ENABLED=0) or
	// has the tag noopenssl. The errors New, Select and LoadError return
	// wrap it and say which.
	ErrUnavailable = errors.New("opensslsign: the OpenSSL RSA signer is unavailable")
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
// Signer when libcrypto 3 is loaded (see Available) and key is an
// *rsa.PrivateKey; otherwise, or when OpenSSL cannot take the key, it
// returns key unchanged and says why in the description, e.g.
// "Go crypto/rsa (libcrypto.so.3 not found)". EngineOpenSSL returns an
// error instead of falling back (wrapping ErrUnavailable when libcrypto is
// missing).
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
	if err := LoadError(); err != nil {
		if engine == EngineOpenSSL {
			return nil, "", err
		}
		return key, GoEngine + " (" + reason(err) + ")", nil
	}
	s, err := New(rk)
	if err != nil {
		if engine == EngineOpenSSL {
			return nil, "", err
		}
		return key, GoEngine + " (OpenSSL refused the key: " + err.Error() + ")", nil
	}
	return s, description(), nil
}

// loadError is why the OpenSSL signer is unavailable: short for Select's
// description, detail (optional) for the error.
type loadError struct{ short, detail string }

func (e *loadError) Error() string {
	if e.detail == "" {
		return ErrUnavailable.Error() + ": " + e.short
	}
	return ErrUnavailable.Error() + ": " + e.short + " (" + e.detail + ")"
}

func (e *loadError) Unwrap() error { return ErrUnavailable }

// reason is the short cause of an unavailability error.
func reason(err error) string {
	var le *loadError
	if errors.As(err, &le) {
		return le.short
	}
	return err.Error()
}
