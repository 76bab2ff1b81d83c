package audit

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"konektor/internal/store"
)

// gate blocks the first AppendAccess until released, so tests can queue
// entries behind a commit in flight without sleeping.
type gate struct {
	entered chan struct{}
	release chan struct{}
}

func newGate() *gate { return &gate{entered: make(chan struct{}), release: make(chan struct{})} }

func (g *gate) hook(call int, ctx context.Context, _ []store.AccessEntry) error {
	if call != 1 {
		return nil
	}
	close(g.entered)
	<-g.release
	return nil
}

// waitQueued waits until n requests sit in r's queue.
func waitQueued(t *testing.T, r *Recorder, n int) {
	t.Helper()
	for len(r.reqs) < n {
		if t.Context().Err() != nil {
			t.Fatal("test ended while waiting for the queue")
		}
		runtime.Gosched()
	}
}

type recorded struct {
	entry store.AccessEntry
	err   error
}

// recordAsync starts Record in a goroutine and returns where its result arrives.
func recordAsync(ctx context.Context, r *Recorder, e store.AccessEntry) <-chan recorded {
	ch := make(chan recorded, 1)
	go func() {
		got, err := r.Record(ctx, e)
		ch <- recorded{got, err}
	}()
	return ch
}

func TestRecordChainsEntries(t *testing.T) {
	t.Parallel()
	s, _ := openSQLite(t)
	r := newRecorder(t, s, Options{})
	var got []store.AccessEntry
	for i := range 5 {
		e := exchange(i)
		e.Seq, e.PrevHash, e.Hash = 99, "forged", "forged" // ignored
		if i == 2 {
			e.Time = time.Time{} // taken from the clock
		}
		got = append(got, mustRecord(t, r, e))
	}
	prev := ""
	for i, e := range got {
		if e.Seq != int64(i+1) || e.PrevHash != prev || e.Hash != Hash(e) {
			t.Fatalf("entry %d = seq %d prev %q hash %q; want seq %d linked to %q and self-consistent", i, e.Seq, e.PrevHash, e.Hash, i+1, prev)
		}
		prev = e.Hash
	}
	if want := store.StoredTime(t0); !got[2].Time.Equal(want) || got[2].Time.Location() != time.UTC {
		t.Errorf("entry without a time got %v, want the clock's %v", got[2].Time, want)
	}
	if want := store.StoredTime(exchange(1).Time); got[1].Time != want {
		t.Errorf("entry time %v, want %v", got[1].Time, want)
	}
	stored := scanAll(t, s)
	for i := range got {
		if stored[i] != got[i] {
			t.Fatalf("stored entry %d = %+v, Record returned %+v", i+1, stored[i], got[i])
		}
	}
	wantIntact(t, s, 5)
}

func TestRecordLoadsHeadFromStore(t *testing.T) {
	t.Parallel()
	s, _ := openSQLite(t)
	first := newRecorder(t, s, Options{})
	var last store.AccessEntry
	for i := range 3 {
		last = mustRecord(t, first, exchange(i))
	}
	if err := first.Close(context.Background()); err != nil {
		t.Fatalf("Close: %v", err)
	}
	second := newRecorder(t, s, Options{})
	next := mustRecord(t, second, exchange(3))
	if next.Seq != 4 || next.PrevHash != last.Hash {
		t.Fatalf("after restart: seq %d prev %q, want seq 4 linked to %q", next.Seq, next.PrevHash, last.Hash)
	}
	wantIntact(t, s, 4)
}

func TestConcurrentRecordsAreGroupCommitted(t *testing.T) {
	t.Parallel()
	s, _ := openSQLite(t)
	g := newGate()
	h := &hookLog{AccessLog: s, before: g.hook}
	r := newRecorder(t, h, Options{MaxBatch: 256})
	firstDone := recordAsync(context.Background(), r, exchange(0))
	<-g.entered
	const n = 199
	var results []<-chan recorded
	for i := 1; i <= n; i++ {
		results = append(results, recordAsync(context.Background(), r, exchange(i)))
	}
	waitQueued(t, r, n)
	close(g.release)
	if res := <-firstDone; res.err != nil {
		t.Fatalf("first Record: %v", res.err)
	}
	seqs := map[int64]bool{}
	for _, ch := range results {
		res := <-ch
		if res.err != nil {
			t.Fatalf("Record: %v", res.err)
		}
		seqs[res.entry.Seq] = true
	}
	if len(seqs) != n {
		t.Fatalf("%d distinct seqs for %d entries", len(seqs), n)
	}
	if sizes := h.batchSizes(); fmt.Sprint(sizes) != fmt.Sprint([]int{1, n}) {
		t.Fatalf("batch sizes %v, want [1 %d]: the queued entries form one transaction", sizes, n)
	}
	wantIntact(t, s, n+1)
}

func TestMaxBatchCapsTransactions(t *testing.T) {
	t.Parallel()
	s, _ := openSQLite(t)
	h := &hookLog{AccessLog: s}
	r := newRecorder(t, h, Options{MaxBatch: 7})
	var wg sync.WaitGroup
	for i := range 100 {
		wg.Go(func() { mustRecord(t, r, exchange(i)) })
	}
	wg.Wait()
	total := 0
	for _, n := range h.batchSizes() {
		if n > 7 {
			t.Fatalf("a batch of %d entries, MaxBatch is 7", n)
		}
		total += n
	}
	if total != 100 {
		t.Fatalf("%d entries appended, want 100", total)
	}
	wantIntact(t, s, 100)
}

// With MaxDelay, a batch waits for more entries, and commits as soon as it
// is full instead of waiting out the delay.
func TestMaxDelayWaitsForAFullBatch(t *testing.T) {
	t.Parallel()
	m := &memLog{}
	h := &hookLog{AccessLog: m}
	r := newRecorder(t, h, Options{MaxBatch: 4, MaxDelay: time.Hour})
	var results []<-chan recorded
	for i := range 4 {
		results = append(results, recordAsync(context.Background(), r, exchange(i)))
	}
	for _, ch := range results {
		if res := <-ch; res.err != nil {
			t.Fatalf("Record: %v", res.err)
		}
	}
	if sizes := h.batchSizes(); fmt.Sprint(sizes) != "[4]" {
		t.Fatalf("batch sizes %v, want [4]", sizes)
	}
}

// With MaxDelay 0 and slow commits, callers that the last commit answered
// come back to one commit with the others, rather than taking turns in two
// groups of half the size.
func TestLingerGathersReturningCallers(t *testing.T) {
	t.Parallel()
	h := &hookLog{AccessLog: &memLog{}, before: func(int, context.Context, []store.AccessEntry) error {
		time.Sleep(10 * time.Millisecond) // a slow fsync
		return nil
	}}
	r := newRecorder(t, h, Options{})
	r.lingerGap = time.Hour // a loaded test machine: wait out the budget (5 ms)
	const callers, rounds = 16, 12
	var wg sync.WaitGroup
	for i := range callers {
		wg.Go(func() {
			for range rounds {
				mustRecord(t, r, exchange(i))
			}
		})
	}
	wg.Wait()
	sizes := h.batchSizes()
	full := 0
	for _, n := range sizes {
		if n == callers {
			full++
		}
	}
	// Without the wait the callers split into two groups that alternate.
	if full < rounds/2 {
		t.Fatalf("batch sizes %v: %d of %d batches hold every caller, want at least %d", sizes, full, len(sizes), rounds/2)
	}
}

func TestMaxDelayExpires(t *testing.T) {
	t.Parallel()
	r := newRecorder(t, &memLog{}, Options{MaxBatch: 100, MaxDelay: time.Millisecond})
	if got := mustRecord(t, r, exchange(0)); got.Seq != 1 {
		t.Fatalf("seq %d, want 1", got.Seq)
	}
}

func TestFailedAppendFailsTheWholeBatch(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name string
		// stored reports whether the failing append reached the disk
		// before the error (a lost commit acknowledgement).
		stored bool
	}{
		{"append-refused", false},
		{"acknowledgement-lost", true},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			s, _ := openSQLite(t)
			g := newGate()
			h := &hookLog{AccessLog: s, before: func(call int, ctx context.Context, e []store.AccessEntry) error {
				if call == 2 && !c.stored {
					return errInjected
				}
				return g.hook(call, ctx, e)
			}, after: func(call int, err error) error {
				if call == 2 && c.stored {
					return errInjected
				}
				return err
			}}
			r := newRecorder(t, h, Options{})
			firstDone := recordAsync(context.Background(), r, exchange(0))
			<-g.entered
			var batch []<-chan recorded
			for i := 1; i <= 3; i++ {
				batch = append(batch, recordAsync(context.Background(), r, exchange(i)))
			}
			waitQueued(t, r, 3)
			close(g.release)
			if res := <-firstDone; res.err != nil {
				t.Fatalf("first Record: %v", res.err)
			}
			for _, ch := range batch {
				if res := <-ch; !errors.Is(res.err, errInjected) {
					t.Fatalf("Record in the failed batch = (%+v, %v), want the append error", res.entry, res.err)
				}
			}
			next := mustRecord(t, r, exchange(4))
			want := int64(2)
			if c.stored {
				want = 5
			}
			if next.Seq != want {
				t.Fatalf("after the failure the next entry got seq %d, want %d (head re-read from the store)", next.Seq, want)
			}
			wantIntact(t, s, want)
		})
	}
}

func TestAnotherWriterMovingTheHeadIsRetried(t *testing.T) {
	t.Parallel()
	s, _ := openSQLite(t)
	a := newRecorder(t, s, Options{})
	b := newRecorder(t, s, Options{})
	for i := range 10 {
		r := a
		if i%2 == 1 {
			r = b
		}
		if got := mustRecord(t, r, exchange(i)); got.Seq != int64(i+1) {
			t.Fatalf("entry %d got seq %d", i, got.Seq)
		}
	}
	wantIntact(t, s, 10)
}

func TestConflictRetriesAreBounded(t *testing.T) {
	t.Parallel()
	h := &hookLog{AccessLog: &memLog{}, before: func(int, context.Context, []store.AccessEntry) error {
		return fmt.Errorf("%w: always", store.ErrConflict)
	}}
	r := newRecorder(t, h, Options{})
	if _, err := r.Record(context.Background(), exchange(0)); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("Record = %v, want ErrConflict", err)
	}
	if n := len(h.batchSizes()); n != maxConflictRetries+1 {
		t.Fatalf("%d append attempts, want %d", n, maxConflictRetries+1)
	}
}

func TestHeadLoadFailure(t *testing.T) {
	t.Parallel()
	m := &memLog{}
	failures := 2 // the load at start, then the one before the first batch
	var mu sync.Mutex
	h := &hookLog{AccessLog: m, lastErr: func(int) error {
		mu.Lock()
		defer mu.Unlock()
		if failures > 0 {
			failures--
			return errInjected
		}
		return nil
	}}
	r := newRecorder(t, h, Options{})
	if _, err := r.Record(context.Background(), exchange(0)); !errors.Is(err, errInjected) {
		t.Fatalf("Record with an unreadable head = %v, want the load error", err)
	}
	if got := mustRecord(t, r, exchange(1)); got.Seq != 1 {
		t.Fatalf("seq %d, want 1", got.Seq)
	}
	if len(m.entries) != 1 {
		t.Fatalf("%d entries stored, want 1", len(m.entries))
	}
}

// After the commit in flight, the loop sees both the queued entries and
// Close; which it picks first is random, so the scenario runs repeatedly to
// cover the drain path as well.
func TestCloseDrainsQueuedEntries(t *testing.T) {
	t.Parallel()
	for round := range 20 {
		m := &memLog{}
		closeWhileQueued(t, m, 50)
		if len(m.entries) != 51 {
			t.Fatalf("round %d: %d entries stored, want 51", round, len(m.entries))
		}
		wantIntact(t, m, 51)
	}
	// Once more on SQLite: every acknowledged entry is in the file, as
	// another process opening it sees it.
	s, path := openSQLite(t)
	closeWhileQueued(t, s, 50)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	reopened, _ := reopenSQLite(t, path)
	wantIntact(t, reopened, 51)
}

// closeWhileQueued holds one commit in flight, queues n more entries, calls
// Close, releases the commit, and checks that every entry was acknowledged
// and that the closed Recorder refuses more.
func closeWhileQueued(t *testing.T, log store.AccessLog, n int) {
	t.Helper()
	g := newGate()
	r := newRecorder(t, &hookLog{AccessLog: log, before: g.hook}, Options{MaxBatch: 64})
	firstDone := recordAsync(context.Background(), r, exchange(0))
	<-g.entered
	var queued []<-chan recorded
	for i := 1; i <= n; i++ {
		queued = append(queued, recordAsync(context.Background(), r, exchange(i)))
	}
	waitQueued(t, r, n)
	closed := make(chan error, 1)
	go func() { closed <- r.Close(context.Background()) }()
	<-r.closing
	close(g.release)
	if err := <-closed; err != nil {
		t.Fatalf("Close: %v", err)
	}
	for _, ch := range append(queued, firstDone) {
		if res := <-ch; res.err != nil {
			t.Fatalf("entry queued before Close: %v", res.err)
		}
	}
	if _, err := r.Record(context.Background(), exchange(99)); !errors.Is(err, ErrClosed) {
		t.Fatalf("Record after Close = %v, want ErrClosed", err)
	}
	if err := r.Close(context.Background()); err != nil {
		t.Fatalf("second Close: %v", err)
	}
}

func TestCloseGivesUpWhenItsContextEnds(t *testing.T) {
	t.Parallel()
	entered := make(chan struct{})
	h := &hookLog{AccessLog: &memLog{}, before: func(_ int, ctx context.Context, _ []store.AccessEntry) error {
		close(entered)
		<-ctx.Done() // a store that hangs until cancelled
		return ctx.Err()
	}}
	r := newRecorder(t, h, Options{})
	pending := recordAsync(context.Background(), r, exchange(0))
	<-entered
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := r.Close(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("Close = %v, want context.Canceled", err)
	}
	if res := <-pending; res.err == nil {
		t.Fatal("the entry in flight was acknowledged although its append was aborted")
	}
}

func TestRecordWithEndedContext(t *testing.T) {
	t.Parallel()
	m := &memLog{}
	r := newRecorder(t, m, Options{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := r.Record(ctx, exchange(0)); !errors.Is(err, context.Canceled) {
		t.Fatalf("Record = %v, want context.Canceled", err)
	}
	if got := mustRecord(t, r, exchange(1)); got.Seq != 1 {
		t.Fatalf("seq %d, want 1: nothing else was stored", got.Seq)
	}
}

// An entry whose caller gave up while it waited in the queue is skipped,
// not stored.
func TestCancelledWhileQueuedIsSkipped(t *testing.T) {
	t.Parallel()
	m := &memLog{}
	g := newGate()
	r := newRecorder(t, &hookLog{AccessLog: m, before: g.hook}, Options{})
	firstDone := recordAsync(context.Background(), r, exchange(0))
	<-g.entered
	ctx, cancel := context.WithCancel(context.Background())
	gaveUp := recordAsync(ctx, r, exchange(1))
	waitQueued(t, r, 1)
	cancel()
	if res := <-gaveUp; !errors.Is(res.err, context.Canceled) {
		t.Fatalf("cancelled Record = %v, want context.Canceled", res.err)
	}
	close(g.release)
	if res := <-firstDone; res.err != nil {
		t.Fatal(res.err)
	}
	next := mustRecord(t, r, exchange(2))
	if next.Seq != 2 || next.CorrelationID != "corr-2" {
		t.Fatalf("next entry = seq %d %s, want seq 2 corr-2", next.Seq, next.CorrelationID)
	}
	wantIntact(t, m, 2)
}

func TestRecordCleansText(t *testing.T) {
	t.Parallel()
	s, _ := openSQLite(t)
	r := newRecorder(t, s, Options{})
	e := exchange(0)
	e.User = "bad\xffbyte"
	e.Purpose = "nul\x00char"
	e.Reason = "ok: Žluťoučký kůň"
	got := mustRecord(t, r, e)
	if got.User != "bad\uFFFDbyte" || got.Purpose != "nul\uFFFDchar" || got.Reason != e.Reason {
		t.Fatalf("cleaned to user %q purpose %q reason %q", got.User, got.Purpose, got.Reason)
	}
	if stored := scanAll(t, s); stored[0] != got {
		t.Fatalf("stored %+v, returned %+v", stored[0], got)
	}
	wantIntact(t, s, 1)
}

// A bad entry fails only its own Record, never the batch it would share.
func TestInvalidEntryFailsAlone(t *testing.T) {
	t.Parallel()
	m := &memLog{}
	g := newGate()
	r := newRecorder(t, &hookLog{AccessLog: m, before: g.hook}, Options{})
	firstDone := recordAsync(context.Background(), r, exchange(0))
	<-g.entered
	good := recordAsync(context.Background(), r, exchange(1))
	waitQueued(t, r, 1)
	bad := exchange(2)
	bad.Time = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)
	if _, err := r.Record(context.Background(), bad); !errors.Is(err, store.ErrInvalid) || !strings.Contains(err.Error(), "year 10000") {
		t.Fatalf("Record(year 10000) = %v, want ErrInvalid naming the year", err)
	}
	close(g.release)
	for _, ch := range []<-chan recorded{firstDone, good} {
		if res := <-ch; res.err != nil {
			t.Fatal(res.err)
		}
	}
	wantIntact(t, m, 2)
}
