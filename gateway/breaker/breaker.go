// Package breaker keeps konektor from hammering an upstream node that is
// down: a circuit breaker per node (Breaker, built on sony/gobreaker by New),
// and a Pool that calls the first node whose breaker allows, fails over to
// the next, fails back when the first recovers, and retries with jittered
// backoff only calls the caller marks as safe reads.
//
// All time is read from injected clocks, so tests step through open,
// half-open and closed instead of sleeping.
package breaker

import (
	"context"
	"errors"
	"fmt"
	"net"
	"time"
)

// ErrOpen means the breaker refused the call without making it: the node is
// open, or half-open with its probe requests already in flight. Nothing was
// sent upstream.
var ErrOpen = errors.New("breaker: circuit open")

// ErrNotDelivered marks an error that proves the request never reached the
// upstream (for example a refused connection). Wrap an adapter error with it
// (fmt.Errorf("...: %w %w", breaker.ErrNotDelivered, err)) to let a Pool fail
// over a call that is not a safe read.
var ErrNotDelivered = errors.New("breaker: request not delivered")

// Breaker guards calls to one upstream node.
type Breaker interface {
	// Execute calls fn unless the breaker is open, and records the outcome.
	// When the breaker refuses, Execute returns an error wrapping ErrOpen at
	// once and fn is not called. When ctx is already done, Execute returns
	// ctx.Err() and fn is not called.
	Execute(ctx context.Context, fn func(ctx context.Context) error) error
	// State returns the breaker's state now.
	State() State
}

// State is the state of a breaker.
type State uint8

// Breaker states.
const (
	// Closed: calls go through; consecutive failures are counted.
	Closed State = iota
	// HalfOpen: the open timeout has passed; a few probe calls go through,
	// and their outcome closes or reopens the breaker.
	HalfOpen
	// Open: calls are refused with ErrOpen until the open timeout passes.
	Open
)

// String returns "closed", "half-open" or "open".
func (s State) String() string {
	switch s {
	case Closed:
		return "closed"
	case HalfOpen:
		return "half-open"
	case Open:
		return "open"
	default:
		return fmt.Sprintf("state(%d)", uint8(s))
	}
}

// Defaults used when Settings leave a field zero.
const (
	DefaultFailuresToOpen      = 5
	DefaultOpenTimeout         = 30 * time.Second
	DefaultHalfOpenMaxRequests = 1
)

// Settings configures one node's breaker.
type Settings struct {
	// Name identifies the node in callbacks and errors, e.g. "iszr/cms1".
	Name string
	// FailuresToOpen is how many consecutive failures open the breaker.
	// Zero means DefaultFailuresToOpen.
	FailuresToOpen uint32
	// OpenTimeout is how long the breaker stays open before it lets probe
	// calls through (half-open). Zero means DefaultOpenTimeout.
	OpenTimeout time.Duration
	// HalfOpenMaxRequests is how many probe calls may run at once while
	// half-open; that many consecutive successes close the breaker, and any
	// failure reopens it. Zero means DefaultHalfOpenMaxRequests.
	HalfOpenMaxRequests uint32
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// IsFailure reports whether an error returned by fn counts against the
	// node; an error it rejects (say, a well-formed business fault) counts
	// as a success. nil means every non-nil error is a failure. Errors
	// wrapping context.Canceled (the caller gave up) never count either way.
	IsFailure func(err error) bool
	// OnStateChange, if set, is called on every state change, synchronously
	// and in order. It must be quick and must not call the breaker.
	OnStateChange func(name string, from, to State)
}

// notDelivered reports whether err proves the request never reached the
// upstream: ErrOpen, ErrNotDelivered, or a failed dial.
func notDelivered(err error) bool {
	if errors.Is(err, ErrOpen) || errors.Is(err, ErrNotDelivered) {
		return true
	}
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}
