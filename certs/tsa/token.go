package tsa

import (
	"crypto"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"fmt"
	"math/big"
	"time"
)

// OIDs of RFC 3161, RFC 5816 and CMS.
var (
	oidTSTInfo              = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 1, 4}
	oidSigningCertificateV2 = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 2, 47}
)

var hashOIDs = map[crypto.Hash]asn1.ObjectIdentifier{
	crypto.SHA1:   {1, 3, 14, 3, 2, 26},
	crypto.SHA256: {2, 16, 840, 1, 101, 3, 4, 2, 1},
	crypto.SHA384: {2, 16, 840, 1, 101, 3, 4, 2, 2},
	crypto.SHA512: {2, 16, 840, 1, 101, 3, 4, 2, 3},
}

// tokenSpec is what a token states.
type tokenSpec struct {
	hash     crypto.Hash
	digest   []byte
	time     time.Time
	accuracy time.Duration
	policy   asn1.ObjectIdentifier
	nonce    *big.Int
	withCert bool
}

type messageImprint struct {
	Alg    pkix.AlgorithmIdentifier
	Digest []byte
}

type accuracy struct {
	Seconds int64 `asn1:"optional"`
	Millis  int64 `asn1:"optional,tag:0"`
	Micros  int64 `asn1:"optional,tag:1"`
}

type tstInfoDER struct {
	Version    int
	Policy     asn1.ObjectIdentifier
	Imprint    messageImprint
	Serial     *big.Int
	GenTime    time.Time        `asn1:"generalized"`
	Accuracy   accuracy         `asn1:"optional"`
	Ordering   bool             `asn1:"optional,default:false"`
	Nonce      *big.Int         `asn1:"optional"`
	TSA        asn1.RawValue    `asn1:"optional,explicit,tag:0"`
	Extensions []pkix.Extension `asn1:"optional,tag:1"`
}

// decodeTSTInfo reads a DER TSTInfo.
func decodeTSTInfo(der []byte) (*Token, error) {
	var info tstInfoDER
	rest, err := asn1.Unmarshal(der, &info)
	if err != nil || len(rest) > 0 {
		return nil, fmt.Errorf("%w: TSTInfo: %v", ErrMalformed, err)
	}
	if info.Version != 1 {
		return nil, fmt.Errorf("%w: TSTInfo version %d", ErrMalformed, info.Version)
	}
	var h crypto.Hash
	for k, oid := range hashOIDs {
		if oid.Equal(info.Imprint.Alg.Algorithm) {
			h = k
		}
	}
	if h == 0 {
		return nil, fmt.Errorf("%w: imprint algorithm %v", ErrMalformed, info.Imprint.Alg.Algorithm)
	}
	if len(info.Imprint.Digest) != h.Size() {
		return nil, fmt.Errorf("%w: imprint of %d bytes for %v", ErrMalformed, len(info.Imprint.Digest), h)
	}
	acc := time.Duration(info.Accuracy.Seconds)*time.Second + time.Duration(info.Accuracy.Millis)*time.Millisecond +
		time.Duration(info.Accuracy.Micros)*time.Microsecond
	return &Token{Time: info.GenTime, Hash: h, Digest: info.Imprint.Digest, Serial: info.Serial,
		Policy: info.Policy, Nonce: info.Nonce, Accuracy: acc}, nil
}

// marshalTSTInfo writes the TSTInfo of spec; genTime is in whole seconds,
// UTC, as RFC 3161 wants (no fraction is written).
func marshalTSTInfo(spec tokenSpec, serial *big.Int, tsa *x509.Certificate) ([]byte, error) {
	oid, ok := hashOIDs[spec.hash]
	if !ok {
		return nil, ErrUnsupportedHash
	}
	acc := accuracy{Seconds: int64(spec.accuracy / time.Second)}
	if rest := spec.accuracy % time.Second; rest != 0 {
		acc.Millis = int64(rest / time.Millisecond)
	}
	info := tstInfoDER{
		Version:  1,
		Policy:   spec.policy,
		Imprint:  messageImprint{Alg: pkix.AlgorithmIdentifier{Algorithm: oid, Parameters: asn1.NullRawValue}, Digest: spec.digest},
		Serial:   serial,
		GenTime:  spec.time.UTC().Truncate(time.Second),
		Accuracy: acc,
		Nonce:    spec.nonce,
		// tsa [0] GeneralName: directoryName [4] Name.
		TSA: asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 4, IsCompound: true, Bytes: tsa.RawSubject},
	}
	return asn1.Marshal(info)
}

type issuerSerial struct {
	Issuer []asn1.RawValue // GeneralNames
	Serial *big.Int
}

type essCertIDv2 struct {
	// hashAlgorithm DEFAULT id-sha256: omitted.
	CertHash     []byte
	IssuerSerial issuerSerial
}

// signingCertificateV2 is the RFC 5035 attribute value naming cert by its
// SHA-256 hash, issuer and serial number.
func signingCertificateV2(cert *x509.Certificate) ([]byte, error) {
	if cert == nil {
		return nil, errors.New("tsa: no certificate")
	}
	sum := sha256.Sum256(cert.Raw)
	v := struct{ Certs []essCertIDv2 }{[]essCertIDv2{{
		CertHash: sum[:],
		IssuerSerial: issuerSerial{
			Issuer: []asn1.RawValue{{Class: asn1.ClassContextSpecific, Tag: 4, IsCompound: true, Bytes: cert.RawIssuer}},
			Serial: cert.SerialNumber,
		},
	}}}
	return asn1.Marshal(v)
}

// pkiStatusGranted is the PKIStatusInfo of a granted request.
type timeStampRespDER struct {
	Status struct{ Status int }
	Token  asn1.RawValue
}

// createResponse builds and signs a token for spec and returns the DER
// TimeStampResp with status granted.
func createResponse(spec tokenSpec, cert *x509.Certificate, chain []*x509.Certificate, key crypto.Signer) ([]byte, error) {
	serial, err := randomSerial()
	if err != nil {
		return nil, err
	}
	info, err := marshalTSTInfo(spec, serial, cert)
	if err != nil {
		return nil, err
	}
	token, err := signToken(info, spec.time, cert, chain, key, spec.withCert)
	if err != nil {
		return nil, err
	}
	var r timeStampRespDER
	r.Token = asn1.RawValue{FullBytes: token}
	return asn1.Marshal(r)
}
