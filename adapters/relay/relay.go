// Package relay posts SOAP messages to an upstream node over HTTPS and
// returns its answer byte for byte. It is the transport shared by the ISZR,
// ISDS and ČÚZK adapters; what is specific to each upstream lives in its
// own package.
package relay

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"konektor/gateway/fault"
	"konektor/internal/readbody"
)

// Node is one upstream node: a base URL and the client that reaches it.
type Node struct {
	Name string // for logs and metrics, e.g. "cms1"
	Base string // e.g. https://pub.egon.cms2.cz/publikace
	HTTP *http.Client
	// MaxResponse bounds the answer read into memory.
	MaxResponse int64
}

// Options build a Node.
type Options struct {
	Name        string
	Base        string
	TLS         *tls.Config
	Timeout     time.Duration // whole exchange; default 30 s
	MaxResponse int64         // default 64 MiB
	MaxIdle     int           // idle connections kept per host; default 256 (bus.max_concurrent)
}

// NewNode returns a node with its own connection pool.
func NewNode(o Options) *Node {
	if o.Timeout == 0 {
		o.Timeout = 30 * time.Second
	}
	if o.MaxResponse == 0 {
		o.MaxResponse = 64 << 20
	}
	if o.MaxIdle == 0 {
		o.MaxIdle = 256
	}
	tr := &http.Transport{
		TLSClientConfig:       o.TLS,
		DialContext:           (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:          o.MaxIdle * 2,
		MaxIdleConnsPerHost:   o.MaxIdle,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: o.Timeout,
		ForceAttemptHTTP2:     false,
	}
	return &Node{Name: o.Name, Base: o.Base, MaxResponse: o.MaxResponse,
		HTTP: &http.Client{Transport: tr, Timeout: o.Timeout}}
}

// Response is an upstream answer as received.
type Response struct {
	Status      int
	ContentType string
	Body        []byte
}

// maxPresize bounds the buffer allocated from an answer's Content-Length
// before its bytes arrive. ISZR answers are a few kilobytes.
const maxPresize = 256 << 10

// ErrTooLarge is returned when an answer exceeds MaxResponse.
var ErrTooLarge = errors.New("relay: upstream answer too large")

// Post sends body to Base+path with the given headers and reads the
// answer. Transport failures come back classified as unavailable or
// timeout; any HTTP status is a Response, not an error.
func (n *Node) Post(ctx context.Context, path string, header http.Header, body []byte) (*Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, n.Base+path, bytes.NewReader(body))
	if err != nil {
		return nil, fault.Wrap(fault.Internal, "upstream-url",
			"neplatná adresa nadřazené služby v konfiguraci", "invalid upstream URL in the configuration", err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	req.ContentLength = int64(len(body))
	resp, err := n.HTTP.Do(req)
	if err != nil {
		return nil, classify(err)
	}
	defer resp.Body.Close()
	// An answer whose announced length is up to maxPresize is read into
	// one slice of that size; a longer or unannounced one grows as it
	// arrives, so a node that announces 64 MiB and stalls costs little. The
	// slice is not pooled: the cache, the access log and the callers
	// sharing a single-flight call keep it.
	limit := n.MaxResponse + 1
	data, err := readbody.Read(resp.Body, resp.ContentLength, limit, min(maxPresize, limit))
	if err != nil {
		return nil, classify(err)
	}
	if int64(len(data)) > n.MaxResponse {
		return nil, fault.Wrap(fault.BadGateway, "upstream-too-large",
			"odpověď nadřazené služby překročila povolenou velikost",
			"the upstream answer exceeded the allowed size", ErrTooLarge)
	}
	return &Response{Status: resp.StatusCode, ContentType: resp.Header.Get("Content-Type"), Body: data}, nil
}

func classify(err error) error {
	var ne net.Error
	if errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()) {
		return fault.Wrap(fault.Timeout, "upstream-timeout",
			"nadřazená služba neodpověděla včas", "the upstream did not answer in time", err)
	}
	if errors.Is(err, context.Canceled) {
		return err
	}
	return fault.Wrap(fault.Unavailable, "upstream-unavailable",
		"nadřazená služba není dostupná", "the upstream is unreachable", fmt.Errorf("relay: %w", err))
}
