package breaker

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

// clock is a manual clock for tests.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock { return &clock{now: time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// transitions records state changes as "from>to".
type transitions struct {
	mu  sync.Mutex
	got []string
}

func (r *transitions) record(_ string, from, to State) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.got = append(r.got, from.String()+">"+to.String())
}

func (r *transitions) String() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return strings.Join(r.got, " ")
}

var errUpstream = errors.New("upstream 503")

func fail(context.Context) error    { return errUpstream }
func succeed(context.Context) error { return nil }

// mustNotCall returns a fn that fails the test if the breaker calls it.
func mustNotCall(t *testing.T) func(context.Context) error {
	t.Helper()
	return func(context.Context) error {
		t.Error("fn was called through a breaker that should have refused")
		return nil
	}
}

func newTestBreaker(t *testing.T, s Settings) (Breaker, *clock, *transitions) {
	t.Helper()
	clk := newClock()
	rec := &transitions{}
	if s.Name == "" {
		s.Name = "iszr/cms1"
	}
	s.Now = clk.Now
	s.OnStateChange = rec.record
	b, err := New(s)
	if err != nil {
		t.Fatal(err)
	}
	return b, clk, rec
}

func run(t *testing.T, b Breaker, fn func(context.Context) error, times int) {
	t.Helper()
	for range times {
		b.Execute(t.Context(), fn)
	}
}

func wantState(t *testing.T, b Breaker, want State) {
	t.Helper()
	if got := b.State(); got != want {
		t.Fatalf("State = %v, want %v", got, want)
	}
}

func TestNewValidates(t *testing.T) {
	tests := []struct {
		name    string
		s       Settings
		wantErr string
	}{
		{"defaults", Settings{Name: "n"}, ""},
		{"no-name", Settings{}, "need a node name"},
		{"negative-open-timeout", Settings{Name: "n", OpenTimeout: -time.Second}, "open timeout -1s is negative"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b, err := New(tc.s)
			if tc.wantErr == "" {
				if err != nil || b == nil || b.State() != Closed {
					t.Fatalf("New = %v, %v; want a closed breaker", b, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("New error = %v, want %q", err, tc.wantErr)
			}
		})
	}
}

func TestOpensAfterConsecutiveFailures(t *testing.T) {
	b, _, rec := newTestBreaker(t, Settings{FailuresToOpen: 3})
	run(t, b, fail, 2)
	run(t, b, succeed, 1) // a success resets the count
	run(t, b, fail, 2)
	wantState(t, b, Closed)
	if err := b.Execute(t.Context(), fail); !errors.Is(err, errUpstream) {
		t.Fatalf("the failing call returned %v, want the upstream's error", err)
	}
	wantState(t, b, Open)
	if rec.String() != "closed>open" {
		t.Fatalf("transitions = %q", rec)
	}
}

func TestOpenBreakerAnswersWithoutCalling(t *testing.T) {
	b, clk, _ := newTestBreaker(t, Settings{FailuresToOpen: 1, OpenTimeout: time.Minute})
	run(t, b, fail, 1)
	for range 3 {
		err := b.Execute(t.Context(), mustNotCall(t))
		if !errors.Is(err, ErrOpen) {
			t.Fatalf("Execute on an open breaker = %v, want ErrOpen", err)
		}
		if !strings.Contains(err.Error(), "iszr/cms1") {
			t.Errorf("error %q does not name the node", err)
		}
		clk.Advance(time.Minute/3 - time.Nanosecond)
	}
	wantState(t, b, Open)
}

func TestHalfOpensWhenTheClockPassesTheOpenTimeout(t *testing.T) {
	b, clk, rec := newTestBreaker(t, Settings{FailuresToOpen: 1, OpenTimeout: 30 * time.Second})
	run(t, b, fail, 1)
	// Real time passes here too; only the injected clock may end the open
	// period.
	clk.Advance(30*time.Second - time.Nanosecond)
	wantState(t, b, Open)
	b.Execute(t.Context(), mustNotCall(t))
	clk.Advance(time.Nanosecond)
	wantState(t, b, HalfOpen)
	if rec.String() != "closed>open open>half-open" {
		t.Fatalf("transitions = %q", rec)
	}
}

func TestHalfOpenClosesAfterEnoughSuccesses(t *testing.T) {
	b, clk, rec := newTestBreaker(t, Settings{FailuresToOpen: 1, OpenTimeout: time.Second, HalfOpenMaxRequests: 2})
	run(t, b, fail, 1)
	clk.Advance(time.Second)
	calls := 0
	probe := func(context.Context) error { calls++; return nil }
	if err := b.Execute(t.Context(), probe); err != nil {
		t.Fatal(err)
	}
	wantState(t, b, HalfOpen)
	if err := b.Execute(t.Context(), probe); err != nil {
		t.Fatal(err)
	}
	wantState(t, b, Closed)
	if calls != 2 {
		t.Fatalf("%d probes reached the node, want 2", calls)
	}
	if rec.String() != "closed>open open>half-open half-open>closed" {
		t.Fatalf("transitions = %q", rec)
	}
}

func TestHalfOpenFailureReopensForAnotherTimeout(t *testing.T) {
	b, clk, rec := newTestBreaker(t, Settings{FailuresToOpen: 1, OpenTimeout: 10 * time.Second})
	run(t, b, fail, 1)
	clk.Advance(10 * time.Second)
	if err := b.Execute(t.Context(), fail); !errors.Is(err, errUpstream) {
		t.Fatalf("probe = %v, want the upstream's error", err)
	}
	wantState(t, b, Open)
	clk.Advance(10*time.Second - time.Nanosecond)
	if err := b.Execute(t.Context(), mustNotCall(t)); !errors.Is(err, ErrOpen) {
		t.Fatalf("Execute = %v, want ErrOpen", err)
	}
	clk.Advance(time.Nanosecond)
	run(t, b, succeed, 1)
	wantState(t, b, Closed)
	if want := "closed>open open>half-open half-open>open open>half-open half-open>closed"; rec.String() != want {
		t.Fatalf("transitions = %q, want %q", rec, want)
	}
}

func TestHalfOpenLimitsConcurrentProbes(t *testing.T) {
	b, clk, _ := newTestBreaker(t, Settings{FailuresToOpen: 1, OpenTimeout: time.Second, HalfOpenMaxRequests: 1})
	run(t, b, fail, 1)
	clk.Advance(time.Second)
	inProbe := make(chan struct{})
	release := make(chan struct{})
	done := make(chan error)
	go func() {
		done <- b.Execute(t.Context(), func(context.Context) error {
			close(inProbe)
			<-release
			return nil
		})
	}()
	<-inProbe
	if err := b.Execute(t.Context(), mustNotCall(t)); !errors.Is(err, ErrOpen) {
		t.Fatalf("second probe while the first is in flight = %v, want ErrOpen", err)
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	wantState(t, b, Closed)
}

func TestIsFailureDecidesWhatCounts(t *testing.T) {
	errFault := errors.New("soap fault: record not found")
	b, _, _ := newTestBreaker(t, Settings{
		FailuresToOpen: 2,
		IsFailure:      func(err error) bool { return !errors.Is(err, errFault) },
	})
	business := func(context.Context) error { return errFault }
	run(t, b, business, 10)
	wantState(t, b, Closed)
	run(t, b, fail, 1)
	run(t, b, business, 1) // counted as a success: resets the count
	run(t, b, fail, 1)
	wantState(t, b, Closed)
	run(t, b, fail, 1)
	wantState(t, b, Open)
}

func TestCallerCancellationDoesNotCount(t *testing.T) {
	b, _, _ := newTestBreaker(t, Settings{FailuresToOpen: 3})
	cancelled := func(context.Context) error { return fmt.Errorf("reading answer: %w", context.Canceled) }
	run(t, b, cancelled, 10)
	wantState(t, b, Closed)
	run(t, b, fail, 2)
	run(t, b, cancelled, 1) // neither resets nor adds to the count
	run(t, b, fail, 1)
	wantState(t, b, Open)
}

func TestDoneContextIsNotCalled(t *testing.T) {
	b, _, _ := newTestBreaker(t, Settings{FailuresToOpen: 1})
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := b.Execute(ctx, mustNotCall(t)); !errors.Is(err, context.Canceled) {
		t.Fatalf("Execute = %v, want context.Canceled", err)
	}
	wantState(t, b, Closed)
}

func TestStateString(t *testing.T) {
	for s, want := range map[State]string{Closed: "closed", HalfOpen: "half-open", Open: "open", 7: "state(7)"} {
		if s.String() != want {
			t.Errorf("State(%d) = %q, want %q", s, s.String(), want)
		}
	}
}

func BenchmarkExecuteOpen(b *testing.B) {
	clk := newClock()
	br, err := New(Settings{Name: "n", FailuresToOpen: 1, Now: clk.Now})
	if err != nil {
		b.Fatal(err)
	}
	ctx := b.Context()
	br.Execute(ctx, fail)
	b.ReportAllocs()
	for b.Loop() {
		if err := br.Execute(ctx, succeed); !errors.Is(err, ErrOpen) {
			b.Fatal(err)
		}
	}
}

func BenchmarkExecuteClosed(b *testing.B) {
	br, err := New(Settings{Name: "n"})
	if err != nil {
		b.Fatal(err)
	}
	ctx := b.Context()
	b.ReportAllocs()
	for b.Loop() {
		if err := br.Execute(ctx, succeed); err != nil {
			b.Fatal(err)
		}
	}
}
