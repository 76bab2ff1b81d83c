// Package docsig seals XML documents with an enveloped XML signature in
// their root element, as ČÚZK seals its XML reports, and verifies such
// signatures under a strict policy.
//
// Signer.Sign adds one ds:Signature as the first child of the document's
// root: exclusive canonicalization (exc-c14n) of SignedInfo, RSA-SHA256,
// one Reference URI="" (the whole document) with the enveloped-signature and
// exc-c14n transforms and a SHA-256 digest, and KeyInfo/X509Data holding
// the signing certificate (and any chain given). The signature is made by
// russellhaering/goxmldsig's SigningContext with its exclusive
// canonicalizer; the document is otherwise left as it was. Every signature
// is serialised and verified again from its bytes before Sign returns it
// (goxmldsig's in-memory trees must never be validated).
//
// Verifier.Verify accepts a document only when all of the following hold:
//   - at most Limits.MaxBytes of UTF-8 XML, no DTD, entity declaration,
//     processing instruction (other than the XML declaration) or comment,
//     no duplicate attributes, within the depth, element and attribute
//     limits, every namespace name an absolute URI;
//   - exactly one ds:Signature in the whole document, a direct child of the
//     root, holding exactly SignedInfo, SignatureValue and KeyInfo;
//   - SignedInfo uses exc-c14n and RSA-SHA256/384/512 and has exactly one
//     Reference, URI="", whose transforms are exactly enveloped-signature
//     then exc-c14n and whose digest is SHA-256/384/512;
//   - KeyInfo holds exactly one X509Data of X509Certificate elements; the
//     first is the signer, an RSA key of at least 2048 bits, valid at the
//     verification time, allowed to sign, and equal to a pinned certificate
//     or chaining to the trusted roots (xmlsig.Trust);
//   - the SignatureValue verifies over the canonical SignedInfo, and the
//     Reference, read again from those verified bytes, digests the
//     canonical document without the Signature.
//
// Result.Canonical holds those digested bytes: everything after
// verification should read the document from them.
//
// Canonicalization is goxmldsig's (etreeutils). It departs from the
// specification in two places (the order of several prefixed attributes on
// one element, and xmlns="" undeclarations), so documents using either are
// refused by both Sign and Verify with CodeUnsupported rather than signed
// or checked wrongly; ČÚZK's reports use neither.
//
// Errors are *xmlsig.Error values with a Code and Czech and English texts.
// The codes, the trust and key policy, the algorithm allow-lists and the
// Report that Check returns for `konektor xml verify` are certs/xmlsig's,
// shared with certs/wssec (which this package does not import); this
// package adds the codes CodeUnsupported and CodeStructure and the wording
// of the texts that name a document.
package docsig
