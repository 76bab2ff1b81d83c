package breaker

import (
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// upstream is a fake node whose health a test switches.
type upstream struct {
	mu    sync.Mutex
	err   error // returned by calls; nil means healthy
	calls int
}

func (u *upstream) set(err error) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.err = err
}

func (u *upstream) count() int {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.calls
}

func (u *upstream) call() error {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.calls++
	return u.err
}

type fixture struct {
	pool                 *Pool
	clk                  *clock
	primary, secondary   *upstream
	pBreaker, sBreaker   Breaker
	sleeps               []time.Duration
	observed             []string
	primaryT, secondaryT *transitions
}

const openTimeout = 30 * time.Second

func newFixture(t *testing.T, opts PoolOptions) *fixture {
	t.Helper()
	return newFixtureTripping(t, 2, opts)
}

// newFixtureTripping builds a primary/secondary pool whose breakers open
// after failuresToOpen consecutive failures.
func newFixtureTripping(t *testing.T, failuresToOpen uint32, opts PoolOptions) *fixture {
	t.Helper()
	f := &fixture{clk: newClock(), primary: &upstream{}, secondary: &upstream{}, primaryT: &transitions{}, secondaryT: &transitions{}}
	mk := func(name string, rec *transitions) Breaker {
		b, err := New(Settings{Name: name, FailuresToOpen: failuresToOpen, OpenTimeout: openTimeout, Now: f.clk.Now, OnStateChange: rec.record})
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	f.pBreaker, f.sBreaker = mk("iszr/cms1", f.primaryT), mk("iszr/cms2", f.secondaryT)
	if opts.Sleep == nil {
		opts.Sleep = func(ctx context.Context, d time.Duration) error {
			f.sleeps = append(f.sleeps, d)
			f.clk.Advance(d)
			return ctx.Err()
		}
	}
	opts.Now = f.clk.Now
	opts.Observe = func(node string, _ time.Duration, err error) {
		f.observed = append(f.observed, fmt.Sprintf("%s:%v", node, err == nil))
	}
	p, err := NewPool([]Node{
		{Name: "iszr/cms1", Addr: "https://cms1.example", Breaker: f.pBreaker},
		{Name: "iszr/cms2", Addr: "https://cms2.example", Breaker: f.sBreaker},
	}, opts)
	if err != nil {
		t.Fatal(err)
	}
	f.pool = p
	return f
}

// do makes one call and returns which node served it ("" on error).
func (f *fixture) do(t *testing.T, call Call) (string, error) {
	t.Helper()
	served := ""
	err := f.pool.Do(t.Context(), call, func(_ context.Context, n Node) error {
		u := f.primary
		if n.Name == "iszr/cms2" {
			u = f.secondary
		}
		if err := u.call(); err != nil {
			return err
		}
		served = n.Name
		return nil
	})
	return served, err
}

var safeRead = Call{SafeRead: true}

func TestPoolUsesPrimaryWhileHealthy(t *testing.T) {
	f := newFixture(t, PoolOptions{})
	for range 5 {
		if node, err := f.do(t, safeRead); node != "iszr/cms1" || err != nil {
			t.Fatalf("served by %q, %v; want the primary", node, err)
		}
	}
	if f.secondary.count() != 0 {
		t.Fatalf("secondary called %d times while the primary was healthy", f.secondary.count())
	}
}

func TestPoolFailoverAndFailback(t *testing.T) {
	f := newFixture(t, PoolOptions{})
	f.primary.set(errUpstream)

	// The primary fails; each call fails over to the secondary, and after
	// two failures the primary's breaker opens.
	for i := range 2 {
		if node, err := f.do(t, safeRead); node != "iszr/cms2" || err != nil {
			t.Fatalf("call %d served by %q, %v; want failover to the secondary", i, node, err)
		}
	}
	wantState(t, f.pBreaker, Open)

	// While open, the primary is skipped without being called.
	before := f.primary.count()
	for range 5 {
		if node, _ := f.do(t, safeRead); node != "iszr/cms2" {
			t.Fatalf("served by %q while the primary is open", node)
		}
	}
	if f.primary.count() != before {
		t.Fatalf("open primary was called %d times", f.primary.count()-before)
	}

	// The primary recovers, but nothing tries it until the open timeout.
	f.primary.set(nil)
	f.clk.Advance(openTimeout - time.Millisecond)
	if node, _ := f.do(t, safeRead); node != "iszr/cms2" {
		t.Fatalf("served by %q before the open timeout passed", node)
	}
	f.clk.Advance(time.Millisecond)

	// Half-open: the next call probes the primary, succeeds and fails back.
	if node, err := f.do(t, safeRead); node != "iszr/cms1" || err != nil {
		t.Fatalf("probe served by %q, %v; want the primary", node, err)
	}
	wantState(t, f.pBreaker, Closed)
	if node, _ := f.do(t, safeRead); node != "iszr/cms1" {
		t.Fatalf("after failback served by %q", node)
	}
	if want := "closed>open open>half-open half-open>closed"; f.primaryT.String() != want {
		t.Fatalf("primary transitions = %q, want %q", f.primaryT, want)
	}
	if f.secondaryT.String() != "" {
		t.Fatalf("secondary breaker changed state: %q", f.secondaryT)
	}
}

func TestPoolFailedProbeKeepsServingFromSecondary(t *testing.T) {
	f := newFixture(t, PoolOptions{})
	f.primary.set(errUpstream)
	f.do(t, safeRead)
	f.do(t, safeRead)
	f.clk.Advance(openTimeout)
	if node, err := f.do(t, safeRead); node != "iszr/cms2" || err != nil {
		t.Fatalf("call with a failing probe served by %q, %v; want the secondary", node, err)
	}
	wantState(t, f.pBreaker, Open)
}

func TestPoolUnsafeCallDoesNotFailOverAfterDelivery(t *testing.T) {
	f := newFixture(t, PoolOptions{Retry: Retry{Attempts: 3}})
	f.primary.set(errUpstream) // e.g. a timeout after the request was sent
	node, err := f.do(t, Call{})
	if !errors.Is(err, errUpstream) || node != "" {
		t.Fatalf("unsafe call = %q, %v; want the primary's error", node, err)
	}
	if f.secondary.count() != 0 || f.primary.count() != 1 || len(f.sleeps) != 0 {
		t.Fatalf("unsafe call was repeated: primary %d, secondary %d, sleeps %v", f.primary.count(), f.secondary.count(), f.sleeps)
	}
	if !strings.Contains(err.Error(), "node iszr/cms1") {
		t.Errorf("error %q does not name the node", err)
	}
}

func TestPoolUnsafeCallFailsOverWhenNotDelivered(t *testing.T) {
	tests := []struct {
		name string
		err  error
	}{
		{"marked-not-delivered", fmt.Errorf("tls handshake: %w %w", ErrNotDelivered, errUpstream)},
		{"dial-refused", &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, PoolOptions{Retry: Retry{Attempts: 3}})
			f.primary.set(tc.err)
			if node, err := f.do(t, Call{}); node != "iszr/cms2" || err != nil {
				t.Fatalf("unsafe call = %q, %v; want failover to the secondary", node, err)
			}
		})
	}
}

func TestPoolUnsafeCallSkipsOpenPrimary(t *testing.T) {
	f := newFixture(t, PoolOptions{})
	f.primary.set(errUpstream)
	f.do(t, safeRead)
	f.do(t, safeRead)
	wantState(t, f.pBreaker, Open)
	if node, err := f.do(t, Call{}); node != "iszr/cms2" || err != nil {
		t.Fatalf("unsafe call with the primary open = %q, %v; want the secondary", node, err)
	}
}

func TestPoolAllOpenFailsFast(t *testing.T) {
	f := newFixture(t, PoolOptions{
		Retry: Retry{Attempts: 5},
		Sleep: func(context.Context, time.Duration) error {
			t.Error("pool backed off although every breaker was open")
			return nil
		},
	})
	f.primary.set(errUpstream)
	f.secondary.set(errUpstream)
	run(t, f.pBreaker, fail, 2)
	run(t, f.sBreaker, fail, 2)
	err := f.pool.Do(t.Context(), safeRead, func(context.Context, Node) error {
		t.Error("fn called although every breaker was open")
		return nil
	})
	if !errors.Is(err, ErrOpen) {
		t.Fatalf("Do = %v, want ErrOpen", err)
	}
}

func TestPoolRetriesSafeReadsWithJitteredBackoff(t *testing.T) {
	jitter := []float64{0.5, 0.25, 0.999}
	// The breakers tolerate the failures so that every round reaches the nodes.
	f := newFixtureTripping(t, 100, PoolOptions{
		Retry: Retry{Attempts: 4, BaseDelay: 100 * time.Millisecond, MaxDelay: 300 * time.Millisecond},
		Jitter: func() float64 {
			j := jitter[0]
			jitter = jitter[1:]
			return j
		},
	})
	f.primary.set(errUpstream)
	f.secondary.set(errUpstream)

	_, err := f.do(t, safeRead)
	if !errors.Is(err, errUpstream) || !strings.Contains(err.Error(), "node iszr/cms2") {
		t.Fatalf("Do = %v, want the last node's error", err)
	}
	// Round 2: 100 ms → [50, 100); round 3: 200 ms → [100, 200); round 4:
	// 400 ms capped at 300 ms → [150, 300).
	want := []time.Duration{75 * time.Millisecond, 125 * time.Millisecond, 299850 * time.Microsecond}
	if !slices.Equal(f.sleeps, want) {
		t.Fatalf("backoffs = %v, want %v", f.sleeps, want)
	}
	if f.primary.count() != 4 || f.secondary.count() != 4 {
		t.Fatalf("calls primary %d, secondary %d; want 4 rounds over both", f.primary.count(), f.secondary.count())
	}
}

func TestPoolRetrySucceedsInLaterRound(t *testing.T) {
	f := newFixture(t, PoolOptions{Retry: Retry{Attempts: 3}, Jitter: func() float64 { return 0 }})
	f.primary.set(errUpstream)
	f.secondary.set(errUpstream)
	f.pool.sleep = func(ctx context.Context, d time.Duration) error {
		f.sleeps = append(f.sleeps, d)
		f.secondary.set(nil) // the secondary comes back during the backoff
		return nil
	}
	if node, err := f.do(t, safeRead); node != "iszr/cms2" || err != nil {
		t.Fatalf("Do = %q, %v; want the secondary in the second round", node, err)
	}
	if len(f.sleeps) != 1 {
		t.Fatalf("backoffs = %v, want one", f.sleeps)
	}
}

func TestPoolNeverRetriesUnsafeCalls(t *testing.T) {
	f := newFixture(t, PoolOptions{Retry: Retry{Attempts: 5}})
	refused := fmt.Errorf("%w: connection refused", ErrNotDelivered)
	f.primary.set(refused)
	f.secondary.set(refused)
	if _, err := f.do(t, Call{}); !errors.Is(err, ErrNotDelivered) {
		t.Fatalf("Do = %v", err)
	}
	if len(f.sleeps) != 0 || f.primary.count() != 1 || f.secondary.count() != 1 {
		t.Fatalf("unsafe call retried: sleeps %v, primary %d, secondary %d", f.sleeps, f.primary.count(), f.secondary.count())
	}
}

func TestPoolStopsWhenContextEnds(t *testing.T) {
	f := newFixture(t, PoolOptions{Retry: Retry{Attempts: 5}})
	f.primary.set(errUpstream)
	f.secondary.set(errUpstream)
	ctx, cancel := context.WithCancel(t.Context())
	f.pool.sleep = func(ctx context.Context, _ time.Duration) error {
		cancel()
		return ctx.Err()
	}
	err := f.pool.Do(ctx, safeRead, func(context.Context, Node) error { return errUpstream })
	if !errors.Is(err, context.Canceled) || !errors.Is(err, errUpstream) {
		t.Fatalf("Do = %v, want context.Canceled with the last error", err)
	}
}

func TestPoolAttemptTimeout(t *testing.T) {
	f := newFixture(t, PoolOptions{})
	var deadlines []bool
	err := f.pool.Do(t.Context(), Call{SafeRead: true, AttemptTimeout: time.Minute}, func(ctx context.Context, n Node) error {
		_, ok := ctx.Deadline()
		deadlines = append(deadlines, ok)
		return nil
	})
	if err != nil || !slices.Equal(deadlines, []bool{true}) {
		t.Fatalf("Do = %v, deadlines seen %v; want one bounded attempt", err, deadlines)
	}
}

func TestPoolObservesAttemptsThatReachANode(t *testing.T) {
	f := newFixture(t, PoolOptions{})
	f.primary.set(errUpstream)
	f.do(t, safeRead)
	f.do(t, safeRead) // primary opens
	f.do(t, safeRead) // primary skipped: not observed
	want := []string{"iszr/cms1:false", "iszr/cms2:true", "iszr/cms1:false", "iszr/cms2:true", "iszr/cms2:true"}
	if !slices.Equal(f.observed, want) {
		t.Fatalf("observed %v, want %v", f.observed, want)
	}
}

func TestNewPoolValidates(t *testing.T) {
	b, _ := New(Settings{Name: "a"})
	tests := []struct {
		name    string
		nodes   []Node
		opts    PoolOptions
		wantErr string
	}{
		{"valid", []Node{{Name: "a", Breaker: b}}, PoolOptions{}, ""},
		{"no-nodes", nil, PoolOptions{}, "at least one node"},
		{"unnamed-node", []Node{{Breaker: b}}, PoolOptions{}, "node 0 has no name"},
		{"no-breaker", []Node{{Name: "a"}}, PoolOptions{}, "node a has no breaker"},
		{"duplicate-node", []Node{{Name: "a", Breaker: b}, {Name: "a", Breaker: b}}, PoolOptions{}, "listed twice"},
		{"negative-delay", []Node{{Name: "a", Breaker: b}}, PoolOptions{Retry: Retry{BaseDelay: -1}}, "must not be negative"},
		{"max-below-base", []Node{{Name: "a", Breaker: b}}, PoolOptions{Retry: Retry{BaseDelay: time.Second, MaxDelay: time.Millisecond}}, "below the base delay"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := NewPool(tc.nodes, tc.opts)
			if tc.wantErr == "" {
				if err != nil || len(p.Nodes()) != len(tc.nodes) {
					t.Fatalf("NewPool = %v, %v", p, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("NewPool error = %v, want %q", err, tc.wantErr)
			}
		})
	}
}

func TestBackoff(t *testing.T) {
	b, _ := New(Settings{Name: "a"})
	tests := []struct {
		name   string
		retry  Retry
		jitter float64
		round  int
		want   time.Duration
	}{
		{"first-retry-low-jitter", Retry{BaseDelay: 100 * time.Millisecond, MaxDelay: time.Second}, 0, 1, 50 * time.Millisecond},
		{"doubles", Retry{BaseDelay: 100 * time.Millisecond, MaxDelay: time.Second}, 0, 3, 200 * time.Millisecond},
		{"capped", Retry{BaseDelay: 100 * time.Millisecond, MaxDelay: time.Second}, 0, 10, 500 * time.Millisecond},
		{"huge-round-does-not-overflow", Retry{BaseDelay: time.Hour, MaxDelay: 1 << 62}, 0, 200, 1 << 61},
		{"jitter-out-of-range-is-ignored", Retry{BaseDelay: 100 * time.Millisecond, MaxDelay: time.Second}, 7, 1, 50 * time.Millisecond},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := NewPool([]Node{{Name: "a", Breaker: b}}, PoolOptions{Retry: tc.retry, Jitter: func() float64 { return tc.jitter }})
			if err != nil {
				t.Fatal(err)
			}
			if got := p.backoff(tc.round); got != tc.want {
				t.Fatalf("backoff(%d) = %v, want %v", tc.round, got, tc.want)
			}
		})
	}
}

func TestSleep(t *testing.T) {
	if err := sleep(t.Context(), 0); err != nil {
		t.Fatalf("sleep(0) = %v", err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := sleep(ctx, time.Hour); !errors.Is(err, context.Canceled) {
		t.Fatalf("sleep with a cancelled context = %v, want context.Canceled", err)
	}
}
