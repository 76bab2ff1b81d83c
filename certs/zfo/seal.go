package zfo

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"fmt"
	"math/big"
	"sort"
	"time"
)

// Stamper issues RFC 3161 time-stamp tokens; *tsa.Authority is one.
type Stamper interface {
	Stamp(h crypto.Hash, digest []byte) ([]byte, error)
}

// Sealer signs payloads into ZFOs as ISDS does, for the ISDS sandbox and
// for tests. The output follows the real format: a BER ContentInfo with
// indefinite lengths, the XML as a constructed OCTET STRING in 1000-byte
// segments, the signer's certificates, and one SignerInfo with the signed
// attributes contentType, signingTime, messageDigest, signingCertificateV2
// and CMSAlgorithmProtection (CAdES-BES, no signature policy, as ISDS
// since September 2025), optionally with a signatureTimeStampToken
// (CAdES-T, as ISDS adds to downloaded messages).
type Sealer struct {
	// Key signs; RSA (PKCS #1 v1.5, or PSS when PSS is set) or ECDSA.
	Key crypto.Signer
	// Chain is the seal certificate first, then intermediates to embed.
	Chain []*x509.Certificate
	// Stamper time-stamps the signature when Seal is asked to.
	Stamper Stamper
	// Now is the signing time; nil = time.Now.
	Now func() time.Time
	// PSS signs with RSASSA-PSS (SHA-256, MGF1-SHA-256, salt 32), as the
	// ISDS seal announced for 2024.
	PSS bool
}

// segmentSize is the length of the OCTET STRING segments ISDS writes.
const segmentSize = 1000

// ErrSealer marks a Sealer that cannot sign.
var ErrSealer = errors.New("zfo: sealer is not configured")

// Seal returns payload signed into a ZFO; with timestamp, the signature is
// time-stamped by the Stamper.
func (s *Sealer) Seal(payload []byte, timestamp bool) ([]byte, error) {
	if s.Key == nil || len(s.Chain) == 0 {
		return nil, fmt.Errorf("%w: key and certificate are required", ErrSealer)
	}
	if timestamp && s.Stamper == nil {
		return nil, fmt.Errorf("%w: no time-stamping authority", ErrSealer)
	}
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	cert := s.Chain[0]
	digestAlg := algorithm{OID: oidSHA256, Params: asn1.NullRawValue}
	sigAlg, opts, err := s.signatureAlgorithm()
	if err != nil {
		return nil, err
	}
	signedAttrs, err := s.signedAttributes(payload, cert, digestAlg, sigAlg, now())
	if err != nil {
		return nil, err
	}
	sig, err := s.Key.Sign(rand.Reader, digest(crypto.SHA256, signedAttrs), opts)
	if err != nil {
		return nil, fmt.Errorf("zfo: sign: %w", err)
	}
	var unsigned []byte
	if timestamp {
		token, err := s.Stamper.Stamp(crypto.SHA256, digest(crypto.SHA256, sig))
		if err != nil {
			return nil, fmt.Errorf("zfo: time-stamp the signature: %w", err)
		}
		attr := struct {
			Type   asn1.ObjectIdentifier
			Values []asn1.RawValue `asn1:"set"`
		}{oidSignatureTimeStamp, []asn1.RawValue{{FullBytes: token}}}
		a, err := asn1.Marshal(attr)
		if err != nil {
			return nil, err
		}
		unsigned = derTLV(classContext, 1, true, a)
	}
	si, err := s.signerInfo(cert, digestAlg, sigAlg, signedAttrs, sig, unsigned)
	if err != nil {
		return nil, err
	}
	digestAlgs, err := asn1.Marshal(digestAlg)
	if err != nil {
		return nil, err
	}

	var out bytes.Buffer
	out.Grow(len(payload) + len(payload)/250 + 8192)
	indefinite(&out, classUniversal, tagSequence, func() { // ContentInfo
		out.Write(mustOID(oidSignedData))
		indefinite(&out, classContext, 0, func() {
			indefinite(&out, classUniversal, tagSequence, func() { // SignedData
				out.Write([]byte{0x02, 0x01, 0x01}) // version 1
				out.Write(derTLV(classUniversal, tagSet, true, digestAlgs))
				indefinite(&out, classUniversal, tagSequence, func() { // EncapsulatedContentInfo
					out.Write(mustOID(oidData))
					indefinite(&out, classContext, 0, func() {
						indefinite(&out, classUniversal, tagOctetString, func() {
							for rest := payload; len(rest) > 0; {
								n := min(segmentSize, len(rest))
								writeHeader(&out, classUniversal, tagOctetString, false, n)
								out.Write(rest[:n])
								rest = rest[n:]
							}
						})
					})
				})
				indefinite(&out, classContext, 0, func() { // certificates
					for _, c := range s.Chain {
						out.Write(c.Raw)
					}
				})
				out.Write(derTLV(classUniversal, tagSet, true, si)) // signerInfos
			})
		})
	})
	return out.Bytes(), nil
}

func (s *Sealer) signatureAlgorithm() (algorithm, crypto.SignerOpts, error) {
	switch s.Key.Public().(type) {
	case *rsa.PublicKey:
		if !s.PSS {
			return algorithm{OID: oidRSA, Params: asn1.NullRawValue}, crypto.SHA256, nil
		}
		sha256Alg, _ := asn1.Marshal(algorithm{OID: oidSHA256, Params: asn1.NullRawValue})
		params, err := asn1.Marshal(pssParams{
			Hash:    algorithm{OID: oidSHA256, Params: asn1.NullRawValue},
			MGF:     algorithm{OID: oidMGF1, Params: asn1.RawValue{FullBytes: sha256Alg}},
			Salt:    32,
			Trailer: 1,
		})
		if err != nil {
			return algorithm{}, nil, err
		}
		return algorithm{OID: oidRSAPSS, Params: asn1.RawValue{FullBytes: params}},
			&rsa.PSSOptions{SaltLength: 32, Hash: crypto.SHA256}, nil
	case *ecdsa.PublicKey:
		return algorithm{OID: oidECDSASHA256}, crypto.SHA256, nil
	}
	return algorithm{}, nil, fmt.Errorf("%w: key of type %T", ErrSealer, s.Key.Public())
}

// signedAttributes returns the DER SET OF the signed attributes, sorted as
// DER wants.
func (s *Sealer) signedAttributes(payload []byte, cert *x509.Certificate, digestAlg, sigAlg algorithm, at time.Time) ([]byte, error) {
	ess, err := asn1.Marshal(struct{ Certs []essCertIDv2 }{[]essCertIDv2{{
		Hash: digest(crypto.SHA256, cert.Raw),
		IssuerSerial: issuerSerial{
			Issuer: []asn1.RawValue{{Class: asn1.ClassContextSpecific, Tag: 4, IsCompound: true, Bytes: cert.RawIssuer}},
			Serial: cert.SerialNumber,
		},
	}}})
	if err != nil {
		return nil, err
	}
	protect, err := asn1.Marshal(struct {
		Digest    algorithm
		Signature algorithm `asn1:"tag:1"`
	}{digestAlg, sigAlg})
	if err != nil {
		return nil, err
	}
	values := []struct {
		oid asn1.ObjectIdentifier
		v   any
	}{
		{oidContentType, oidData},
		{oidSigningTime, at.UTC().Truncate(time.Second)},
		{oidMessageDigest, digest(crypto.SHA256, payload)},
		{oidSigningCertificateV2, asn1.RawValue{FullBytes: ess}},
		{oidCMSAlgorithmProtect, asn1.RawValue{FullBytes: protect}},
	}
	var enc [][]byte
	for _, a := range values {
		v, err := asn1.Marshal(a.v)
		if err != nil {
			return nil, err
		}
		b, err := asn1.Marshal(attribute{Type: a.oid, Values: []asn1.RawValue{{FullBytes: v}}})
		if err != nil {
			return nil, err
		}
		enc = append(enc, b)
	}
	sort.Slice(enc, func(i, j int) bool { return bytes.Compare(enc[i], enc[j]) < 0 })
	return derTLV(classUniversal, tagSet, true, bytes.Join(enc, nil)), nil
}

func (s *Sealer) signerInfo(cert *x509.Certificate, digestAlg, sigAlg algorithm, signedAttrs, sig, unsigned []byte) ([]byte, error) {
	ias, err := asn1.Marshal(struct {
		Issuer asn1.RawValue
		Serial *big.Int
	}{asn1.RawValue{FullBytes: cert.RawIssuer}, cert.SerialNumber})
	if err != nil {
		return nil, err
	}
	da, err := asn1.Marshal(digestAlg)
	if err != nil {
		return nil, err
	}
	sa, err := asn1.Marshal(sigAlg)
	if err != nil {
		return nil, err
	}
	var body bytes.Buffer
	body.Write([]byte{0x02, 0x01, 0x01}) // version 1: issuerAndSerialNumber
	body.Write(ias)
	body.Write(da)
	body.Write(append([]byte{0xa0}, signedAttrs[1:]...)) // [0] IMPLICIT
	body.Write(sa)
	body.Write(derTLV(classUniversal, tagOctetString, false, sig))
	body.Write(unsigned)
	return derTLV(classUniversal, tagSequence, true, body.Bytes()), nil
}

// ESS structures (RFC 5035).
type issuerSerial struct {
	Issuer []asn1.RawValue // GeneralNames
	Serial *big.Int
}

type essCertIDv2 struct {
	Hash         []byte // hashAlgorithm DEFAULT id-sha256: omitted
	IssuerSerial issuerSerial
}

// indefinite writes a constructed value with indefinite length around body.
func indefinite(buf *bytes.Buffer, class, tag int, body func()) {
	writeIdentifier(buf, class, tag, true)
	buf.WriteByte(0x80)
	body()
	buf.Write([]byte{0, 0})
}

// derTLV is a definite-length value.
func derTLV(class, tag int, constructed bool, content []byte) []byte {
	var b bytes.Buffer
	writeHeader(&b, class, tag, constructed, len(content))
	b.Write(content)
	return b.Bytes()
}

func mustOID(oid asn1.ObjectIdentifier) []byte {
	b, err := asn1.Marshal(oid)
	if err != nil {
		panic(err) // only called with the package's constant OIDs
	}
	return b
}
