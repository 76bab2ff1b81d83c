// Package redis is the cache backend konektor uses when several nodes share
// one Redis (KONEKTOR_REDIS_URL): any node's stored answer is a hit for all.
//
// Keys are namespaced under a prefix (default "konektor:cache:"), values use
// a compact binary encoding (codec.go), and the Redis TTL of a key is its
// entry's stale deadline, so Redis drops entries that can no longer be served.
// Freshness is still decided by the cache's injected clock on every Get.
//
// This file is the only one in konektor that imports go-redis.
package redis

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	goredis "github.com/redis/go-redis/v9"
	"github.com/redis/go-redis/v9/maintnotifications"

	"konektor/gateway/cache"
)

// DefaultPrefix namespaces every key konektor writes.
const DefaultPrefix = "konektor:cache:"

// Connection defaults applied unless the URL sets dial_timeout,
// read_timeout, write_timeout or max_retries. go-redis's own defaults (5 s
// dial, 3 s read, 3 retries) would make every request wait seconds while
// Redis is unreachable; a cache should rather miss at once.
const (
	DefaultDialTimeout = time.Second
	DefaultIOTimeout   = time.Second
)

// Options configures a Cache.
type Options struct {
	// Prefix is put in front of every key; "" means DefaultPrefix. Nodes
	// that share hits must use the same prefix.
	Prefix string
	// MaxEntryBytes bounds cache.Size of one entry; larger entries are
	// refused with cache.ErrTooLarge. Zero means cache.DefaultMaxEntryBytes.
	MaxEntryBytes int
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Cache is a cache.Cache stored in Redis. Create it with New and Close it
// when done.
type Cache struct {
	client        *goredis.Client
	prefix        string
	maxEntryBytes int
	now           func() time.Time
}

// New returns a Cache for the Redis at rawURL (redis://, rediss:// or
// unix://, with go-redis query options such as dial_timeout; without
// max_retries a failed command is not retried). It does not
// connect: call Ping to check that Redis answers. Errors never repeat the
// URL, which may carry a password.
func New(rawURL string, opts Options) (*Cache, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // the url.Error text repeats the URL, password included
		}
		return nil, fmt.Errorf("redis cache: invalid url: %w", err)
	}
	switch u.Scheme {
	case "redis", "rediss", "unix":
	default:
		return nil, fmt.Errorf("redis cache: url scheme %q is not redis, rediss or unix", u.Scheme)
	}
	o, err := goredis.ParseURL(rawURL)
	if err != nil {
		return nil, fmt.Errorf("redis cache: invalid url: %w", err)
	}
	if opts.MaxEntryBytes < 0 {
		return nil, fmt.Errorf("redis cache: max entry bytes %d is negative", opts.MaxEntryBytes)
	}
	// A cache that is down must cost little: fail fast and let the caller
	// go to the upstream. The URL may still override each of these.
	q := u.Query()
	if !q.Has("dial_timeout") {
		o.DialTimeout = DefaultDialTimeout
	}
	if !q.Has("read_timeout") {
		o.ReadTimeout = DefaultIOTimeout
	}
	if !q.Has("write_timeout") {
		o.WriteTimeout = DefaultIOTimeout
	}
	if !q.Has("max_retries") {
		o.MaxRetries = -1 // no retries
	}
	o.DialerRetries = 1
	o.DisableIdentity = true
	o.MaintNotificationsConfig = &maintnotifications.Config{Mode: maintnotifications.ModeDisabled}
	c := &Cache{
		client:        goredis.NewClient(o),
		prefix:        opts.Prefix,
		maxEntryBytes: opts.MaxEntryBytes,
		now:           opts.Now,
	}
	if c.prefix == "" {
		c.prefix = DefaultPrefix
	}
	if c.maxEntryBytes == 0 {
		c.maxEntryBytes = cache.DefaultMaxEntryBytes
	}
	if c.now == nil {
		c.now = time.Now
	}
	return c, nil
}

// Get implements cache.Cache. A value written by another encoding version
// is a miss; a value that cannot be decoded is an error wrapping ErrCorrupt.
func (c *Cache) Get(ctx context.Context, key string) (cache.Entry, cache.Freshness, error) {
	if key == "" || len(key) > cache.MaxKeyBytes {
		return cache.Entry{}, cache.Gone, cache.ErrMiss
	}
	b, err := c.client.Get(ctx, c.prefix+key).Bytes()
	if errors.Is(err, goredis.Nil) {
		return cache.Entry{}, cache.Gone, cache.ErrMiss
	}
	if err != nil {
		return cache.Entry{}, cache.Gone, fmt.Errorf("redis cache: get: %w", err)
	}
	e, err := decodeEntry(b)
	if errors.Is(err, errUnknownVersion) {
		return cache.Entry{}, cache.Gone, cache.ErrMiss
	}
	if err != nil {
		return cache.Entry{}, cache.Gone, err
	}
	f := e.FreshnessAt(c.now())
	if f == cache.Gone {
		return cache.Entry{}, cache.Gone, cache.ErrMiss
	}
	return e, f, nil
}

// Set implements cache.Cache. The key expires in Redis at the entry's stale
// deadline, rounded up to a millisecond.
func (c *Cache) Set(ctx context.Context, key string, e cache.Entry, ttl cache.TTL) error {
	if err := cache.Validate(key, e, ttl, c.maxEntryBytes); err != nil {
		return err
	}
	e = cache.Stamp(e, c.now(), ttl)
	life := ttl.Fresh + ttl.Stale
	life = (life + time.Millisecond - 1) / time.Millisecond * time.Millisecond
	v := encodeEntry(make([]byte, 0, encodedSize(e)), e)
	if err := c.client.Set(ctx, c.prefix+key, v, life).Err(); err != nil {
		return fmt.Errorf("redis cache: set: %w", err)
	}
	return nil
}

// Ping reports whether Redis answers.
func (c *Cache) Ping(ctx context.Context) error {
	if err := c.client.Ping(ctx).Err(); err != nil {
		return fmt.Errorf("redis cache: ping: %w", err)
	}
	return nil
}

// Purge deletes every key under the cache's prefix, and nothing else, and
// returns how many it deleted. It walks the keyspace with SCAN, so it does
// not block Redis, but keys written meanwhile may survive.
func (c *Cache) Purge(ctx context.Context) (int, error) {
	match := escapeGlob(c.prefix) + "*"
	var cursor uint64
	deleted := 0
	for {
		keys, next, err := c.client.Scan(ctx, cursor, match, 500).Result()
		if err != nil {
			return deleted, fmt.Errorf("redis cache: purge: scan: %w", err)
		}
		if len(keys) > 0 {
			n, err := c.client.Unlink(ctx, keys...).Result()
			if err != nil {
				return deleted, fmt.Errorf("redis cache: purge: unlink: %w", err)
			}
			deleted += int(n)
		}
		if next == 0 {
			return deleted, nil
		}
		cursor = next
	}
}

// Close releases the connections.
func (c *Cache) Close() error {
	return c.client.Close()
}

// escapeGlob quotes the characters Redis MATCH patterns treat specially.
func escapeGlob(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '*', '?', '[', ']', '\\', '^', '-':
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

var _ cache.Cache = (*Cache)(nil)
