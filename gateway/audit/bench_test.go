package audit

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/zap"

	"konektor/internal/cputime"
	"konektor/internal/store"
	"konektor/internal/store/postgres"
	"konektor/internal/store/postgres/pgtest"
	"konektor/internal/store/sqlite"
	"konektor/internal/store/storetest"
)

// recorders is how many goroutines call Record at once in BenchmarkRecord.
const recorders = 64

// admitted is how many calls konektor's bus admits at once by default
// (bus.max_concurrent), so at most this many entries wait for a commit.
const admitted = 256

// BenchmarkRecord measures group-committed Record throughput with 64
// concurrent callers, every entry durably stored before Record returns.
// MaxDelay trades a little latency for larger batches (fewer fsyncs). The
// memory case has no storage cost: it measures the Recorder itself.
func BenchmarkRecord(b *testing.B) {
	b.Run("memory", func(b *testing.B) { benchRecord(b, &memLog{}, 0) })
	for _, delay := range []time.Duration{0, 500 * time.Microsecond, 2 * time.Millisecond} {
		b.Run(fmt.Sprintf("sqlite/max-delay=%s", delay), func(b *testing.B) {
			s, _ := openSQLite(b)
			benchRecord(b, s, delay)
		})
		b.Run(fmt.Sprintf("postgres/max-delay=%s", delay), func(b *testing.B) {
			benchRecord(b, pgtest.Open(b), delay)
		})
	}
}

// BenchmarkRecordIndexerPaused is BenchmarkRecord (adaptive batching) with
// the background search indexer stopped: what the append alone costs, and
// by difference what indexing beside it costs on two cores.
func BenchmarkRecordIndexerPaused(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) {
		s, err := sqlite.OpenWith(context.Background(), filepath.Join(b.TempDir(), "konektor.db"),
			sqlite.Options{Logger: zap.NewNop(), ManualSearchIndex: true})
		if err != nil {
			b.Fatal(err)
		}
		defer func() { _ = s.Close() }()
		benchRecord(b, s, 0)
	})
	b.Run("postgres", func(b *testing.B) {
		benchRecord(b, pgtest.OpenURLWith(b, pgtest.NewSchema(b), postgres.Options{ManualSearchIndex: true}), 0)
	})
}

// BenchmarkRecordLargeLog appends to a log that already holds a million
// entries (the SQLite file of the query benchmark: KONEKTOR_BENCH_DB, see
// internal/store/sqlite), where every index insert lands in a deep b-tree.
// Skipped unless KONEKTOR_BENCH_DB is set.
func BenchmarkRecordLargeLog(b *testing.B) {
	path := os.Getenv("KONEKTOR_BENCH_DB")
	if path == "" {
		b.Skip("KONEKTOR_BENCH_DB is not set")
	}
	benchLargeLog(b, "sqlite-1M", func(paused bool) largeLog {
		s, err := sqlite.OpenWith(context.Background(), path, sqlite.Options{Logger: zap.NewNop(), ManualSearchIndex: paused})
		if err != nil {
			b.Fatal(err)
		}
		return s
	}, func(s largeLog) { storetest.SeedBench(b, s, 1_000_000) })
}

// BenchmarkRecordLargeLogPostgres is BenchmarkRecordLargeLog on
// PostgreSQL: a fresh schema seeded with a million entries, then appends.
func BenchmarkRecordLargeLogPostgres(b *testing.B) {
	url := pgtest.NewSchema(b)
	benchLargeLog(b, "postgres-1M", func(paused bool) largeLog {
		return pgtest.OpenURLWith(b, url, postgres.Options{ManualSearchIndex: paused})
	}, func(s largeLog) {
		storetest.SeedBench(b, s, 1_000_000)
		// Steady state, as a log that grew over months: seeding a million
		// rows at once would otherwise leave autovacuum and a checkpoint
		// to run during the measurement.
		pgtest.Exec(b, url, "VACUUM (ANALYZE) access_log, access_search")
		pgtest.Exec(b, url, "CHECKPOINT")
	})
}

// largeLog is a store the large-log benchmarks open and close.
type largeLog interface {
	store.Store
	Close() error
}

// benchLargeLog seeds the store open returns once, then measures appends
// with the search indexer in the background (as konektor runs) and
// paused (what indexing costs the appends on two cores), each with 64
// callers (two batching delays) and at the admission limit.
func benchLargeLog(b *testing.B, name string, open func(paused bool) largeLog, seed func(largeLog)) {
	seeded := false
	for _, paused := range []bool{false, true} {
		s := open(paused)
		if !seeded {
			seed(s)
			seeded = true
		}
		n := name
		if paused {
			n += "-indexer-paused"
		}
		for _, delay := range []time.Duration{0, 500 * time.Microsecond} {
			b.Run(fmt.Sprintf("%s/max-delay=%s", n, delay), func(b *testing.B) { benchRecordVaried(b, s, delay, recorders) })
		}
		b.Run(n+"/admission-limit", func(b *testing.B) { benchRecordVaried(b, s, 0, admitted) })
		if err := s.Close(); err != nil {
			b.Fatal(err)
		}
	}
}

// benchRecordVaried is benchRecord with entries that differ as real ones
// do (200 AIS, 5000 users, 200 000 subjects, times moving forward), so
// index inserts land all over their b-trees rather than on one hot page.
func benchRecordVaried(b *testing.B, log store.AccessLog, delay time.Duration, callers int) {
	var n atomic.Int64
	start := time.Now()
	gen := func() store.AccessEntry {
		i := n.Add(1)
		e := exchange(0)
		e.Time = start.Add(time.Duration(i) * time.Millisecond)
		e.AIS = fmt.Sprintf("%d", 100000+i*13%200)
		e.User = fmt.Sprintf("user%d", i*29%5000)
		e.Subject = fmt.Sprintf("aifo:%032x", (i*7919)%200000)
		e.CorrelationID = fmt.Sprintf("bench-%d", i)
		return e
	}
	benchRecordCallers(b, log, delay, gen, callers)
}

func benchRecord(b *testing.B, log store.AccessLog, delay time.Duration) {
	e := exchange(1)
	benchRecordGen(b, log, delay, func() store.AccessEntry { return e })
}

func benchRecordGen(b *testing.B, log store.AccessLog, delay time.Duration, gen func() store.AccessEntry) {
	benchRecordCallers(b, log, delay, gen, recorders)
}

// BenchmarkRecordAdmissionLimit is BenchmarkRecord (adaptive batching)
// with as many callers as konektor admits at once by default
// (bus.max_concurrent 256): under full load a commit can carry up to that
// many entries, so one fsync serves more of them.
func BenchmarkRecordAdmissionLimit(b *testing.B) {
	e := exchange(1)
	gen := func() store.AccessEntry { return e }
	b.Run("sqlite", func(b *testing.B) {
		s, _ := openSQLite(b)
		benchRecordCallers(b, s, 0, gen, admitted)
	})
	b.Run("postgres", func(b *testing.B) {
		benchRecordCallers(b, pgtest.Open(b), 0, gen, admitted)
	})
}

func benchRecordCallers(b *testing.B, log store.AccessLog, delay time.Duration, gen func() store.AccessEntry, callers int) {
	h := &hookLog{AccessLog: log}
	// The Recorder appends one batch at a time: time spent in the store
	// per batch, beside the whole round (commit-ms against ms/batch).
	var began time.Time
	var inStore time.Duration
	h.before = func(int, context.Context, []store.AccessEntry) error { began = time.Now(); return nil }
	h.after = func(_ int, err error) error { inStore += time.Since(began); return err }
	r := NewRecorder(h, Options{Logger: zap.NewNop(), MaxDelay: delay})
	defer func() { _ = r.Close(context.Background()) }()
	b.SetParallelism((callers + runtime.GOMAXPROCS(0) - 1) / runtime.GOMAXPROCS(0))
	b.ReportAllocs()
	// With PostgreSQL the CPU of its server's processes counts too (if
	// any are visible in /proc; other clients' work on the same server
	// counts as well).
	var servers []string
	if _, pg := log.(*postgres.Store); pg {
		servers = []string{"postgres"}
	}
	cpu := cputime.Start(servers...)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := r.Record(context.Background(), gen()); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "entries/s")
	if n := len(h.batchSizes()); n > 0 {
		b.ReportMetric(float64(b.N)/float64(n), "entries/batch")
		b.ReportMetric(inStore.Seconds()*1000/float64(n), "commit-ms")
		b.ReportMetric(b.Elapsed().Seconds()*1000/float64(n), "ms/batch")
	}
	// A derived search index is filled in the background while appends
	// run: report how far behind it was when they stopped, then let it
	// catch up outside the measurement.
	if idx, ok := log.(store.SearchIndex); ok {
		last, err := log.LastAccess(context.Background())
		indexed, ierr := idx.SearchIndexedThrough(context.Background())
		if err == nil && ierr == nil {
			b.ReportMetric(float64(last.Seq-indexed), "unindexed")
		}
		if err := idx.CatchUpSearchIndex(context.Background(), 0); err != nil {
			b.Fatal(err)
		}
	}
	// CPU spent per entry, indexing included (appends and indexer
	// together, caught up): the work, which on a busy machine varies
	// less than the throughput does.
	if d := cpu.Elapsed(); d > 0 {
		b.ReportMetric(float64(d.Microseconds())/float64(b.N), "cpu-µs/entry")
	}
}

func BenchmarkHash(b *testing.B) {
	e := exchange(1)
	e.Seq, e.PrevHash = 1, "9663a48e0a961b45cbf8771bda8a477940d83842f5a996a6d28d66a97da31fcc"
	b.ReportAllocs()
	for b.Loop() {
		_ = Hash(e)
	}
}
