package sqlite_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"go.uber.org/zap/zaptest"

	"konektor/internal/store"
	"konektor/internal/store/sqlite"
	"konektor/internal/store/storetest"
)

func TestCUZKHoldConformance(t *testing.T) {
	storetest.RunCUZKHolds(t, func(t *testing.T) store.CUZKHoldStore { return openTemp(t) })
}

// TestCUZKHoldSurvivesReopen: a hold is in the file, not in the process;
// a konektor restarted on the same data directory still sees it.
func TestCUZKHoldSurvivesReopen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "konektor.db")
	s, err := sqlite.Open(ctx, path, zaptest.NewLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	h := store.CUZKHold{Account: "DEMO-WSDP", Since: time.Date(2026, 3, 1, 8, 0, 0, 123456789, time.UTC),
		Reason: "FailedAuthentication", Node: "uzel-a", SecretFP: "sha256:00"}
	if _, created, err := s.PutCUZKHold(ctx, h); err != nil || !created {
		t.Fatalf("put: %v %v", created, err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err = sqlite.Open(ctx, path, zaptest.NewLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got, err := s.GetCUZKHold(ctx, "DEMO-WSDP")
	if err != nil || !got.Held() || got.SecretFP != h.SecretFP || !got.Since.Equal(store.StoredTime(h.Since)) {
		t.Fatalf("after reopen: %+v %v", got, err)
	}
}

// BenchmarkCUZKHoldGet is the check every node makes before a call goes
// to ČÚZK: one lookup by account, here of an account without a hold.
func BenchmarkCUZKHoldGet(b *testing.B) {
	ctx := context.Background()
	s, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "konektor.db"), nil)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	if _, _, err := s.PutCUZKHold(ctx, store.CUZKHold{Account: "JINY-UCET", Since: time.Now(), Reason: "FailedAuthentication", Node: "n", SecretFP: "sha256:00"}); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := s.GetCUZKHold(ctx, "DEMO-WSDP"); !errors.Is(err, store.ErrNotFound) {
			b.Fatal(err)
		}
	}
}
