package sqlite_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"go.uber.org/zap"

	"konektor/internal/store"
	"konektor/internal/store/sqlite"
)

// Text from callers reaches the store: whatever the bytes, an append either
// stores them exactly or refuses them with ErrInvalid, never anything else.
func FuzzTextRoundTrip(f *testing.F) {
	for _, s := range []string{"", "Žluťoučký kůň 🐎", "a\x00b", "\xff", "'); DROP TABLE access_log; --", "\r\n\t", "\xed\xa0\x80"} {
		f.Add(s, s+"x")
	}
	s, err := sqlite.Open(context.Background(), filepath.Join(f.TempDir(), "fuzz.db"), zap.NewNop())
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { _ = s.Close() })
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, a, b string) {
		last, err := s.LastAccess(ctx)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			t.Fatal(err)
		}
		e := store.AccessEntry{Seq: last.Seq + 1, CorrelationID: a, Purpose: b, Reason: a + b, Hash: b}
		err = s.AppendAccess(ctx, []store.AccessEntry{e})
		if verr := store.ValidateAccessEntry(e); verr != nil {
			if !errors.Is(err, store.ErrInvalid) {
				t.Fatalf("AppendAccess of invalid text = %v, want ErrInvalid", err)
			}
			return
		}
		if err != nil {
			t.Fatalf("AppendAccess: %v", err)
		}
		got, err := s.LastAccess(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if e.Time = store.StoredTime(e.Time); got != e {
			t.Fatalf("stored %+v, read back %+v", e, got)
		}
	})
}
