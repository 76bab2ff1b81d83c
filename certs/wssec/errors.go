package wssec

import (
	"errors"

	"konektor/certs/xmlsig"
)

// Code classifies why a message was rejected: the codes of certs/xmlsig,
// which certs/docsig returns too, and those below that only WS-Security
// has. The gateway maps every code to a SOAP client fault (the sender's
// message is at fault) except CodeInternal, which is a server fault.
type Code = xmlsig.Code

// Rejection codes.
const (
	CodeTooLarge       = xmlsig.CodeTooLarge
	CodeMalformed      = xmlsig.CodeMalformed
	CodeForbidden      = xmlsig.CodeForbidden
	CodeWrapping       = xmlsig.CodeWrapping
	CodeComment        = xmlsig.CodeComment
	CodeMissingSig     = xmlsig.CodeMissingSig
	CodeAlgorithm      = xmlsig.CodeAlgorithm
	CodeWeakKey        = xmlsig.CodeWeakKey
	CodeKeyReference   = xmlsig.CodeKeyReference
	CodeUntrusted      = xmlsig.CodeUntrusted
	CodeCertValidity   = xmlsig.CodeCertValidity
	CodeBadSignature   = xmlsig.CodeBadSignature
	CodeDigestMismatch = xmlsig.CodeDigestMismatch
	CodeNotCovered     = xmlsig.CodeNotCovered
	CodeInternal       = xmlsig.CodeInternal

	CodeStructure   Code = "not-soap"
	CodeDuplicateID Code = "duplicate-id"
	CodeTimestamp   Code = "timestamp-invalid"
	CodeExpired     Code = "timestamp-expired"
	CodeFuture      Code = "timestamp-future"
	CodeReplay      Code = "replay"
)

// vocabulary words the package's rejections: "wssec: …" error strings,
// and the texts of the codes that name a message (xmlsig has the others).
var vocabulary = xmlsig.NewVocabulary("wssec", map[Code][2]string{
	CodeTooLarge:     {"zpráva je příliš velká nebo příliš složitá", "message too large or too complex"},
	CodeMalformed:    {"zpráva není správně utvořené XML v kódování UTF-8", "message is not well-formed UTF-8 XML"},
	CodeForbidden:    {"zpráva obsahuje zakázanou konstrukci (DTD, entitu nebo instrukci pro zpracování)", "message contains a forbidden construct (DTD, entity or processing instruction)"},
	CodeStructure:    {"zpráva není SOAP obálka s jednou hlavičkou a jedním tělem", "message is not a SOAP envelope with one Header and one Body"},
	CodeWrapping:     {"zpráva obsahuje přebytečné nebo přesunuté bezpečnostní prvky (pokus o podvržení podepsaného obsahu)", "message contains extra or moved security elements (signature wrapping)"},
	CodeDuplicateID:  {"zpráva obsahuje duplicitní identifikátor prvku", "message contains a duplicate element ID"},
	CodeMissingSig:   {"zpráva není podepsána", "message is not signed"},
	CodeAlgorithm:    {"nepovolený algoritmus podpisu, otisku nebo kanonizace", "signature, digest or canonicalization algorithm not allowed"},
	CodeKeyReference: {"odkaz na podpisový certifikát je neplatný", "invalid reference to the signing certificate"},
	CodeNotCovered:   {"podpis nepokrývá tělo zprávy nebo její časové razítko", "signature does not cover the Body or the Timestamp"},
	CodeTimestamp:    {"časové razítko WS-Security chybí nebo je neplatné", "WS-Security Timestamp missing or invalid"},
	CodeExpired:      {"platnost zprávy vypršela", "message Timestamp has expired"},
	CodeFuture:       {"časové razítko zprávy je v budoucnosti", "message Timestamp is in the future"},
	CodeReplay:       {"zpráva již byla přijata (opakované odeslání)", "message was already received (replay)"},
})

// Error is a rejection (an xmlsig.Error worded by this package). Detail is
// English for logs and operators; it never quotes message content beyond
// element names and ID values.
type Error = xmlsig.Error

// Sentinels for the codes only WS-Security has, for errors.Is (xmlsig has
// those of the shared codes).
var (
	ErrStructure   = &Error{Code: CodeStructure}
	ErrDuplicateID = &Error{Code: CodeDuplicateID}
	ErrTimestamp   = &Error{Code: CodeTimestamp}
	ErrExpired     = &Error{Code: CodeExpired}
	ErrFuture      = &Error{Code: CodeFuture}
	ErrReplay      = &Error{Code: CodeReplay}
)

// CodeOf returns the code of a rejection, or "" when err is not one.
func CodeOf(err error) Code { return xmlsig.CodeOf(err) }

// reject builds an *Error.
func reject(code Code, format string, args ...any) *Error {
	return vocabulary.Reject(code, format, args...)
}

// rejectErr builds an *Error wrapping a cause.
func rejectErr(code Code, err error, format string, args ...any) *Error {
	return vocabulary.RejectErr(code, err, format, args...)
}

// Errors of the signer (operator input, not a peer's message).
var (
	// ErrAlreadySigned means the envelope already carries a Timestamp or a
	// Signature in its Security header.
	ErrAlreadySigned = errors.New("envelope already has a WS-Security Timestamp or Signature")
	// ErrSignerKey means the key cannot make an allowed signature.
	ErrSignerKey = xmlsig.ErrSignerKey

	errNotDescendant = errors.New("element is not inside the canonicalized root")
)
