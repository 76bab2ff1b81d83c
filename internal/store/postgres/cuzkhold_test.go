package postgres_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"konektor/internal/store"
	"konektor/internal/store/postgres/pgtest"
	"konektor/internal/store/storetest"
)

func TestCUZKHoldConformance(t *testing.T) {
	storetest.RunCUZKHolds(t, func(t *testing.T) store.CUZKHoldStore { return pgtest.Open(t) })
}

// TestCUZKHoldShared runs the suite on two stores (two konektor nodes'
// connection pools) over one database.
func TestCUZKHoldShared(t *testing.T) {
	storetest.RunCUZKHoldsShared(t, func(t *testing.T) (store.CUZKHoldStore, store.CUZKHoldStore) {
		url := pgtest.NewSchema(t)
		return pgtest.OpenURL(t, url), pgtest.OpenURL(t, url)
	})
}

// BenchmarkCUZKHoldGet is the check every node makes before a call goes
// to ČÚZK: one lookup by account, here of an account without a hold.
func BenchmarkCUZKHoldGet(b *testing.B) {
	ctx := context.Background()
	s := pgtest.Open(b)
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
