package xmlsig

import (
	"crypto"
	_ "crypto/sha256" // registers SHA-256 for crypto.Hash.New
	_ "crypto/sha512" // registers SHA-384 and SHA-512
)

// Namespaces and algorithm identifiers of XML Signature, as the
// specifications spell them.
const (
	NamespaceDS      = "http://www.w3.org/2000/09/xmldsig#"
	NamespaceExcC14N = "http://www.w3.org/2001/10/xml-exc-c14n#" // ec:InclusiveNamespaces

	AlgExcC14N   = "http://www.w3.org/2001/10/xml-exc-c14n#"
	AlgEnveloped = "http://www.w3.org/2000/09/xmldsig#enveloped-signature"
	AlgRSASHA1   = "http://www.w3.org/2000/09/xmldsig#rsa-sha1"
	AlgRSASHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
	AlgRSASHA384 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384"
	AlgRSASHA512 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512"
	AlgSHA1      = "http://www.w3.org/2000/09/xmldsig#sha1"
	AlgSHA256    = "http://www.w3.org/2001/04/xmlenc#sha256"
	AlgSHA384    = "http://www.w3.org/2001/04/xmldsig-more#sha384"
	AlgSHA512    = "http://www.w3.org/2001/04/xmlenc#sha512"
)

// The allow-lists: RSA with SHA-256 or stronger, and SHA-256 or stronger
// digests. SHA-1 has a name (signatureMethods, digestMethods) so that
// tests can build the signatures the policy refuses, never a place here.
var (
	allowedSignatureMethods = map[string]crypto.Hash{AlgRSASHA256: crypto.SHA256, AlgRSASHA384: crypto.SHA384, AlgRSASHA512: crypto.SHA512}
	allowedDigestMethods    = map[string]crypto.Hash{AlgSHA256: crypto.SHA256, AlgSHA384: crypto.SHA384, AlgSHA512: crypto.SHA512}
	signatureMethods        = map[crypto.Hash]string{crypto.SHA1: AlgRSASHA1, crypto.SHA256: AlgRSASHA256, crypto.SHA384: AlgRSASHA384, crypto.SHA512: AlgRSASHA512}
	digestMethods           = map[crypto.Hash]string{crypto.SHA1: AlgSHA1, crypto.SHA256: AlgSHA256, crypto.SHA384: AlgSHA384, crypto.SHA512: AlgSHA512}
)

// SignatureHash returns the hash of the SignatureMethod uri and whether the
// policy allows it.
func SignatureHash(uri string) (crypto.Hash, bool) {
	h, ok := allowedSignatureMethods[uri]
	return h, ok
}

// DigestHash returns the hash of the DigestMethod uri and whether the
// policy allows it.
func DigestHash(uri string) (crypto.Hash, bool) {
	h, ok := allowedDigestMethods[uri]
	return h, ok
}

// SignatureMethod returns the URI of RSA with h, or "" when h has none.
func SignatureMethod(h crypto.Hash) string { return signatureMethods[h] }

// DigestMethod returns the URI of the digest h, or "" when h has none.
func DigestMethod(h crypto.Hash) string { return digestMethods[h] }
