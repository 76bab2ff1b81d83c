// Package wssec signs SOAP envelopes with WS-Security X.509 signatures and
// verifies them under a strict policy.
//
// A signature konektor makes (Signer.Sign) adds to the SOAP Header one
// wsse:Security header holding a wsse:BinarySecurityToken (the signing
// certificate), a wsu:Timestamp with Created and Expires, and a ds:Signature
// whose SignedInfo references the soap:Body and the Timestamp by wsu:Id, with
// exclusive canonicalization (exc-c14n), SHA-256 digests and RSA-SHA256.
//
// The Verifier accepts such messages, and enveloped signatures over the whole
// envelope (Reference URI=""), only when all of the following hold:
//   - the message is at most Limits.MaxBytes, UTF-8, with no DTD, entity
//     declaration or processing instruction, no duplicate attributes, and
//     within the depth, element and attribute limits;
//   - it is a SOAP 1.1 or 1.2 Envelope with exactly a Header and a Body, and
//     the whole document holds exactly one Body, one Header, one
//     wsse:Security, one ds:Signature and at most one wsu:Timestamp (so a
//     wrapped copy of a signed element anywhere is a rejection, not a choice);
//   - every Id/ID/id attribute value is unique;
//   - the key comes from a BinarySecurityToken in the same Security header or
//     from KeyInfo/X509Data, is RSA of at least 2048 bits, and its
//     certificate is pinned or chains to the configured roots and is valid now;
//   - SignedInfo uses exc-c14n and RSA-SHA256/384/512, and verifies;
//   - References are read only from the verified canonical SignedInfo bytes;
//     each resolves through the unique-ID index, uses exactly exc-c14n and a
//     SHA-256/384/512 digest, and matches;
//   - the Body and the Timestamp found structurally are among the verified
//     targets, and no signed element contains a comment;
//   - the Timestamp is fresh (Created not after now+skew, Expires not before
//     now-skew, lifetime at most MaxTimestampTTL) and the signature was not
//     seen before within its Expires window (ReplayCache).
//
// Everything after verification must use only Result.Body (or
// Result.Envelope), the canonical bytes that were digested.
//
// Errors are *Error values with a Code and a Czech and English message; the
// gateway maps codes to faults (see Code). Error, Code, Trust, the key
// policy, the algorithm allow-lists and the Report and Reference of
// `konektor xml verify` are certs/xmlsig's, shared with certs/docsig; this
// package adds the codes only WS-Security has and the wording of the texts
// that name a message.
//
// Building blocks: the package has its own small XML tree (tree.go) and a
// byte-level tokenizer (parse.go) that builds it in one pass, so the lexical
// policy and the parse cannot disagree. The tokenizer accepts exactly what
// encoding/xml's strict tokenizer, on which the package was first built,
// accepted (a differential test and fuzz target compare the two), except
// names with an empty prefix or local part, which it refuses. Nodes come from
// a few slabs that Verify and Sign hand back to a pool when done, and names
// and values are substrings of one copy of the input, so a verification
// costs a few dozen allocations instead of a couple of thousand. Exclusive
// canonicalization is implemented here (c14n.go) rather than taken from
// russellhaering/goxmldsig, whose canonicalizer orders prefixed attributes
// by local name and renders a superfluous xmlns="" (xmlsec1 rejects
// signatures made that way); goxmldsig remains a test oracle (c14n_test.go),
// as do the former parser and canonicalizer (reference_test.go).
// goxmldsig's ValidationContext cannot verify WS-Security (detached, several
// References, SecurityTokenReference) and is not used.
//
// Known limits: a message whose payload itself contains a ds:Signature,
// wsse:Security or wsu:Timestamp element is rejected as wrapping; literal
// tabs and newlines inside attribute values are not normalized to spaces as
// XML parsers do (nor did encoding/xml), so such xmlsec1-signed messages
// fail to verify (they fail closed); InclusiveNamespaces is honoured but
// signatures konektor makes never use it.
package wssec
