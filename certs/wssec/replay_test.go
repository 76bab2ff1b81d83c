package wssec

import (
	"errors"
	"testing"
	"time"
)

func TestMemoryReplayCache(t *testing.T) {
	now := t0
	c := NewMemoryReplayCache(2, func() time.Time { return now })
	steps := []struct {
		name    string
		advance time.Duration
		key     string
		until   time.Duration
		seen    bool
		err     error
		size    int
	}{
		{name: "first-a", key: "a", until: time.Minute, size: 1},
		{name: "again-a", key: "a", until: time.Minute, seen: true, size: 1},
		{name: "first-b", key: "b", until: 10 * time.Minute, size: 2},
		{name: "full-nothing-expired", key: "c", until: time.Minute, err: ErrReplayCacheFull, size: 2},
		{name: "a-expired-is-swept", advance: 2 * time.Minute, key: "c", until: 5 * time.Minute, size: 2},
		{name: "b-still-remembered", key: "b", until: 10 * time.Minute, seen: true, size: 2},
		{name: "full-again", key: "a", until: 10 * time.Minute, err: ErrReplayCacheFull, size: 2},
		{name: "all-expired", advance: time.Hour, key: "a", until: time.Hour + 5*time.Minute, size: 1},
	}
	for _, s := range steps {
		now = now.Add(s.advance)
		seen, err := c.Remember(bg, s.key, now.Add(s.until))
		if seen != s.seen || !errors.Is(err, s.err) || c.Len() != s.size {
			t.Fatalf("%s: seen %v err %v size %d, want %v %v %d", s.name, seen, err, c.Len(), s.seen, s.err, s.size)
		}
	}
}
