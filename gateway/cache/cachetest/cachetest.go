// Package cachetest is the conformance suite every cache.Cache backend must
// pass. The semantics of the Cache interface are written here, as tests,
// rather than in comments: a backend's test calls Run with a factory.
package cachetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"maps"
	"strings"
	"sync"
	"testing"
	"time"

	"konektor/gateway/cache"
)

// MaxEntryBytes is the entry size limit the factory passed to Run must
// configure on the cache it returns.
const MaxEntryBytes = 64 << 10

// Run runs every conformance test as a parallel subtest. newCache returns a
// fresh, empty cache configured with MaxEntryBytes, and the Clock the cache
// reads. Each subtest calls newCache once.
func Run(t *testing.T, newCache func(t *testing.T) (cache.Cache, Clock)) {
	t.Helper()
	tests := []struct {
		name string
		fn   func(t *testing.T, c cache.Cache, clk Clock)
	}{
		{"miss", testMiss},
		{"hit", testHit},
		{"hit-without-header", testHitWithoutHeader},
		{"empty-body", testEmptyBody},
		{"binary-body", testBinaryBody},
		{"fresh-stale-gone", testFreshStaleGone},
		{"no-stale-window", testNoStaleWindow},
		{"overwrite", testOverwrite},
		{"overwrite-restarts-ttl", testOverwriteRestartsTTL},
		{"size-limit", testSizeLimit},
		{"header-counts-toward-size", testHeaderCountsTowardSize},
		{"invalid-arguments", testInvalidArguments},
		{"set-copies-value", testSetCopiesValue},
		{"independent-keys", testIndependentKeys},
		{"similar-keys", testSimilarKeys},
		{"concurrent-access", testConcurrentAccess},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, clk := newCache(t)
			tc.fn(t, c, clk)
		})
	}
}

var defaultTTL = cache.TTL{Fresh: 10 * time.Second, Stale: 20 * time.Second}

func mustSet(t *testing.T, c cache.Cache, key string, e cache.Entry, ttl cache.TTL) {
	t.Helper()
	if err := c.Set(t.Context(), key, e, ttl); err != nil {
		t.Fatalf("Set(%q): %v", key, err)
	}
}

func mustGet(t *testing.T, c cache.Cache, key string, want cache.Freshness) cache.Entry {
	t.Helper()
	e, f, err := c.Get(t.Context(), key)
	if err != nil {
		t.Fatalf("Get(%q): %v, want %v entry", key, err, want)
	}
	if f != want {
		t.Fatalf("Get(%q) freshness = %v, want %v", key, f, want)
	}
	return e
}

func mustMiss(t *testing.T, c cache.Cache, key string) {
	t.Helper()
	e, f, err := c.Get(t.Context(), key)
	if !errors.Is(err, cache.ErrMiss) {
		t.Fatalf("Get(%q) = (%d-byte body, %v, %v), want ErrMiss", key, len(e.Body), f, err)
	}
	if e.Body != nil || e.Header != nil || f != cache.Gone {
		t.Fatalf("Get(%q) on a miss returned a non-zero entry or freshness %v", key, f)
	}
}

func checkValue(t *testing.T, got cache.Entry, body []byte, header map[string]string) {
	t.Helper()
	if !bytes.Equal(got.Body, body) {
		t.Errorf("body = %q, want %q", abbrev(got.Body), abbrev(body))
	}
	if len(got.Header) != len(header) || !maps.Equal(got.Header, header) {
		t.Errorf("header = %v, want %v", got.Header, header)
	}
}

func abbrev(b []byte) string {
	if len(b) > 40 {
		return fmt.Sprintf("%s…(%d bytes)", b[:40], len(b))
	}
	return string(b)
}

func testMiss(t *testing.T, c cache.Cache, _ Clock) {
	mustMiss(t, c, cache.Key([]byte("never-stored")))
}

func testHit(t *testing.T, c cache.Cache, clk Clock) {
	key := cache.Key([]byte("E03"), []byte("hit"))
	body := []byte(`<OdpovedInfo><Status>OK</Status></OdpovedInfo>`)
	header := map[string]string{"Content-Type": "text/xml; charset=utf-8"}
	start := clk.Now()
	mustSet(t, c, key, cache.Entry{Body: body, Header: header}, defaultTTL)
	got := mustGet(t, c, key, cache.Fresh)
	checkValue(t, got, body, header)
	if !got.StoredAt.Equal(start) {
		t.Errorf("StoredAt = %v, want %v", got.StoredAt, start)
	}
	if want := start.Add(defaultTTL.Fresh); !got.FreshUntil.Equal(want) {
		t.Errorf("FreshUntil = %v, want %v", got.FreshUntil, want)
	}
	if want := start.Add(defaultTTL.Fresh + defaultTTL.Stale); !got.StaleUntil.Equal(want) {
		t.Errorf("StaleUntil = %v, want %v", got.StaleUntil, want)
	}
	// A second read sees the same entry.
	checkValue(t, mustGet(t, c, key, cache.Fresh), body, header)
}

func testHitWithoutHeader(t *testing.T, c cache.Cache, _ Clock) {
	key := cache.Key([]byte("no-header"))
	mustSet(t, c, key, cache.Entry{Body: []byte("x")}, defaultTTL)
	checkValue(t, mustGet(t, c, key, cache.Fresh), []byte("x"), nil)
}

func testEmptyBody(t *testing.T, c cache.Cache, _ Clock) {
	key := cache.Key([]byte("empty"))
	header := map[string]string{"X-Empty": ""}
	mustSet(t, c, key, cache.Entry{Body: []byte{}, Header: header}, defaultTTL)
	got := mustGet(t, c, key, cache.Fresh)
	if len(got.Body) != 0 {
		t.Errorf("body = %q, want empty", got.Body)
	}
	checkValue(t, got, nil, header)
}

func testBinaryBody(t *testing.T, c cache.Cache, _ Clock) {
	key := cache.Key([]byte("binary"))
	body := make([]byte, 3*256)
	for i := range body {
		body[i] = byte(i)
	}
	header := map[string]string{"Content-Type": "application/octet-stream", "X-Žluťoučký": "kůň\x00úpěl"}
	mustSet(t, c, key, cache.Entry{Body: body, Header: header}, defaultTTL)
	checkValue(t, mustGet(t, c, key, cache.Fresh), body, header)
}

func testFreshStaleGone(t *testing.T, c cache.Cache, clk Clock) {
	key := cache.Key([]byte("fresh-stale-gone"))
	body := []byte("answer")
	mustSet(t, c, key, cache.Entry{Body: body}, defaultTTL)

	clk.Advance(defaultTTL.Fresh - time.Millisecond)
	checkValue(t, mustGet(t, c, key, cache.Fresh), body, nil)

	clk.Advance(time.Millisecond) // exactly FreshUntil: no longer fresh
	checkValue(t, mustGet(t, c, key, cache.Stale), body, nil)

	clk.Advance(defaultTTL.Stale - time.Millisecond)
	checkValue(t, mustGet(t, c, key, cache.Stale), body, nil)

	clk.Advance(time.Millisecond) // exactly StaleUntil: gone
	mustMiss(t, c, key)

	clk.Advance(time.Hour)
	mustMiss(t, c, key)
}

func testNoStaleWindow(t *testing.T, c cache.Cache, clk Clock) {
	key := cache.Key([]byte("no-stale-window"))
	mustSet(t, c, key, cache.Entry{Body: []byte("short")}, cache.TTL{Fresh: 5 * time.Second})
	clk.Advance(5*time.Second - time.Millisecond)
	mustGet(t, c, key, cache.Fresh)
	clk.Advance(time.Millisecond)
	mustMiss(t, c, key)
}

func testOverwrite(t *testing.T, c cache.Cache, _ Clock) {
	key := cache.Key([]byte("overwrite"))
	mustSet(t, c, key, cache.Entry{Body: []byte("first, and longer than the second"), Header: map[string]string{"A": "1"}}, defaultTTL)
	mustSet(t, c, key, cache.Entry{Body: []byte("second"), Header: map[string]string{"B": "2"}}, defaultTTL)
	checkValue(t, mustGet(t, c, key, cache.Fresh), []byte("second"), map[string]string{"B": "2"})
}

func testOverwriteRestartsTTL(t *testing.T, c cache.Cache, clk Clock) {
	key := cache.Key([]byte("overwrite-ttl"))
	mustSet(t, c, key, cache.Entry{Body: []byte("old")}, cache.TTL{Fresh: 10 * time.Second})
	clk.Advance(8 * time.Second)
	mustSet(t, c, key, cache.Entry{Body: []byte("new")}, cache.TTL{Fresh: 10 * time.Second, Stale: time.Second})
	clk.Advance(5 * time.Second) // 13 s after the first Set, 5 s after the second
	checkValue(t, mustGet(t, c, key, cache.Fresh), []byte("new"), nil)
	clk.Advance(5 * time.Second)
	checkValue(t, mustGet(t, c, key, cache.Stale), []byte("new"), nil)
	clk.Advance(time.Second)
	mustMiss(t, c, key)
}

func testSizeLimit(t *testing.T, c cache.Cache, _ Clock) {
	key := cache.Key([]byte("size-limit"))
	atLimit := bytes.Repeat([]byte("a"), MaxEntryBytes)
	mustSet(t, c, key, cache.Entry{Body: atLimit}, defaultTTL)
	checkValue(t, mustGet(t, c, key, cache.Fresh), atLimit, nil)

	over := bytes.Repeat([]byte("b"), MaxEntryBytes+1)
	err := c.Set(t.Context(), key, cache.Entry{Body: over}, defaultTTL)
	if !errors.Is(err, cache.ErrTooLarge) {
		t.Fatalf("Set of %d bytes = %v, want ErrTooLarge", len(over), err)
	}
	// A refused Set leaves the previous entry in place.
	checkValue(t, mustGet(t, c, key, cache.Fresh), atLimit, nil)

	other := cache.Key([]byte("size-limit-other"))
	if err := c.Set(t.Context(), other, cache.Entry{Body: over}, defaultTTL); !errors.Is(err, cache.ErrTooLarge) {
		t.Fatalf("Set of %d bytes under a new key = %v, want ErrTooLarge", len(over), err)
	}
	mustMiss(t, c, other)
}

func testHeaderCountsTowardSize(t *testing.T, c cache.Cache, _ Clock) {
	key := cache.Key([]byte("header-size"))
	header := map[string]string{"Content-Type": "text/xml"}
	hlen := len("Content-Type") + len("text/xml")
	fits := cache.Entry{Body: bytes.Repeat([]byte("a"), MaxEntryBytes-hlen), Header: header}
	mustSet(t, c, key, fits, defaultTTL)
	tooBig := cache.Entry{Body: bytes.Repeat([]byte("a"), MaxEntryBytes-hlen+1), Header: header}
	if err := c.Set(t.Context(), key, tooBig, defaultTTL); !errors.Is(err, cache.ErrTooLarge) {
		t.Fatalf("Set with header pushing the size over the limit = %v, want ErrTooLarge", err)
	}
}

func testInvalidArguments(t *testing.T, c cache.Cache, _ Clock) {
	e := cache.Entry{Body: []byte("x")}
	tests := []struct {
		name string
		key  string
		ttl  cache.TTL
		want error
	}{
		{"empty-key", "", defaultTTL, cache.ErrInvalidKey},
		{"key-too-long", strings.Repeat("k", cache.MaxKeyBytes+1), defaultTTL, cache.ErrInvalidKey},
		{"zero-fresh", "k", cache.TTL{Stale: time.Second}, cache.ErrInvalidTTL},
		{"negative-fresh", "k", cache.TTL{Fresh: -time.Second}, cache.ErrInvalidTTL},
		{"negative-stale", "k", cache.TTL{Fresh: time.Second, Stale: -time.Second}, cache.ErrInvalidTTL},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := c.Set(t.Context(), tc.key, e, tc.ttl); !errors.Is(err, tc.want) {
				t.Fatalf("Set = %v, want %v", err, tc.want)
			}
			if tc.key != "" && len(tc.key) <= cache.MaxKeyBytes {
				mustMiss(t, c, tc.key)
			}
		})
	}
	// The longest allowed key works.
	long := strings.Repeat("k", cache.MaxKeyBytes)
	mustSet(t, c, long, e, defaultTTL)
	mustGet(t, c, long, cache.Fresh)
}

func testSetCopiesValue(t *testing.T, c cache.Cache, _ Clock) {
	key := cache.Key([]byte("copies"))
	body := []byte("original")
	header := map[string]string{"Content-Type": "text/xml"}
	mustSet(t, c, key, cache.Entry{Body: body, Header: header}, defaultTTL)
	copy(body, "MUTATED!")
	header["Content-Type"] = "mutated"
	header["X-New"] = "added"
	checkValue(t, mustGet(t, c, key, cache.Fresh), []byte("original"), map[string]string{"Content-Type": "text/xml"})
}

func testIndependentKeys(t *testing.T, c cache.Cache, clk Clock) {
	short := cache.Key([]byte("independent"), []byte("short"))
	long := cache.Key([]byte("independent"), []byte("long"))
	mustSet(t, c, short, cache.Entry{Body: []byte("s")}, cache.TTL{Fresh: time.Second})
	mustSet(t, c, long, cache.Entry{Body: []byte("l")}, cache.TTL{Fresh: time.Minute})
	mustSet(t, c, short, cache.Entry{Body: []byte("s2")}, cache.TTL{Fresh: time.Second})
	checkValue(t, mustGet(t, c, long, cache.Fresh), []byte("l"), nil)
	clk.Advance(2 * time.Second)
	mustMiss(t, c, short)
	checkValue(t, mustGet(t, c, long, cache.Fresh), []byte("l"), nil)
}

func testSimilarKeys(t *testing.T, c cache.Cache, _ Clock) {
	keys := []string{"a", "a:", "a\x00", "A", "a ", "ab", "b"}
	for i, k := range keys {
		mustSet(t, c, k, cache.Entry{Body: fmt.Appendf(nil, "value-%d", i)}, defaultTTL)
	}
	for i, k := range keys {
		checkValue(t, mustGet(t, c, k, cache.Fresh), fmt.Appendf(nil, "value-%d", i), nil)
	}
}

// testConcurrentAccess hammers a few keys from several goroutines. Every
// value names its key and carries a self-check, so a torn or crossed value
// is detected; run it with -race.
func testConcurrentAccess(t *testing.T, c cache.Cache, _ Clock) {
	const (
		workers = 8
		keys    = 16
		ops     = 150
	)
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	value := func(k, version int) []byte {
		b := fmt.Appendf(nil, "key=%d;version=%d;", k, version)
		pad := bytes.Repeat([]byte{byte('a' + version%26)}, 64+version%512)
		return append(b, pad...)
	}
	check := func(k int, body []byte) error {
		var gk, gv int
		if _, err := fmt.Sscanf(string(body), "key=%d;version=%d;", &gk, &gv); err != nil {
			return fmt.Errorf("unparsable value %q: %w", abbrev(body), err)
		}
		if gk != k || !bytes.Equal(body, value(gk, gv)) {
			return fmt.Errorf("key %d holds torn or foreign value %q", k, abbrev(body))
		}
		return nil
	}
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := range workers {
		wg.Go(func() {
			for i := range ops {
				k := (w*7 + i) % keys
				key := cache.Key([]byte("concurrent"), fmt.Appendf(nil, "%d", k))
				if i%3 == 0 {
					h := map[string]string{"X-Writer": fmt.Sprint(w)}
					if err := c.Set(ctx, key, cache.Entry{Body: value(k, w*ops+i), Header: h}, defaultTTL); err != nil {
						errs <- fmt.Errorf("Set: %w", err)
						return
					}
					continue
				}
				e, _, err := c.Get(ctx, key)
				if errors.Is(err, cache.ErrMiss) {
					continue
				}
				if err != nil {
					errs <- fmt.Errorf("Get: %w", err)
					return
				}
				if err := check(k, e.Body); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	for k := range keys {
		key := cache.Key([]byte("concurrent"), fmt.Appendf(nil, "%d", k))
		e := mustGet(t, c, key, cache.Fresh)
		if err := check(k, e.Body); err != nil {
			t.Error(err)
		}
	}
}
