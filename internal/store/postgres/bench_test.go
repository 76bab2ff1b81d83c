package postgres_test

import (
	"context"
	"os"
	"strconv"
	"testing"

	"konektor/internal/store"
	"konektor/internal/store/postgres"
	"konektor/internal/store/postgres/pgtest"
	"konektor/internal/store/storetest"
)

// BenchmarkQueryAccess measures a filtered page over a million entries
// (KONEKTOR_BENCH_ENTRIES to change the size).
func BenchmarkQueryAccess(b *testing.B) {
	n := int64(1_000_000)
	if s := os.Getenv("KONEKTOR_BENCH_ENTRIES"); s != "" {
		v, err := strconv.ParseInt(s, 10, 64)
		if err != nil || v < 1000 {
			b.Fatalf("KONEKTOR_BENCH_ENTRIES=%q: want a number of at least 1000", s)
		}
		n = v
	}
	url := pgtest.NewSchema(b)
	s := pgtest.OpenURL(b, url)
	storetest.SeedBench(b, s, n)
	// What autovacuum does on its own soon after a bulk load.
	pgtest.Exec(b, url, "ANALYZE access_log")
	b.ResetTimer()
	storetest.BenchQueries(b, s, n)
}

// BenchmarkSearchIndexCatchUp measures the indexer alone on a large log:
// 20 000 new entries per op appended (not timed) to a seeded log, then
// copied into access_search (timed) in the indexer's transactions.
func BenchmarkSearchIndexCatchUp(b *testing.B) {
	n := int64(1_000_000)
	if s := os.Getenv("KONEKTOR_BENCH_ENTRIES"); s != "" {
		v, err := strconv.ParseInt(s, 10, 64)
		if err != nil || v < 1000 {
			b.Fatalf("KONEKTOR_BENCH_ENTRIES=%q: want a number of at least 1000", s)
		}
		n = v
	}
	url := pgtest.NewSchema(b)
	s := pgtest.OpenURLWith(b, url, postgres.Options{ManualSearchIndex: true})
	storetest.SeedBench(b, s, n)
	pgtest.Exec(b, url, "ANALYZE access_log")
	pgtest.Exec(b, url, "ANALYZE access_search")
	ctx := context.Background()
	const perOp = 20000
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		last, err := s.LastAccess(ctx)
		if err != nil {
			b.Fatal(err)
		}
		storetest.SeedBench(b, noIndex{s}, last.Seq+perOp)
		b.StartTimer()
		if err := s.CatchUpSearchIndex(ctx, 0); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(perOp*b.N)/b.Elapsed().Seconds(), "entries/s")
}

// noIndex hides the search index from SeedBench (which would catch it
// up): the benchmark times that itself.
type noIndex struct{ store.Store }
