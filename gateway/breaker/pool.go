package breaker

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"
)

// Node is one upstream node a Pool may call, with its own breaker.
type Node struct {
	// Name identifies the node, e.g. "iszr/cms1"; it should match the name
	// its breaker was built with.
	Name string
	// Addr is where the node listens; the pool does not read it, it is
	// handed back to the call function.
	Addr string
	// Breaker guards calls to the node.
	Breaker Breaker
}

// Retry configures the retries a Pool makes for safe reads.
type Retry struct {
	// Attempts is how many rounds over the nodes a safe read gets; 1 or
	// less means no retry. Other calls always get one round.
	Attempts int
	// BaseDelay is the backoff before the second round; it doubles for each
	// further round. Zero means DefaultBaseDelay.
	BaseDelay time.Duration
	// MaxDelay caps the backoff. Zero means DefaultMaxDelay.
	MaxDelay time.Duration
}

// Defaults used when Retry leaves a field zero.
const (
	DefaultBaseDelay = 100 * time.Millisecond
	DefaultMaxDelay  = 2 * time.Second
)

// PoolOptions configures a Pool.
type PoolOptions struct {
	// Retry applies to calls marked SafeRead.
	Retry Retry
	// Jitter returns a number in [0, 1) that spreads backoffs; nil means
	// math/rand/v2.Float64.
	Jitter func() float64
	// Sleep waits d or until ctx ends, returning ctx.Err() then; nil means
	// a real timer. Tests inject one that steps a clock.
	Sleep func(ctx context.Context, d time.Duration) error
	// Now times each attempt for Observe; nil means time.Now.
	Now func() time.Time
	// Observe, if set, is told about every attempt that reached a node:
	// its name, how long it took and its error (nil on success).
	Observe func(node string, d time.Duration, err error)
}

// Call describes one call through a Pool.
type Call struct {
	// SafeRead marks a call that may be repeated without effect: a read
	// with no charge. Only safe reads are retried, and only safe reads fail
	// over after an error that may have reached the upstream. Sends, writes
	// and paid reports must leave it false.
	SafeRead bool
	// AttemptTimeout bounds each attempt on one node; zero means only ctx
	// bounds it.
	AttemptTimeout time.Duration
}

// Pool calls an ordered list of nodes (primary first) through their
// breakers. For each call it tries the nodes in order and uses the first
// whose breaker allows: while the primary's breaker is open the secondary
// serves, and once the primary's breaker lets a probe through and closes
// again, calls fail back to it by themselves.
//
// A node whose breaker refuses is skipped at once; nothing was sent, so this
// holds for every call. After an error from a node, a safe read moves on to
// the next node; any other call moves on only if the error proves the request
// was not delivered (ErrNotDelivered or a failed dial), and otherwise returns
// the error. When every node has failed, a safe read backs off (exponential,
// jittered) and starts another round, up to Retry.Attempts rounds; a round in
// which every breaker refused ends the call at once with ErrOpen.
type Pool struct {
	nodes   []Node
	retry   Retry
	jitter  func() float64
	sleep   func(ctx context.Context, d time.Duration) error
	now     func() time.Time
	observe func(node string, d time.Duration, err error)
}

// NewPool returns a Pool over nodes, tried in the given order.
func NewPool(nodes []Node, opts PoolOptions) (*Pool, error) {
	if len(nodes) == 0 {
		return nil, errors.New("breaker: a pool needs at least one node")
	}
	seen := make(map[string]bool, len(nodes))
	for i, n := range nodes {
		if n.Name == "" {
			return nil, fmt.Errorf("breaker: pool node %d has no name", i)
		}
		if n.Breaker == nil {
			return nil, fmt.Errorf("breaker: pool node %s has no breaker", n.Name)
		}
		if seen[n.Name] {
			return nil, fmt.Errorf("breaker: pool node %s is listed twice", n.Name)
		}
		seen[n.Name] = true
	}
	r := opts.Retry
	if r.BaseDelay < 0 || r.MaxDelay < 0 {
		return nil, errors.New("breaker: retry delays must not be negative")
	}
	if r.BaseDelay == 0 {
		r.BaseDelay = DefaultBaseDelay
	}
	if r.MaxDelay == 0 {
		r.MaxDelay = DefaultMaxDelay
	}
	if r.MaxDelay < r.BaseDelay {
		return nil, fmt.Errorf("breaker: retry max delay %v is below the base delay %v", r.MaxDelay, r.BaseDelay)
	}
	p := &Pool{
		nodes:   append([]Node(nil), nodes...),
		retry:   r,
		jitter:  opts.Jitter,
		sleep:   opts.Sleep,
		now:     opts.Now,
		observe: opts.Observe,
	}
	if p.jitter == nil {
		p.jitter = rand.Float64
	}
	if p.sleep == nil {
		p.sleep = sleep
	}
	if p.now == nil {
		p.now = time.Now
	}
	return p, nil
}

// Nodes returns the pool's nodes in order.
func (p *Pool) Nodes() []Node {
	return append([]Node(nil), p.nodes...)
}

// Do makes call through the pool, calling fn with the node to use. It
// returns nil after the first success, an error wrapping ErrOpen when every
// breaker refused, ctx's error when ctx ends, and otherwise the last node's
// error, wrapped with the node's name.
func (p *Pool) Do(ctx context.Context, call Call, fn func(ctx context.Context, n Node) error) error {
	rounds := 1
	if call.SafeRead && p.retry.Attempts > 1 {
		rounds = p.retry.Attempts
	}
	var last error
	for round := range rounds {
		if round > 0 {
			if err := p.sleep(ctx, p.backoff(round)); err != nil {
				return fmt.Errorf("breaker: waiting to retry: %w (last error: %w)", err, last)
			}
		}
		attempted := false
		for _, n := range p.nodes {
			err := n.Breaker.Execute(ctx, func(ctx context.Context) error {
				attempted = true
				return p.attempt(ctx, call, n, fn)
			})
			if err == nil {
				return nil
			}
			if errors.Is(err, ErrOpen) {
				continue
			}
			last = fmt.Errorf("node %s: %w", n.Name, err)
			if ctx.Err() != nil {
				return last
			}
			if !call.SafeRead && !notDelivered(err) {
				return last
			}
		}
		if !attempted {
			return fmt.Errorf("breaker: every node is unavailable: %w", ErrOpen)
		}
	}
	return last
}

// attempt runs fn on n once, bounded by call.AttemptTimeout, and observes it.
func (p *Pool) attempt(ctx context.Context, call Call, n Node, fn func(context.Context, Node) error) error {
	if call.AttemptTimeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, call.AttemptTimeout)
		defer cancel()
	}
	start := p.now()
	err := fn(ctx, n)
	if p.observe != nil {
		p.observe(n.Name, p.now().Sub(start), err)
	}
	return err
}

// backoff returns the wait before the given round (1 for the first retry):
// the capped exponential delay d, jittered uniformly within [d/2, d).
func (p *Pool) backoff(round int) time.Duration {
	d := p.retry.BaseDelay
	for i := 1; i < round; i++ {
		if d > p.retry.MaxDelay/2 {
			d = p.retry.MaxDelay
			break
		}
		d *= 2
	}
	d = min(d, p.retry.MaxDelay)
	j := p.jitter()
	if j < 0 || j >= 1 {
		j = 0
	}
	return d/2 + time.Duration(j*float64(d/2))
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
