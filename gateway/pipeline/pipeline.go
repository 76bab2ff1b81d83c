// Package pipeline is the path of one exchange through konektor: small
// stages of one function type, each in its own file, ordered in one place
// (stack.go). The pipeline works on its own Exchange and Reply types and
// knows nothing of HTTP servers; the edge (package httpapi) translates.
package pipeline

import (
	"context"
	"crypto/x509"
	"net/http"
	"time"

	"konektor/gateway/catalogue"
	"konektor/gateway/clients"
	"konektor/gateway/soap"
	"konektor/policies"
)

// Handler processes an exchange and returns the reply to send, or an error
// that the render stage turns into a fault.
type Handler func(ctx context.Context, ex *Exchange) (*Reply, error)

// Middleware wraps a Handler with one stage.
type Middleware func(next Handler) Handler

// Chain wraps inner with the stages, the first listed outermost.
func Chain(inner Handler, stages ...Middleware) Handler {
	h := inner
	for i := len(stages) - 1; i >= 0; i-- {
		h = stages[i](h)
	}
	return h
}

// identity is the middleware of a disabled stage.
func identity(next Handler) Handler { return next }

// Exchange is one call in flight.
type Exchange struct {
	ID       string    // correlation id, also in the log, the fault and the access log
	Received time.Time // by the injected clock
	Upstream string    // route family: iszr, isds, cuzk, records, archive
	Code     string    // service code or operation from the path (E03, dz, ...)
	Async    bool      // ?async was given (ISZR)
	Method   string    // HTTP method; empty is taken as POST
	// ContentType and SOAPAction as received.
	ContentType string
	SOAPAction  string
	Body        []byte
	PeerCert    *x509.Certificate // verified client certificate, nil without one

	// Filled by the stages.
	Version  soap.Version
	Client   *clients.Client
	Envelope *soap.Envelope
	Entry    *catalogue.Entry
	Call     Call
	Decision policies.Decision
	// Signature is set when the request's signature was verified.
	Signature *Verified
	// Canonical is the cache-key form of the request, when the adapter
	// computed it while describing the call.
	Canonical []byte
}

// Call is the authorisation context a call claims, read from its message.
type Call struct {
	AIS        string // as claimed in the message (ZadostInfo/Ais), may be empty
	OVM        string
	Agenda     string
	Role       string
	User       string
	Purpose    string
	Subject    string
	RequestID  string   // AgendaZadostId
	Items      []string // requested data items; nil when not given
	MaxRecords int
	// SubjectKind (aifo, ico) and SubjectID name whose data the call is
	// about; the access log keeps only a keyed hash of them.
	SubjectKind, SubjectID string
}

// Reply is what goes back to the caller.
type Reply struct {
	Status      int
	ContentType string
	Header      http.Header
	Body        []byte
	// For the access log and metrics:
	Outcome        string // ok, denied, fault, upstream_error, unavailable
	UpstreamStatus string
	Reason         string
	// Evidence is what the upstream's signed answer proved, for the access
	// log: identifiers and verification results, never content (e.g. an
	// ISDS download's dmID, box and ZFO check).
	Evidence string
	Sealed   bool // Body was signed with the seal key
}

// Outcomes recorded in the access log and metrics.
const (
	OutcomeOK            = "ok"
	OutcomeDenied        = "denied"
	OutcomeFault         = "fault"
	OutcomeUpstreamError = "upstream_error"
)
