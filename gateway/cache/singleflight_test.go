package cache

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// waitFor spins until g has n callers waiting on key.
func waitFor[T any](t *testing.T, g *Group[T], key string, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for g.waiting(key) != n {
		if time.Now().After(deadline) {
			t.Fatalf("%d callers waiting on %q, want %d", g.waiting(key), key, n)
		}
		runtime.Gosched()
	}
}

func TestGroupCollapsesConcurrentIdenticalCalls(t *testing.T) {
	const n = 50
	var g Group[string]
	var calls atomic.Int32
	release := make(chan struct{})
	fn := func(context.Context) (string, error) {
		calls.Add(1)
		<-release
		return "answer", nil
	}
	var wg sync.WaitGroup
	results := make(chan string, n)
	for range n {
		wg.Go(func() {
			v, shared, err := g.Do(t.Context(), "k", fn)
			if err != nil || !shared {
				t.Errorf("Do = %q, shared %v, %v; want a shared answer", v, shared, err)
			}
			results <- v
		})
	}
	waitFor(t, &g, "k", n)
	close(release)
	wg.Wait()
	close(results)
	if got := calls.Load(); got != 1 {
		t.Fatalf("%d concurrent identical calls made %d upstream calls, want 1", n, got)
	}
	for v := range results {
		if v != "answer" {
			t.Fatalf("a caller got %q", v)
		}
	}
}

func TestGroupDistinctKeysRunSeparately(t *testing.T) {
	var g Group[string]
	var calls atomic.Int32
	release := make(chan struct{})
	var wg sync.WaitGroup
	for i := range 4 {
		key := fmt.Sprint(i)
		wg.Go(func() {
			v, shared, err := g.Do(t.Context(), key, func(context.Context) (string, error) {
				calls.Add(1)
				<-release
				return key, nil
			})
			if v != key || shared || err != nil {
				t.Errorf("Do(%q) = %q, %v, %v", key, v, shared, err)
			}
		})
		waitFor(t, &g, key, 1)
	}
	close(release)
	wg.Wait()
	if calls.Load() != 4 {
		t.Fatalf("4 distinct keys made %d calls, want 4", calls.Load())
	}
}

func TestGroupDoesNotCacheResults(t *testing.T) {
	var g Group[int]
	var calls atomic.Int32
	fn := func(context.Context) (int, error) { return int(calls.Add(1)), nil }
	for want := 1; want <= 3; want++ {
		v, shared, err := g.Do(t.Context(), "k", fn)
		if v != want || shared || err != nil {
			t.Fatalf("sequential Do #%d = %d, %v, %v; want a fresh call", want, v, shared, err)
		}
	}
}

func TestGroupSharesErrors(t *testing.T) {
	var g Group[int]
	boom := errors.New("upstream down")
	release := make(chan struct{})
	var wg sync.WaitGroup
	for range 3 {
		wg.Go(func() {
			_, _, err := g.Do(t.Context(), "k", func(context.Context) (int, error) {
				<-release
				return 0, boom
			})
			if !errors.Is(err, boom) {
				t.Errorf("Do error = %v, want %v", err, boom)
			}
		})
	}
	waitFor(t, &g, "k", 3)
	close(release)
	wg.Wait()
}

func TestGroupOneCallerLeavingDoesNotCancelOthers(t *testing.T) {
	var g Group[string]
	started := make(chan struct{})
	release := make(chan struct{})
	fn := func(ctx context.Context) (string, error) {
		close(started)
		select {
		case <-release:
			return "answer", nil
		case <-ctx.Done():
			return "", ctx.Err()
		}
	}
	leaderCtx, cancelLeader := context.WithCancel(t.Context())
	leaderErr := make(chan error, 1)
	go func() {
		_, _, err := g.Do(leaderCtx, "k", fn)
		leaderErr <- err
	}()
	<-started
	followerDone := make(chan string, 1)
	go func() {
		v, _, err := g.Do(t.Context(), "k", fn)
		if err != nil {
			t.Errorf("follower: %v", err)
		}
		followerDone <- v
	}()
	waitFor(t, &g, "k", 2)
	cancelLeader()
	if err := <-leaderErr; !errors.Is(err, context.Canceled) {
		t.Fatalf("leader error = %v, want context.Canceled", err)
	}
	close(release)
	if v := <-followerDone; v != "answer" {
		t.Fatalf("follower got %q after the leader left, want the answer", v)
	}
}

func TestGroupCancelsCallWhenEveryCallerLeaves(t *testing.T) {
	var g Group[string]
	started := make(chan struct{})
	fnErr := make(chan error, 1)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() {
		_, _, err := g.Do(ctx, "k", func(ctx context.Context) (string, error) {
			close(started)
			<-ctx.Done()
			fnErr <- ctx.Err()
			return "", ctx.Err()
		})
		done <- err
	}()
	<-started
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("Do error = %v, want context.Canceled", err)
	}
	if err := <-fnErr; !errors.Is(err, context.Canceled) {
		t.Fatalf("the shared call's context ended with %v, want context.Canceled", err)
	}
	// A new caller starts a new call rather than joining the abandoned one.
	v, _, err := g.Do(t.Context(), "k", func(context.Context) (string, error) { return "again", nil })
	if v != "again" || err != nil {
		t.Fatalf("Do after abandonment = %q, %v", v, err)
	}
}

func TestGroupDoneContextDoesNotCall(t *testing.T) {
	var g Group[int]
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, _, err := g.Do(ctx, "k", func(context.Context) (int, error) {
		t.Error("fn called with a done context")
		return 0, nil
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Do = %v, want context.Canceled", err)
	}
}

func TestGroupKeepsContextValues(t *testing.T) {
	type ctxKey struct{}
	var g Group[string]
	ctx := context.WithValue(t.Context(), ctxKey{}, "correlation-id")
	v, _, err := g.Do(ctx, "k", func(ctx context.Context) (string, error) {
		s, _ := ctx.Value(ctxKey{}).(string)
		return s, nil
	})
	if v != "correlation-id" || err != nil {
		t.Fatalf("value seen by fn = %q, %v", v, err)
	}
}

func TestGroupRecoversPanic(t *testing.T) {
	var g Group[int]
	_, _, err := g.Do(t.Context(), "k", func(context.Context) (int, error) { panic("bad upstream parser") })
	if !errors.Is(err, ErrPanicked) {
		t.Fatalf("Do = %v, want ErrPanicked", err)
	}
	if g.waiting("k") != 0 {
		t.Fatal("panicked call left behind")
	}
}
