package memory

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"konektor/gateway/cache"
	"konektor/gateway/cache/cachetest"
)

func TestConformance(t *testing.T) {
	cachetest.Run(t, func(t *testing.T) (cache.Cache, cachetest.Clock) {
		t.Helper()
		clk := cachetest.NewClock()
		c, err := New(Options{MaxBytes: 4 << 20, MaxEntryBytes: cachetest.MaxEntryBytes, Now: clk.Now})
		if err != nil {
			t.Fatal(err)
		}
		return c, clk
	})
}

func TestNew(t *testing.T) {
	tests := []struct {
		name    string
		opts    Options
		wantErr string
	}{
		{"defaults", Options{}, ""},
		{"negative-max-bytes", Options{MaxBytes: -1}, "max bytes -1 is negative"},
		{"negative-max-entry-bytes", Options{MaxEntryBytes: -1}, "max entry bytes -1 is negative"},
		{"budget-smaller-than-one-entry", Options{MaxBytes: 1000, MaxEntryBytes: 1000}, "cannot hold one entry"},
		{"budget-fits-one-entry", Options{MaxBytes: 1000 + cache.MaxKeyBytes + entryOverhead, MaxEntryBytes: 1000}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := New(tc.opts)
			if tc.wantErr == "" {
				if err != nil || c == nil {
					t.Fatalf("New = %v, %v; want a cache", c, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("New error = %v, want it to contain %q", err, tc.wantErr)
			}
		})
	}
}

// newSmall returns a cache whose budget holds exactly three 1000-byte
// entries under 64-byte keys.
func newSmall(t *testing.T) (*Cache, *cachetest.ManualClock) {
	t.Helper()
	clk := cachetest.NewClock()
	per := int64(cache.KeyLen + 1000 + entryOverhead)
	c, err := New(Options{MaxBytes: 3 * per, MaxEntryBytes: 1000, Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	return c, clk
}

func key(i int) string { return cache.Key(fmt.Appendf(nil, "%d", i)) }

func set(t *testing.T, c *Cache, i int) {
	t.Helper()
	body := bytes.Repeat([]byte{byte('0' + i)}, 1000)
	if err := c.Set(t.Context(), key(i), cache.Entry{Body: body}, cache.TTL{Fresh: time.Minute}); err != nil {
		t.Fatal(err)
	}
}

func present(t *testing.T, c *Cache, i int) bool {
	t.Helper()
	_, _, err := c.Get(t.Context(), key(i))
	if err != nil && !errors.Is(err, cache.ErrMiss) {
		t.Fatal(err)
	}
	return err == nil
}

func TestEvictsLeastRecentlyUsed(t *testing.T) {
	c, _ := newSmall(t)
	set(t, c, 1)
	set(t, c, 2)
	set(t, c, 3)
	if !present(t, c, 1) { // 1 becomes the most recently used
		t.Fatal("entry 1 missing before the budget was exceeded")
	}
	set(t, c, 4) // evicts 2, the least recently used
	if present(t, c, 2) {
		t.Error("entry 2 survived; the least recently used entry should have been evicted")
	}
	for _, i := range []int{1, 3, 4} {
		if !present(t, c, i) {
			t.Errorf("entry %d was evicted; only entry 2 should have been", i)
		}
	}
	if c.Len() != 3 {
		t.Errorf("Len = %d, want 3", c.Len())
	}
	if c.Bytes() > c.maxBytes {
		t.Errorf("Bytes = %d exceeds the budget %d", c.Bytes(), c.maxBytes)
	}
}

func TestOverwriteKeepsAccounting(t *testing.T) {
	c, _ := newSmall(t)
	for range 10 {
		set(t, c, 1)
	}
	want := int64(cache.KeyLen + 1000 + entryOverhead)
	if c.Len() != 1 || c.Bytes() != want {
		t.Fatalf("after 10 overwrites Len = %d, Bytes = %d; want 1, %d", c.Len(), c.Bytes(), want)
	}
}

func TestGoneEntryIsRemovedOnGet(t *testing.T) {
	c, clk := newSmall(t)
	set(t, c, 1)
	clk.Advance(time.Minute)
	if present(t, c, 1) {
		t.Fatal("entry served past its deadline")
	}
	if c.Len() != 0 || c.Bytes() != 0 {
		t.Fatalf("gone entry still held: Len = %d, Bytes = %d", c.Len(), c.Bytes())
	}
}

func TestGetDoesNotAllocate(t *testing.T) {
	c, _ := newSmall(t)
	set(t, c, 1)
	k := key(1)
	ctx := t.Context()
	allocs := testing.AllocsPerRun(100, func() {
		if _, _, err := c.Get(ctx, k); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Fatalf("Get allocates %.1f times per hit, want 0", allocs)
	}
}

func BenchmarkGetHit5KB(b *testing.B) {
	c, err := New(Options{})
	if err != nil {
		b.Fatal(err)
	}
	k := cache.Key([]byte("E03"), []byte("bench"))
	body := bytes.Repeat([]byte("x"), 5<<10)
	if err := c.Set(b.Context(), k, cache.Entry{Body: body, Header: map[string]string{"Content-Type": "text/xml"}}, cache.TTL{Fresh: time.Hour}); err != nil {
		b.Fatal(err)
	}
	ctx := b.Context()
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if _, _, err := c.Get(ctx, k); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkGetHit5KBParallel(b *testing.B) {
	c, err := New(Options{})
	if err != nil {
		b.Fatal(err)
	}
	keys := make([]string, 64)
	body := bytes.Repeat([]byte("x"), 5<<10)
	for i := range keys {
		keys[i] = key(i)
		if err := c.Set(b.Context(), keys[i], cache.Entry{Body: body}, cache.TTL{Fresh: time.Hour}); err != nil {
			b.Fatal(err)
		}
	}
	ctx := b.Context()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			if _, _, err := c.Get(ctx, keys[i%len(keys)]); err != nil {
				b.Error(err)
				return
			}
			i++
		}
	})
}
