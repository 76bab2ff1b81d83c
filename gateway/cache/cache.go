// Package cache defines the response cache konektor keeps in front of
// cacheable upstream reads: the Cache interface its backends implement
// (memory, redis), the key derivation that binds an entry to the caller's
// authorisation scope, single-flight collapsing of identical misses, and the
// hit/miss/stale counters.
//
// An entry has two deadlines. Until FreshUntil it is served as a hit; from
// FreshUntil until StaleUntil it is kept only so that it can be served, marked
// stale, while the upstream is down (stale-if-error); from StaleUntil on it is
// gone. The cache reads time from its own injected clock, so callers never
// compare deadlines themselves: Get says whether the entry is Fresh or Stale.
package cache

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Errors returned by every Cache implementation.
var (
	// ErrMiss means no entry is stored under the key, or its stale window
	// has passed.
	ErrMiss = errors.New("cache: miss")
	// ErrTooLarge means the entry exceeds the cache's maximum entry size;
	// the cache is left unchanged.
	ErrTooLarge = errors.New("cache: entry too large")
	// ErrInvalidKey means the key is empty or longer than MaxKeyBytes.
	ErrInvalidKey = errors.New("cache: invalid key")
	// ErrInvalidTTL means the fresh period is not positive or the stale
	// window is negative.
	ErrInvalidTTL = errors.New("cache: invalid ttl")
)

// MaxKeyBytes bounds the length of a key. Keys built by Key are KeyLen long.
const MaxKeyBytes = 256

// DefaultMaxEntryBytes is the entry size limit backends use when their
// options leave it zero.
const DefaultMaxEntryBytes = 1 << 20

// Cache stores upstream answers under opaque keys. Implementations are safe
// for concurrent use.
type Cache interface {
	// Get returns the entry stored under key and whether it is Fresh or only
	// Stale at the cache's current time. It returns ErrMiss when there is no
	// entry or its stale window has passed. The returned Body and Header are
	// shared with the cache and other callers: the caller must not modify
	// them.
	Get(ctx context.Context, key string) (Entry, Freshness, error)
	// Set stores a copy of e.Body and e.Header under key, replacing any
	// previous entry. The cache stamps StoredAt, FreshUntil and StaleUntil
	// from its own clock and ttl; those fields of e are ignored. It returns
	// ErrTooLarge (cache unchanged) when Size(e) exceeds the limit, and
	// ErrInvalidKey or ErrInvalidTTL for bad arguments.
	Set(ctx context.Context, key string, e Entry, ttl TTL) error
}

// Entry is one cached upstream answer.
type Entry struct {
	// Body is the answer as it will be replayed (before echoed fields are
	// rewritten by the caller).
	Body []byte
	// Header holds the few response headers worth replaying, such as
	// Content-Type. It may be nil.
	Header map[string]string
	// StoredAt is when the entry was stored.
	StoredAt time.Time
	// FreshUntil is the first instant at which the entry is no longer fresh.
	FreshUntil time.Time
	// StaleUntil is the first instant at which the entry is gone. It is
	// never before FreshUntil.
	StaleUntil time.Time
}

// TTL says how long an entry is fresh and, after that, how long it may still
// be served stale while the upstream is down.
type TTL struct {
	// Fresh must be positive.
	Fresh time.Duration
	// Stale may be zero: then the entry is gone as soon as it stops being fresh.
	Stale time.Duration
}

// Freshness is the state of an entry at a given instant.
type Freshness uint8

// Freshness values. Get returns only Fresh or Stale; an entry that is Gone is
// reported as ErrMiss.
const (
	Gone Freshness = iota
	Fresh
	Stale
)

// String returns "fresh", "stale" or "gone".
func (f Freshness) String() string {
	switch f {
	case Fresh:
		return "fresh"
	case Stale:
		return "stale"
	case Gone:
		return "gone"
	default:
		return fmt.Sprintf("freshness(%d)", uint8(f))
	}
}

// FreshnessAt reports the entry's state at now.
func (e *Entry) FreshnessAt(now time.Time) Freshness {
	switch {
	case now.Before(e.FreshUntil):
		return Fresh
	case now.Before(e.StaleUntil):
		return Stale
	default:
		return Gone
	}
}

// Size returns the number of bytes the entry's value occupies: the body plus
// every header name and value. This is what the maximum entry size bounds.
func Size(e Entry) int {
	n := len(e.Body)
	for k, v := range e.Header {
		n += len(k) + len(v)
	}
	return n
}

// Validate checks the arguments of a Set against maxEntryBytes, so that all
// backends refuse the same input with the same errors.
func Validate(key string, e Entry, ttl TTL, maxEntryBytes int) error {
	if key == "" {
		return fmt.Errorf("%w: empty", ErrInvalidKey)
	}
	if len(key) > MaxKeyBytes {
		return fmt.Errorf("%w: %d bytes, limit %d", ErrInvalidKey, len(key), MaxKeyBytes)
	}
	if ttl.Fresh <= 0 {
		return fmt.Errorf("%w: fresh period %v is not positive", ErrInvalidTTL, ttl.Fresh)
	}
	if ttl.Stale < 0 {
		return fmt.Errorf("%w: stale window %v is negative", ErrInvalidTTL, ttl.Stale)
	}
	if n := Size(e); n > maxEntryBytes {
		return fmt.Errorf("%w: %d bytes, limit %d", ErrTooLarge, n, maxEntryBytes)
	}
	return nil
}

// Stamp returns a copy of e (sharing Body and Header) with StoredAt,
// FreshUntil and StaleUntil set from now and ttl.
func Stamp(e Entry, now time.Time, ttl TTL) Entry {
	e.StoredAt = now
	e.FreshUntil = now.Add(ttl.Fresh)
	e.StaleUntil = e.FreshUntil.Add(ttl.Stale)
	return e
}
