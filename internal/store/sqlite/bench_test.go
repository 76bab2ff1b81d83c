package sqlite_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"go.uber.org/zap"

	"konektor/internal/store/sqlite"
	"konektor/internal/store/storetest"
)

// benchEntries is the size of the query benchmark's log: 1 million by
// default, KONEKTOR_BENCH_ENTRIES to change it.
func benchEntries(b *testing.B) int64 {
	if s := os.Getenv("KONEKTOR_BENCH_ENTRIES"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < 1000 {
			b.Fatalf("KONEKTOR_BENCH_ENTRIES=%q: want a number of at least 1000", s)
		}
		return n
	}
	return 1_000_000
}

// BenchmarkQueryAccess measures a filtered page over a million entries.
// Seeding takes a while; KONEKTOR_BENCH_DB names a file to keep the seeded
// log in between runs.
func BenchmarkQueryAccess(b *testing.B) {
	n := benchEntries(b)
	path := os.Getenv("KONEKTOR_BENCH_DB")
	if path == "" {
		path = filepath.Join(b.TempDir(), "bench.db")
	}
	s, err := sqlite.Open(context.Background(), path, zap.NewNop())
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	storetest.SeedBench(b, s, n)
	b.ResetTimer()
	storetest.BenchQueries(b, s, n)
}

// BenchmarkQueryAccessUnindexedTail is BenchmarkQueryAccess while the
// indexer lags 20 000 entries behind (a second of appends at 20 000/s):
// those entries are read from the log by every query.
func BenchmarkQueryAccessUnindexedTail(b *testing.B) {
	path := benchDB(b)
	s, err := sqlite.OpenWith(context.Background(), path, sqlite.Options{Logger: zap.NewNop(), ManualSearchIndex: true})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	n := benchEntries(b)
	storetest.SeedBench(b, s, n)
	storetest.SeedTail(b, s, 20000)
	b.ResetTimer()
	storetest.BenchQueries(b, s, n)
}

// benchDB returns KONEKTOR_BENCH_DB, or skips b.
func benchDB(b *testing.B) string {
	path := os.Getenv("KONEKTOR_BENCH_DB")
	if path == "" {
		b.Skip("KONEKTOR_BENCH_DB is not set")
	}
	return path
}

// BenchmarkSearchIndexBuild measures building the search file from scratch
// over the log of KONEKTOR_BENCH_DB (seeded as for BenchmarkQueryAccess):
// what happens after the file is lost or on the upgrade that introduced it.
// Run it with -benchtime 1x.
func BenchmarkSearchIndexBuild(b *testing.B) {
	path := benchDB(b)
	ctx := context.Background()
	s, err := sqlite.Open(ctx, path, zap.NewNop())
	if err != nil {
		b.Fatal(err)
	}
	storetest.SeedBench(b, s, benchEntries(b))
	last, err := s.LastAccess(ctx)
	if err != nil {
		b.Fatal(err)
	}
	_ = s.Close()
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		for _, p := range []string{sqlite.SearchPath(path), sqlite.SearchPath(path) + "-wal", sqlite.SearchPath(path) + "-shm"} {
			if err := os.Remove(p); err != nil && !os.IsNotExist(err) {
				b.Fatal(err)
			}
		}
		s, err := sqlite.OpenWith(ctx, path, sqlite.Options{Logger: zap.NewNop(), ManualSearchIndex: true})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if err := s.CatchUpSearchIndex(ctx, 0); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		_ = s.Close()
	}
	b.ReportMetric(float64(last.Seq)*float64(b.N)/b.Elapsed().Seconds(), "entries/s")
}

// BenchmarkSearchIndexCatchUp measures the indexer alone on a large log:
// 20 000 new entries per op appended (not timed) to the log of
// KONEKTOR_BENCH_DB, then indexed (timed) in the indexer's transactions.
func BenchmarkSearchIndexCatchUp(b *testing.B) {
	path := benchDB(b)
	ctx := context.Background()
	s, err := sqlite.OpenWith(ctx, path, sqlite.Options{Logger: zap.NewNop(), ManualSearchIndex: true})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	storetest.SeedBench(b, s, benchEntries(b))
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
