package cuzk

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"time"

	"konektor/certs/wssec"
	"konektor/wsdl/cuzk"
)

// ReportVerifier checks the signature (ČÚZK's electronic seal) of an XML
// report file.
type ReportVerifier interface {
	VerifyReport(ctx context.Context, file []byte) (ReportEvidence, error)
}

// ReportEvidence is what a valid seal vouches for.
type ReportEvidence struct {
	Signer      string // subject of the sealing certificate
	SignatureID string // hex SHA-256 of the SignatureValue
}

// Outcomes of a report check that are not a broken signature.
var (
	// ErrReportUnsigned: the file carries no signature at all.
	ErrReportUnsigned = errors.New("cuzk: the XML report carries no signature")
	// ErrReportUnverifiable: the file carries a signature konektor's
	// verifier cannot check (ČÚZK's enveloped ds:Signature inside the
	// report root; certs/wssec verifies SOAP envelopes only).
	ErrReportUnverifiable = errors.New("cuzk: the XML report's signature cannot be checked by konektor")
)

// ReportMaxTimestampTTL is the longest seal timestamp accepted: a report
// stays downloadable for weeks after it was sealed.
const ReportMaxTimestampTTL = 31 * 24 * time.Hour

// WSSecReports verifies reports sealed as the sandbox seals them: a SOAP
// envelope whose Body holds the report, signed with WS-Security (see
// adapters/cuzk/sim). Any other signed form is unverifiable.
type WSSecReports struct {
	v *wssec.Verifier
}

// NewWSSecReports returns a verifier trusting the given sealing
// certificates or roots. Reports may be downloaded more than once, so
// there is no replay check.
func NewWSSecReports(trust wssec.Trust, now func() time.Time) (*WSSecReports, error) {
	v, err := wssec.NewVerifier(wssec.VerifierOptions{Trust: trust, Now: now,
		MaxTimestampTTL: ReportMaxTimestampTTL, DisableReplayCheck: true})
	if err != nil {
		return nil, err
	}
	return &WSSecReports{v: v}, nil
}

// VerifyReport checks a report file.
func (w *WSSecReports) VerifyReport(ctx context.Context, file []byte) (ReportEvidence, error) {
	root, signed, err := sniff(file)
	if err != nil {
		return ReportEvidence{}, err
	}
	if root != (xml.Name{Space: cuzk.NSSOAP11, Local: "Envelope"}) {
		if signed {
			return ReportEvidence{}, ErrReportUnverifiable
		}
		return ReportEvidence{}, ErrReportUnsigned
	}
	res, err := w.v.Verify(ctx, file)
	if err != nil {
		return ReportEvidence{}, err
	}
	return ReportEvidence{Signer: res.Signer.Subject.String(), SignatureID: res.SignatureID}, nil
}

const nsDS = "http://www.w3.org/2000/09/xmldsig#"

// sniff returns a document's root element and whether it contains a
// ds:Signature anywhere.
func sniff(doc []byte) (xml.Name, bool, error) {
	dec := xml.NewDecoder(bytes.NewReader(doc))
	var root xml.Name
	signed := false
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return root, false, fmt.Errorf("cuzk: the XML report is not well-formed: %w", err)
		}
		if t, ok := tok.(xml.StartElement); ok {
			if root.Local == "" {
				root = t.Name
			}
			if t.Name.Space == nsDS && t.Name.Local == "Signature" {
				signed = true
			}
		}
	}
	if root.Local == "" {
		return root, false, errors.New("cuzk: the XML report is empty")
	}
	return root, signed, nil
}

var _ ReportVerifier = (*WSSecReports)(nil)
