package postgres_test

import (
	"context"
	"os"
	"strconv"
	"testing"

	"konektor/internal/store/postgres"
	"konektor/internal/store/postgres/pgtest"
	"konektor/internal/store/storetest"
)

// BenchmarkQueryAccess measures a filtered page over a million entries
// (KONEKTOR_BENCH_ENTRIES to change the size).
func BenchmarkQueryAccess(b *testing.B) {
	n := benchSize(b)
	url := pgtest.NewSchema(b)
	s := pgtest.OpenURL(b, url)
	storetest.SeedBench(b, s, n)
	// What autovacuum does on its own soon after a bulk load.
	pgtest.Exec(b, url, "ANALYZE access_log")
	b.ResetTimer()
	storetest.BenchQueries(b, s, n)
}

// BenchmarkQueryAccessUnindexedTail is BenchmarkQueryAccess while the
// indexer lags 20 000 entries behind (a second of appends at 20 000/s):
// those entries are read from access_log by every query.
func BenchmarkQueryAccessUnindexedTail(b *testing.B) {
	n := benchSize(b)
	url := pgtest.NewSchema(b)
	s := pgtest.OpenURLWith(b, url, postgres.Options{ManualSearchIndex: true})
	storetest.SeedBench(b, s, n)
	storetest.SeedTail(b, s, 20000)
	pgtest.Exec(b, url, "ANALYZE access_log")
	pgtest.Exec(b, url, "ANALYZE access_search")
	b.ResetTimer()
	storetest.BenchQueries(b, s, n)
}

// BenchmarkSearchIndexCatchUp measures the indexer alone on a large log:
// 20 000 new entries per op appended (not timed) to a seeded log, then
// copied into access_search (timed) in the indexer's transactions.
func BenchmarkSearchIndexCatchUp(b *testing.B) {
	n := benchSize(b)
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
		storetest.SeedTail(b, s, perOp)
		b.StartTimer()
		if err := s.CatchUpSearchIndex(ctx, 0); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(perOp*b.N)/b.Elapsed().Seconds(), "entries/s")
}

// benchSize is the size of the benchmark log: 1 million by default,
// KONEKTOR_BENCH_ENTRIES to change it.
func benchSize(b *testing.B) int64 {
	n := int64(1_000_000)
	if s := os.Getenv("KONEKTOR_BENCH_ENTRIES"); s != "" {
		v, err := strconv.ParseInt(s, 10, 64)
		if err != nil || v < 1000 {
			b.Fatalf("KONEKTOR_BENCH_ENTRIES=%q: want a number of at least 1000", s)
		}
		n = v
	}
	return n
}
