package docsig

import (
	"errors"
	"fmt"
)

// Code classifies why a document was refused. Where the meaning is the same,
// the strings are those of certs/wssec, so `konektor xml verify` reports
// both kinds of signature alike.
type Code string

// Rejection codes.
const (
	CodeTooLarge       Code = "too-large"
	CodeMalformed      Code = "malformed"
	CodeForbidden      Code = "forbidden-construct"
	CodeComment        Code = "comment-in-signed-content"
	CodeUnsupported    Code = "unsupported-construct"
	CodeMissingSig     Code = "missing-signature"
	CodeWrapping       Code = "signature-wrapping"
	CodeStructure      Code = "signature-structure"
	CodeNotCovered     Code = "not-covered"
	CodeAlgorithm      Code = "algorithm-not-allowed"
	CodeWeakKey        Code = "weak-key"
	CodeKeyReference   Code = "key-reference"
	CodeUntrusted      Code = "untrusted-certificate"
	CodeCertValidity   Code = "certificate-validity"
	CodeBadSignature   Code = "bad-signature"
	CodeDigestMismatch Code = "digest-mismatch"
	CodeInternal       Code = "internal"
)

// messages holds the Czech and English text a person reads for each code.
var messages = map[Code][2]string{
	CodeTooLarge:       {"dokument je příliš velký nebo příliš složitý", "document too large or too complex"},
	CodeMalformed:      {"dokument není správně utvořené XML v kódování UTF-8", "document is not well-formed UTF-8 XML"},
	CodeForbidden:      {"dokument obsahuje zakázanou konstrukci (DTD, entitu nebo instrukci pro zpracování)", "document contains a forbidden construct (DTD, entity or processing instruction)"},
	CodeComment:        {"podepsaný obsah obsahuje komentář", "signed content contains a comment"},
	CodeUnsupported:    {"dokument používá konstrukci XML, kterou konektor neumí kanonizovat (xmlns=\"\", více atributů s prefixem, relativní jmenný prostor, znaky konce řádku či tabulátoru v atributu)", "document uses an XML construct konektor cannot canonicalize (xmlns=\"\", several prefixed attributes, a relative namespace name, line breaks or tabs in an attribute)"},
	CodeMissingSig:     {"dokument není podepsán", "document is not signed"},
	CodeWrapping:       {"podpis není jediný nebo není přímo v kořenovém prvku dokumentu (pokus o podvržení podepsaného obsahu)", "the signature is not the only one or not a direct child of the root element (signature wrapping)"},
	CodeStructure:      {"prvek ds:Signature nemá předepsanou strukturu", "the ds:Signature element does not have the required structure"},
	CodeNotCovered:     {"podpis nepokrývá celý dokument", "the signature does not cover the whole document"},
	CodeAlgorithm:      {"nepovolený algoritmus podpisu, otisku, transformace nebo kanonizace", "signature, digest, transform or canonicalization algorithm not allowed"},
	CodeWeakKey:        {"podpisový klíč je slabý (vyžaduje se RSA alespoň 2048 bitů)", "signing key too weak (RSA of at least 2048 bits required)"},
	CodeKeyReference:   {"podpisový certifikát v KeyInfo chybí nebo je neplatný", "the signing certificate in KeyInfo is missing or invalid"},
	CodeUntrusted:      {"podpisový certifikát není důvěryhodný", "signing certificate is not trusted"},
	CodeCertValidity:   {"podpisový certifikát není v tuto chvíli platný", "signing certificate is not valid at this time"},
	CodeBadSignature:   {"podpis je neplatný", "signature value does not verify"},
	CodeDigestMismatch: {"podepsaný obsah byl změněn", "signed content was modified (digest mismatch)"},
	CodeInternal:       {"interní chyba při ověřování podpisu", "internal error while verifying the signature"},
}

// Error is a rejection. Detail is English for logs and operators; it names
// elements and algorithms, never document content.
type Error struct {
	Code   Code
	Detail string
	Err    error
}

func (e *Error) Error() string {
	s := "docsig: " + string(e.Code)
	if e.Detail != "" {
		s += ": " + e.Detail
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrWrapping) and the like match on the code.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Detail == "" && t.Err == nil && t.Code == e.Code
}

// Message returns the Czech text for a person.
func (e *Error) Message() string { return messages[e.Code][0] }

// MessageEN returns the English text for a person.
func (e *Error) MessageEN() string { return messages[e.Code][1] }

// Sentinels, one per code, for errors.Is.
var (
	ErrTooLarge       = &Error{Code: CodeTooLarge}
	ErrMalformed      = &Error{Code: CodeMalformed}
	ErrForbidden      = &Error{Code: CodeForbidden}
	ErrComment        = &Error{Code: CodeComment}
	ErrUnsupported    = &Error{Code: CodeUnsupported}
	ErrMissingSig     = &Error{Code: CodeMissingSig}
	ErrWrapping       = &Error{Code: CodeWrapping}
	ErrStructure      = &Error{Code: CodeStructure}
	ErrNotCovered     = &Error{Code: CodeNotCovered}
	ErrAlgorithm      = &Error{Code: CodeAlgorithm}
	ErrWeakKey        = &Error{Code: CodeWeakKey}
	ErrKeyReference   = &Error{Code: CodeKeyReference}
	ErrUntrusted      = &Error{Code: CodeUntrusted}
	ErrCertValidity   = &Error{Code: CodeCertValidity}
	ErrBadSignature   = &Error{Code: CodeBadSignature}
	ErrDigestMismatch = &Error{Code: CodeDigestMismatch}
	ErrInternal       = &Error{Code: CodeInternal}
)

// CodeOf returns the code of a rejection, or "" when err is not one.
func CodeOf(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

func reject(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Detail: fmt.Sprintf(format, args...)}
}

func rejectErr(code Code, err error, format string, args ...any) *Error {
	return &Error{Code: code, Detail: fmt.Sprintf(format, args...), Err: err}
}

// Errors of the signer (operator input, not a peer's document).
var (
	// ErrAlreadySigned means the document already carries a ds:Signature.
	ErrAlreadySigned = errors.New("docsig: the document already carries a ds:Signature")
	// ErrSignerKey means the key cannot make an allowed signature.
	ErrSignerKey = errors.New("docsig: signing key must be RSA of at least 2048 bits and match the certificate")
	// ErrNoTrust means a Verifier was configured without any trusted certificate.
	ErrNoTrust = errors.New("docsig: no pinned certificate and no trusted roots configured")
)
