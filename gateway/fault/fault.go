// Package fault classifies every error the pipeline can produce, in one
// place, into what the caller is told: a SOAP fault code, an HTTP status, a
// stable machine code and a reason in Czech and English. The internal cause
// is kept apart and is only logged, never sent.
package fault

import (
	"context"
	"errors"
	"net/http"

	"konektor/gateway/soap"
)

// Kind is a class of failure.
type Kind int

// Kinds of failure, each with its HTTP status and SOAP code.
const (
	Internal         Kind = iota // a bug or an unexpected failure in konektor
	BadRequest                   // the caller sent something konektor refuses to read
	Unauthenticated              // no usable client identity
	Forbidden                    // identity known, action not allowed
	NotFound                     // unknown route or service
	TooLarge                     // over a size limit
	Unavailable                  // upstream down, breaker open, draining
	Timeout                      // upstream took too long
	BadGateway                   // upstream answered with something unusable
	MethodNotAllowed             // not a POST
	UnsupportedMedia             // not a SOAP content type
)

// Error is a classified error. Msg texts are safe to show to callers; Err
// is the internal cause, for the log only.
type Error struct {
	Kind Kind
	Code string // stable machine code
	CS   string
	EN   string
	Err  error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return e.Code + ": " + e.Err.Error()
	}
	return e.Code + ": " + e.EN
}

func (e *Error) Unwrap() error { return e.Err }

// New returns a classified error.
func New(kind Kind, code, cs, en string) *Error {
	return &Error{Kind: kind, Code: code, CS: cs, EN: en}
}

// Wrap returns a classified error with an internal cause.
func Wrap(kind Kind, code, cs, en string, cause error) *Error {
	return &Error{Kind: kind, Code: code, CS: cs, EN: en, Err: cause}
}

// Classified is what the caller sees of an error.
type Classified struct {
	Status int
	Sender bool
	Code   string
	CS     string
	EN     string
}

// From classifies err. Unclassified errors are internal: the caller gets a
// generic text and the correlation id, never the cause.
func From(err error) Classified {
	var fe *Error
	if errors.As(err, &fe) {
		return Classified{Status: status(fe.Kind), Sender: sender(fe.Kind), Code: fe.Code, CS: fe.CS, EN: fe.EN}
	}
	var pe *soap.ParseError
	if errors.As(err, &pe) {
		st := http.StatusBadRequest
		if pe.Code == "too-large" {
			st = http.StatusRequestEntityTooLarge
		}
		return Classified{Status: st, Sender: true, Code: "envelope-" + pe.Code, CS: pe.CS, EN: pe.EN}
	}
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return Classified{Status: http.StatusGatewayTimeout, Code: "timeout",
			CS: "vypršel časový limit zpracování", EN: "processing timed out"}
	case errors.Is(err, context.Canceled):
		return Classified{Status: 499, Sender: true, Code: "canceled",
			CS: "volající požadavek zrušil", EN: "the caller canceled the request"}
	}
	return Classified{Status: http.StatusInternalServerError, Code: "internal",
		CS: "vnitřní chyba konektoru; uveďte identifikátor korelace správci",
		EN: "internal konektor error; quote the correlation id to the operator"}
}

// SOAP returns the fault to send for err.
func SOAP(err error, correlationID string) (soap.Fault, int) {
	c := From(err)
	return soap.Fault{Sender: c.Sender, Code: c.Code, CS: c.CS, EN: c.EN, CorrelationID: correlationID}, c.Status
}

func status(k Kind) int {
	switch k {
	case BadRequest:
		return http.StatusBadRequest
	case Unauthenticated:
		return http.StatusUnauthorized
	case Forbidden:
		return http.StatusForbidden
	case NotFound:
		return http.StatusNotFound
	case TooLarge:
		return http.StatusRequestEntityTooLarge
	case Unavailable:
		return http.StatusServiceUnavailable
	case Timeout:
		return http.StatusGatewayTimeout
	case BadGateway:
		return http.StatusBadGateway
	case MethodNotAllowed:
		return http.StatusMethodNotAllowed
	case UnsupportedMedia:
		return http.StatusUnsupportedMediaType
	}
	return http.StatusInternalServerError
}

func sender(k Kind) bool {
	switch k {
	case BadRequest, Unauthenticated, Forbidden, NotFound, TooLarge, MethodNotAllowed, UnsupportedMedia:
		return true
	}
	return false
}
