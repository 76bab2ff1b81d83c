package storetest

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"sync"
	"testing"
	"time"

	"konektor/internal/store"
)

var accessCases = []testCase{
	{"empty-log-last-is-not-found", func(t *testing.T, s store.Store) {
		wantLast(t, s, 0)
	}},
	{"empty-log-scan-calls-nothing", func(t *testing.T, s store.Store) {
		if got := scanAll(t, s, 1); len(got) != 0 {
			t.Fatalf("scan of an empty log returned %d entries", len(got))
		}
	}},
	{"empty-batch-is-a-no-op", func(t *testing.T, s store.Store) {
		if err := s.AppendAccess(context.Background(), nil); err != nil {
			t.Fatalf("AppendAccess(nil) = %v, want nil", err)
		}
		wantLast(t, s, 0)
	}},
	{"append-then-last", func(t *testing.T, s store.Store) {
		want := samples(1, 3)
		mustAppend(t, s, want)
		last, err := s.LastAccess(context.Background())
		if err != nil {
			t.Fatalf("LastAccess: %v", err)
		}
		sameEntry(t, last, want[2])
	}},
	{"batches-scan-in-seq-order", func(t *testing.T, s store.Store) {
		want := samples(1, 10)
		mustAppend(t, s, want[:1])
		mustAppend(t, s, want[1:4])
		mustAppend(t, s, want[4:5])
		mustAppend(t, s, want[5:])
		sameEntries(t, scanAll(t, s, 1), want)
		wantLast(t, s, 10)
	}},
	{"scan-from-the-middle", func(t *testing.T, s store.Store) {
		all := samples(1, 10)
		mustAppend(t, s, all)
		for _, c := range []struct {
			name string
			from int64
			want []store.AccessEntry
		}{
			{"from-negative", -5, all},
			{"from-zero", 0, all},
			{"from-first", 1, all},
			{"from-fourth", 4, all[3:]},
			{"from-last", 10, all[9:]},
			{"past-the-end", 11, nil},
			{"far-past-the-end", math.MaxInt64, nil},
		} {
			t.Run(c.name, func(t *testing.T) {
				sameEntries(t, scanAll(t, s, c.from), c.want)
			})
		}
	}},
	{"scan-crosses-pages", func(t *testing.T, s store.Store) {
		all := samples(1, 2100)
		mustAppend(t, s, all)
		sameEntries(t, scanAll(t, s, 1), all)
		sameEntries(t, scanAll(t, s, 777), all[776:])
	}},
	{"scan-stops-at-the-first-error-of-fn", func(t *testing.T, s store.Store) {
		mustAppend(t, s, samples(1, 10))
		stop := errors.New("enough")
		calls := 0
		err := s.ScanAccess(context.Background(), 1, func(store.AccessEntry) error {
			calls++
			if calls == 3 {
				return fmt.Errorf("wrapped: %w", stop)
			}
			return nil
		})
		if !errors.Is(err, stop) {
			t.Fatalf("ScanAccess = %v, want the error fn returned", err)
		}
		if calls != 3 {
			t.Fatalf("fn called %d times, want 3", calls)
		}
	}},
	{"first-entry-must-be-seq-1", func(t *testing.T, s store.Store) {
		err := s.AppendAccess(context.Background(), samples(2, 2))
		if !errors.Is(err, store.ErrConflict) {
			t.Fatalf("AppendAccess from seq 2 on an empty log = %v, want ErrConflict", err)
		}
		wantLast(t, s, 0)
	}},
	{"seq-below-1-is-invalid", func(t *testing.T, s store.Store) {
		for _, seq := range []int64{0, -1, math.MinInt64} {
			err := s.AppendAccess(context.Background(), []store.AccessEntry{sample(seq)})
			if !errors.Is(err, store.ErrInvalid) {
				t.Errorf("AppendAccess(seq %d) = %v, want ErrInvalid", seq, err)
			}
		}
		wantLast(t, s, 0)
	}},
	{"gap-is-a-conflict", func(t *testing.T, s store.Store) {
		mustAppend(t, s, samples(1, 3))
		err := s.AppendAccess(context.Background(), samples(5, 2))
		if !errors.Is(err, store.ErrConflict) {
			t.Fatalf("AppendAccess leaving a gap = %v, want ErrConflict", err)
		}
		wantLast(t, s, 3)
		sameEntries(t, scanAll(t, s, 1), samples(1, 3))
	}},
	{"reused-seq-is-a-conflict", func(t *testing.T, s store.Store) {
		mustAppend(t, s, samples(1, 3))
		for _, c := range []struct {
			name  string
			batch []store.AccessEntry
		}{
			{"last-seq-again", samples(3, 1)},
			{"first-seq-again", samples(1, 1)},
			{"overlapping-batch", samples(2, 4)},
		} {
			t.Run(c.name, func(t *testing.T) {
				changed := make([]store.AccessEntry, len(c.batch))
				for i, e := range c.batch {
					e.Reason = "overwrite attempt"
					changed[i] = e
				}
				err := s.AppendAccess(context.Background(), changed)
				if !errors.Is(err, store.ErrConflict) {
					t.Fatalf("AppendAccess = %v, want ErrConflict", err)
				}
				sameEntries(t, scanAll(t, s, 1), samples(1, 3))
			})
		}
	}},
	{"bad-batch-stores-nothing", func(t *testing.T, s store.Store) {
		mustAppend(t, s, samples(1, 3))
		invalidUTF8 := samples(4, 3)
		invalidUTF8[2].Purpose = "bad \xff byte"
		withNUL := samples(4, 3)
		withNUL[1].User = "nul\x00user"
		lateYear := samples(4, 3)
		lateYear[2].Time = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)
		for _, c := range []struct {
			name  string
			batch []store.AccessEntry
			want  error
		}{
			{"gap-inside-batch", []store.AccessEntry{sample(4), sample(5), sample(7)}, store.ErrConflict},
			{"duplicate-inside-batch", []store.AccessEntry{sample(4), sample(5), sample(5)}, store.ErrConflict},
			{"descending-inside-batch", []store.AccessEntry{sample(4), sample(3)}, store.ErrConflict},
			{"invalid-utf8-in-last-entry", invalidUTF8, store.ErrInvalid},
			{"nul-in-middle-entry", withNUL, store.ErrInvalid},
			{"year-10000", lateYear, store.ErrInvalid},
		} {
			t.Run(c.name, func(t *testing.T) {
				err := s.AppendAccess(context.Background(), c.batch)
				if !errors.Is(err, c.want) {
					t.Fatalf("AppendAccess = %v, want %v", err, c.want)
				}
				sameEntries(t, scanAll(t, s, 1), samples(1, 3))
			})
		}
		// The store is still usable after every refusal.
		mustAppend(t, s, samples(4, 2))
		sameEntries(t, scanAll(t, s, 1), samples(1, 5))
	}},
	{"fields-round-trip-exactly", func(t *testing.T, s store.Store) {
		prague := time.FixedZone("CET", 3600)
		allEmpty := store.AccessEntry{Time: base}
		long := sample(0)
		long.Reason = strings.Repeat("dlouhý důvod ", 6000)
		long.Evidence = strings.Repeat("x", 70000)
		quoting := sample(0)
		quoting.Purpose = `'); DROP TABLE access_log; --`
		quoting.Reason = "tab\tnewline\ncr\rquote\"backslash\\percent%underscore_"
		quoting.User = "\u200b\ufeffzero-width"
		czech := sample(0)
		czech.Purpose = "Žluťoučký kůň úpěl ďábelské ódy 🐎"
		czech.OVM = "Městský úřad Čáslav"
		extremes := sample(0)
		extremes.LatencyMicros = math.MaxInt64
		extremes.Sealed = true
		negative := sample(0)
		negative.LatencyMicros = math.MinInt64
		withTime := func(tm time.Time) store.AccessEntry { e := sample(0); e.Time = tm; return e }
		for _, c := range []struct {
			name  string
			entry store.AccessEntry
		}{
			{"all-fields-set", sample(0)},
			{"all-strings-empty", allEmpty},
			{"long-text", long},
			{"quotes-and-control-characters", quoting},
			{"czech-and-emoji", czech},
			{"max-latency-sealed", extremes},
			{"min-latency", negative},
			{"time-nanoseconds-in-another-zone", withTime(time.Date(2025, 10, 26, 2, 30, 0, 123456789, prague))},
			{"time-with-monotonic-reading", withTime(time.Now())},
			{"time-zero", withTime(time.Time{})},
			{"time-year-9999", withTime(time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC))},
			{"time-before-1970", withTime(time.Date(1969, 12, 31, 23, 59, 59, 999999500, time.UTC))},
			{"time-unix-epoch", withTime(time.Unix(0, 0))},
		} {
			t.Run(c.name, func(t *testing.T) {
				last, err := s.LastAccess(context.Background())
				if err != nil && !errors.Is(err, store.ErrNotFound) {
					t.Fatalf("LastAccess: %v", err)
				}
				e := c.entry
				e.Seq = last.Seq + 1
				mustAppend(t, s, []store.AccessEntry{e})
				got, err := s.LastAccess(context.Background())
				if err != nil {
					t.Fatalf("LastAccess: %v", err)
				}
				sameEntry(t, got, e)
				scanned := scanAll(t, s, e.Seq)
				if len(scanned) != 1 {
					t.Fatalf("scan from %d returned %d entries, want 1", e.Seq, len(scanned))
				}
				sameEntry(t, scanned[0], e)
			})
		}
	}},
	{"large-batches", func(t *testing.T, s store.Store) {
		all := samples(1, 12000)
		mustAppend(t, s, all[:6000])
		mustAppend(t, s, all[6000:])
		wantLast(t, s, 12000)
		sameEntries(t, scanAll(t, s, 1), all)
	}},
	{"concurrent-appenders-are-serialised", concurrentAppenders},
	{"cancelled-context-append-stores-nothing", func(t *testing.T, s store.Store) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		err := s.AppendAccess(ctx, samples(1, 5))
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("AppendAccess with a cancelled context = %v, want context.Canceled", err)
		}
		wantLast(t, s, 0)
	}},
	{"cancelled-context-read", func(t *testing.T, s store.Store) {
		mustAppend(t, s, samples(1, 5))
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := s.LastAccess(ctx); !errors.Is(err, context.Canceled) {
			t.Errorf("LastAccess with a cancelled context = %v, want context.Canceled", err)
		}
		calls := 0
		err := s.ScanAccess(ctx, 1, func(store.AccessEntry) error { calls++; return nil })
		if !errors.Is(err, context.Canceled) {
			t.Errorf("ScanAccess with a cancelled context = %v, want context.Canceled", err)
		}
		if calls != 0 {
			t.Errorf("fn called %d times under a cancelled context, want 0", calls)
		}
	}},
	{"cancel-during-scan-stops-it", func(t *testing.T, s store.Store) {
		mustAppend(t, s, samples(1, 1500))
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		calls := 0
		err := s.ScanAccess(ctx, 1, func(store.AccessEntry) error {
			calls++
			if calls == 3 {
				cancel()
			}
			return nil
		})
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("ScanAccess cancelled midway = %v, want context.Canceled", err)
		}
		if calls != 3 {
			t.Fatalf("fn called %d times, want 3 (no call after cancel)", calls)
		}
	}},
	{"append-during-scan", func(t *testing.T, s store.Store) {
		mustAppend(t, s, samples(1, 1200))
		next := int64(1201)
		err := s.ScanAccess(context.Background(), 1, func(e store.AccessEntry) error {
			if e.Seq%400 == 0 {
				if err := s.AppendAccess(context.Background(), []store.AccessEntry{sample(next)}); err != nil {
					return err
				}
				next++
			}
			return nil
		})
		if err != nil {
			t.Fatalf("ScanAccess that appends from fn: %v", err)
		}
		wantLast(t, s, next-1)
		sameEntries(t, scanAll(t, s, 1), samples(1, int(next-1)))
	}},
}

// concurrentAppenders runs several writers that each read the last entry
// and append a batch after it, retrying on ErrConflict. The result must be
// one gapless log in which every batch is stored whole and contiguous.
func concurrentAppenders(t *testing.T, s store.Store) {
	const writers, batches = 8, 15
	ctx := context.Background()
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for b := range batches {
				size := 1 + (w+b)%3
				for attempt := 0; ; attempt++ {
					if attempt == 10000 {
						t.Errorf("writer %d batch %d: still conflicting after %d attempts", w, b, attempt)
						return
					}
					last, err := s.LastAccess(ctx)
					if err != nil && !errors.Is(err, store.ErrNotFound) {
						t.Errorf("writer %d: LastAccess: %v", w, err)
						return
					}
					batch := samples(last.Seq+1, size)
					for i := range batch {
						batch[i].CorrelationID = fmt.Sprintf("w%d-b%d-i%d-n%d", w, b, i, size)
					}
					err = s.AppendAccess(ctx, batch)
					if errors.Is(err, store.ErrConflict) {
						continue
					}
					if err != nil {
						t.Errorf("writer %d: AppendAccess: %v", w, err)
						return
					}
					break
				}
			}
		})
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	got := scanAll(t, s, 1)
	seen := map[string]bool{}
	total := 0
	for w := range writers {
		for b := range batches {
			total += 1 + (w+b)%3
		}
	}
	if len(got) != total {
		t.Fatalf("log holds %d entries, want %d", len(got), total)
	}
	for i := 0; i < len(got); {
		if got[i].Seq != int64(i+1) {
			t.Fatalf("entry %d has seq %d", i+1, got[i].Seq)
		}
		var w, b, idx, n int
		if _, err := fmt.Sscanf(got[i].CorrelationID, "w%d-b%d-i%d-n%d", &w, &b, &idx, &n); err != nil || idx != 0 {
			t.Fatalf("seq %d: %q does not start a batch", got[i].Seq, got[i].CorrelationID)
		}
		key := fmt.Sprintf("w%d-b%d", w, b)
		if seen[key] {
			t.Fatalf("batch %s stored twice", key)
		}
		seen[key] = true
		for j := range n {
			if i+j >= len(got) || got[i+j].CorrelationID != fmt.Sprintf("%s-i%d-n%d", key, j, n) {
				t.Fatalf("batch %s is not stored whole and contiguous at seq %d", key, got[i].Seq)
			}
		}
		i += n
	}
}
