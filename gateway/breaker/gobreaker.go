package breaker

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/sony/gobreaker/v2"
)

// gobreaker v2 reads time.Now directly and has no clock option, so it cannot
// be driven by an injected clock on its own. The wrapper below splits the
// work:
//
//   - gobreaker counts consecutive failures while closed, trips to open, and
//     runs the half-open phase (probe limit, close after enough successes,
//     reopen on a failure). None of that reads the clock: Interval is 0, so
//     closed-state counts are never reset by time.
//   - The only timed transition, open → half-open, is owned here. gobreaker
//     gets an open timeout of one nanosecond, so in its own view it is
//     half-open again by the next call; the wrapper refuses every call
//     until its injected clock passes openUntil, and only then lets calls
//     reach gobreaker, which by then is half-open.
//
// The wrapper keeps the logical state that State returns and that
// OnStateChange reports, fed by gobreaker's state changes and by the clock.

// gobreakerOpenTimeout is the open period gobreaker sees; see above.
const gobreakerOpenTimeout = time.Nanosecond

type goBreaker struct {
	name        string
	cb          *gobreaker.CircuitBreaker[struct{}]
	now         func() time.Time
	openTimeout time.Duration
	onChange    func(name string, from, to State)
	errOpen     error // returned while open; built once so refusing allocates nothing

	mu        sync.Mutex
	state     State
	openUntil time.Time
}

// New returns a Breaker for one upstream node.
func New(s Settings) (Breaker, error) {
	if s.Name == "" {
		return nil, errors.New("breaker: settings need a node name")
	}
	if s.OpenTimeout < 0 {
		return nil, fmt.Errorf("breaker %s: open timeout %v is negative", s.Name, s.OpenTimeout)
	}
	b := &goBreaker{
		name:        s.Name,
		now:         s.Now,
		openTimeout: s.OpenTimeout,
		onChange:    s.OnStateChange,
		errOpen:     fmt.Errorf("breaker %s: %w", s.Name, ErrOpen),
	}
	if b.now == nil {
		b.now = time.Now
	}
	if b.openTimeout == 0 {
		b.openTimeout = DefaultOpenTimeout
	}
	failures := s.FailuresToOpen
	if failures == 0 {
		failures = DefaultFailuresToOpen
	}
	probes := s.HalfOpenMaxRequests
	if probes == 0 {
		probes = DefaultHalfOpenMaxRequests
	}
	isFailure := s.IsFailure
	if isFailure == nil {
		isFailure = func(err error) bool { return err != nil }
	}
	b.cb = gobreaker.NewCircuitBreaker[struct{}](gobreaker.Settings{
		Name:        s.Name,
		MaxRequests: probes,
		Timeout:     gobreakerOpenTimeout,
		ReadyToTrip: func(c gobreaker.Counts) bool {
			return c.ConsecutiveFailures >= failures
		},
		IsSuccessful: func(err error) bool { return err == nil || !isFailure(err) },
		IsExcluded:   func(err error) bool { return errors.Is(err, context.Canceled) },
		OnStateChange: func(_ string, _, to gobreaker.State) {
			b.observe(to)
		},
	})
	return b, nil
}

// Execute implements Breaker.
func (b *goBreaker) Execute(ctx context.Context, fn func(ctx context.Context) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if b.State() == Open {
		return b.errOpen
	}
	called := false
	_, err := b.cb.Execute(func() (struct{}, error) {
		called = true
		return struct{}{}, fn(ctx)
	})
	if !called {
		// gobreaker refused: half-open with every probe slot taken (or, for
		// at most a nanosecond after tripping, still open in its own view).
		return fmt.Errorf("breaker %s: %w (%v)", b.name, ErrOpen, err)
	}
	return err
}

// State implements Breaker. It also performs the clock-driven open →
// half-open transition.
func (b *goBreaker) State() State {
	now := b.now()
	b.mu.Lock()
	s := b.state
	if s != Open || now.Before(b.openUntil) {
		b.mu.Unlock()
		return s
	}
	b.state = HalfOpen
	b.notify(Open, HalfOpen)
	b.mu.Unlock()
	return HalfOpen
}

// observe follows gobreaker's state changes. It runs with gobreaker's lock
// held, so it must not call into b.cb.
func (b *goBreaker) observe(to gobreaker.State) {
	b.mu.Lock()
	from := b.state
	switch to {
	case gobreaker.StateOpen:
		b.state = Open
		b.openUntil = b.now().Add(b.openTimeout)
	case gobreaker.StateClosed:
		b.state = Closed
	case gobreaker.StateHalfOpen:
		// gobreaker's one-nanosecond open period ended. The wrapper's own
		// open period decides when the breaker is half-open; see State.
	}
	if b.state != from {
		b.notify(from, b.state)
	}
	b.mu.Unlock()
}

// notify reports a state change; b.mu is held, so that changes are reported
// in the order they happen.
func (b *goBreaker) notify(from, to State) {
	if b.onChange != nil {
		b.onChange(b.name, from, to)
	}
}

var _ Breaker = (*goBreaker)(nil)
