package wssec

import (
	"bytes"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"strings"

	"konektor/certs/xmlsig"
)

// Trust says which signing certificates the verifier accepts (see
// xmlsig.Trust): a certificate equal to one of Pinned, or one that chains
// to Roots (through Intermediates or certificates sent in KeyInfo/X509Data).
type Trust = xmlsig.Trust

// ErrNoTrust means a Verifier was configured without any trusted certificate.
var ErrNoTrust = errors.New("wssec: no pinned certificate and no trusted roots configured")

// signingCert resolves KeyInfo to the signing certificate and any extra
// chain certificates the message carries.
//
// A certificate whose DER equals one in known (the pinned ones) is returned
// as that already parsed certificate instead of being parsed again.
func signingCert(m *message, sec, ki *element, known []*x509.Certificate) (*x509.Certificate, []*x509.Certificate, error) {
	kids := ki.ChildElements()
	if len(kids) != 1 || hasText(ki) {
		return nil, nil, reject(CodeKeyReference, "KeyInfo must hold exactly one SecurityTokenReference or X509Data")
	}
	k := kids[0]
	switch {
	case m.is(k, nsWSSE, "SecurityTokenReference"):
		r, ok := onlyChild(k, nsWSSE, "Reference")
		if !ok || len(k.ChildElements()) != 1 {
			return nil, nil, reject(CodeKeyReference, "SecurityTokenReference must hold exactly one wsse:Reference")
		}
		uri := plainAttrValue(r, "URI", "")
		if vt, ok := plainAttr(r, "ValueType"); ok && vt != valueTypeX509v3 {
			return nil, nil, reject(CodeKeyReference, "token reference ValueType is not X509v3")
		}
		if len(uri) < 2 || uri[0] != '#' {
			return nil, nil, reject(CodeKeyReference, "token reference URI %q is not a same-document #id", uri)
		}
		bst := m.ids[uri[1:]]
		if bst == nil || !m.is(bst, nsWSSE, "BinarySecurityToken") || sec == nil || bst.Parent() != sec {
			return nil, nil, reject(CodeKeyReference, "token reference %q does not point to a BinarySecurityToken in this Security header", uri)
		}
		if plainAttrValue(bst, "ValueType", "") != valueTypeX509v3 {
			return nil, nil, reject(CodeKeyReference, "BinarySecurityToken ValueType is not X509v3")
		}
		if et, ok := plainAttr(bst, "EncodingType"); ok && et != encodingBase64 {
			return nil, nil, reject(CodeKeyReference, "BinarySecurityToken EncodingType is not Base64Binary")
		}
		c, err := parseB64Cert(bst, known)
		if err != nil {
			return nil, nil, err
		}
		return c, nil, nil
	case m.is(k, nsDS, "X509Data"):
		var certs []*x509.Certificate
		for _, e := range k.ChildElements() {
			if !m.is(e, nsDS, "X509Certificate") {
				return nil, nil, reject(CodeKeyReference, "X509Data may hold only X509Certificate elements")
			}
			if len(certs) == xmlsig.MaxX509Certificates {
				return nil, nil, reject(CodeKeyReference, "more than %d certificates in X509Data", xmlsig.MaxX509Certificates)
			}
			c, err := parseB64Cert(e, known)
			if err != nil {
				return nil, nil, err
			}
			certs = append(certs, c)
		}
		if len(certs) == 0 {
			return nil, nil, reject(CodeKeyReference, "X509Data holds no certificate")
		}
		return certs[0], certs[1:], nil
	default:
		return nil, nil, reject(CodeKeyReference, "unsupported KeyInfo content %s", k.Tag)
	}
}

// parseB64Cert decodes the base64 DER certificate in el's text; a
// certificate of known is reused when its DER is the same.
func parseB64Cert(el *element, known []*x509.Certificate) (*x509.Certificate, error) {
	txt, ok := textOf(el)
	if !ok {
		return nil, reject(CodeKeyReference, "%s must hold only base64 text", el.Tag)
	}
	der, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(txt), ""))
	if err != nil {
		return nil, rejectErr(CodeKeyReference, err, "%s is not base64", el.Tag)
	}
	for _, k := range known {
		if bytes.Equal(k.Raw, der) {
			return k, nil
		}
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, rejectErr(CodeKeyReference, err, "%s is not an X.509 certificate", el.Tag)
	}
	return c, nil
}

// rsaKey applies xmlsig's key policy: RSA of at least MinRSABits.
func rsaKey(c *x509.Certificate) (*rsa.PublicKey, error) { return xmlsig.RSAKey(vocabulary, c) }
