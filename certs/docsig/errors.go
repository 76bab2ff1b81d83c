package docsig

import (
	"errors"

	"konektor/certs/xmlsig"
)

// Rejection codes only documents have; the others are xmlsig's, shared
// with certs/wssec, so `konektor xml verify` and the gateway read both
// kinds of signature alike.
const (
	CodeUnsupported xmlsig.Code = "unsupported-construct"
	CodeStructure   xmlsig.Code = "signature-structure"
)

// vocabulary words the package's rejections: "docsig: …" error strings,
// and the texts of the codes that name a document (xmlsig has the others).
var vocabulary = xmlsig.NewVocabulary("docsig", map[xmlsig.Code][2]string{
	xmlsig.CodeTooLarge:     {"dokument je příliš velký nebo příliš složitý", "document too large or too complex"},
	xmlsig.CodeMalformed:    {"dokument není správně utvořené XML v kódování UTF-8", "document is not well-formed UTF-8 XML"},
	xmlsig.CodeForbidden:    {"dokument obsahuje zakázanou konstrukci (DTD, entitu nebo instrukci pro zpracování)", "document contains a forbidden construct (DTD, entity or processing instruction)"},
	CodeUnsupported:         {"dokument používá konstrukci XML, kterou konektor neumí kanonizovat (xmlns=\"\", více atributů s prefixem, relativní jmenný prostor, znaky konce řádku či tabulátoru v atributu)", "document uses an XML construct konektor cannot canonicalize (xmlns=\"\", several prefixed attributes, a relative namespace name, line breaks or tabs in an attribute)"},
	xmlsig.CodeMissingSig:   {"dokument není podepsán", "document is not signed"},
	xmlsig.CodeWrapping:     {"podpis není jediný nebo není přímo v kořenovém prvku dokumentu (pokus o podvržení podepsaného obsahu)", "the signature is not the only one or not a direct child of the root element (signature wrapping)"},
	CodeStructure:           {"prvek ds:Signature nemá předepsanou strukturu", "the ds:Signature element does not have the required structure"},
	xmlsig.CodeNotCovered:   {"podpis nepokrývá celý dokument", "the signature does not cover the whole document"},
	xmlsig.CodeAlgorithm:    {"nepovolený algoritmus podpisu, otisku, transformace nebo kanonizace", "signature, digest, transform or canonicalization algorithm not allowed"},
	xmlsig.CodeKeyReference: {"podpisový certifikát v KeyInfo chybí nebo je neplatný", "the signing certificate in KeyInfo is missing or invalid"},
})

// Sentinels for the codes only documents have, for errors.Is (xmlsig has
// those of the shared codes).
var (
	ErrUnsupported = &xmlsig.Error{Code: CodeUnsupported}
	ErrStructure   = &xmlsig.Error{Code: CodeStructure}
)

func reject(code xmlsig.Code, format string, args ...any) *xmlsig.Error {
	return vocabulary.Reject(code, format, args...)
}

func rejectErr(code xmlsig.Code, err error, format string, args ...any) *xmlsig.Error {
	return vocabulary.RejectErr(code, err, format, args...)
}

// Errors of the signer (operator input, not a peer's document).
var (
	// ErrAlreadySigned means the document already carries a ds:Signature.
	ErrAlreadySigned = errors.New("docsig: the document already carries a ds:Signature")
	// ErrSignerKey means the key cannot make an allowed signature.
	ErrSignerKey = xmlsig.ErrSignerKey
	// ErrNoTrust means a Verifier was configured without any trusted certificate.
	ErrNoTrust = errors.New("docsig: no pinned certificate and no trusted roots configured")
)
