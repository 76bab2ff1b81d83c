package tsa

// This file is the only one that imports the digitorus RFC 3161 and CMS
// libraries; the rest of the package works on the types defined here.

import (
	"crypto"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/digitorus/pkcs7"
	"github.com/digitorus/timestamp"
)

// request is a parsed time-stamp request (TimeStampReq).
type request struct {
	hash    crypto.Hash
	digest  []byte
	nonce   *big.Int
	certReq bool
	policy  asn1.ObjectIdentifier
}

// errUnknownHash marks a request whose hash algorithm is not known.
var errUnknownHash = errors.New("unknown hash algorithm")

// parseRequest reads a DER TimeStampReq.
func parseRequest(der []byte) (r *request, err error) {
	defer recoverAs(&err, ErrMalformed)
	q, err := timestamp.ParseRequest(der)
	if err != nil {
		if strings.Contains(err.Error(), "unknown hash") {
			return nil, errUnknownHash
		}
		return nil, err
	}
	return &request{hash: q.HashAlgorithm, digest: q.HashedMessage, nonce: q.Nonce,
		certReq: q.Certificates, policy: q.TSAPolicyOID}, nil
}

// marshalRequest writes a DER TimeStampReq that asks for the certificate.
func marshalRequest(h crypto.Hash, digest []byte, nonce *big.Int) ([]byte, error) {
	q := timestamp.Request{HashAlgorithm: h, HashedMessage: digest, Nonce: nonce, Certificates: true}
	return q.Marshal()
}

// signToken wraps a DER TSTInfo into a CMS SignedData (eContentType
// id-ct-TSTInfo, version 3) signed with SHA-256 by key, with the signed
// attributes signingTime (from the injected clock, not the wall clock) and
// signingCertificateV2 (RFC 5816), and the certificates when withCert.
func signToken(tstInfo []byte, signingTime time.Time, cert *x509.Certificate, chain []*x509.Certificate,
	key crypto.Signer, withCert bool) ([]byte, error) {
	sd, err := pkcs7.NewSignedData(tstInfo)
	if err != nil {
		return nil, err
	}
	sd.SetDigestAlgorithm(pkcs7.OIDDigestAlgorithmSHA256)
	sd.SetContentType(oidTSTInfo)
	sd.GetSignedData().Version = 3
	essV2, err := signingCertificateV2(cert)
	if err != nil {
		return nil, err
	}
	conf := pkcs7.SignerInfoConfig{
		ExtraSignedAttributes: []pkcs7.Attribute{
			{Type: pkcs7.OIDAttributeSigningTime, Value: signingTime.UTC()},
			{Type: oidSigningCertificateV2, Value: asn1.RawValue{FullBytes: essV2}},
		},
		SkipCertificates: !withCert,
	}
	if len(chain) > 0 {
		err = sd.AddSignerChain(cert, key, chain, conf)
	} else {
		err = sd.AddSigner(cert, key, conf)
	}
	if err != nil {
		return nil, err
	}
	return sd.Finish()
}

// errorResponse is a DER TimeStampResp with status rejection and one
// failure bit.
func errorResponse(fail failure) []byte {
	b, err := timestamp.CreateErrorResponse(timestamp.Rejection, fail)
	if err != nil {
		// Marshalling two small integers cannot fail; keep a fixed answer
		// (rejection, no failure info) rather than nothing.
		return []byte{0x30, 0x05, 0x30, 0x03, 0x02, 0x01, 0x02}
	}
	return b
}

// failure is a cause a TSA reports (RFC 3161 PKIFailureInfo).
type failure = timestamp.FailureInfo

// Failure causes.
const (
	failBadAlg           = timestamp.BadAlgorithm
	failBadDataFormat    = timestamp.BadDataFormat
	failUnacceptedPolicy = timestamp.UnacceptedPolicy
	failSystemFailure    = timestamp.SystemFailure
)

// signedToken is a token whose CMS signature was checked.
type signedToken struct {
	signer  *x509.Certificate
	certs   []*x509.Certificate // carried in the token plus those supplied
	content []byte              // eContent: the DER TSTInfo
}

// checkSignature parses the CMS SignedData of a token and verifies its
// signature (message digest and signed attributes) with the signer's
// certificate, taken from the token or from extra when the token carries
// none.
func checkSignature(token []byte, extra []*x509.Certificate) (st *signedToken, err error) {
	defer recoverAs(&err, ErrMalformed)
	p7, err := pkcs7.Parse(token)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	if len(p7.Signers) != 1 {
		return nil, fmt.Errorf("%w: %d signers, want 1", ErrMalformed, len(p7.Signers))
	}
	p7.Certificates = append(p7.Certificates, extra...)
	signer := p7.GetOnlySigner()
	if signer == nil {
		return nil, ErrNoCertificate
	}
	if err := p7.Verify(); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrSignature, err)
	}
	return &signedToken{signer: signer, certs: p7.Certificates, content: p7.Content}, nil
}

// recoverAs turns a panic of a third-party parser into an error: input
// that makes a parser panic is malformed input, not a crash.
func recoverAs(err *error, sentinel error) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("%w: parser failure: %v", sentinel, r)
	}
}
