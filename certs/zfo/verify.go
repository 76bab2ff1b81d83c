package zfo

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"errors"
	"fmt"
	"time"

	"konektor/certs/tsa"
)

// Options configure Verify.
type Options struct {
	// Roots are the trust anchors of the ISDS seal and of the TSA: the
	// PostSignum qualified roots in production, the sandbox CA in tests.
	// Without roots the chain is "unknown" and the ZFO is not valid.
	Roots *x509.CertPool
	// Intermediates help build chains when a ZFO lacks an intermediate CA
	// certificate (PostSignum Qualified CA 4/5 …).
	Intermediates []*x509.Certificate
	// TSACertificates are candidate TSA certificates for time stamps that
	// carry none.
	TSACertificates []*x509.Certificate
	// Now is the time the seal's chain is judged at when the ZFO has no
	// valid signature time stamp; nil = time.Now.
	Now func() time.Time
	// MaxBytes bounds the ZFO; 0 = DefaultMaxBytes.
	MaxBytes int
}

// DefaultMaxBytes bounds a ZFO: a large-volume message (VoDZ) holds up to
// 100 MB of attachments, base64 in XML and sealed about 30 % larger.
const DefaultMaxBytes = 160 << 20

// Verify checks a ZFO: the CMS structure, the ISDS seal's signature over
// the content, the seal certificate's chain to o.Roots, the kind of
// document, dmHash against the raw dmDm bytes, the dmQTimestamp and, where
// present, the signature time stamp. It never fails: every problem is in
// the report, and Report.Valid is true only when every check passed.
func Verify(data []byte, o Options) Report {
	r := Report{Signature: Invalid, Chain: Unknown, DmHash: Absent, Timestamp: Absent, SignatureTimestamp: Absent}
	now := time.Now
	if o.Now != nil {
		now = o.Now
	}
	max := o.MaxBytes
	if max <= 0 {
		max = DefaultMaxBytes
	}
	if len(data) > max {
		r.problem("format", fmt.Sprintf("soubor má %d bajtů, víc než povolených %d", len(data), max),
			fmt.Sprintf("the file has %d bytes, more than the allowed %d", len(data), max))
		return r
	}
	sd, err := parseSignedData(data)
	if err != nil {
		r.problem("format", "soubor není ZFO (podepsaný dokument CMS): "+err.Error(),
			"the file is not a ZFO (a CMS signed document): "+err.Error())
		return r
	}
	if !sd.contentType.Equal(oidData) || len(sd.signers) != 1 {
		r.problem("format", fmt.Sprintf("ZFO má obsah typu %v a %d podpisů; čekán id-data a jeden podpis", sd.contentType, len(sd.signers)),
			fmt.Sprintf("the ZFO has content of type %v and %d signers; want id-data and one", sd.contentType, len(sd.signers)))
		return r
	}
	si := sd.signers[0]
	res, err := verifySigner(sd, si)
	if res.cert != nil {
		r.Signer = res.cert.Subject.String()
	}
	r.SigningTime = timePtr(res.signingTime)
	if res.hash != 0 {
		r.DigestAlgorithm = res.hash.String()
	}
	if err == nil {
		r.Signature = Valid
	} else {
		r.problem("signature", "podpis (pečeť ISDS) není platný: "+err.Error(), "the signature (ISDS seal) is not valid: "+err.Error())
	}

	// Time stamps may carry only the TSA's own certificate (PostSignum's
	// do): its CA, carried in the ZFO for the seal, helps build their
	// chains too.
	o.Intermediates = append(o.Intermediates[:len(o.Intermediates):len(o.Intermediates)], sd.certs...)
	chainAt := now()
	if tok := r.checkSignatureTimestamp(si, o); tok != nil && r.Signature == Valid {
		chainAt = tok.Time
	}
	r.checkChain(res.cert, sd.certs, chainAt, o)

	p, err := parsePayload(sd.content)
	if err != nil {
		r.problem("format", "obsah není zpráva, odeslaná zpráva ani doručenka ISDS: "+err.Error(),
			"the content is not an ISDS message, sent message or delivery info: "+err.Error())
	} else {
		r.Kind, r.DmID, r.DbIDSender, r.DbIDRecipient = p.kind, p.dmID, p.dbIDSender, p.dbIDRecipient
		r.MessageStatus, r.DeliveryTime, r.AcceptanceTime, r.HashAlgorithm = p.status, p.deliveryTime, p.acceptTime, p.hashAlg
		r.checkPayload(p, o)
	}
	r.Valid = r.Kind != "" && r.Signature == Valid && r.Chain == Trusted && r.DmHash == Match &&
		r.Timestamp == Valid && r.SignatureTimestamp != Invalid
	return r
}

// checkSignatureTimestamp checks the CAdES-T time stamp over the
// signature value and returns it when valid.
func (r *Report) checkSignatureTimestamp(si signerInfo, o Options) *tsa.Token {
	v, ok, err := find(si.unsignedAttrs, oidSignatureTimeStamp)
	if err != nil {
		r.SignatureTimestamp = Invalid
		r.problem("signatureTimestamp", "časové razítko podpisu: "+err.Error(), "signature time stamp: "+err.Error())
		return nil
	}
	if !ok {
		return nil
	}
	tok, err := r.verifyToken(v.FullBytes, 0, nil, o)
	if err == nil && !bytes.Equal(tok.Digest, digest(tok.Hash, si.signature)) {
		err = tsa.ErrImprint
	}
	if err != nil {
		r.SignatureTimestamp = Invalid
		r.problem("signatureTimestamp", "časové razítko podpisu není platné: "+err.Error(),
			"the signature time stamp is not valid: "+err.Error())
		return nil
	}
	r.SignatureTimestamp = Valid
	return tok
}

// verifyToken verifies a time stamp; with h != 0 its imprint must be
// digest. Without roots only its signature and imprint are checked (the
// chain is then unknown anyway).
func (r *Report) verifyToken(token []byte, h crypto.Hash, digest []byte, o Options) (*tsa.Token, error) {
	if o.Roots == nil {
		t, err := tsa.Parse(token, o.TSACertificates...)
		if err == nil && h != 0 && (t.Hash != h || !bytes.Equal(t.Digest, digest)) {
			err = tsa.ErrImprint
		}
		return t, err
	}
	vo := tsa.VerifyOptions{Roots: o.Roots, Intermediates: o.Intermediates, Certificates: o.TSACertificates}
	if h != 0 {
		vo.Hash, vo.Digest = h, digest
	}
	return tsa.Verify(token, vo)
}

// checkChain judges the seal certificate's chain at the given time.
func (r *Report) checkChain(cert *x509.Certificate, carried []*x509.Certificate, at time.Time, o Options) {
	r.ChainTime = timePtr(at)
	if cert == nil {
		r.problem("chain", "certifikát pečeti v ZFO chybí", "the seal certificate is missing from the ZFO")
		return
	}
	if o.Roots == nil {
		r.problem("chain", "nejsou nastaveny důvěryhodné kořenové certifikáty (PostSignum nebo CA sandboxu)",
			"no trusted root certificates are configured (PostSignum or the sandbox CA)")
		return
	}
	pool := x509.NewCertPool()
	for _, c := range carried {
		pool.AddCert(c)
	}
	for _, c := range o.Intermediates {
		pool.AddCert(c)
	}
	_, err := cert.Verify(x509.VerifyOptions{Roots: o.Roots, Intermediates: pool, CurrentTime: at,
		KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}})
	if err != nil {
		r.Chain = Untrusted
		r.problem("chain", fmt.Sprintf("certifikát pečeti nevede k důvěryhodnému kořeni (k okamžiku %s): %v", at.UTC().Format(time.RFC3339), err),
			fmt.Sprintf("the seal certificate does not chain to a trusted root (at %s): %v", at.UTC().Format(time.RFC3339), err))
		return
	}
	r.Chain = Trusted
}

// checkPayload checks dmHash and dmQTimestamp.
func (r *Report) checkPayload(p *payload, o Options) {
	h, hashKnown := dmHashAlgorithm(p.hashAlg)
	if p.hashPresent && !hashKnown {
		r.DmHash = Mismatch
		r.problem("dmHash", fmt.Sprintf("neznámý algoritmus dmHash %q", p.hashAlg), fmt.Sprintf("unknown dmHash algorithm %q", p.hashAlg))
	}
	var tok *tsa.Token
	if p.qTimestamp != nil {
		var err error
		if hashKnown && p.hash != nil {
			tok, err = r.verifyToken(p.qTimestamp, h, p.hash, o)
		} else {
			tok, err = r.verifyToken(p.qTimestamp, 0, nil, o)
			if err == nil {
				err = errors.New("dmHash is absent, so the time stamp cannot be matched to the message")
			}
		}
		if err != nil {
			r.Timestamp = Invalid
			r.problem("timestamp", "kvalifikované časové razítko zprávy (dmQTimestamp) není platné: "+err.Error(),
				"the qualified time stamp of the message (dmQTimestamp) is not valid: "+err.Error())
		} else {
			r.Timestamp = Valid
			r.TimestampTime = timePtr(tok.Time)
		}
	} else {
		r.problem("timestamp", "dokument nemá časové razítko dmQTimestamp", "the document has no dmQTimestamp")
	}
	if !p.hashPresent || !hashKnown {
		if !p.hashPresent {
			r.problem("dmHash", "dokument nemá dmHash", "the document has no dmHash")
		}
		return
	}
	if p.kind == KindDelivery {
		// A delivery info carries the envelope only; its dmHash covers the
		// whole message. What can be checked is that the sealed dmHash is
		// the one the qualified time stamp stamps.
		if r.Timestamp == Valid {
			r.DmHash = Match
			return
		}
		r.DmHash = Mismatch
		r.problem("dmHash", "dmHash doručenky nelze ověřit bez platného časového razítka zprávy",
			"the dmHash of a delivery info cannot be checked without a valid message time stamp")
		return
	}
	if bytes.Equal(digest(h, p.dmDm), p.hash) {
		r.DmHash = Match
		return
	}
	r.DmHash = Mismatch
	r.problem("dmHash", "dmHash neodpovídá obsahu zprávy (dmDm)", "dmHash does not match the message content (dmDm)")
}

var _ Stamper = (*tsa.Authority)(nil)
