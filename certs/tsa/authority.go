package tsa

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"time"

	"go.uber.org/zap"
)

// SandboxPolicy is the TSA policy a sandbox authority states by default:
// an OID under the ITU-T/ISO arc reserved for examples (2.999), so a token
// from the sandbox can never pass for a production policy.
var SandboxPolicy = asn1.ObjectIdentifier{2, 999, 3161, 1}

// Options configure an Authority.
type Options struct {
	// Signer and Certificate are the TSA's key and certificate. The
	// certificate must carry the time-stamping key purpose.
	Signer      crypto.Signer
	Certificate *x509.Certificate
	// Chain are intermediate certificates put into tokens after the TSA
	// certificate (not the root).
	Chain []*x509.Certificate
	// Policy is the TSA policy of every token; nil = SandboxPolicy.
	Policy asn1.ObjectIdentifier
	// Now is the clock (genTime); nil = time.Now.
	Now func() time.Time
	// Accuracy stated in tokens; 0 = one second.
	Accuracy time.Duration
	// Logger receives one line per refused request; nil = no logging.
	Logger *zap.Logger
	// MaxRequestBytes bounds an HTTP request body; 0 = DefaultMaxRequestBytes.
	MaxRequestBytes int64
	// IssuedAt is, for NewSandbox only, when the sandbox certificate
	// becomes valid (never before its CA); zero = Now().
	IssuedAt time.Time
}

// DefaultMaxRequestBytes bounds a time-stamp request: a TimeStampReq with a
// SHA-512 imprint, a nonce and a policy is about 150 bytes.
const DefaultMaxRequestBytes = 8 << 10

// Authority issues RFC 3161 time-stamp tokens. It is safe for concurrent
// use.
type Authority struct {
	key      crypto.Signer
	cert     *x509.Certificate
	chain    []*x509.Certificate
	policy   asn1.ObjectIdentifier
	now      func() time.Time
	accuracy time.Duration
	log      *zap.Logger
	maxBody  int64
}

// Errors of New and Stamp.
var (
	ErrNotTSACertificate = errors.New("tsa: certificate lacks the time-stamping key purpose")
	ErrKeyMismatch       = errors.New("tsa: key does not match the certificate")
	ErrUnsupportedHash   = errors.New("tsa: unsupported hash algorithm")
	ErrDigestLength      = errors.New("tsa: digest length does not match the hash algorithm")
)

// New returns an authority configured by o.
func New(o Options) (*Authority, error) {
	if o.Signer == nil || o.Certificate == nil {
		return nil, errors.New("tsa: signer and certificate are required")
	}
	if !slices.Contains(o.Certificate.ExtKeyUsage, x509.ExtKeyUsageTimeStamping) {
		return nil, ErrNotTSACertificate
	}
	if !samePublicKey(o.Signer.Public(), o.Certificate.PublicKey) {
		return nil, ErrKeyMismatch
	}
	a := &Authority{key: o.Signer, cert: o.Certificate, chain: slices.Clone(o.Chain),
		policy: o.Policy, now: o.Now, accuracy: o.Accuracy, log: o.Logger, maxBody: o.MaxRequestBytes}
	if a.policy == nil {
		a.policy = SandboxPolicy
	}
	if a.now == nil {
		a.now = time.Now
	}
	if a.accuracy <= 0 {
		a.accuracy = time.Second
	}
	if a.log == nil {
		a.log = zap.NewNop()
	}
	if a.maxBody <= 0 {
		a.maxBody = DefaultMaxRequestBytes
	}
	return a, nil
}

// Certificate returns the TSA certificate.
func (a *Authority) Certificate() *x509.Certificate { return a.cert }

// Stamp returns a time-stamp token (a DER CMS ContentInfo with the TSA
// certificate) over digest, a hash of algorithm h. It is what the ISDS
// sandbox puts into dmQTimestamp and signatureTimeStampToken.
func (a *Authority) Stamp(h crypto.Hash, digest []byte) ([]byte, error) {
	return a.StampAt(a.now(), h, digest)
}

// StampAt is Stamp with the genTime given: for a sandbox that seeds data
// dated in the past. A production authority must use Stamp.
func (a *Authority) StampAt(at time.Time, h crypto.Hash, digest []byte) ([]byte, error) {
	if err := checkImprint(h, digest); err != nil {
		return nil, err
	}
	nonce, err := randomSerial()
	if err != nil {
		return nil, err
	}
	resp, err := createResponse(tokenSpec{hash: h, digest: digest, time: at, accuracy: a.accuracy,
		policy: a.policy, nonce: nonce, withCert: true}, a.cert, a.chain, a.key)
	if err != nil {
		return nil, fmt.Errorf("tsa: sign token: %w", err)
	}
	token, err := tokenOf(resp)
	if err != nil {
		return nil, err
	}
	return token, nil
}

// Respond answers a DER TimeStampReq with a DER TimeStampResp: a token, or
// a rejection naming the failure (badAlg, badDataFormat,
// unacceptedPolicy, systemFailure). It never fails.
func (a *Authority) Respond(req []byte) []byte {
	q, err := parseRequest(req)
	switch {
	case errors.Is(err, errUnknownHash):
		return a.reject(failBadAlg, "unknown hash algorithm")
	case err != nil:
		return a.reject(failBadDataFormat, "malformed request")
	}
	if err := checkImprint(q.hash, q.digest); err != nil {
		if errors.Is(err, ErrUnsupportedHash) {
			return a.reject(failBadAlg, err.Error())
		}
		return a.reject(failBadDataFormat, err.Error())
	}
	if q.policy != nil && !q.policy.Equal(a.policy) {
		return a.reject(failUnacceptedPolicy, "requested policy "+q.policy.String())
	}
	resp, err := createResponse(tokenSpec{hash: q.hash, digest: q.digest, time: a.now(), accuracy: a.accuracy,
		policy: a.policy, nonce: q.nonce, withCert: q.certReq}, a.cert, a.chain, a.key)
	if err != nil {
		a.log.Error("tsa: sign token", zap.Error(err))
		return errorResponse(failSystemFailure)
	}
	return resp
}

func (a *Authority) reject(f failure, why string) []byte {
	a.log.Info("tsa: request refused", zap.String("reason", why))
	return errorResponse(f)
}

// allowedHashes are the imprint algorithms the authority stamps. SHA-1 is
// refused: a sandbox has no old clients to serve.
var allowedHashes = []crypto.Hash{crypto.SHA256, crypto.SHA384, crypto.SHA512}

func checkImprint(h crypto.Hash, digest []byte) error {
	if !slices.Contains(allowedHashes, h) {
		return fmt.Errorf("%w: %v", ErrUnsupportedHash, h)
	}
	if len(digest) != h.Size() {
		return fmt.Errorf("%w: %d bytes for %v", ErrDigestLength, len(digest), h)
	}
	return nil
}

// timeStampResp is the outer shape of a TimeStampResp.
type timeStampResp struct {
	Status asn1.RawValue
	Token  asn1.RawValue `asn1:"optional"`
}

// tokenOf returns the TimeStampToken of a granted DER response.
func tokenOf(resp []byte) ([]byte, error) {
	var r timeStampResp
	rest, err := asn1.Unmarshal(resp, &r)
	if err != nil || len(rest) > 0 {
		return nil, fmt.Errorf("%w: response is not a TimeStampResp", ErrMalformed)
	}
	var status struct {
		Status int
		Rest   asn1.RawContent `asn1:"optional"`
	}
	if _, err := asn1.Unmarshal(r.Status.FullBytes, &status); err != nil {
		return nil, fmt.Errorf("%w: response status: %v", ErrMalformed, err)
	}
	if status.Status != 0 && status.Status != 1 {
		return nil, fmt.Errorf("%w: status %d", ErrRejected, status.Status)
	}
	if len(r.Token.FullBytes) == 0 {
		return nil, fmt.Errorf("%w: granted response without a token", ErrMalformed)
	}
	return bytes.Clone(r.Token.FullBytes), nil
}

func randomSerial() (*big.Int, error) {
	return rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 63))
}

// samePublicKey reports whether two public keys are equal.
func samePublicKey(a, b crypto.PublicKey) bool {
	ak, ok := a.(interface{ Equal(crypto.PublicKey) bool })
	return ok && ak.Equal(b)
}
