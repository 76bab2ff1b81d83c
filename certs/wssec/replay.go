package wssec

import (
	"context"
	"errors"
	"sync"
	"time"
)

// ReplayCache remembers signatures until their Timestamp expires. A shared
// implementation (e.g. Redis SET NX with an expiry) lets several konektor
// nodes reject a message replayed to another node.
type ReplayCache interface {
	// Remember records key until the time until and reports whether the key
	// was already recorded and has not yet expired.
	Remember(ctx context.Context, key string, until time.Time) (seen bool, err error)
}

// DefaultReplayCapacity is the number of signatures a MemoryReplayCache
// remembers at most.
const DefaultReplayCapacity = 100000

// ErrReplayCacheFull means the replay cache holds only unexpired entries and
// cannot record another; the message is refused rather than let through.
var ErrReplayCacheFull = errors.New("wssec: replay cache full")

// MemoryReplayCache is an in-process ReplayCache with a fixed capacity.
type MemoryReplayCache struct {
	mu      sync.Mutex
	now     func() time.Time
	max     int
	entries map[string]time.Time
}

// NewMemoryReplayCache returns a cache of at most capacity entries (zero
// means DefaultReplayCapacity) reading time from now (nil means time.Now).
func NewMemoryReplayCache(capacity int, now func() time.Time) *MemoryReplayCache {
	if capacity <= 0 {
		capacity = DefaultReplayCapacity
	}
	if now == nil {
		now = time.Now
	}
	return &MemoryReplayCache{now: now, max: capacity, entries: map[string]time.Time{}}
}

// Remember implements ReplayCache.
func (c *MemoryReplayCache) Remember(_ context.Context, key string, until time.Time) (bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	if u, ok := c.entries[key]; ok && !now.After(u) {
		return true, nil
	}
	if len(c.entries) >= c.max {
		for k, u := range c.entries {
			if now.After(u) {
				delete(c.entries, k)
			}
		}
		if len(c.entries) >= c.max {
			return false, ErrReplayCacheFull
		}
	}
	c.entries[key] = until
	return false, nil
}

// Len returns the number of remembered entries, expired ones included.
func (c *MemoryReplayCache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries)
}

var _ ReplayCache = (*MemoryReplayCache)(nil)
