package wssec

import (
	"crypto"
	_ "crypto/sha256" // registers SHA-256 for crypto.Hash.New
	_ "crypto/sha512" // registers SHA-384 and SHA-512
)

// Namespaces and algorithm identifiers, as the specifications spell them.
const (
	nsSOAP11 = "http://schemas.xmlsoap.org/soap/envelope/"
	nsSOAP12 = "http://www.w3.org/2003/05/soap-envelope"
	nsWSSE   = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
	nsWSU    = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"
	nsDS     = "http://www.w3.org/2000/09/xmldsig#"
	nsExcC14 = "http://www.w3.org/2001/10/xml-exc-c14n#"

	valueTypeX509v3 = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0#X509v3"
	encodingBase64  = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary"

	algExcC14N    = "http://www.w3.org/2001/10/xml-exc-c14n#"
	algEnveloped  = "http://www.w3.org/2000/09/xmldsig#enveloped-signature"
	algRSASHA1    = "http://www.w3.org/2000/09/xmldsig#rsa-sha1"
	algRSASHA256  = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
	algRSASHA384  = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384"
	algRSASHA512  = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512"
	algDigestSHA1 = "http://www.w3.org/2000/09/xmldsig#sha1"
	algSHA256     = "http://www.w3.org/2001/04/xmlenc#sha256"
	algSHA384     = "http://www.w3.org/2001/04/xmldsig-more#sha384"
	algSHA512     = "http://www.w3.org/2001/04/xmlenc#sha512"
)

// allowedSignatureMethods is the SignatureMethod allow-list: RSA with
// SHA-256 or stronger.
var allowedSignatureMethods = map[string]crypto.Hash{
	algRSASHA256: crypto.SHA256,
	algRSASHA384: crypto.SHA384,
	algRSASHA512: crypto.SHA512,
}

// allowedDigestMethods is the DigestMethod allow-list.
var allowedDigestMethods = map[string]crypto.Hash{
	algSHA256: crypto.SHA256,
	algSHA384: crypto.SHA384,
	algSHA512: crypto.SHA512,
}

// signatureMethodURI and digestMethodURI name the algorithms the signer uses
// for a hash (SHA-1 only reachable from tests, to build rejected vectors).
var (
	signatureMethodURI = map[crypto.Hash]string{crypto.SHA1: algRSASHA1, crypto.SHA256: algRSASHA256, crypto.SHA384: algRSASHA384, crypto.SHA512: algRSASHA512}
	digestMethodURI    = map[crypto.Hash]string{crypto.SHA1: algDigestSHA1, crypto.SHA256: algSHA256, crypto.SHA384: algSHA384, crypto.SHA512: algSHA512}
)

// MinRSABits is the smallest RSA modulus the signer and the verifier accept.
const MinRSABits = 2048
