package cache

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestFreshnessAt(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	e := Stamp(Entry{}, t0, TTL{Fresh: 10 * time.Second, Stale: 5 * time.Second})
	tests := []struct {
		name string
		at   time.Duration
		want Freshness
	}{
		{"stored", 0, Fresh},
		{"just-before-fresh-deadline", 10*time.Second - time.Nanosecond, Fresh},
		{"at-fresh-deadline", 10 * time.Second, Stale},
		{"just-before-stale-deadline", 15*time.Second - time.Nanosecond, Stale},
		{"at-stale-deadline", 15 * time.Second, Gone},
		{"long-after", time.Hour, Gone},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := e.FreshnessAt(t0.Add(tc.at)); got != tc.want {
				t.Fatalf("FreshnessAt(+%v) = %v, want %v", tc.at, got, tc.want)
			}
		})
	}
}

func TestValidate(t *testing.T) {
	ok := TTL{Fresh: time.Second}
	tests := []struct {
		name    string
		key     string
		e       Entry
		ttl     TTL
		want    error
		wantMsg string
	}{
		{"valid", "k", Entry{Body: []byte("1234")}, ok, nil, ""},
		{"body-at-limit", "k", Entry{Body: make([]byte, 8)}, ok, nil, ""},
		{"body-over-limit", "k", Entry{Body: make([]byte, 9)}, ok, ErrTooLarge, "9 bytes, limit 8"},
		{"header-over-limit", "k", Entry{Body: make([]byte, 4), Header: map[string]string{"ab": "cde"}}, ok, ErrTooLarge, "9 bytes"},
		{"empty-key", "", Entry{}, ok, ErrInvalidKey, "empty"},
		{"long-key", strings.Repeat("k", MaxKeyBytes+1), Entry{}, ok, ErrInvalidKey, "limit 256"},
		{"zero-fresh", "k", Entry{}, TTL{}, ErrInvalidTTL, "not positive"},
		{"negative-stale", "k", Entry{}, TTL{Fresh: 1, Stale: -1}, ErrInvalidTTL, "negative"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := Validate(tc.key, tc.e, tc.ttl, 8)
			if !errors.Is(err, tc.want) || (tc.want == nil) != (err == nil) {
				t.Fatalf("Validate = %v, want %v", err, tc.want)
			}
			if err != nil && !strings.Contains(err.Error(), tc.wantMsg) {
				t.Fatalf("Validate = %q, want it to mention %q", err, tc.wantMsg)
			}
		})
	}
}

func TestFreshnessString(t *testing.T) {
	for f, want := range map[Freshness]string{Fresh: "fresh", Stale: "stale", Gone: "gone", 9: "freshness(9)"} {
		if got := f.String(); got != want {
			t.Errorf("Freshness(%d).String() = %q, want %q", f, got, want)
		}
	}
}
