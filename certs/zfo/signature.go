package zfo

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	_ "crypto/sha1" // SHA-1: the 2009–2010 ZFOs are signed with it
	_ "crypto/sha256"
	_ "crypto/sha512"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"fmt"
	"math/big"
	"time"
)

// Algorithm OIDs.
var (
	oidSHA1   = asn1.ObjectIdentifier{1, 3, 14, 3, 2, 26}
	oidSHA224 = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 4}
	oidSHA256 = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 1}
	oidSHA384 = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 2}
	oidSHA512 = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 3}

	oidRSA       = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 1}
	oidRSASHA1   = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 5}
	oidRSASHA224 = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 14}
	oidRSASHA256 = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 11}
	oidRSASHA384 = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 12}
	oidRSASHA512 = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 13}
	oidRSAPSS    = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 10}
	oidMGF1      = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 8}

	oidECPublicKey = asn1.ObjectIdentifier{1, 2, 840, 10045, 2, 1}
	oidECDSASHA256 = asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 2}
	oidECDSASHA384 = asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 3}
	oidECDSASHA512 = asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 4}
)

var digestOIDs = []struct {
	oid  asn1.ObjectIdentifier
	hash crypto.Hash
}{
	{oidSHA1, crypto.SHA1}, {oidSHA224, crypto.SHA224}, {oidSHA256, crypto.SHA256},
	{oidSHA384, crypto.SHA384}, {oidSHA512, crypto.SHA512},
}

func hashOf(oid asn1.ObjectIdentifier) (crypto.Hash, bool) {
	for _, d := range digestOIDs {
		if d.oid.Equal(oid) {
			return d.hash, true
		}
	}
	return 0, false
}

func oidOfHash(h crypto.Hash) asn1.ObjectIdentifier {
	for _, d := range digestOIDs {
		if d.hash == h {
			return d.oid
		}
	}
	return nil
}

func digest(h crypto.Hash, data []byte) []byte {
	w := h.New()
	w.Write(data)
	return w.Sum(nil)
}

// Errors of the signature check.
var (
	ErrNoSigner       = errors.New("zfo: the signer's certificate is not in the ZFO")
	ErrBadSignature   = errors.New("zfo: signature does not verify")
	ErrDigestMismatch = errors.New("zfo: messageDigest does not match the content")
	ErrBadAttributes  = errors.New("zfo: signed attributes are invalid")
	ErrAlgorithm      = errors.New("zfo: unsupported or inconsistent algorithm")
)

// signerResult is what checking a SignerInfo found out.
type signerResult struct {
	cert        *x509.Certificate
	signingTime time.Time
	hash        crypto.Hash
}

// verifySigner checks one SignerInfo of sd: the signer's certificate is in
// the ZFO, the signed attributes bind the content (contentType,
// messageDigest) and, where present, the algorithms (RFC 6211) and the
// certificate (ESS signingCertificate/V2), and the signature verifies with
// the certificate's key. The result carries what was learnt even when err
// is not nil.
func verifySigner(sd *signedData, si signerInfo) (signerResult, error) {
	var r signerResult
	r.cert = findSigner(sd.certs, si)
	if r.cert == nil {
		return r, ErrNoSigner
	}
	h, ok := hashOf(si.digestAlg.OID)
	if !ok || !h.Available() {
		return r, fmt.Errorf("%w: digest %v", ErrAlgorithm, si.digestAlg.OID)
	}
	r.hash = h
	signed := sd.content
	if si.hasSignedAttrs {
		st, err := checkSignedAttributes(sd, si, h, r.cert)
		r.signingTime = st
		if err != nil {
			return r, err
		}
		signed = si.signedAttrsDER
	} else if !sd.contentType.Equal(oidData) {
		return r, fmt.Errorf("%w: content of type %v without signed attributes", ErrBadAttributes, sd.contentType)
	}
	return r, checkSignature(r.cert.PublicKey, si.signatureAlg, h, signed, si.signature)
}

// findSigner returns the certificate the signer identifier names.
func findSigner(certs []*x509.Certificate, si signerInfo) *x509.Certificate {
	for _, c := range certs {
		if si.issuer != nil {
			if bytes.Equal(c.RawIssuer, si.issuer) && c.SerialNumber.Cmp(new(big.Int).SetBytes(si.serial)) == 0 &&
				(len(si.serial) == 0 || si.serial[0]&0x80 == 0) {
				return c
			}
			continue
		}
		if len(si.subjectKeyID) > 0 && bytes.Equal(c.SubjectKeyId, si.subjectKeyID) {
			return c
		}
	}
	return nil
}

func checkSignedAttributes(sd *signedData, si signerInfo, h crypto.Hash, cert *x509.Certificate) (time.Time, error) {
	var signingTime time.Time
	attrs := si.signedAttrs
	ct, ok, err := find(attrs, oidContentType)
	if err != nil || !ok {
		return signingTime, fmt.Errorf("%w: contentType missing or repeated", ErrBadAttributes)
	}
	var ctOID asn1.ObjectIdentifier
	if _, err := asn1.Unmarshal(ct.FullBytes, &ctOID); err != nil || !ctOID.Equal(sd.contentType) {
		return signingTime, fmt.Errorf("%w: contentType attribute %v, content is %v", ErrBadAttributes, ctOID, sd.contentType)
	}
	md, ok, err := find(attrs, oidMessageDigest)
	if err != nil || !ok {
		return signingTime, fmt.Errorf("%w: messageDigest missing or repeated", ErrBadAttributes)
	}
	var want []byte
	if _, err := asn1.Unmarshal(md.FullBytes, &want); err != nil {
		return signingTime, fmt.Errorf("%w: messageDigest: %v", ErrBadAttributes, err)
	}
	if !bytes.Equal(want, digest(h, sd.content)) {
		return signingTime, ErrDigestMismatch
	}
	if v, ok, err := find(attrs, oidSigningTime); err != nil {
		return signingTime, fmt.Errorf("%w: %v", ErrBadAttributes, err)
	} else if ok {
		if _, err := asn1.Unmarshal(v.FullBytes, &signingTime); err != nil {
			return signingTime, fmt.Errorf("%w: signingTime: %v", ErrBadAttributes, err)
		}
	}
	if v, ok, err := find(attrs, oidCMSAlgorithmProtect); err != nil {
		return signingTime, fmt.Errorf("%w: %v", ErrBadAttributes, err)
	} else if ok {
		if err := checkAlgorithmProtection(v, si); err != nil {
			return signingTime, err
		}
	}
	if err := checkSigningCertificate(attrs, cert); err != nil {
		return signingTime, err
	}
	return signingTime, nil
}

// checkAlgorithmProtection compares the RFC 6211 attribute with the
// algorithms the SignerInfo names.
func checkAlgorithmProtection(v asn1.RawValue, si signerInfo) error {
	var p struct {
		Digest    algorithm
		Signature algorithm `asn1:"optional,tag:1"`
		MAC       algorithm `asn1:"optional,tag:2"`
	}
	if _, err := asn1.Unmarshal(v.FullBytes, &p); err != nil {
		return fmt.Errorf("%w: CMSAlgorithmProtection: %v", ErrBadAttributes, err)
	}
	if !sameAlgorithm(p.Digest, si.digestAlg) || !sameAlgorithm(p.Signature, si.signatureAlg) {
		return fmt.Errorf("%w: CMSAlgorithmProtection names other algorithms than the SignerInfo", ErrBadAttributes)
	}
	return nil
}

// sameAlgorithm compares AlgorithmIdentifiers, taking absent parameters
// and NULL as equal.
func sameAlgorithm(a, b algorithm) bool {
	norm := func(p asn1.RawValue) []byte {
		if len(p.FullBytes) == 0 || bytes.Equal(p.FullBytes, asn1.NullBytes) {
			return nil
		}
		return p.FullBytes
	}
	return a.OID.Equal(b.OID) && bytes.Equal(norm(a.Params), norm(b.Params))
}

// checkSigningCertificate checks the ESS attribute (CAdES): the first
// certificate it names must be the signer's.
func checkSigningCertificate(attrs []attribute, cert *x509.Certificate) error {
	if v, ok, err := find(attrs, oidSigningCertificateV2); err != nil {
		return fmt.Errorf("%w: %v", ErrBadAttributes, err)
	} else if ok {
		var sc struct{ Certs []asn1.RawValue }
		if _, err := asn1.Unmarshal(v.FullBytes, &sc); err != nil || len(sc.Certs) == 0 {
			return fmt.Errorf("%w: signingCertificateV2", ErrBadAttributes)
		}
		var id struct {
			Alg  algorithm `asn1:"optional"`
			Hash []byte
			Rest asn1.RawValue `asn1:"optional"`
		}
		if _, err := asn1.Unmarshal(sc.Certs[0].FullBytes, &id); err != nil {
			return fmt.Errorf("%w: ESSCertIDv2: %v", ErrBadAttributes, err)
		}
		h := crypto.SHA256
		if id.Alg.OID != nil {
			var ok bool
			if h, ok = hashOf(id.Alg.OID); !ok {
				return fmt.Errorf("%w: ESSCertIDv2 hash %v", ErrAlgorithm, id.Alg.OID)
			}
		}
		if !bytes.Equal(id.Hash, digest(h, cert.Raw)) {
			return fmt.Errorf("%w: signingCertificateV2 names another certificate", ErrBadAttributes)
		}
		return nil
	}
	if v, ok, err := find(attrs, oidSigningCertificate); err != nil {
		return fmt.Errorf("%w: %v", ErrBadAttributes, err)
	} else if ok {
		var sc struct{ Certs []asn1.RawValue }
		var id struct {
			Hash []byte
			Rest asn1.RawValue `asn1:"optional"`
		}
		if _, err := asn1.Unmarshal(v.FullBytes, &sc); err != nil || len(sc.Certs) == 0 {
			return fmt.Errorf("%w: signingCertificate", ErrBadAttributes)
		}
		if _, err := asn1.Unmarshal(sc.Certs[0].FullBytes, &id); err != nil {
			return fmt.Errorf("%w: ESSCertID: %v", ErrBadAttributes, err)
		}
		if !bytes.Equal(id.Hash, digest(crypto.SHA1, cert.Raw)) {
			return fmt.Errorf("%w: signingCertificate names another certificate", ErrBadAttributes)
		}
	}
	return nil
}

// checkSignature verifies sig over signed with pub under the SignerInfo's
// signature algorithm; h is its digest algorithm.
func checkSignature(pub crypto.PublicKey, alg algorithm, h crypto.Hash, signed, sig []byte) error {
	switch {
	case alg.OID.Equal(oidRSA):
		return verifyPKCS1(pub, h, signed, sig)
	case alg.OID.Equal(oidRSASHA1), alg.OID.Equal(oidRSASHA224), alg.OID.Equal(oidRSASHA256),
		alg.OID.Equal(oidRSASHA384), alg.OID.Equal(oidRSASHA512):
		if rsaHash(alg.OID) != h {
			return fmt.Errorf("%w: signature algorithm %v with digest %v", ErrAlgorithm, alg.OID, h)
		}
		return verifyPKCS1(pub, h, signed, sig)
	case alg.OID.Equal(oidRSAPSS):
		return verifyPSS(pub, alg, h, signed, sig)
	case alg.OID.Equal(oidECPublicKey), alg.OID.Equal(oidECDSASHA256), alg.OID.Equal(oidECDSASHA384),
		alg.OID.Equal(oidECDSASHA512):
		if eh := ecdsaHash(alg.OID); eh != 0 && eh != h {
			return fmt.Errorf("%w: signature algorithm %v with digest %v", ErrAlgorithm, alg.OID, h)
		}
		k, ok := pub.(*ecdsa.PublicKey)
		if !ok {
			return fmt.Errorf("%w: ECDSA signature, certificate key is %T", ErrAlgorithm, pub)
		}
		if !ecdsa.VerifyASN1(k, digest(h, signed), sig) {
			return ErrBadSignature
		}
		return nil
	}
	return fmt.Errorf("%w: signature %v", ErrAlgorithm, alg.OID)
}

func rsaHash(oid asn1.ObjectIdentifier) crypto.Hash {
	switch {
	case oid.Equal(oidRSASHA1):
		return crypto.SHA1
	case oid.Equal(oidRSASHA224):
		return crypto.SHA224
	case oid.Equal(oidRSASHA256):
		return crypto.SHA256
	case oid.Equal(oidRSASHA384):
		return crypto.SHA384
	case oid.Equal(oidRSASHA512):
		return crypto.SHA512
	}
	return 0
}

func ecdsaHash(oid asn1.ObjectIdentifier) crypto.Hash {
	switch {
	case oid.Equal(oidECDSASHA256):
		return crypto.SHA256
	case oid.Equal(oidECDSASHA384):
		return crypto.SHA384
	case oid.Equal(oidECDSASHA512):
		return crypto.SHA512
	}
	return 0
}

func verifyPKCS1(pub crypto.PublicKey, h crypto.Hash, signed, sig []byte) error {
	k, ok := pub.(*rsa.PublicKey)
	if !ok {
		return fmt.Errorf("%w: RSA signature, certificate key is %T", ErrAlgorithm, pub)
	}
	if err := rsa.VerifyPKCS1v15(k, h, digest(h, signed), sig); err != nil {
		return ErrBadSignature
	}
	return nil
}

// pssParams is RSASSA-PSS-params (RFC 4055); absent fields take the
// defaults SHA-1, MGF1 with SHA-1, salt 20, trailer 1.
type pssParams struct {
	Hash    algorithm `asn1:"optional,explicit,tag:0"`
	MGF     algorithm `asn1:"optional,explicit,tag:1"`
	Salt    int       `asn1:"optional,explicit,tag:2,default:20"`
	Trailer int       `asn1:"optional,explicit,tag:3,default:1"`
}

func verifyPSS(pub crypto.PublicKey, alg algorithm, h crypto.Hash, signed, sig []byte) error {
	k, ok := pub.(*rsa.PublicKey)
	if !ok {
		return fmt.Errorf("%w: RSA-PSS signature, certificate key is %T", ErrAlgorithm, pub)
	}
	var p pssParams
	if len(alg.Params.FullBytes) > 0 {
		if _, err := asn1.Unmarshal(alg.Params.FullBytes, &p); err != nil {
			return fmt.Errorf("%w: RSASSA-PSS parameters: %v", ErrAlgorithm, err)
		}
	}
	ph := crypto.SHA1
	if p.Hash.OID != nil {
		var ok bool
		if ph, ok = hashOf(p.Hash.OID); !ok {
			return fmt.Errorf("%w: RSASSA-PSS hash %v", ErrAlgorithm, p.Hash.OID)
		}
	}
	mh := crypto.SHA1
	if p.MGF.OID != nil {
		var mgfHash algorithm
		if !p.MGF.OID.Equal(oidMGF1) {
			return fmt.Errorf("%w: mask generation %v", ErrAlgorithm, p.MGF.OID)
		}
		if _, err := asn1.Unmarshal(p.MGF.Params.FullBytes, &mgfHash); err != nil {
			return fmt.Errorf("%w: MGF1 parameters: %v", ErrAlgorithm, err)
		}
		var ok bool
		if mh, ok = hashOf(mgfHash.OID); !ok {
			return fmt.Errorf("%w: MGF1 hash %v", ErrAlgorithm, mgfHash.OID)
		}
	}
	if ph != h || mh != h || p.Trailer != 1 || p.Salt < 0 {
		return fmt.Errorf("%w: RSASSA-PSS with hash %v, MGF1 %v, digest %v", ErrAlgorithm, ph, mh, h)
	}
	if err := rsa.VerifyPSS(k, h, digest(h, signed), sig, &rsa.PSSOptions{SaltLength: p.Salt, Hash: h}); err != nil {
		return ErrBadSignature
	}
	return nil
}
