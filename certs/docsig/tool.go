package docsig

import (
	"errors"
	"time"

	"konektor/certs/xmlsig"
)

// Mode is the signature form Check reports (xmlsig.Report.Mode).
const Mode = "enveloped-document"

// SOAP envelope namespaces, for IsSOAPEnvelope.
const (
	nsSOAP11 = "http://schemas.xmlsoap.org/soap/envelope/"
	nsSOAP12 = "http://www.w3.org/2003/05/soap-envelope"
)

// IsSOAPEnvelope reports whether doc's root element is a SOAP 1.1 or 1.2
// Envelope (checked by certs/wssec) rather than a document this package
// checks. It reads no further than the root's start tag.
func IsSOAPEnvelope(doc []byte) bool {
	n, err := rootName(doc)
	return err == nil && n.Local == "Envelope" && (n.Space == nsSOAP11 || n.Space == nsSOAP12)
}

// Check verifies doc under the Verifier's rules at the moment at (zero
// means now) with the default limits, and reports the outcome in the form
// `konektor xml verify` prints for WS-Security envelopes too (xmlsig.Report,
// as certs/wssec's Check); the caller exits non-zero unless Report.Valid.
func Check(doc []byte, trust xmlsig.Trust, at time.Time) xmlsig.Report {
	if at.IsZero() {
		at = time.Now()
	}
	r := xmlsig.Report{References: []xmlsig.Reference{}, CheckedAt: at.UTC()}
	v, err := NewVerifier(VerifierOptions{Trust: trust, Now: func() time.Time { return at }})
	if err == nil {
		var res *Result
		if res, err = v.Verify(doc); err == nil {
			r.Valid, r.Reason, r.ReasonEN, r.Mode = true, "podpis je platný", "signature is valid", Mode
			r.References = []xmlsig.Reference{{URI: "", Element: res.Root, DigestMethod: res.DigestMethod}}
			r.Signer, r.Issuer, r.SignatureID = res.Subject, res.Signer.Issuer.String(), res.SignatureID
			return r
		}
	}
	r.Reason, r.ReasonEN, r.Detail = "konfigurace ověření je neplatná", "invalid verification setup", err.Error()
	var e *xmlsig.Error
	if errors.As(err, &e) {
		r.Code, r.Reason, r.ReasonEN, r.Detail = e.Code, e.Message(), e.MessageEN(), e.Error()
		r.Mode = Mode
	}
	return r
}
