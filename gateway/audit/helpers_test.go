package audit

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zaptest"

	"konektor/internal/store"
	"konektor/internal/store/sqlite"
)

// t0 is the fake clock's reading.
var t0 = time.Date(2025, time.March, 14, 9, 26, 53, 589793123, time.UTC)

func fixedNow() time.Time { return t0 }

// openSQLite opens a fresh SQLite store in t's temporary directory and
// returns it with its file path.
func openSQLite(t testing.TB) (*sqlite.Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "konektor.db")
	s, err := sqlite.Open(context.Background(), path, testLogger(t))
	if err != nil {
		t.Fatalf("sqlite.Open: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s, path
}

// testLogger logs to t, except in benchmarks, whose output it would drown.
func testLogger(t testing.TB) *zap.Logger {
	if _, ok := t.(*testing.B); ok {
		return zap.NewNop()
	}
	return zaptest.NewLogger(t)
}

// reopenSQLite opens an existing store file, closed at cleanup.
func reopenSQLite(t testing.TB, path string) (*sqlite.Store, string) {
	t.Helper()
	s, err := sqlite.Open(context.Background(), path, zaptest.NewLogger(t))
	if err != nil {
		t.Fatalf("sqlite.Open: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s, path
}

func newRecorder(t testing.TB, log store.AccessLog, opts Options) *Recorder {
	t.Helper()
	if opts.Now == nil {
		opts.Now = fixedNow
	}
	if opts.Logger == nil {
		opts.Logger = testLogger(t)
	}
	r := NewRecorder(log, opts)
	t.Cleanup(func() { _ = r.Close(context.Background()) })
	return r
}

// exchange is a typical entry as the pipeline hands it over.
func exchange(i int) store.AccessEntry {
	return store.AccessEntry{
		Time:           t0.Add(time.Duration(i) * time.Millisecond),
		CorrelationID:  fmt.Sprintf("corr-%d", i),
		Upstream:       "iszr",
		Service:        "E03",
		AIS:            "1234",
		OVM:            "00064581",
		Agenda:         "A121",
		Role:           "CR1234",
		User:           "jnovak",
		Purpose:        "ověření údajů",
		Subject:        fmt.Sprintf("subj-%d", i),
		Outcome:        "ok",
		UpstreamStatus: "OK",
		LatencyMicros:  int64(1000 + i),
		RequestSHA256:  fmt.Sprintf("%064x", i),
		ResponseSHA256: fmt.Sprintf("%064x", i+1),
		Sealed:         i%2 == 0,
	}
}

func mustRecord(t testing.TB, r *Recorder, e store.AccessEntry) store.AccessEntry {
	t.Helper()
	got, err := r.Record(context.Background(), e)
	if err != nil {
		t.Fatalf("Record(%s): %v", e.CorrelationID, err)
	}
	return got
}

func scanAll(t testing.TB, log store.AccessLog) []store.AccessEntry {
	t.Helper()
	var out []store.AccessEntry
	if err := log.ScanAccess(context.Background(), 1, func(e store.AccessEntry) error {
		out = append(out, e)
		return nil
	}); err != nil {
		t.Fatalf("ScanAccess: %v", err)
	}
	return out
}

func mustVerify(t testing.TB, log store.AccessLog) Report {
	t.Helper()
	rep, err := Verify(context.Background(), log)
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	return rep
}

func wantIntact(t testing.TB, log store.AccessLog, entries int64) {
	t.Helper()
	rep := mustVerify(t, log)
	if !rep.OK || rep.Entries != entries {
		t.Fatalf("Verify = %+v, want an intact chain of %d entries", rep, entries)
	}
}

// rawDB opens the SQLite file directly, as an attacker with file access
// would, with the append-only triggers dropped.
func rawDB(t testing.TB, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	t.Cleanup(func() { _ = db.Close() })
	for _, q := range []string{"DROP TRIGGER access_log_no_update", "DROP TRIGGER access_log_no_delete"} {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	return db
}

// memLog is an in-memory store.AccessLog with the semantics of the
// conformance suite, for tests that need to inject faults cheaply.
type memLog struct {
	mu      sync.Mutex
	entries []store.AccessEntry
}

func (m *memLog) AppendAccess(ctx context.Context, entries []store.AccessEntry) error {
	if len(entries) == 0 {
		return nil
	}
	if err := store.CheckAccessBatch(entries); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if entries[0].Seq != int64(len(m.entries))+1 {
		return fmt.Errorf("%w: starts at %d after %d", store.ErrConflict, entries[0].Seq, len(m.entries))
	}
	for _, e := range entries {
		e.Time = store.StoredTime(e.Time)
		m.entries = append(m.entries, e)
	}
	return nil
}

func (m *memLog) LastAccess(ctx context.Context) (store.AccessEntry, error) {
	if err := ctx.Err(); err != nil {
		return store.AccessEntry{}, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.entries) == 0 {
		return store.AccessEntry{}, store.ErrNotFound
	}
	return m.entries[len(m.entries)-1], nil
}

func (m *memLog) ScanAccess(ctx context.Context, from int64, fn func(store.AccessEntry) error) error {
	m.mu.Lock()
	snapshot := append([]store.AccessEntry(nil), m.entries...)
	m.mu.Unlock()
	for _, e := range snapshot {
		if err := ctx.Err(); err != nil {
			return err
		}
		if e.Seq < from {
			continue
		}
		if err := fn(e); err != nil {
			return err
		}
	}
	return nil
}

// hookLog wraps a log; before and after, when set, run around every
// AppendAccess and may replace its result.
type hookLog struct {
	store.AccessLog
	mu      sync.Mutex
	calls   int
	sizes   []int
	before  func(call int, ctx context.Context, entries []store.AccessEntry) error
	after   func(call int, err error) error
	lastErr func(call int) error
}

func (h *hookLog) AppendAccess(ctx context.Context, entries []store.AccessEntry) error {
	h.mu.Lock()
	h.calls++
	call := h.calls
	h.sizes = append(h.sizes, len(entries))
	before, after := h.before, h.after
	h.mu.Unlock()
	if before != nil {
		if err := before(call, ctx, entries); err != nil {
			return err
		}
	}
	err := h.AccessLog.AppendAccess(ctx, entries)
	if after != nil {
		err = after(call, err)
	}
	return err
}

func (h *hookLog) LastAccess(ctx context.Context) (store.AccessEntry, error) {
	h.mu.Lock()
	fail := h.lastErr
	h.mu.Unlock()
	if fail != nil {
		if err := fail(0); err != nil {
			return store.AccessEntry{}, err
		}
	}
	return h.AccessLog.LastAccess(ctx)
}

func (h *hookLog) batchSizes() []int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]int(nil), h.sizes...)
}

var errInjected = errors.New("injected failure")

func readFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func reopen(t testing.TB, path string) *sqlite.Store {
	t.Helper()
	s, _ := reopenSQLite(t, path)
	return s
}
