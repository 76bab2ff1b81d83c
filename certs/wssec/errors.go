package wssec

import (
	"errors"
	"fmt"
)

// Code classifies why a message was rejected. The gateway maps every code to
// a SOAP client fault (the sender's message is at fault) except CodeInternal,
// which is a server fault.
type Code string

// Rejection codes.
const (
	CodeTooLarge       Code = "too-large"
	CodeMalformed      Code = "malformed"
	CodeForbidden      Code = "forbidden-construct"
	CodeStructure      Code = "not-soap"
	CodeWrapping       Code = "signature-wrapping"
	CodeDuplicateID    Code = "duplicate-id"
	CodeComment        Code = "comment-in-signed-content"
	CodeMissingSig     Code = "missing-signature"
	CodeAlgorithm      Code = "algorithm-not-allowed"
	CodeWeakKey        Code = "weak-key"
	CodeKeyReference   Code = "key-reference"
	CodeUntrusted      Code = "untrusted-certificate"
	CodeCertValidity   Code = "certificate-validity"
	CodeBadSignature   Code = "bad-signature"
	CodeDigestMismatch Code = "digest-mismatch"
	CodeNotCovered     Code = "not-covered"
	CodeTimestamp      Code = "timestamp-invalid"
	CodeExpired        Code = "timestamp-expired"
	CodeFuture         Code = "timestamp-future"
	CodeReplay         Code = "replay"
	CodeInternal       Code = "internal"
)

// messages holds the Czech and English text a person reads for each code.
var messages = map[Code][2]string{
	CodeTooLarge:       {"zpráva je příliš velká nebo příliš složitá", "message too large or too complex"},
	CodeMalformed:      {"zpráva není správně utvořené XML v kódování UTF-8", "message is not well-formed UTF-8 XML"},
	CodeForbidden:      {"zpráva obsahuje zakázanou konstrukci (DTD, entitu nebo instrukci pro zpracování)", "message contains a forbidden construct (DTD, entity or processing instruction)"},
	CodeStructure:      {"zpráva není SOAP obálka s jednou hlavičkou a jedním tělem", "message is not a SOAP envelope with one Header and one Body"},
	CodeWrapping:       {"zpráva obsahuje přebytečné nebo přesunuté bezpečnostní prvky (pokus o podvržení podepsaného obsahu)", "message contains extra or moved security elements (signature wrapping)"},
	CodeDuplicateID:    {"zpráva obsahuje duplicitní identifikátor prvku", "message contains a duplicate element ID"},
	CodeComment:        {"podepsaný obsah obsahuje komentář", "signed content contains a comment"},
	CodeMissingSig:     {"zpráva není podepsána", "message is not signed"},
	CodeAlgorithm:      {"nepovolený algoritmus podpisu, otisku nebo kanonizace", "signature, digest or canonicalization algorithm not allowed"},
	CodeWeakKey:        {"podpisový klíč je slabý (vyžaduje se RSA alespoň 2048 bitů)", "signing key too weak (RSA of at least 2048 bits required)"},
	CodeKeyReference:   {"odkaz na podpisový certifikát je neplatný", "invalid reference to the signing certificate"},
	CodeUntrusted:      {"podpisový certifikát není důvěryhodný", "signing certificate is not trusted"},
	CodeCertValidity:   {"podpisový certifikát není v tuto chvíli platný", "signing certificate is not valid at this time"},
	CodeBadSignature:   {"podpis je neplatný", "signature value does not verify"},
	CodeDigestMismatch: {"podepsaný obsah byl změněn", "signed content was modified (digest mismatch)"},
	CodeNotCovered:     {"podpis nepokrývá tělo zprávy nebo její časové razítko", "signature does not cover the Body or the Timestamp"},
	CodeTimestamp:      {"časové razítko WS-Security chybí nebo je neplatné", "WS-Security Timestamp missing or invalid"},
	CodeExpired:        {"platnost zprávy vypršela", "message Timestamp has expired"},
	CodeFuture:         {"časové razítko zprávy je v budoucnosti", "message Timestamp is in the future"},
	CodeReplay:         {"zpráva již byla přijata (opakované odeslání)", "message was already received (replay)"},
	CodeInternal:       {"interní chyba při ověřování podpisu", "internal error while verifying the signature"},
}

// Error is a rejection. Detail is English for logs and operators; it never
// quotes message content beyond element names and ID values.
type Error struct {
	Code   Code
	Detail string
	Err    error
}

func (e *Error) Error() string {
	s := "wssec: " + string(e.Code)
	if e.Detail != "" {
		s += ": " + e.Detail
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrReplay) and the like match on the code.
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
	ErrStructure      = &Error{Code: CodeStructure}
	ErrWrapping       = &Error{Code: CodeWrapping}
	ErrDuplicateID    = &Error{Code: CodeDuplicateID}
	ErrComment        = &Error{Code: CodeComment}
	ErrMissingSig     = &Error{Code: CodeMissingSig}
	ErrAlgorithm      = &Error{Code: CodeAlgorithm}
	ErrWeakKey        = &Error{Code: CodeWeakKey}
	ErrKeyReference   = &Error{Code: CodeKeyReference}
	ErrUntrusted      = &Error{Code: CodeUntrusted}
	ErrCertValidity   = &Error{Code: CodeCertValidity}
	ErrBadSignature   = &Error{Code: CodeBadSignature}
	ErrDigestMismatch = &Error{Code: CodeDigestMismatch}
	ErrNotCovered     = &Error{Code: CodeNotCovered}
	ErrTimestamp      = &Error{Code: CodeTimestamp}
	ErrExpired        = &Error{Code: CodeExpired}
	ErrFuture         = &Error{Code: CodeFuture}
	ErrReplay         = &Error{Code: CodeReplay}
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

// reject builds an *Error.
func reject(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Detail: fmt.Sprintf(format, args...)}
}

// rejectErr builds an *Error wrapping a cause.
func rejectErr(code Code, err error, format string, args ...any) *Error {
	return &Error{Code: code, Detail: fmt.Sprintf(format, args...), Err: err}
}

// Errors of the signer (operator input, not a peer's message).
var (
	// ErrAlreadySigned means the envelope already carries a Timestamp or a
	// Signature in its Security header.
	ErrAlreadySigned = errors.New("envelope already has a WS-Security Timestamp or Signature")
	// ErrSignerKey means the key cannot make an allowed signature.
	ErrSignerKey = errors.New("signing key must be RSA of at least 2048 bits and match the certificate")

	errNotDescendant = errors.New("element is not inside the canonicalized root")
)
