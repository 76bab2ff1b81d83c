// Package memory is konektor's default cache backend: an in-process LRU
// bounded by total bytes, with expiry read from an injected clock.
//
// The hit path takes one mutex, does one map lookup and moves the entry to
// the front of the LRU list; it allocates nothing and hands out the stored
// body without copying (callers must not modify it, as cache.Cache says).
package memory

import (
	"context"
	"fmt"
	"maps"
	"sync"
	"time"

	"konektor/gateway/cache"
)

// Defaults used when Options leave a field zero.
const (
	DefaultMaxBytes = 64 << 20
)

// entryOverhead approximates the bookkeeping bytes each entry costs beyond
// its key and value (list node, map slot, entry header), so that MaxBytes
// bounds real memory rather than only payload.
const entryOverhead = 192

// headerOverhead approximates the per-header cost of the copied map.
const headerOverhead = 48

// Options configures a Cache.
type Options struct {
	// MaxBytes bounds the total size of all entries including overhead;
	// the least recently used entries are evicted to stay under it.
	// Zero means DefaultMaxBytes.
	MaxBytes int64
	// MaxEntryBytes bounds cache.Size of one entry; larger entries are
	// refused with cache.ErrTooLarge. Zero means cache.DefaultMaxEntryBytes.
	MaxEntryBytes int
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Cache is an in-memory cache.Cache. Create it with New.
type Cache struct {
	maxBytes      int64
	maxEntryBytes int
	now           func() time.Time

	mu    sync.Mutex
	items map[string]*item
	lru   item // sentinel: lru.next is the most recently used
	used  int64
}

type item struct {
	key        string
	entry      cache.Entry
	size       int64
	prev, next *item
}

// New returns an empty Cache.
func New(opts Options) (*Cache, error) {
	if opts.MaxBytes < 0 {
		return nil, fmt.Errorf("memory cache: max bytes %d is negative", opts.MaxBytes)
	}
	if opts.MaxEntryBytes < 0 {
		return nil, fmt.Errorf("memory cache: max entry bytes %d is negative", opts.MaxEntryBytes)
	}
	c := &Cache{
		maxBytes:      opts.MaxBytes,
		maxEntryBytes: opts.MaxEntryBytes,
		now:           opts.Now,
		items:         make(map[string]*item),
	}
	if c.maxBytes == 0 {
		c.maxBytes = DefaultMaxBytes
	}
	if c.maxEntryBytes == 0 {
		c.maxEntryBytes = cache.DefaultMaxEntryBytes
	}
	if c.now == nil {
		c.now = time.Now
	}
	if worst := int64(c.maxEntryBytes) + cache.MaxKeyBytes + entryOverhead; worst > c.maxBytes {
		return nil, fmt.Errorf("memory cache: max bytes %d cannot hold one entry of max entry bytes %d (needs %d with key and overhead)",
			c.maxBytes, c.maxEntryBytes, worst)
	}
	c.lru.next, c.lru.prev = &c.lru, &c.lru
	return c, nil
}

// Get implements cache.Cache.
func (c *Cache) Get(_ context.Context, key string) (cache.Entry, cache.Freshness, error) {
	now := c.now()
	c.mu.Lock()
	it, ok := c.items[key]
	if !ok {
		c.mu.Unlock()
		return cache.Entry{}, cache.Gone, cache.ErrMiss
	}
	f := it.entry.FreshnessAt(now)
	if f == cache.Gone {
		c.remove(it)
		c.mu.Unlock()
		return cache.Entry{}, cache.Gone, cache.ErrMiss
	}
	c.moveToFront(it)
	e := it.entry
	c.mu.Unlock()
	return e, f, nil
}

// Set implements cache.Cache.
func (c *Cache) Set(_ context.Context, key string, e cache.Entry, ttl cache.TTL) error {
	if err := cache.Validate(key, e, ttl, c.maxEntryBytes); err != nil {
		return err
	}
	// Copy outside the lock: the caller may reuse its buffers.
	stored := cache.Entry{Body: append(make([]byte, 0, len(e.Body)), e.Body...)}
	if len(e.Header) > 0 {
		stored.Header = maps.Clone(e.Header)
	}
	size := int64(len(key)) + int64(len(e.Body)) + entryOverhead
	for k, v := range e.Header {
		size += int64(len(k)+len(v)) + headerOverhead
	}

	now := c.now()
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.items[key]; ok {
		c.remove(old)
	}
	it := &item{key: key, entry: cache.Stamp(stored, now, ttl), size: size}
	c.items[key] = it
	c.pushFront(it)
	c.used += size
	for c.used > c.maxBytes && c.lru.prev != it {
		c.remove(c.lru.prev)
	}
	return nil
}

// Len returns the number of entries held, including expired ones not yet
// removed.
func (c *Cache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.items)
}

// Bytes returns the accounted size of all entries held.
func (c *Cache) Bytes() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.used
}

// remove unlinks it from the list and the map; c.mu must be held.
func (c *Cache) remove(it *item) {
	it.prev.next = it.next
	it.next.prev = it.prev
	it.prev, it.next = nil, nil
	delete(c.items, it.key)
	c.used -= it.size
}

// pushFront links it as the most recently used; c.mu must be held.
func (c *Cache) pushFront(it *item) {
	it.prev = &c.lru
	it.next = c.lru.next
	c.lru.next.prev = it
	c.lru.next = it
}

// moveToFront marks it as the most recently used; c.mu must be held.
func (c *Cache) moveToFront(it *item) {
	if c.lru.next == it {
		return
	}
	it.prev.next = it.next
	it.next.prev = it.prev
	c.pushFront(it)
}

var _ cache.Cache = (*Cache)(nil)
