package sim

import (
	"bytes"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"go.uber.org/zap"

	"konektor/policies"
	"konektor/wsdl/iszr"
)

// Authorizer decides whether a call is allowed, as ISZR does against RPP.
// *policies.Snapshot implements it.
type Authorizer interface {
	Decide(policies.Request) policies.Decision
}

// Options configure the sandbox.
type Options struct {
	Now    func() time.Time // injected clock; nil = time.Now
	Logger *zap.Logger      // nil = no logging
	// Policy is the RPP check, as ISZR does it; nil denies every call.
	Policy Authorizer
	// Connectors are certificate CNs trusted as a "centrální AIS" that may
	// act for the AIS named in ZadostInfo/Ais (konektor's upstream identity).
	Connectors []string
	// ClockSkew is the NEPLATNY CAS tolerance of CasZadosti; default 5 min.
	ClockSkew time.Duration
	// AsyncDelay is how long an asynchronous request stays PROBIHA
	// ZPRACOVANI, measured on the injected clock.
	AsyncDelay time.Duration
	// MaxBodyBytes caps a request body; default 1 MiB.
	MaxBodyBytes int64
	// NewID returns a fresh IszrZadostId; nil = random UUID v4.
	NewID func() string
	// Faults, if set, injects faults and serves the operators' control
	// endpoint (ControlPath); see NewFaults.
	Faults *Faults
}

// Server is the ISZR sandbox, an http.Handler for
// POST /publikace/{code}[?async] and GET /publikace/{code}?wsdl.
type Server struct {
	now        func() time.Time
	log        *zap.Logger
	policy     Authorizer
	connectors map[string]bool
	skew       time.Duration
	asyncDelay time.Duration
	maxBody    int64
	newID      func() string
	seen       *seenIDs
	queue      *queue
	faults     *Faults
}

// Defaults.
const (
	DefaultClockSkew    = 5 * time.Minute
	DefaultMaxBodyBytes = 1 << 20
	pathPrefix          = "/publikace/"
)

// New returns a sandbox configured by o.
func New(o Options) *Server {
	s := &Server{
		now:        o.Now,
		log:        o.Logger,
		policy:     o.Policy,
		connectors: map[string]bool{},
		skew:       o.ClockSkew,
		asyncDelay: o.AsyncDelay,
		maxBody:    o.MaxBodyBytes,
		newID:      o.NewID,
		seen:       newSeenIDs(100000),
		queue:      newQueue(),
		faults:     o.Faults,
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = zap.NewNop()
	}
	if s.skew <= 0 {
		s.skew = DefaultClockSkew
	}
	if s.maxBody <= 0 {
		s.maxBody = DefaultMaxBodyBytes
	}
	if s.newID == nil {
		s.newID = randomUUID
	}
	for _, cn := range o.Connectors {
		s.connectors[cn] = true
	}
	return s
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if s.faults != nil && s.injectFault(w, r) {
		return
	}
	code, ok := strings.CutPrefix(r.URL.Path, pathPrefix)
	if !ok || code == "" || strings.Contains(code, "/") {
		http.Error(w, "Služba neexistuje (no such service).", http.StatusNotFound)
		return
	}
	_, implemented := iszr.Lookup(code)
	if _, known := catalogue()[code]; !known && !implemented {
		http.Error(w, fmt.Sprintf("Služba %s neexistuje (no such eGON service).", code), http.StatusNotFound)
		return
	}
	q := r.URL.Query()
	switch {
	case r.Method == http.MethodGet && hasKeyFold(q, "wsdl"):
		s.serveWSDL(w, r, code)
		return
	case r.Method != http.MethodPost:
		w.Header().Set("Allow", "POST")
		http.Error(w, "Metoda není povolena (use POST, or GET ?wsdl).", http.StatusMethodNotAllowed)
		return
	}
	cn, ok := peerCN(r)
	if !ok {
		// A real ISZR fails the TLS handshake without a client certificate.
		http.Error(w, "Chybí klientský certifikát AIS (client certificate required).", http.StatusForbidden)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.maxBody))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			http.Error(w, fmt.Sprintf("Zpráva je větší než %d bajtů (request too large).", s.maxBody), http.StatusRequestEntityTooLarge)
			return
		}
		http.Error(w, "Zprávu nelze přečíst (cannot read request).", http.StatusBadRequest)
		return
	}
	x := &exchange{
		code:      code,
		cn:        cn,
		action:    r.Header.Get("SOAPAction"),
		async:     q.Has("async"),
		now:       s.now(),
		iszrID:    s.newID(),
		hasAction: len(r.Header.Values("SOAPAction")) > 0,
	}
	out, fault := s.handle(x, body)
	reply(w, out, fault)
	if fault != nil {
		s.log.Debug("iszr sandbox fault", zap.String("code", code), zap.String("fault", fault.code), zap.String("reason", fault.en))
		return
	}
	// No personal data: codes and statuses only.
	s.log.Debug("iszr sandbox answer",
		zap.String("code", code), zap.String("ais", x.ais), zap.Bool("async", x.async),
		zap.String("status", x.statusKod), zap.String("subcode", x.statusSub),
		zap.Duration("took", s.now().Sub(x.now)))
}

// logError records a sandbox bug.
func (s *Server) logError(msg string, err error) { s.log.Error("iszr sandbox: "+msg, zap.Error(err)) }

// serveWSDL answers GET ?wsdl with konektor's contract for code, its
// soap:address pointing at this sandbox.
func (s *Server) serveWSDL(w http.ResponseWriter, r *http.Request, code string) {
	scheme := "https"
	if r.TLS == nil {
		scheme = "http"
	}
	b, ok := iszr.WSDLAt(code, scheme+"://"+r.Host+pathPrefix+code)
	if !ok {
		http.Error(w, fmt.Sprintf("Služba %s není v sandboxu k dispozici (no WSDL).", code), http.StatusNotFound)
		return
	}
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	_, _ = w.Write(b)
}

// hasKeyFold reports whether the query has key, in any letter case
// (clients write ?wsdl and ?WSDL).
func hasKeyFold(q url.Values, key string) bool {
	for k := range q {
		if strings.EqualFold(k, key) {
			return true
		}
	}
	return false
}

// reply writes an answer element in a SOAP 1.1 envelope, or the fault
// with HTTP 500.
func reply(w http.ResponseWriter, out []byte, f *fault) {
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	if f != nil {
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = w.Write(f.envelope())
		return
	}
	_, _ = w.Write(envelope(out))
}

// envelope wraps an answer element in a SOAP 1.1 envelope.
func envelope(body []byte) []byte {
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	b.WriteString(`<s:Envelope xmlns:s="` + nsSOAP11 + `"><s:Body>`)
	b.Write(body)
	b.WriteString(`</s:Body></s:Envelope>`)
	return b.Bytes()
}

// randomUUID returns a random (version 4) UUID.
func randomUUID() string {
	var u [16]byte
	_, _ = rand.Read(u[:])
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16])
}

var (
	_ http.Handler = (*Server)(nil)
	_ Authorizer   = (*policies.Snapshot)(nil)
)
