package audit

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/url"
	"time"

	"github.com/digitorus/pkcs7"
	"github.com/digitorus/timestamp"
)

// Timestamper obtains RFC 3161 time stamps.
type Timestamper interface {
	// TimeStamp returns a TimeStampToken (DER) over a SHA-256 digest.
	TimeStamp(ctx context.Context, digest []byte) ([]byte, error)
}

// ErrTimeStamp is returned when a time stamp cannot be obtained or does not verify.
var ErrTimeStamp = errors.New("audit: time stamp")

// maxTSAResponse bounds what is read from a TSA.
const maxTSAResponse = 256 << 10

// TSAClient asks an RFC 3161 time-stamping authority over HTTP (RFC 3161
// §3.4: POST application/timestamp-query, answer application/timestamp-reply).
type TSAClient struct {
	url  string
	http *http.Client
}

// NewTSAClient returns a client of the TSA at rawURL (http or https); a nil
// hc means a client with a 30 s timeout.
func NewTSAClient(rawURL string, hc *http.Client) (*TSAClient, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("%w: TSA URL %q is not an http(s) URL", ErrTimeStamp, rawURL)
	}
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
	}
	return &TSAClient{url: u.String(), http: hc}, nil
}

// TimeStamp requests a time stamp over digest (SHA-256) with a fresh nonce
// and the TSA's certificate, and checks that the answer is granted, covers
// digest and echoes the nonce. It does not judge whether the TSA is
// trusted: VerifyTimeStamp does, against configured roots.
func (c *TSAClient) TimeStamp(ctx context.Context, digest []byte) ([]byte, error) {
	if len(digest) != crypto.SHA256.Size() {
		return nil, fmt.Errorf("%w: digest is %d bytes, want a SHA-256 digest", ErrTimeStamp, len(digest))
	}
	nonce, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 64))
	if err != nil {
		return nil, fmt.Errorf("%w: nonce: %v", ErrTimeStamp, err)
	}
	req := timestamp.Request{HashAlgorithm: crypto.SHA256, HashedMessage: digest, Certificates: true, Nonce: nonce}
	der, err := req.Marshal()
	if err != nil {
		return nil, fmt.Errorf("%w: request: %v", ErrTimeStamp, err)
	}
	hreq, err := http.NewRequestWithContext(ctx, http.MethodPost, c.url, bytes.NewReader(der))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrTimeStamp, err)
	}
	hreq.Header.Set("Content-Type", "application/timestamp-query")
	hreq.Header.Set("Accept", "application/timestamp-reply")
	resp, err := c.http.Do(hreq)
	if err != nil {
		return nil, fmt.Errorf("%w: TSA %s: %v", ErrTimeStamp, c.url, err)
	}
	defer func() { _ = resp.Body.Close() }()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxTSAResponse+1))
	if err != nil {
		return nil, fmt.Errorf("%w: TSA %s: reading the answer: %v", ErrTimeStamp, c.url, err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%w: TSA %s answered HTTP %d", ErrTimeStamp, c.url, resp.StatusCode)
	}
	if len(body) > maxTSAResponse {
		return nil, fmt.Errorf("%w: TSA %s: answer larger than %d bytes", ErrTimeStamp, c.url, maxTSAResponse)
	}
	ts, err := timestamp.ParseResponse(body)
	if err != nil {
		return nil, fmt.Errorf("%w: TSA %s: %v", ErrTimeStamp, c.url, err)
	}
	if ts.HashAlgorithm != crypto.SHA256 || !bytes.Equal(ts.HashedMessage, digest) {
		return nil, fmt.Errorf("%w: TSA %s stamped something else than was asked", ErrTimeStamp, c.url)
	}
	if ts.Nonce == nil || ts.Nonce.Cmp(nonce) != 0 {
		return nil, fmt.Errorf("%w: TSA %s did not echo the nonce", ErrTimeStamp, c.url)
	}
	return ts.RawToken, nil
}

// StampInfo describes a verified time stamp.
type StampInfo struct {
	Time     time.Time
	TSA      string // subject of the TSA certificate
	Serial   string // the token's serial number, decimal
	Accuracy time.Duration
}

// VerifyTimeStamp checks an RFC 3161 TimeStampToken: its CMS signature, that
// it covers digest with SHA-256, and that the signing certificate is a
// time-stamping certificate that chains to roots at the stamped time.
func VerifyTimeStamp(token, digest []byte, roots *x509.CertPool) (StampInfo, error) {
	if roots == nil {
		return StampInfo{}, fmt.Errorf("%w: no trusted TSA roots are configured", ErrTimeStamp)
	}
	if len(token) == 0 {
		return StampInfo{}, fmt.Errorf("%w: empty token", ErrTimeStamp)
	}
	ts, p7, err := parseToken(token)
	if err != nil {
		return StampInfo{}, err
	}
	if ts.HashAlgorithm != crypto.SHA256 || !bytes.Equal(ts.HashedMessage, digest) {
		return StampInfo{}, fmt.Errorf("%w: the token covers other data", ErrTimeStamp)
	}
	if len(p7.Signers) != 1 {
		return StampInfo{}, fmt.Errorf("%w: the token has %d signers, want 1", ErrTimeStamp, len(p7.Signers))
	}
	tsa := p7.GetOnlySigner()
	if tsa == nil {
		return StampInfo{}, fmt.Errorf("%w: the token does not carry its TSA certificate", ErrTimeStamp)
	}
	// RFC 3161 §2.3: the TSA certificate has exactly one extended key
	// usage, time stamping (Go's chain check alone accepts a certificate
	// without any extended key usage).
	if len(tsa.ExtKeyUsage) != 1 || tsa.ExtKeyUsage[0] != x509.ExtKeyUsageTimeStamping || len(tsa.UnknownExtKeyUsage) > 0 {
		return StampInfo{}, fmt.Errorf("%w: TSA certificate %q is not trusted: it is not a time-stamping certificate", ErrTimeStamp, tsa.Subject.String())
	}
	inter := x509.NewCertPool()
	for _, c := range p7.Certificates {
		inter.AddCert(c)
	}
	if _, err := tsa.Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter, CurrentTime: ts.Time,
		KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageTimeStamping}}); err != nil {
		return StampInfo{}, fmt.Errorf("%w: TSA certificate %q is not trusted: %v", ErrTimeStamp, tsa.Subject.String(), err)
	}
	info := StampInfo{Time: ts.Time.UTC(), TSA: tsa.Subject.String(), Accuracy: ts.Accuracy}
	if ts.SerialNumber != nil {
		info.Serial = ts.SerialNumber.String()
	}
	return info, nil
}

// parseToken parses a token and checks its CMS signature, turning a panic
// of the parsers on hostile input into an error.
func parseToken(token []byte) (ts *timestamp.Timestamp, p7 *pkcs7.PKCS7, err error) {
	defer func() {
		if r := recover(); r != nil {
			ts, p7, err = nil, nil, fmt.Errorf("%w: malformed token", ErrTimeStamp)
		}
	}()
	if ts, err = timestamp.Parse(token); err != nil {
		return nil, nil, fmt.Errorf("%w: %v", ErrTimeStamp, err)
	}
	if !ts.AddTSACertificate {
		return nil, nil, fmt.Errorf("%w: the token does not carry its TSA certificate", ErrTimeStamp)
	}
	if p7, err = pkcs7.Parse(token); err != nil {
		return nil, nil, fmt.Errorf("%w: %v", ErrTimeStamp, err)
	}
	return ts, p7, nil
}

// TokenCertificates returns the certificates a token carries (for a bundle).
func TokenCertificates(token []byte) ([]*x509.Certificate, error) {
	_, p7, err := parseToken(token)
	if err != nil {
		return nil, err
	}
	return p7.Certificates, nil
}

// TimestamperFunc adapts a function (an in-process TSA such as the
// sandbox's Authority.Stamp) to Timestamper.
type TimestamperFunc func(ctx context.Context, digest []byte) ([]byte, error)

// TimeStamp calls f.
func (f TimestamperFunc) TimeStamp(ctx context.Context, digest []byte) ([]byte, error) {
	return f(ctx, digest)
}

var (
	_ Timestamper = (*TSAClient)(nil)
	_ Timestamper = TimestamperFunc(nil)
)
