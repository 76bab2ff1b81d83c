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
