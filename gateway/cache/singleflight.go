package cache

import (
	"context"
	"errors"
	"fmt"
	"sync"
)

// ErrPanicked wraps the value of a panic raised by a function run by Group.Do.
var ErrPanicked = errors.New("cache: single-flight call panicked")

// Group collapses concurrent calls with the same key into one: while a call
// for a key is running, later callers with that key wait for its result
// instead of starting their own. Its zero value is ready to use.
//
// The shared call runs on its own goroutine with a context that keeps the
// first caller's values but not its cancellation or deadline; it is cancelled
// only when every waiting caller has given up. So one client that disconnects
// does not fail the others waiting on the same upstream answer.
type Group[T any] struct {
	mu    sync.Mutex
	calls map[string]*flight[T]
}

type flight[T any] struct {
	done    chan struct{}
	cancel  context.CancelFunc
	waiting int // callers still waiting; guarded by Group.mu
	joined  int // callers that ever joined; guarded by Group.mu, read after done
	val     T
	err     error
}

// Do calls fn once for all concurrent callers passing the same key and
// returns its result to each of them. shared reports whether the result was
// handed to more than one caller. When ctx ends before the result is ready,
// Do returns ctx.Err() at once. Callers sharing a result must not modify it.
func (g *Group[T]) Do(ctx context.Context, key string, fn func(ctx context.Context) (T, error)) (v T, shared bool, err error) {
	if err := ctx.Err(); err != nil {
		return v, false, err
	}
	g.mu.Lock()
	if g.calls == nil {
		g.calls = make(map[string]*flight[T])
	}
	f, ok := g.calls[key]
	if !ok {
		fctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
		f = &flight[T]{done: make(chan struct{}), cancel: cancel}
		g.calls[key] = f
		go g.run(fctx, key, f, fn)
	}
	f.waiting++
	f.joined++
	g.mu.Unlock()

	select {
	case <-f.done:
		return f.val, f.joined > 1, f.err
	case <-ctx.Done():
		g.mu.Lock()
		f.waiting--
		if f.waiting == 0 {
			f.cancel()
			if g.calls[key] == f {
				delete(g.calls, key)
			}
		}
		g.mu.Unlock()
		return v, false, ctx.Err()
	}
}

func (g *Group[T]) run(ctx context.Context, key string, f *flight[T], fn func(ctx context.Context) (T, error)) {
	defer func() {
		if r := recover(); r != nil {
			f.err = fmt.Errorf("%w: %v", ErrPanicked, r)
		}
		f.cancel()
		g.mu.Lock()
		if g.calls[key] == f {
			delete(g.calls, key)
		}
		g.mu.Unlock()
		close(f.done)
	}()
	f.val, f.err = fn(ctx)
}

// waiting returns how many callers wait on the call for key; tests use it to
// know when every caller has joined.
func (g *Group[T]) waiting(key string) int {
	g.mu.Lock()
	defer g.mu.Unlock()
	if f, ok := g.calls[key]; ok {
		return f.waiting
	}
	return 0
}
