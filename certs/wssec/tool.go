package wssec

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"time"

	"konektor/certs"
	"konektor/certs/opensslsign"
	"konektor/certs/xmlsig"
)

// NewSignerFromFiles loads a PEM certificate and key (as `konektor xml sign
// --cert C --key K` and the seal stage do) and returns a Signer.
func NewSignerFromFiles(certFile, keyFile string, o SignerOptions) (*Signer, error) {
	kp, err := certs.LoadKeyPair(certFile, keyFile)
	if err != nil {
		return nil, err
	}
	// OpenSSL signs when libcrypto 3 loads (cgo builds; see
	// certs/opensslsign); otherwise, or for a key it refuses, crypto/rsa.
	key, _, err := opensslsign.Select(kp.Key, opensslsign.EngineAuto)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", keyFile, err)
	}
	s, err := NewSigner(key, kp.Leaf(), o)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", certFile, err)
	}
	return s, nil
}

// LoadTrust reads PEM certificate files or directories (as `konektor xml
// verify --trust` does): CA certificates become roots that signing
// certificates may chain to; all others are pinned.
func LoadTrust(paths ...string) (Trust, error) {
	cs, err := certs.LoadPoolCertificates(paths...)
	if err != nil {
		return Trust{}, err
	}
	var t Trust
	for _, c := range cs {
		if c.IsCA {
			if t.Roots == nil {
				t.Roots = x509.NewCertPool()
			}
			t.Roots.AddCert(c)
			continue
		}
		t.Pinned = append(t.Pinned, c)
	}
	return t, nil
}

// Report is the JSON answer of `konektor xml verify` (xmlsig.Report, which
// certs/docsig's Check returns too).
type Report = xmlsig.Report

// Check verifies envelope under the Verifier's rules at the moment at (zero
// means now), without a replay cache, and reports the outcome; the caller
// exits non-zero unless Report.Valid. Limits and skew are the defaults.
func Check(envelope []byte, trust Trust, at time.Time) Report {
	if at.IsZero() {
		at = time.Now()
	}
	r := Report{References: []Reference{}, CheckedAt: at.UTC()}
	v, err := NewVerifier(VerifierOptions{Trust: trust, Now: func() time.Time { return at }, DisableReplayCheck: true})
	if err == nil {
		var res *Result
		res, err = v.Verify(context.Background(), envelope)
		if err == nil {
			r.Valid, r.Reason, r.ReasonEN = true, "podpis je platný", "signature is valid"
			r.Mode, r.References, r.SignatureID = res.Mode, res.References, res.SignatureID
			r.Signer, r.Issuer = res.Signer.Subject.String(), res.Signer.Issuer.String()
			if !res.Created.IsZero() {
				c, e := res.Created.UTC(), res.Expires.UTC()
				r.Created, r.Expires = &c, &e
			}
			return r
		}
	}
	r.Reason, r.ReasonEN, r.Detail = "konfigurace ověření je neplatná", "invalid verification setup", err.Error()
	var e *Error
	if errors.As(err, &e) {
		r.Code, r.Reason, r.ReasonEN, r.Detail = e.Code, e.Message(), e.MessageEN(), e.Error()
	}
	return r
}
