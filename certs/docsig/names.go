package docsig

import (
	"crypto"
	_ "crypto/sha256" // registers SHA-256 for crypto.Hash.New
	_ "crypto/sha512" // registers SHA-384 and SHA-512
)

// Namespaces and algorithm identifiers, as the specifications spell them.
const (
	nsDS     = "http://www.w3.org/2000/09/xmldsig#"
	nsExcC14 = "http://www.w3.org/2001/10/xml-exc-c14n#"

	algExcC14N   = "http://www.w3.org/2001/10/xml-exc-c14n#"
	algEnveloped = "http://www.w3.org/2000/09/xmldsig#enveloped-signature"
	algRSASHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
	algRSASHA384 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384"
	algRSASHA512 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512"
	algSHA256    = "http://www.w3.org/2001/04/xmlenc#sha256"
	algSHA384    = "http://www.w3.org/2001/04/xmldsig-more#sha384"
	algSHA512    = "http://www.w3.org/2001/04/xmlenc#sha512"
)

// signatureMethods is the SignatureMethod allow-list: RSA with SHA-256 or
// stronger.
var signatureMethods = map[string]crypto.Hash{
	algRSASHA256: crypto.SHA256,
	algRSASHA384: crypto.SHA384,
	algRSASHA512: crypto.SHA512,
}

// digestMethods is the DigestMethod allow-list.
var digestMethods = map[string]crypto.Hash{
	algSHA256: crypto.SHA256,
	algSHA384: crypto.SHA384,
	algSHA512: crypto.SHA512,
}

// MinRSABits is the smallest RSA modulus the signer and the verifier accept.
const MinRSABits = 2048

// Mode is the signature form Check reports (wssec.Report.Mode).
const Mode = "enveloped-document"
