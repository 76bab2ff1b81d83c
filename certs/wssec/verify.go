package wssec

import (
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/subtle"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"time"

	"konektor/certs/xmlsig"
)

// Verification defaults.
const (
	DefaultSkew            = 5 * time.Minute
	DefaultMaxTimestampTTL = time.Hour
)

// VerifierOptions configures a Verifier.
type VerifierOptions struct {
	// Trust lists the accepted signing certificates; it must not be empty.
	Trust Trust
	// Now is the verification clock; nil means time.Now.
	Now func() time.Time
	// Skew is the clock difference tolerated on Created and Expires
	// (zero means DefaultSkew; negative means none).
	Skew time.Duration
	// MaxTimestampTTL is the longest Expires minus Created accepted (zero
	// means DefaultMaxTimestampTTL); it also bounds replay-cache entries.
	MaxTimestampTTL time.Duration
	// AllowMissingTimestamp accepts messages without a wsu:Timestamp
	// (e.g. enveloped signatures of stored documents). Freshness and replay
	// are then not checked against a Timestamp.
	AllowMissingTimestamp bool
	// Replay remembers accepted signatures; nil means a MemoryReplayCache of
	// DefaultReplayCapacity on the Now clock.
	Replay ReplayCache
	// DisableReplayCheck turns the replay check off (offline checks of a
	// stored file, as `konektor xml verify` does).
	DisableReplayCheck bool
	// Limits bound the work spent on one message.
	Limits Limits
}

// Verifier checks WS-Security and enveloped XML signatures on SOAP
// envelopes under the policy described in the package documentation. It is
// safe for concurrent use.
type Verifier struct {
	trust   Trust
	now     func() time.Time
	skew    time.Duration
	maxTTL  time.Duration
	allowNo bool
	replay  ReplayCache
	limits  Limits
}

// NewVerifier returns a Verifier; it fails with ErrNoTrust when Trust holds
// neither pinned certificates nor roots.
func NewVerifier(o VerifierOptions) (*Verifier, error) {
	if o.Trust.Empty() {
		return nil, ErrNoTrust
	}
	v := &Verifier{trust: o.Trust, now: o.Now, skew: o.Skew, maxTTL: o.MaxTimestampTTL,
		allowNo: o.AllowMissingTimestamp, replay: o.Replay, limits: o.Limits.withDefaults()}
	if v.now == nil {
		v.now = time.Now
	}
	switch {
	case v.skew == 0:
		v.skew = DefaultSkew
	case v.skew < 0:
		v.skew = 0
	}
	if v.maxTTL <= 0 {
		v.maxTTL = DefaultMaxTimestampTTL
	}
	if o.DisableReplayCheck {
		v.replay = nil
	} else if v.replay == nil {
		v.replay = NewMemoryReplayCache(DefaultReplayCapacity, v.now)
	}
	return v, nil
}

// The values of Result.Mode and Report.Mode: how a message was signed.
const (
	ModeWSSecurity = "ws-security"
	ModeEnveloped  = "enveloped"
)

// Reference is one verified ds:Reference (xmlsig.Reference).
type Reference = xmlsig.Reference

// Result is what a successful verification vouches for. Only Body (and
// Envelope) may be used afterwards: they are the canonical bytes that were
// digested, not the bytes received.
type Result struct {
	Mode          string
	SOAPNamespace string
	// Body is the exclusive canonical form of the soap:Body that the
	// signature covers.
	Body []byte
	// Envelope is, for enveloped signatures, the verified canonical envelope
	// without the Signature; nil for WS-Security signatures.
	Envelope        []byte
	References      []Reference
	Signer          *x509.Certificate
	SignatureMethod string
	// Created and Expires come from the signed Timestamp (zero without one).
	Created, Expires time.Time
	// SignatureID is the hex SHA-256 of the SignatureValue: the replay key,
	// and a handle for the access log.
	SignatureID string
}

// verified carries the state of one verification.
type verified struct {
	m       *message
	sec     *element
	sig     *element
	ts      *element
	inHdr   bool // the Signature is a direct child of Header
	si      *element
	sv      *element
	ki      *element
	sigHash crypto.Hash
	sigAlg  string
	siPL    string
}

// Verify checks envelope and returns what the signature covers, or an
// *Error saying why it is rejected.
func (v *Verifier) Verify(ctx context.Context, envelope []byte) (*Result, error) {
	now := v.now()
	m, err := parseEnvelope(envelope, v.limits)
	if err != nil {
		return nil, err
	}
	defer m.doc.release()
	st := &verified{m: m}
	if err := v.locate(st); err != nil {
		return nil, err
	}
	if err := v.checkSignedInfoShape(st, st.si); err != nil {
		return nil, err
	}
	cert, extra, err := signingCert(m, st.sec, st.ki, v.trust.Pinned)
	if err != nil {
		return nil, err
	}
	pub, err := rsaKey(cert)
	if err != nil {
		return nil, err
	}
	if err := v.trust.Check(vocabulary, cert, extra, now); err != nil {
		return nil, err
	}
	siC, sigValue, err := v.checkSignatureValue(st, pub)
	if err != nil {
		return nil, err
	}
	res := &Result{SOAPNamespace: m.soapNS, Signer: cert, SignatureMethod: st.sigAlg}
	if err := v.checkReferences(st, siC, res); err != nil {
		return nil, err
	}
	until := now.Add(v.maxTTL)
	if st.ts != nil {
		// st.ts is the element whose canonical form was just digested and
		// found unchanged, and it holds no comment: its text is the signed text.
		res.Created, res.Expires, err = parseTimestamp(m, st.ts)
		if err != nil {
			return nil, err
		}
		if err := checkFreshness(res.Created, res.Expires, now, v.skew, v.maxTTL); err != nil {
			return nil, err
		}
		until = res.Expires.Add(v.skew)
	}
	sum := sha256.Sum256(sigValue)
	res.SignatureID = hex.EncodeToString(sum[:])
	if v.replay != nil {
		seen, err := v.replay.Remember(ctx, res.SignatureID, until)
		if err != nil {
			return nil, rejectErr(CodeInternal, err, "replay cache")
		}
		if seen {
			return nil, reject(CodeReplay, "signature %s… was already accepted", res.SignatureID[:16])
		}
	}
	return res, nil
}

// locate finds the Security header, the Signature and the Timestamp by
// position and rejects any extra or misplaced copy.
func (v *Verifier) locate(st *verified) error {
	m := st.m
	if m.header == nil || len(m.signatures) == 0 {
		return reject(CodeMissingSig, "no ds:Signature in the SOAP Header")
	}
	if len(m.signatures) > 1 {
		return reject(CodeWrapping, "%d ds:Signature elements, exactly one allowed", len(m.signatures))
	}
	if len(m.securities) > 1 {
		return reject(CodeWrapping, "%d wsse:Security elements, at most one allowed", len(m.securities))
	}
	if len(m.securities) == 1 {
		st.sec = m.securities[0]
		if st.sec.Parent() != m.header {
			return reject(CodeWrapping, "wsse:Security is not a direct child of the SOAP Header")
		}
	}
	st.sig = m.signatures[0]
	switch p := st.sig.Parent(); {
	case st.sec != nil && p == st.sec:
	case p == m.header:
		st.inHdr = true
	default:
		return reject(CodeWrapping, "ds:Signature is not in the wsse:Security header")
	}
	if len(m.timestamps) > 1 {
		return reject(CodeWrapping, "%d wsu:Timestamp elements, at most one allowed", len(m.timestamps))
	}
	if len(m.timestamps) == 1 {
		st.ts = m.timestamps[0]
		if st.sec == nil || st.ts.Parent() != st.sec {
			return reject(CodeWrapping, "wsu:Timestamp is not a direct child of the wsse:Security header")
		}
	}
	if st.ts == nil && !v.allowNo {
		return reject(CodeTimestamp, "no wsu:Timestamp in the wsse:Security header")
	}
	kids := st.sig.ChildElements()
	if len(kids) != 3 || !m.is(kids[0], nsDS, "SignedInfo") || !m.is(kids[1], nsDS, "SignatureValue") ||
		!m.is(kids[2], nsDS, "KeyInfo") || hasText(st.sig) {
		return reject(CodeBadSignature, "ds:Signature must hold exactly SignedInfo, SignatureValue and KeyInfo")
	}
	st.si, st.sv, st.ki = kids[0], kids[1], kids[2]
	return nil
}

// checkSignedInfoShape applies the algorithm policy to a SignedInfo: first
// to the received one (to reject early), then to the verified bytes.
func (v *Verifier) checkSignedInfoShape(st *verified, si *element) error {
	m := st.m
	kids := si.ChildElements()
	if len(kids) < 3 || !m.is(kids[0], nsDS, "CanonicalizationMethod") || !m.is(kids[1], nsDS, "SignatureMethod") || hasText(si) {
		return reject(CodeBadSignature, "SignedInfo must hold CanonicalizationMethod, SignatureMethod and References")
	}
	refs := kids[2:]
	if len(refs) > v.limits.MaxReferences {
		return reject(CodeTooLarge, "%d References, at most %d allowed", len(refs), v.limits.MaxReferences)
	}
	for _, r := range refs {
		if !m.is(r, nsDS, "Reference") {
			return reject(CodeBadSignature, "unexpected %s in SignedInfo", r.Tag)
		}
	}
	pl, err := c14nMethod(m, kids[0])
	if err != nil {
		return err
	}
	alg := plainAttrValue(kids[1], "Algorithm", "")
	h, ok := xmlsig.SignatureHash(alg)
	if !ok || len(kids[1].ChildElements()) != 0 {
		return reject(CodeAlgorithm, "SignatureMethod %q not allowed (RSA-SHA256, -384 or -512 only)", alg)
	}
	st.siPL, st.sigHash, st.sigAlg = pl, h, alg
	return nil
}

// c14nMethod accepts only exc-c14n without comments, optionally with an
// InclusiveNamespaces PrefixList, and returns that list.
func c14nMethod(m *message, cm *element) (string, error) {
	if alg := plainAttrValue(cm, "Algorithm", ""); alg != algExcC14N {
		return "", reject(CodeAlgorithm, "canonicalization %q not allowed (exclusive c14n only)", alg)
	}
	kids := cm.ChildElements()
	switch {
	case len(kids) == 0:
		return "", nil
	case len(kids) == 1 && m.is(kids[0], nsExcC14, "InclusiveNamespaces"):
		return plainAttrValue(kids[0], "PrefixList", ""), nil
	}
	return "", reject(CodeAlgorithm, "unexpected content in a canonicalization method")
}

// checkSignatureValue verifies SignatureValue over the canonical SignedInfo
// and returns those bytes and the signature.
func (v *Verifier) checkSignatureValue(st *verified, pub *rsa.PublicKey) ([]byte, []byte, error) {
	siC, err := excC14N(st.si, st.siPL)
	if err != nil {
		return nil, nil, rejectErr(CodeBadSignature, err, "canonicalize SignedInfo")
	}
	txt, ok := textOf(st.sv)
	if !ok {
		return nil, nil, reject(CodeBadSignature, "SignatureValue must hold only base64 text")
	}
	sig, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(txt), ""))
	if err != nil {
		return nil, nil, rejectErr(CodeBadSignature, err, "SignatureValue is not base64")
	}
	if err := rsa.VerifyPKCS1v15(pub, st.sigHash, digest(st.sigHash, siC), sig); err != nil {
		return nil, nil, rejectErr(CodeBadSignature, err, "SignatureValue")
	}
	return siC, sig, nil
}

// checkReferences reads the References from the verified canonical
// SignedInfo only, checks each digest, and requires that the structurally
// found Body and Timestamp are covered.
func (v *Verifier) checkReferences(st *verified, siC []byte, res *Result) error {
	m := st.m
	vdoc, err := parseXML(siC, v.limits)
	if err != nil {
		return rejectErr(CodeInternal, err, "re-parse verified SignedInfo")
	}
	defer vdoc.release()
	vsi := vdoc.Root()
	if vsi == nil || !m.is(vsi, nsDS, "SignedInfo") {
		return reject(CodeInternal, "verified SignedInfo has an unexpected root")
	}
	if err := v.checkSignedInfoShape(st, vsi); err != nil {
		return err
	}
	refs := vsi.ChildElements()[2:]
	enveloped := false
	for _, r := range refs {
		if plainAttrValue(r, "URI", "#") == "" {
			enveloped = true
		}
	}
	if enveloped && len(refs) != 1 {
		return reject(CodeWrapping, "an enveloped Reference (URI=\"\") must be the only Reference")
	}
	if st.inHdr && !enveloped {
		return reject(CodeWrapping, "a ds:Signature outside wsse:Security must be an enveloped signature")
	}
	covered := map[*element]bool{}
	for _, r := range refs {
		uri := plainAttrValue(r, "URI", "#")
		transforms, h, want, err := referenceParts(m, r)
		if err != nil {
			return err
		}
		var target *element
		var canon, sum []byte
		if enveloped {
			target = m.env
			if len(transforms) != 2 || transforms[0].alg != algEnveloped || transforms[1].alg != algExcC14N {
				return reject(CodeAlgorithm, "an enveloped Reference must use exactly the enveloped-signature and exc-c14n transforms")
			}
			if hasComment(target) {
				return reject(CodeComment, "the signed envelope contains a comment")
			}
			canon, err = excC14NWithout(target, st.sig, transforms[1].prefixList)
			if err == nil {
				sum = digest(h, canon)
			}
		} else {
			if len(uri) < 2 || uri[0] != '#' {
				return reject(CodeNotCovered, "Reference URI %q is not a same-document #id", uri)
			}
			target = m.ids[uri[1:]]
			if target == nil {
				return reject(CodeNotCovered, "Reference %q does not resolve to an element", uri)
			}
			if isInside(target, st.sig) {
				return reject(CodeWrapping, "Reference %q points inside the Signature", uri)
			}
			if len(transforms) != 1 || transforms[0].alg != algExcC14N {
				return reject(CodeAlgorithm, "Reference %q must use exactly the exc-c14n transform", uri)
			}
			if hasComment(target) {
				return reject(CodeComment, "signed element %s contains a comment", target.Tag)
			}
			if target == m.body {
				// The Body's canonical form is what the caller gets.
				canon, err = excC14N(target, transforms[0].prefixList)
				if err == nil {
					sum = digest(h, canon)
				}
			} else {
				sum, err = excC14NDigest(h, target, transforms[0].prefixList)
			}
		}
		if err != nil {
			return rejectErr(CodeDigestMismatch, err, "canonicalize %q", uri)
		}
		if subtle.ConstantTimeCompare(sum, want) != 1 {
			return reject(CodeDigestMismatch, "digest of %q does not match", uri)
		}
		covered[target] = true
		res.References = append(res.References, Reference{URI: uri, Element: v.describe(st, target), DigestMethod: xmlsig.DigestMethod(h)})
		switch {
		case enveloped:
			res.Mode, res.Envelope = ModeEnveloped, canon
		case target == m.body:
			res.Mode, res.Body = ModeWSSecurity, canon
		}
	}
	if enveloped {
		body, err := bodyOf(res.Envelope, v.limits)
		if err != nil {
			return err
		}
		res.Body = body
		return nil
	}
	if !covered[m.body] {
		return reject(CodeNotCovered, "the soap:Body is not signed")
	}
	if st.ts != nil && !covered[st.ts] {
		return reject(CodeNotCovered, "the wsu:Timestamp is not signed")
	}
	return nil
}

// transform is one parsed ds:Transform.
type transform struct {
	alg        string
	prefixList string
}

// referenceParts reads a verified Reference's transforms, digest method and
// digest value.
func referenceParts(m *message, r *element) ([]transform, crypto.Hash, []byte, error) {
	kids := r.ChildElements()
	if len(kids) != 3 || !m.is(kids[0], nsDS, "Transforms") || !m.is(kids[1], nsDS, "DigestMethod") || !m.is(kids[2], nsDS, "DigestValue") {
		return nil, 0, nil, reject(CodeBadSignature, "Reference must hold exactly Transforms, DigestMethod and DigestValue")
	}
	var ts []transform
	for _, t := range kids[0].ChildElements() {
		if !m.is(t, nsDS, "Transform") || len(ts) == 2 {
			return nil, 0, nil, reject(CodeAlgorithm, "unexpected transform list")
		}
		alg := plainAttrValue(t, "Algorithm", "")
		switch alg {
		case algExcC14N:
			pl, err := c14nMethod(m, t)
			if err != nil {
				return nil, 0, nil, err
			}
			ts = append(ts, transform{alg: alg, prefixList: pl})
		case algEnveloped:
			if len(t.ChildElements()) != 0 {
				return nil, 0, nil, reject(CodeAlgorithm, "unexpected content in the enveloped-signature transform")
			}
			ts = append(ts, transform{alg: alg})
		default:
			return nil, 0, nil, reject(CodeAlgorithm, "transform %q not allowed", alg)
		}
	}
	alg := plainAttrValue(kids[1], "Algorithm", "")
	h, ok := xmlsig.DigestHash(alg)
	if !ok || len(kids[1].ChildElements()) != 0 {
		return nil, 0, nil, reject(CodeAlgorithm, "DigestMethod %q not allowed (SHA-256, -384 or -512 only)", alg)
	}
	txt, _ := textOf(kids[2])
	want, err := base64.StdEncoding.DecodeString(strings.TrimSpace(txt))
	if err != nil || len(want) != h.Size() {
		return nil, 0, nil, reject(CodeDigestMismatch, "DigestValue is not a base64 %s digest", h)
	}
	return ts, h, want, nil
}

// describe names a signed element for reports.
func (v *Verifier) describe(st *verified, e *element) string {
	switch e {
	case st.m.body:
		return "Body"
	case st.ts:
		return "Timestamp"
	case st.m.env:
		return "Envelope"
	}
	return e.Tag
}

// bodyOf returns the canonical Body of a verified canonical envelope.
func bodyOf(envelope []byte, l Limits) ([]byte, error) {
	doc, err := parseXML(envelope, l)
	if err != nil {
		return nil, rejectErr(CodeInternal, err, "re-parse verified envelope")
	}
	defer doc.release()
	env := doc.Root()
	var body *element
	for _, c := range env.ChildElements() {
		if c.Tag == "Body" && c.NamespaceURI() == env.NamespaceURI() {
			body = c
		}
	}
	if body == nil {
		return nil, reject(CodeInternal, "verified envelope has no Body")
	}
	b, err := excC14N(body, "")
	if err != nil {
		return nil, rejectErr(CodeInternal, err, "canonicalize verified Body")
	}
	return b, nil
}
