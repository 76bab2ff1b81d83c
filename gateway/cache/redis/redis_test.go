package redis

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"

	"konektor/gateway/cache"
	"konektor/gateway/cache/cachetest"
)

// miniClock steps the cache's clock and miniredis's TTL clock together.
type miniClock struct {
	*cachetest.ManualClock
	mr *miniredis.Miniredis
}

func (c miniClock) Advance(d time.Duration) {
	c.ManualClock.Advance(d)
	c.mr.FastForward(d)
}

func newMini(t testing.TB, opts Options) (*Cache, *miniredis.Miniredis) {
	t.Helper()
	mr := miniredis.RunT(t)
	c, err := New("redis://"+mr.Addr(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c, mr
}

func TestConformanceMiniredis(t *testing.T) {
	cachetest.Run(t, func(t *testing.T) (cache.Cache, cachetest.Clock) {
		t.Helper()
		clk := cachetest.NewClock()
		c, mr := newMini(t, Options{MaxEntryBytes: cachetest.MaxEntryBytes, Now: clk.Now})
		return c, miniClock{clk, mr}
	})
}

// randomPrefix returns a prefix no other test run uses, so that a test on a
// shared Redis touches only its own keys.
func randomPrefix(t testing.TB) string {
	t.Helper()
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return DefaultPrefix + "test-" + hex.EncodeToString(b) + ":"
}

// newReal returns a cache on KONEKTOR_TEST_REDIS_URL under a random prefix,
// purged when the test ends, or skips the test when the variable is unset.
func newReal(t testing.TB, opts Options) *Cache {
	t.Helper()
	url := os.Getenv("KONEKTOR_TEST_REDIS_URL")
	if url == "" {
		t.Skip("KONEKTOR_TEST_REDIS_URL not set")
	}
	opts.Prefix = randomPrefix(t)
	c, err := New(url, opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Ping(t.Context()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		// t.Context is already cancelled when cleanups run.
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if _, err := c.Purge(ctx); err != nil {
			t.Errorf("purging %s: %v", opts.Prefix, err)
		}
		c.Close()
	})
	return c
}

func TestConformanceRealRedis(t *testing.T) {
	if os.Getenv("KONEKTOR_TEST_REDIS_URL") == "" {
		t.Skip("KONEKTOR_TEST_REDIS_URL not set")
	}
	cachetest.Run(t, func(t *testing.T) (cache.Cache, cachetest.Clock) {
		t.Helper()
		// Real Redis cannot be fast-forwarded: its TTLs only collect
		// garbage, and freshness follows the injected clock alone.
		clk := cachetest.NewClock()
		return newReal(t, Options{MaxEntryBytes: cachetest.MaxEntryBytes, Now: clk.Now}), clk
	})
}

func TestTwoProcessesShareHits(t *testing.T) {
	mr := miniredis.RunT(t)
	clk := cachetest.NewClock()
	open := func() *Cache {
		c, err := New("redis://"+mr.Addr(), Options{Now: clk.Now})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		return c
	}
	a, b := open(), open()
	key := cache.Key([]byte("E03"), []byte("shared"))
	body := []byte("<odpoved/>")
	if err := a.Set(t.Context(), key, cache.Entry{Body: body}, cache.TTL{Fresh: time.Minute}); err != nil {
		t.Fatal(err)
	}
	e, f, err := b.Get(t.Context(), key)
	if err != nil || f != cache.Fresh || !bytes.Equal(e.Body, body) {
		t.Fatalf("second process Get = %q, %v, %v; want the first process's entry", e.Body, f, err)
	}
}

func TestTwoProcessesShareHitsRealRedis(t *testing.T) {
	a := newReal(t, Options{})
	b, err := New(os.Getenv("KONEKTOR_TEST_REDIS_URL"), Options{Prefix: a.prefix})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	key := cache.Key([]byte("E03"), []byte("shared"))
	if err := a.Set(t.Context(), key, cache.Entry{Body: []byte("x")}, cache.TTL{Fresh: time.Minute}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := b.Get(t.Context(), key); err != nil {
		t.Fatalf("second process Get: %v", err)
	}
}

func TestRedisTTLIsStaleDeadline(t *testing.T) {
	c, mr := newMini(t, Options{})
	key := cache.Key([]byte("ttl"))
	tests := []struct {
		name string
		ttl  cache.TTL
		want time.Duration
	}{
		{"fresh-and-stale", cache.TTL{Fresh: 30 * time.Second, Stale: 10 * time.Minute}, 30*time.Second + 10*time.Minute},
		{"fresh-only", cache.TTL{Fresh: 1500 * time.Millisecond}, 1500 * time.Millisecond},
		{"rounded-up-to-a-millisecond", cache.TTL{Fresh: time.Millisecond + time.Nanosecond}, 2 * time.Millisecond},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := c.Set(t.Context(), key, cache.Entry{Body: []byte("x")}, tc.ttl); err != nil {
				t.Fatal(err)
			}
			if got := mr.TTL(DefaultPrefix + key); got != tc.want {
				t.Fatalf("Redis TTL = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestKeysAreNamespaced(t *testing.T) {
	c, mr := newMini(t, Options{})
	key := cache.Key([]byte("ns"))
	if err := c.Set(t.Context(), key, cache.Entry{Body: []byte("x")}, cache.TTL{Fresh: time.Minute}); err != nil {
		t.Fatal(err)
	}
	if got := mr.Keys(); len(got) != 1 || got[0] != "konektor:cache:"+key {
		t.Fatalf("Redis keys = %q, want [konektor:cache:%s]", got, key)
	}
	// A key without the prefix is not visible through the cache.
	mr.Set(key, string(encodeEntry(nil, cache.Stamp(cache.Entry{Body: []byte("foreign")}, time.Now(), cache.TTL{Fresh: time.Hour}))))
	c2, err := New("redis://"+mr.Addr(), Options{Prefix: "other:"})
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	if _, _, err := c2.Get(t.Context(), key); !errors.Is(err, cache.ErrMiss) {
		t.Fatalf("cache with prefix other: saw a key it did not write: %v", err)
	}
}

func TestPurgeDeletesOnlyOwnPrefix(t *testing.T) {
	c, mr := newMini(t, Options{Prefix: "konektor:cache:t[1]*:"})
	for _, k := range []string{"a", "b", "c"} {
		if err := c.Set(t.Context(), k, cache.Entry{Body: []byte(k)}, cache.TTL{Fresh: time.Minute}); err != nil {
			t.Fatal(err)
		}
	}
	// Keys a careless glob would match.
	others := []string{"konektor:cache:t1x:a", "konektor:cache:t[1]x:a", "konektor:cache:other", "unrelated"}
	for _, k := range others {
		mr.Set(k, "keep")
	}
	n, err := c.Purge(t.Context())
	if err != nil || n != 3 {
		t.Fatalf("Purge = %d, %v; want 3 deleted", n, err)
	}
	for _, k := range others {
		if !mr.Exists(k) {
			t.Errorf("Purge deleted %q, which is outside its prefix", k)
		}
	}
	if _, _, err := c.Get(t.Context(), "a"); !errors.Is(err, cache.ErrMiss) {
		t.Errorf("Get after Purge = %v, want ErrMiss", err)
	}
}

func TestCorruptAndForeignValues(t *testing.T) {
	c, mr := newMini(t, Options{})
	tests := []struct {
		name    string
		value   string
		wantErr error
	}{
		{"garbage", "\x01\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff", ErrCorrupt},
		{"empty", "", ErrCorrupt},
		{"other-encoding-version", "\x02anything", cache.ErrMiss},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			key := cache.Key([]byte(tc.name))
			mr.Set(DefaultPrefix+key, tc.value)
			if _, _, err := c.Get(t.Context(), key); !errors.Is(err, tc.wantErr) {
				t.Fatalf("Get = %v, want %v", err, tc.wantErr)
			}
		})
	}
}

func TestRedisDownIsAnErrorNotAMiss(t *testing.T) {
	c, mr := newMini(t, Options{})
	mr.Close()
	_, _, err := c.Get(t.Context(), cache.Key([]byte("down")))
	if err == nil || errors.Is(err, cache.ErrMiss) {
		t.Fatalf("Get with Redis down = %v, want a backend error", err)
	}
	if err := c.Set(t.Context(), "k", cache.Entry{Body: []byte("x")}, cache.TTL{Fresh: time.Second}); err == nil {
		t.Fatal("Set with Redis down succeeded")
	}
	if err := c.Ping(t.Context()); err == nil {
		t.Fatal("Ping with Redis down succeeded")
	}
}

func TestNew(t *testing.T) {
	tests := []struct {
		name    string
		url     string
		opts    Options
		wantErr string
	}{
		{"redis", "redis://127.0.0.1:6379/0", Options{}, ""},
		{"rediss-with-options", "rediss://user:pw@cache.example:6380/2?dial_timeout=2s", Options{}, ""},
		{"unix", "unix:///run/redis.sock", Options{}, ""},
		{"http-scheme", "http://127.0.0.1:6379", Options{}, `scheme "http" is not redis`},
		{"no-scheme", "127.0.0.1:6379", Options{}, "invalid url"},
		{"bad-database", "redis://127.0.0.1:6379/zero", Options{}, "invalid database number"},
		{"unknown-option", "redis://127.0.0.1:6379/0?colour=blue", Options{}, "colour"},
		{"bad-port-hides-password", "redis://user:S3cretPassw0rd@host:port/0", Options{}, "invalid url"},
		{"negative-max-entry", "redis://127.0.0.1:6379", Options{MaxEntryBytes: -1}, "negative"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := New(tc.url, tc.opts)
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("New: %v", err)
				}
				c.Close()
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("New error = %v, want it to contain %q", err, tc.wantErr)
			}
			if strings.Contains(err.Error(), "S3cretPassw0rd") {
				t.Fatalf("New error leaks the password: %v", err)
			}
		})
	}
}

func TestEscapeGlob(t *testing.T) {
	if got, want := escapeGlob(`a*b?c[d]e\f`), `a\*b\?c\[d\]e\\f`; got != want {
		t.Fatalf("escapeGlob = %q, want %q", got, want)
	}
}

func benchmarkGetHit(b *testing.B, c *Cache) {
	key := cache.Key([]byte("E03"), []byte("bench"))
	body := bytes.Repeat([]byte("x"), 5<<10)
	if err := c.Set(b.Context(), key, cache.Entry{Body: body, Header: map[string]string{"Content-Type": "text/xml"}}, cache.TTL{Fresh: time.Hour}); err != nil {
		b.Fatal(err)
	}
	ctx := b.Context()
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if _, _, err := c.Get(ctx, key); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkGetHit5KBMiniredis(b *testing.B) {
	c, _ := newMini(b, Options{})
	benchmarkGetHit(b, c)
}

func BenchmarkGetHit5KBRealRedis(b *testing.B) {
	benchmarkGetHit(b, newReal(b, Options{}))
}
