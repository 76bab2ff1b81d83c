package postgres_test

import (
	"os"
	"strconv"
	"testing"

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
