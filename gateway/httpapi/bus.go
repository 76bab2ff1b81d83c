// Package httpapi is konektor's HTTP edge and the only package that
// imports echo. It turns HTTP requests into pipeline exchanges and replies
// back into HTTP, serves WSDLs, and runs the ops endpoints (health,
// readiness, metrics).
package httpapi

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"go.uber.org/zap"

	"konektor/gateway/fault"
	"konektor/gateway/pipeline"
	"konektor/gateway/soap"
	"konektor/internal/readbody"
)

// CorrelationHeader carries the correlation id on every bus answer.
const CorrelationHeader = "X-Konektor-Correlation-Id"

// WSDLSource returns the WSDL published for a route, if there is one, with
// its service address set to location.
type WSDLSource func(upstream, code, location string) ([]byte, bool)

// BusOptions configure the bus listener's handler.
type BusOptions struct {
	Pipeline     pipeline.Handler
	Now          func() time.Time
	Logger       *zap.Logger
	MaxBodyBytes int
	WSDL         WSDLSource
	// BaseURL is the address callers reach konektor at; published WSDLs
	// point their service address below it.
	BaseURL string
	// MaxConcurrent bounds the exchanges in progress at once (bus.max_concurrent);
	// more callers wait for a slot before their body is read. 0: no bound.
	MaxConcurrent int
}

// NewBus returns the handler of the bus listener: POST /bus/{upstream}/{code}
// relays, GET /bus/{upstream}/{code}?wsdl publishes the contract.
func NewBus(o BusOptions) http.Handler {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = func(err error, c echo.Context) { renderEdgeError(err, c) }
	e.Use(recoverFault(o.Logger))
	h := &bus{o: o}
	if o.MaxConcurrent > 0 {
		h.slots = make(chan struct{}, o.MaxConcurrent)
	}
	e.Any("/bus/*", func(c echo.Context) error {
		if c.Request().Method == http.MethodGet {
			if _, ok := c.QueryParams()["wsdl"]; ok {
				return h.wsdl(c)
			}
		}
		// Everything else is an exchange: the pipeline refuses what is not
		// a SOAP POST, and records the refusal.
		return h.relay(c)
	})
	return e
}

// maxPresize bounds the buffer allocated from a caller's Content-Length
// before its bytes arrive: the bus admits callers without a certificate
// (auditors sign in with a password), and bus.max_concurrent of them
// announcing 8 MiB and sending nothing must not cost 8 MiB each. Larger
// bodies grow as they arrive. SOAP questions are a few kilobytes.
const maxPresize = 64 << 10

type bus struct {
	o     BusOptions
	slots chan struct{} // nil: unbounded
}

func (b *bus) relay(c echo.Context) error {
	req := c.Request()
	if b.slots != nil {
		// Wait for a slot before reading the body: a burst of callers costs
		// a parked goroutine each, not a body, a pipeline run and an
		// upstream connection each. A caller that gives up just leaves.
		select {
		case b.slots <- struct{}{}:
			defer func() { <-b.slots }()
		case <-req.Context().Done():
			return req.Context().Err()
		}
	}
	ex := &pipeline.Exchange{
		ID:          newID(),
		Received:    b.o.Now(),
		Method:      req.Method,
		ContentType: req.Header.Get("Content-Type"),
		SOAPAction:  req.Header.Get("SOAPAction"),
	}
	ex.Upstream, ex.Code = splitRoute(c.Param("*"))
	_, ex.Async = req.URL.Query()["async"]
	if req.TLS != nil && len(req.TLS.PeerCertificates) > 0 {
		ex.PeerCert = req.TLS.PeerCertificates[0]
	}
	// Read at most one byte past the limit: the parse stage rejects an
	// oversize body (and the access log records it) without buffering it.
	// A body with a Content-Length up to maxPresize is read into one slice
	// of its size; ex.Body is never pooled, since the pipeline, the access
	// log and a single-flight upstream call may hold it after we return.
	limit := int64(b.o.MaxBodyBytes) + 1
	body, err := readbody.Read(req.Body, req.ContentLength, limit, min(maxPresize, limit))
	if err != nil {
		return err
	}
	ex.Body = body
	if len(body) > b.o.MaxBodyBytes {
		c.Response().Header().Set("Connection", "close")
	}
	r, err := b.o.Pipeline(req.Context(), ex)
	if err != nil { // the Render stage turns errors into replies; this is a safety net
		return err
	}
	hdr := c.Response().Header()
	hdr.Set(CorrelationHeader, ex.ID)
	for k, v := range r.Header {
		hdr[k] = v
	}
	ct := r.ContentType
	if ct == "" {
		ct = soap.ContentType(ex.Version)
	}
	return c.Blob(r.Status, ct, r.Body)
}

func (b *bus) wsdl(c echo.Context) error {
	if b.o.WSDL == nil {
		return echo.NewHTTPError(http.StatusNotFound)
	}
	up, code := splitRoute(c.Param("*"))
	w, ok := b.o.WSDL(up, code, strings.TrimSuffix(b.o.BaseURL, "/")+"/bus/"+up+"/"+code)
	if !ok {
		return echo.NewHTTPError(http.StatusNotFound)
	}
	return c.Blob(http.StatusOK, "text/xml; charset=utf-8", w)
}

// splitRoute splits "iszr/E03" into its upstream and code.
func splitRoute(p string) (upstream, code string) {
	p = strings.Trim(p, "/")
	upstream, code, _ = strings.Cut(p, "/")
	return upstream, code
}

func newID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// renderEdgeError answers errors that happen before the pipeline (unknown
// method, bad path) with a SOAP fault, like everything else on the bus.
func renderEdgeError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	id := newID()
	var f soap.Fault
	status := http.StatusInternalServerError
	if he, ok := err.(*echo.HTTPError); ok {
		status = he.Code
		f = soap.Fault{Sender: status < 500, Code: "http-" + http.StatusText(status),
			CS: "požadavek nelze obsloužit: " + czStatus(status), EN: "the request cannot be served: " + http.StatusText(status)}
		f.Code = strings.ToLower(strings.ReplaceAll(f.Code, " ", "-"))
	} else {
		f, status = fault.SOAP(err, id)
	}
	f.CorrelationID = id
	c.Response().Header().Set(CorrelationHeader, id)
	_ = c.Blob(status, soap.ContentType(soap.V11), soap.WriteFault(soap.V11, f))
}

func czStatus(status int) string {
	switch status {
	case http.StatusNotFound:
		return "adresa neexistuje"
	case http.StatusMethodNotAllowed:
		return "metoda není povolena (použijte POST, nebo GET s ?wsdl)"
	}
	return http.StatusText(status)
}

// recoverFault turns a panic into a fault instead of a dropped connection;
// the stack goes to the log under the correlation id.
func recoverFault(log *zap.Logger) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) (err error) {
			defer func() {
				if r := recover(); r != nil {
					if r == http.ErrAbortHandler {
						panic(r)
					}
					log.Error("panic in handler", zap.Any("panic", r), zap.Stack("stack"))
					err = fault.New(fault.Internal, "internal", "vnitřní chyba konektoru", "internal konektor error")
				}
			}()
			return next(c)
		}
	}
}
