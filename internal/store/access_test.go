package store_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"konektor/internal/store"
)

func TestValidateAccessEntry(t *testing.T) {
	t.Parallel()
	ok := store.AccessEntry{Seq: 1, Time: time.Date(2025, 1, 2, 3, 4, 5, 6, time.UTC), Purpose: "ověření 🐎"}
	with := func(f func(*store.AccessEntry)) store.AccessEntry { e := ok; f(&e); return e }
	for _, c := range []struct {
		name  string
		entry store.AccessEntry
		want  string // "" = valid; else a substring of the error
	}{
		{"valid", ok, ""},
		{"zero-time-is-year-1", with(func(e *store.AccessEntry) { e.Time = time.Time{} }), ""},
		{"year-9999", with(func(e *store.AccessEntry) { e.Time = time.Date(9999, 12, 31, 23, 0, 0, 0, time.UTC) }), ""},
		{"year-10000", with(func(e *store.AccessEntry) { e.Time = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC) }), "year 10000"},
		{"year-0", with(func(e *store.AccessEntry) { e.Time = time.Date(0, 12, 31, 0, 0, 0, 0, time.UTC) }), "year 0"},
		{"year-in-utc-counts", with(func(e *store.AccessEntry) {
			e.Time = time.Date(10000, 1, 1, 0, 30, 0, 0, time.FixedZone("CET", 3600))
		}), ""},
		{"seq-zero", with(func(e *store.AccessEntry) { e.Seq = 0 }), "seq 0"},
		{"invalid-utf8-purpose", with(func(e *store.AccessEntry) { e.Purpose = "a\xc3" }), "purpose is not valid UTF-8"},
		{"nul-in-user", with(func(e *store.AccessEntry) { e.User = "a\x00b" }), "user contains a NUL"},
		{"nul-in-hash", with(func(e *store.AccessEntry) { e.Hash = "\x00" }), "hash contains a NUL"},
		{"invalid-utf8-evidence", with(func(e *store.AccessEntry) { e.Evidence = "\xed\xa0\x80" }), "evidence is not valid UTF-8"},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := store.ValidateAccessEntry(c.entry)
			if c.want == "" {
				if err != nil {
					t.Fatalf("ValidateAccessEntry = %v, want nil", err)
				}
				return
			}
			if !errors.Is(err, store.ErrInvalid) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("ValidateAccessEntry = %v, want ErrInvalid mentioning %q", err, c.want)
			}
		})
	}
}

func TestCheckAccessBatch(t *testing.T) {
	t.Parallel()
	seqs := func(s ...int64) []store.AccessEntry {
		out := make([]store.AccessEntry, len(s))
		for i, v := range s {
			out[i] = store.AccessEntry{Seq: v}
		}
		return out
	}
	bad := seqs(4, 5, 6)
	bad[2].Reason = "\xff"
	for _, c := range []struct {
		name  string
		batch []store.AccessEntry
		want  error
	}{
		{"empty", nil, nil},
		{"consecutive", seqs(4, 5, 6), nil},
		{"gap", seqs(4, 6), store.ErrConflict},
		{"repeat", seqs(4, 4), store.ErrConflict},
		{"descending", seqs(5, 4), store.ErrConflict},
		{"invalid-last-entry", bad, store.ErrInvalid},
		{"seq-zero-first", seqs(0, 1), store.ErrInvalid},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := store.CheckAccessBatch(c.batch)
			if c.want == nil && err != nil || c.want != nil && !errors.Is(err, c.want) {
				t.Fatalf("CheckAccessBatch = %v, want %v", err, c.want)
			}
		})
	}
}

func TestStoredTime(t *testing.T) {
	t.Parallel()
	in := time.Date(1969, 12, 31, 23, 59, 59, 999999999, time.FixedZone("X", -7200))
	got := store.StoredTime(in)
	want := time.Date(1970, 1, 1, 1, 59, 59, 999999000, time.UTC)
	if got != want {
		t.Fatalf("StoredTime(%v) = %v, want %v", in, got, want)
	}
}
