package xmlsig

import (
	"errors"
	"fmt"
)

// Code classifies why a signed message or document was refused. The codes
// below are those every verifier may return; certs/wssec and certs/docsig
// declare their own further codes with this type.
type Code string

// Rejection codes shared by the verifiers.
const (
	CodeTooLarge       Code = "too-large"
	CodeMalformed      Code = "malformed"
	CodeForbidden      Code = "forbidden-construct"
	CodeComment        Code = "comment-in-signed-content"
	CodeMissingSig     Code = "missing-signature"
	CodeWrapping       Code = "signature-wrapping"
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

// sharedCodes lists the codes above: every Vocabulary must word them all.
var sharedCodes = []Code{CodeTooLarge, CodeMalformed, CodeForbidden, CodeComment, CodeMissingSig, CodeWrapping,
	CodeNotCovered, CodeAlgorithm, CodeWeakKey, CodeKeyReference, CodeUntrusted, CodeCertValidity,
	CodeBadSignature, CodeDigestMismatch, CodeInternal}

// commonTexts holds the Czech and English texts of the codes whose wording
// does not depend on what was signed; a Vocabulary words the rest.
var commonTexts = map[Code][2]string{
	CodeComment:        {"podepsaný obsah obsahuje komentář", "signed content contains a comment"},
	CodeWeakKey:        {"podpisový klíč je slabý (vyžaduje se RSA alespoň 2048 bitů)", "signing key too weak (RSA of at least 2048 bits required)"},
	CodeUntrusted:      {"podpisový certifikát není důvěryhodný", "signing certificate is not trusted"},
	CodeCertValidity:   {"podpisový certifikát není v tuto chvíli platný", "signing certificate is not valid at this time"},
	CodeBadSignature:   {"podpis je neplatný", "signature value does not verify"},
	CodeDigestMismatch: {"podepsaný obsah byl změněn", "signed content was modified (digest mismatch)"},
	CodeInternal:       {"interní chyba při ověřování podpisu", "internal error while verifying the signature"},
}

// Error is a refusal. Detail is English for logs and operators; it names
// elements, attributes, ID values and algorithms, never other content.
// Errors made by a Vocabulary render its name and texts.
type Error struct {
	Code   Code
	Detail string
	Err    error

	vocabulary *Vocabulary
}

func (e *Error) Error() string {
	s := "xmlsig"
	if e.vocabulary != nil {
		s = e.vocabulary.name
	}
	s += ": " + string(e.Code)
	if e.Detail != "" {
		s += ": " + e.Detail
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrUntrusted) and the like match on the code.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Detail == "" && t.Err == nil && t.Code == e.Code
}

// Message returns the Czech text for a person.
func (e *Error) Message() string { return e.texts()[0] }

// MessageEN returns the English text for a person.
func (e *Error) MessageEN() string { return e.texts()[1] }

func (e *Error) texts() [2]string {
	if e.vocabulary != nil {
		return e.vocabulary.texts[e.Code]
	}
	return commonTexts[e.Code]
}

// Sentinels, one per shared code, for errors.Is.
var (
	ErrTooLarge       = &Error{Code: CodeTooLarge}
	ErrMalformed      = &Error{Code: CodeMalformed}
	ErrForbidden      = &Error{Code: CodeForbidden}
	ErrComment        = &Error{Code: CodeComment}
	ErrMissingSig     = &Error{Code: CodeMissingSig}
	ErrWrapping       = &Error{Code: CodeWrapping}
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

// CodeOf returns the code of a refusal, or "" when err is not one.
func CodeOf(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

// Vocabulary is how one verifier words its refusals: the name that
// prefixes their Error strings and the Czech and English texts of every
// code it returns.
type Vocabulary struct {
	name  string
	texts map[Code][2]string
}

// NewVocabulary returns the vocabulary of the verifier called name. own
// holds the texts of its own codes and of the shared codes whose wording
// names what it checks; the common texts complete them. It panics when own
// rewords a common text, leaves a shared code without text, or has an
// empty text: the vocabularies are fixed when the program starts.
func NewVocabulary(name string, own map[Code][2]string) *Vocabulary {
	v := &Vocabulary{name: name, texts: make(map[Code][2]string, len(own)+len(commonTexts))}
	for c, t := range commonTexts {
		v.texts[c] = t
	}
	for c, t := range own {
		if _, ok := commonTexts[c]; ok {
			panic(fmt.Sprintf("xmlsig: vocabulary %s rewords the common text of %s", name, c))
		}
		if t[0] == "" || t[1] == "" {
			panic(fmt.Sprintf("xmlsig: vocabulary %s has an empty text for %s", name, c))
		}
		v.texts[c] = t
	}
	for _, c := range sharedCodes {
		if _, ok := v.texts[c]; !ok {
			panic(fmt.Sprintf("xmlsig: vocabulary %s has no text for %s", name, c))
		}
	}
	return v
}

// Reject returns a refusal with code and a detail for logs.
func (v *Vocabulary) Reject(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Detail: fmt.Sprintf(format, args...), vocabulary: v}
}

// RejectErr returns a refusal with code, a detail for logs and its cause.
func (v *Vocabulary) RejectErr(code Code, err error, format string, args ...any) *Error {
	return &Error{Code: code, Detail: fmt.Sprintf(format, args...), Err: err, vocabulary: v}
}

// Texts returns a copy of the Czech and English texts of every code v words.
func (v *Vocabulary) Texts() map[Code][2]string {
	out := make(map[Code][2]string, len(v.texts))
	for c, t := range v.texts {
		out[c] = t
	}
	return out
}
