// Package xmlsig holds what konektor's two XML signature verifiers share:
// certs/wssec (WS-Security signatures in SOAP envelopes) and certs/docsig
// (enveloped signatures in documents, as ČÚZK seals its reports).
//
// It has five parts:
//   - the Codes that classify a refusal and the *Error that carries one
//     (errors.go); a verifier adds codes of its own, of the same type, so
//     CodeOf and the gateway's fault mapping see one set of codes;
//   - the Vocabulary through which a verifier words its refusals: the
//     package name that prefixes its Error strings and the Czech and English
//     texts a person reads. Texts that name what is checked (a message, a
//     document) belong to the verifier; the others are common and live here;
//   - the certificate policy (trust.go): a Trust of pinned certificates or
//     roots, the validity and key-usage check, and the key policy (RSA of
//     at least MinRSABits) for signers and signing certificates;
//   - the algorithm identifiers and allow-lists (names.go): exclusive
//     canonicalization, RSA-SHA256/384/512 signatures, SHA-256/384/512
//     digests;
//   - the Report (and its References) that both verifiers' Check functions
//     return and `konektor xml verify` prints as JSON (report.go), so
//     certs/docsig needs nothing of certs/wssec.
//
// Parsing, canonicalization and the structure of a signature stay with each
// verifier: wssec has its own tokenizer and canonicalizer, docsig uses
// russellhaering/goxmldsig.
package xmlsig
