package cachetest

import (
	"sync"
	"time"
)

// Clock is the time a conformance run reads and steps. The cache under test
// must read the same time (for example ManualClock.Now as its Now option);
// Advance may also step the backend's own notion of time, as miniredis
// FastForward does.
type Clock interface {
	Now() time.Time
	Advance(d time.Duration)
}

// ManualClock is a Clock that moves only when told. It is safe for
// concurrent use.
type ManualClock struct {
	mu  sync.Mutex
	now time.Time
}

// Epoch is where a new ManualClock starts: a fixed, millisecond-aligned
// instant, so that runs are reproducible.
var Epoch = time.Date(2026, time.March, 2, 9, 30, 0, 0, time.UTC)

// NewClock returns a ManualClock set to Epoch.
func NewClock() *ManualClock {
	return &ManualClock{now: Epoch}
}

// Now returns the clock's current time.
func (c *ManualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d.
func (c *ManualClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

var _ Clock = (*ManualClock)(nil)
