package wssec

import "konektor/certs/xmlsig"

// Namespaces and identifiers of SOAP and WS-Security, as the specifications
// spell them; those of XML Signature are xmlsig's, named here as the
// package's code has always spelt them.
const (
	nsSOAP11 = "http://schemas.xmlsoap.org/soap/envelope/"
	nsSOAP12 = "http://www.w3.org/2003/05/soap-envelope"
	nsWSSE   = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
	nsWSU    = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"

	valueTypeX509v3 = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0#X509v3"
	encodingBase64  = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary"

	nsDS         = xmlsig.NamespaceDS
	nsExcC14     = xmlsig.NamespaceExcC14N
	algExcC14N   = xmlsig.AlgExcC14N
	algEnveloped = xmlsig.AlgEnveloped
)

// MinRSABits is the smallest RSA modulus the signer and the verifier accept.
const MinRSABits = xmlsig.MinRSABits
