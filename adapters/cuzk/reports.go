package cuzk

import (
	"context"
	"errors"
	"fmt"
	"time"

	"konektor/certs/docsig"
	"konektor/certs/xmlsig"
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
	// verifier cannot check (an XML construct it cannot canonicalize, or
	// a report beyond its limits).
	ErrReportUnverifiable = errors.New("cuzk: the XML report's signature cannot be checked by konektor")
)

// DocReports verifies reports sealed as ČÚZK seals them: an enveloped
// ds:Signature in the report's root element over the whole report
// (certs/docsig, strict: one signature, exc-c14n, RSA-SHA256 or stronger,
// RSA ≥ 2048, certificate pinned or chained to the trust).
type DocReports struct {
	v *docsig.Verifier
}

// NewDocReports returns a verifier trusting the given sealing certificates
// or roots; the certificate must be valid at the moment of the check.
func NewDocReports(trust xmlsig.Trust, now func() time.Time) (*DocReports, error) {
	v, err := docsig.NewVerifier(docsig.VerifierOptions{Trust: trust, Now: now})
	if err != nil {
		return nil, err
	}
	return &DocReports{v: v}, nil
}

// VerifyReport checks a report file. A file without any ds:Signature is
// ErrReportUnsigned; one konektor cannot check is ErrReportUnverifiable;
// any other failure is an *xmlsig.Error.
func (d *DocReports) VerifyReport(_ context.Context, file []byte) (ReportEvidence, error) {
	res, err := d.v.Verify(file)
	switch xmlsig.CodeOf(err) {
	case "":
		if err != nil {
			return ReportEvidence{}, err
		}
		return ReportEvidence{Signer: res.Subject, SignatureID: res.SignatureID}, nil
	case xmlsig.CodeMissingSig:
		return ReportEvidence{}, fmt.Errorf("%w: %w", ErrReportUnsigned, err)
	case docsig.CodeUnsupported, xmlsig.CodeTooLarge:
		return ReportEvidence{}, fmt.Errorf("%w: %w", ErrReportUnverifiable, err)
	}
	return ReportEvidence{}, err
}

var _ ReportVerifier = (*DocReports)(nil)
