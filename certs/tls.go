package certs

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
)

// tls12CipherSuites are the TLS 1.2 suites konektor offers: ECDHE with AEAD
// only. TLS 1.3 suites are not configurable in crypto/tls and are all modern.
var tls12CipherSuites = []uint16{
	tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
	tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
	tls.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
	tls.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
	tls.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
	tls.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
}

// ServerTLS returns the bus listener's TLS configuration: TLS 1.2 or newer,
// ECDHE+AEAD suites, and a client certificate that chains to clientCAs is
// required (RequireAndVerifyClientCert). clientCAs must not be nil.
func ServerTLS(certFile, keyFile string, clientCAs *x509.CertPool) (*tls.Config, error) {
	if clientCAs == nil {
		return nil, fmt.Errorf("certs: server TLS: client CA pool: %w", ErrNoTrustAnchors)
	}
	kp, err := LoadKeyPair(certFile, keyFile)
	if err != nil {
		return nil, fmt.Errorf("certs: server TLS: %w", err)
	}
	return &tls.Config{
		MinVersion:   tls.VersionTLS12,
		CipherSuites: tls12CipherSuites,
		Certificates: []tls.Certificate{kp.TLSCertificate()},
		ClientAuth:   tls.RequireAndVerifyClientCert,
		ClientCAs:    clientCAs,
	}, nil
}

// ClientTLS returns the TLS configuration for konektor's own calls to an
// upstream: TLS 1.2 or newer, ECDHE+AEAD suites, the server verified against
// roots (which must not be nil; pass x509.SystemCertPool() explicitly to use
// the system roots), and konektor's client certificate from certFile/keyFile.
// Both files empty means no client certificate (for upstreams that
// authenticate otherwise).
func ClientTLS(certFile, keyFile string, roots *x509.CertPool) (*tls.Config, error) {
	if roots == nil {
		return nil, fmt.Errorf("certs: client TLS: root pool: %w", ErrNoTrustAnchors)
	}
	cfg := &tls.Config{
		MinVersion:   tls.VersionTLS12,
		CipherSuites: tls12CipherSuites,
		RootCAs:      roots,
	}
	switch {
	case certFile == "" && keyFile == "":
	case certFile == "" || keyFile == "":
		return nil, fmt.Errorf("certs: client TLS: %w", errHalfPair)
	default:
		kp, err := LoadKeyPair(certFile, keyFile)
		if err != nil {
			return nil, fmt.Errorf("certs: client TLS: %w", err)
		}
		cfg.Certificates = []tls.Certificate{kp.TLSCertificate()}
	}
	return cfg, nil
}

var errHalfPair = errors.New("certificate and key file must both be set or both be empty")
