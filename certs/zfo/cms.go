package zfo

import (
	"bytes"
	"crypto/x509"
	"encoding/asn1"
	"fmt"
)

// OIDs of CMS (RFC 5652), ESS (RFC 2634, 5035), CAdES and RFC 6211.
var (
	oidData                  = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 1}
	oidSignedData            = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 2}
	oidContentType           = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 3}
	oidMessageDigest         = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 4}
	oidSigningTime           = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 5}
	oidSigningCertificate    = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 2, 12}
	oidSigningCertificateV2  = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 2, 47}
	oidSignatureTimeStamp    = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 2, 14}
	oidCMSAlgorithmProtect   = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 52}
	oidSigPolicyID           = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 2, 15}
	errNotSignedData         = fmt.Errorf("%w: not a CMS SignedData", ErrBER)
	errTrailingAfterContent  = fmt.Errorf("%w: data after the ContentInfo", ErrBER)
	errSignedDataIncomplete  = fmt.Errorf("%w: SignedData lacks a mandatory part", ErrBER)
	errEncapsulatedNoContent = fmt.Errorf("%w: the SignedData carries no content (detached signature)", ErrBER)
)

// Bounds on the parts of a SignedData; real ZFOs have one signer, two or
// three certificates and five or six signed attributes.
const (
	maxCertificates     = 32
	maxSignerInfos      = 4
	maxAttributes       = 64
	maxDigestAlgorithms = 8
)

// signedData is the part of a CMS SignedData a ZFO check needs.
type signedData struct {
	contentType asn1.ObjectIdentifier // eContentType
	content     []byte                // eContent, segments joined
	certs       []*x509.Certificate
	signers     []signerInfo
}

// signerInfo is one SignerInfo, its parts in DER.
type signerInfo struct {
	version        int
	issuer         []byte // DER Name of issuerAndSerialNumber; nil with a subjectKeyIdentifier
	serial         []byte // DER INTEGER contents
	subjectKeyID   []byte
	digestAlg      algorithm
	signedAttrs    []attribute
	signedAttrsDER []byte // the SET OF Attribute as signed (tag SET)
	hasSignedAttrs bool
	signatureAlg   algorithm
	signature      []byte
	unsignedAttrs  []attribute
}

// algorithm is an AlgorithmIdentifier.
type algorithm struct {
	OID    asn1.ObjectIdentifier
	Params asn1.RawValue `asn1:"optional"`
}

// attribute is a CMS Attribute: a type and a SET OF values (DER each).
type attribute struct {
	Type   asn1.ObjectIdentifier
	Values []asn1.RawValue `asn1:"set"`
}

// parseSignedData reads a BER ContentInfo holding a SignedData with
// encapsulated content.
func parseSignedData(data []byte) (*signedData, error) {
	ci, rest, err := readTLV(data, 0)
	if err != nil {
		return nil, err
	}
	if len(bytes.TrimRight(rest, "\x00")) > 0 {
		return nil, errTrailingAfterContent
	}
	if !ci.is(classUniversal, tagSequence, true) {
		return nil, errNotSignedData
	}
	parts, err := ci.children(0, 2)
	if err != nil {
		return nil, err
	}
	if len(parts) != 2 || !isOID(parts[0], oidSignedData) || !parts[1].is(classContext, 0, true) {
		return nil, errNotSignedData
	}
	inner, err := parts[1].children(1, 1)
	if err != nil || len(inner) != 1 || !inner[0].is(classUniversal, tagSequence, true) {
		return nil, errNotSignedData
	}
	items, err := inner[0].children(2, 6)
	if err != nil {
		return nil, err
	}
	if len(items) < 4 {
		return nil, errSignedDataIncomplete
	}
	sd := &signedData{}
	// version, digestAlgorithms: read for form only.
	if !items[0].is(classUniversal, tagInteger, false) || !items[1].is(classUniversal, tagSet, true) {
		return nil, errSignedDataIncomplete
	}
	if _, err := items[1].children(3, maxDigestAlgorithms); err != nil {
		return nil, err
	}
	if err := sd.readEncapsulated(items[2]); err != nil {
		return nil, err
	}
	i := 3
	if i < len(items) && items[i].is(classContext, 0, true) {
		if err := sd.readCertificates(items[i]); err != nil {
			return nil, err
		}
		i++
	}
	if i < len(items) && items[i].is(classContext, 1, true) {
		i++ // revocation information: not used
	}
	if i != len(items)-1 || !items[i].is(classUniversal, tagSet, true) {
		return nil, errSignedDataIncomplete
	}
	infos, err := items[i].children(3, maxSignerInfos)
	if err != nil {
		return nil, err
	}
	for _, v := range infos {
		si, err := parseSignerInfo(v)
		if err != nil {
			return nil, err
		}
		sd.signers = append(sd.signers, si)
	}
	return sd, nil
}

func (sd *signedData) readEncapsulated(v tlv) error {
	if !v.is(classUniversal, tagSequence, true) {
		return errSignedDataIncomplete
	}
	parts, err := v.children(3, 2)
	if err != nil {
		return err
	}
	if len(parts) == 0 || !parts[0].is(classUniversal, tagOID, false) {
		return errSignedDataIncomplete
	}
	if _, err := asn1.Unmarshal(parts[0].full, &sd.contentType); err != nil {
		return fmt.Errorf("%w: eContentType: %v", ErrBER, err)
	}
	if len(parts) < 2 {
		return errEncapsulatedNoContent
	}
	if !parts[1].is(classContext, 0, true) {
		return errSignedDataIncomplete
	}
	os, err := parts[1].children(4, 1)
	if err != nil || len(os) != 1 {
		return fmt.Errorf("%w: eContent", ErrBER)
	}
	sd.content, err = os[0].octets(5)
	return err
}

func (sd *signedData) readCertificates(v tlv) error {
	choices, err := v.children(3, maxCertificates)
	if err != nil {
		return err
	}
	for _, c := range choices {
		if !c.is(classUniversal, tagSequence, true) {
			continue // attribute certificates and other formats
		}
		der, err := toDER(c, 4)
		if err != nil {
			return err
		}
		cert, err := x509.ParseCertificate(der)
		if err != nil {
			return fmt.Errorf("%w: certificate: %v", ErrBER, err)
		}
		sd.certs = append(sd.certs, cert)
	}
	return nil
}

func parseSignerInfo(v tlv) (signerInfo, error) {
	var si signerInfo
	if !v.is(classUniversal, tagSequence, true) {
		return si, fmt.Errorf("%w: SignerInfo is not a SEQUENCE", ErrBER)
	}
	items, err := v.children(4, 7)
	if err != nil {
		return si, err
	}
	if len(items) < 5 {
		return si, fmt.Errorf("%w: SignerInfo lacks a mandatory part", ErrBER)
	}
	der := func(i int) ([]byte, error) { return toDER(items[i], 5) }
	b, err := der(0)
	if err != nil {
		return si, err
	}
	if _, err := asn1.Unmarshal(b, &si.version); err != nil {
		return si, fmt.Errorf("%w: SignerInfo version: %v", ErrBER, err)
	}
	switch sid := items[1]; {
	case sid.is(classUniversal, tagSequence, true):
		b, err := toDER(sid, 5)
		if err != nil {
			return si, err
		}
		var ias struct {
			Issuer asn1.RawValue
			Serial asn1.RawValue
		}
		if _, err := asn1.Unmarshal(b, &ias); err != nil || ias.Serial.Tag != tagInteger {
			return si, fmt.Errorf("%w: issuerAndSerialNumber", ErrBER)
		}
		si.issuer, si.serial = ias.Issuer.FullBytes, ias.Serial.Bytes
	case sid.is(classContext, 0, false):
		si.subjectKeyID = sid.content
	default:
		return si, fmt.Errorf("%w: unknown signer identifier", ErrBER)
	}
	if si.digestAlg, err = parseAlgorithm(items[2]); err != nil {
		return si, err
	}
	i := 3
	if items[i].is(classContext, 0, true) {
		b, err := der(i)
		if err != nil {
			return si, err
		}
		// The signature covers the DER of the attributes with the SET tag.
		si.signedAttrsDER = append([]byte{0x31}, b[1:]...)
		if si.signedAttrs, err = parseAttributes(si.signedAttrsDER); err != nil {
			return si, err
		}
		si.hasSignedAttrs = true
		i++
	}
	if i+1 >= len(items) {
		return si, fmt.Errorf("%w: SignerInfo lacks its signature", ErrBER)
	}
	if si.signatureAlg, err = parseAlgorithm(items[i]); err != nil {
		return si, err
	}
	if si.signature, err = items[i+1].octets(5); err != nil {
		return si, err
	}
	i += 2
	if i < len(items) {
		if !items[i].is(classContext, 1, true) || i != len(items)-1 {
			return si, fmt.Errorf("%w: unexpected value after the signature", ErrBER)
		}
		b, err := der(i)
		if err != nil {
			return si, err
		}
		if si.unsignedAttrs, err = parseAttributes(append([]byte{0x31}, b[1:]...)); err != nil {
			return si, err
		}
	}
	return si, nil
}

func parseAlgorithm(v tlv) (algorithm, error) {
	var a algorithm
	b, err := toDER(v, 5)
	if err != nil {
		return a, err
	}
	rest, err := asn1.Unmarshal(b, &a)
	if err != nil || len(rest) > 0 {
		return a, fmt.Errorf("%w: AlgorithmIdentifier", ErrBER)
	}
	return a, nil
}

func parseAttributes(set []byte) ([]attribute, error) {
	var attrs []attribute
	rest, err := asn1.UnmarshalWithParams(set, &attrs, "set")
	if err != nil || len(rest) > 0 {
		return nil, fmt.Errorf("%w: attributes: %v", ErrBER, err)
	}
	if len(attrs) > maxAttributes {
		return nil, fmt.Errorf("%w: %d attributes", ErrBER, len(attrs))
	}
	return attrs, nil
}

// find returns the single value of the attribute of type oid.
func find(attrs []attribute, oid asn1.ObjectIdentifier) (asn1.RawValue, bool, error) {
	var found *attribute
	for i := range attrs {
		if attrs[i].Type.Equal(oid) {
			if found != nil {
				return asn1.RawValue{}, false, fmt.Errorf("attribute %v occurs twice", oid)
			}
			found = &attrs[i]
		}
	}
	if found == nil {
		return asn1.RawValue{}, false, nil
	}
	if len(found.Values) != 1 {
		return asn1.RawValue{}, false, fmt.Errorf("attribute %v has %d values, want 1", oid, len(found.Values))
	}
	return found.Values[0], true, nil
}

func isOID(v tlv, oid asn1.ObjectIdentifier) bool {
	if !v.is(classUniversal, tagOID, false) {
		return false
	}
	var got asn1.ObjectIdentifier
	rest, err := asn1.Unmarshal(v.full, &got)
	return err == nil && len(rest) == 0 && got.Equal(oid)
}
