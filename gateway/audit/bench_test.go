package audit

import (
	"context"
	"fmt"
	"runtime"
	"testing"
	"time"

	"go.uber.org/zap"

	"konektor/internal/store"
	"konektor/internal/store/postgres/pgtest"
)

// recorders is how many goroutines call Record at once in BenchmarkRecord.
const recorders = 64

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

func benchRecord(b *testing.B, log store.AccessLog, delay time.Duration) {
	h := &hookLog{AccessLog: log}
	r := NewRecorder(h, Options{Logger: zap.NewNop(), MaxDelay: delay})
	defer func() { _ = r.Close(context.Background()) }()
	e := exchange(1)
	b.SetParallelism((recorders + runtime.GOMAXPROCS(0) - 1) / runtime.GOMAXPROCS(0))
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := r.Record(context.Background(), e); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "entries/s")
	if n := len(h.batchSizes()); n > 0 {
		b.ReportMetric(float64(b.N)/float64(n), "entries/batch")
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
