package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"go.uber.org/zap"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"konektor/internal/store"
)

// The search index lives in a file of its own next to the log (SearchPath):
// a copy of the searchable columns of every entry, with the indexes that
// auditors' searches walk. It is derived data. The log's append transaction
// writes only the entry and its primary key (fsynced); a background indexer
// copies new entries into the search file in large transactions that are not
// fsynced (synchronous=NORMAL: a crash may lose the last ones, never
// consistency). The file records how far it got (indexed_through) and the
// hash of that entry, so after a crash the indexer continues from there, and
// a file that does not match the log (deleted, from another log, from a
// newer backup than the log) is rebuilt from the log. Queries never depend
// on it for completeness: entries past indexed_through are read from the log.

// searchFormat is the layout version of the search file; a file of another
// version is rebuilt.
const searchFormat = 1

// Indexer tuning.
const (
	// indexChunk is how many entries one incremental indexer transaction
	// copies at most. Larger chunks dirty each hot index page once for more
	// entries.
	indexChunk = 16384
	// bulkChunk is the chunk of a bulk build (no indexes yet: cheap rows).
	bulkChunk = 32768
	// bulkThreshold is the backlog from which an empty search file is built
	// in bulk: rows first, indexes (sorted, sequential writes) at the end.
	bulkThreshold = 50000
	// indexPause is how long the indexer waits after catching up before it
	// looks again, so that under load its transactions carry many entries:
	// each dirties the newest bucket's index pages once for all of them
	// (measured at 1M entries under load: 500 ms let appends run about a
	// third faster beside the indexer than 100 ms). The tail queries read
	// from the log stays at about this much of the traffic.
	indexPause = 500 * time.Millisecond
	// indexPoll is how often an idle indexer looks for work it was not told
	// about (a retention run, an append by another process).
	indexPoll = 2 * time.Second
	// indexRetry is the wait after a failed indexer step.
	indexRetry = 5 * time.Second
	// searchCacheKiB is the page cache of the indexer's connection: the hot
	// leaf pages of every index stay in memory between transactions.
	searchCacheKiB = 64 << 10
)

// searchColumns are the access_search columns, each the same as in
// access_log.
const searchColumns = `seq, received_at_us, upstream, service, ais, ovm, agenda, role, user_name,
outcome, subject, purpose`

const searchSchema = `
CREATE TABLE search_state (
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    format          INTEGER NOT NULL,
    copied_through  INTEGER NOT NULL, -- entries through here are in access_search
    copied_hash     TEXT    NOT NULL, -- the hash of entry copied_through ('' if unknown)
    indexed_through INTEGER NOT NULL, -- queries may use access_search through here
    indexes_built   INTEGER NOT NULL, -- 0 while a bulk build copies rows
    pruned_through  INTEGER NOT NULL  -- the log's retention start, applied here
) STRICT;
CREATE TABLE access_search (
    seq            INTEGER PRIMARY KEY,
    received_at_us INTEGER NOT NULL,
    upstream       TEXT    NOT NULL,
    service        TEXT    NOT NULL,
    ais            TEXT    NOT NULL,
    ovm            TEXT    NOT NULL,
    agenda         TEXT    NOT NULL,
    role           TEXT    NOT NULL,
    user_name      TEXT    NOT NULL,
    outcome        TEXT    NOT NULL,
    subject        TEXT    NOT NULL,
    purpose        TEXT    NOT NULL,
    bucket         INTEGER NOT NULL  -- (seq-1) >> store.SearchBucketBits
) STRICT;
CREATE TABLE search_bucket (
    bucket   INTEGER PRIMARY KEY,
    min_time INTEGER NOT NULL, -- received_at_us range of the bucket's rows
    max_time INTEGER NOT NULL
) STRICT;`

// searchIndexes are the indexes queries walk (see searchSQL). Every one
// leads with the bucket (see store.SearchBucketBits) and ends in seq
// implicitly (the rowid), so within a bucket (time, seq) order comes from
// the index.
var searchIndexes = []struct{ name, cols string }{
	{"search_time", "bucket, received_at_us"},
	{"search_upstream", "bucket, upstream, received_at_us"},
	{"search_outcome", "bucket, outcome, received_at_us"},
	{"search_ais", "bucket, ais, received_at_us"},
	{"search_ovm", "bucket, ovm, received_at_us"},
	{"search_agenda", "bucket, agenda, received_at_us"},
	{"search_user", "bucket, user_name, received_at_us"},
	{"search_subject", "bucket, subject, received_at_us"},
}

// SearchPath returns the search index file kept next to the log at path:
// "konektor.db" has "konektor.search.db" (with its -wal and -shm files).
func SearchPath(path string) string {
	return strings.TrimSuffix(path, ".db") + ".search.db"
}

// searchState is the row of search_state.
type searchState struct {
	copied, indexed, pruned int64
	hash                    string
	built                   bool
}

// searchIndex keeps the search file and runs the indexer.
type searchIndex struct {
	path    string
	logPath string
	logger  *zap.Logger
	manual  bool

	w *sql.DB   // the indexer's connection (the log attached read-only as "log")
	c *sql.Conn // w's connection, held: the attachment belongs to it
	r *sql.DB   // read-only connections for queries

	// broken is set when the file disagrees with the log: queries stop
	// using it and the indexer rebuilds it.
	broken atomic.Bool

	// bulkThreshold and bulkChunk: the constants, smaller in tests.
	bulkThreshold, bulkChunk int64

	mu sync.Mutex // serialises indexer steps (background and CatchUp)

	nudge  chan struct{} // capacity 1: "there may be work"
	ctx    context.Context
	cancel context.CancelFunc
	done   chan struct{} // closed when the background indexer has stopped
}

// openSearch opens (creating, or rebuilding when it does not match the
// log) the search file for the log at logPath, whose writer is w. The
// indexer starts unless manual.
func openSearch(ctx context.Context, logPath string, w *sql.DB, logger *zap.Logger, manual bool) (*searchIndex, error) {
	abs, err := filepath.Abs(logPath)
	if err != nil {
		return nil, fmt.Errorf("sqlite: search index: %w", err)
	}
	x := &searchIndex{path: SearchPath(logPath), logPath: abs, logger: logger, manual: manual,
		bulkThreshold: bulkThreshold, bulkChunk: bulkChunk, nudge: make(chan struct{}, 1), done: make(chan struct{})}
	x.ctx, x.cancel = context.WithCancel(context.Background())
	if err := x.open(ctx); err != nil {
		x.cancel()
		_ = x.closeDBs()
		if !isNotADB(err) {
			return nil, err
		}
		// Not a database at all (say, a torn copy): it holds nothing that
		// cannot be rebuilt from the log.
		logger.Warn("search index file unreadable; rebuilding it from the access log",
			zap.String("path", x.path), zap.Error(err))
		for _, p := range []string{x.path, x.path + "-wal", x.path + "-shm"} {
			if rerr := os.Remove(p); rerr != nil && !errors.Is(rerr, os.ErrNotExist) {
				return nil, fmt.Errorf("sqlite: search index %s: %w", p, rerr)
			}
		}
		x.ctx, x.cancel = context.WithCancel(context.Background())
		if err := x.open(ctx); err != nil {
			x.cancel()
			_ = x.closeDBs()
			return nil, err
		}
	}
	if err := x.check(ctx, w); err != nil {
		x.cancel()
		_ = x.closeDBs()
		return nil, err
	}
	if manual {
		close(x.done)
	} else {
		go x.run()
	}
	return x, nil
}

// open opens the file's connections and makes sure its schema is current.
func (x *searchIndex) open(ctx context.Context) error {
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busyTimeout.Milliseconds()))
	q.Add("_pragma", "journal_mode(WAL)")
	// NORMAL: commits are not fsynced, the file stays consistent after a
	// crash or power loss; what a crash loses the indexer copies again.
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Add("_pragma", fmt.Sprintf("cache_size(-%d)", searchCacheKiB))
	q.Set("_txlock", "immediate")
	w, err := sql.Open("sqlite", x.path+"?"+q.Encode())
	if err != nil {
		return fmt.Errorf("sqlite: search index %s: %w", x.path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)
	x.w = w
	if err := retryBusy(ctx, func() error {
		c, err := w.Conn(ctx)
		if err != nil {
			return err
		}
		if err := c.PingContext(ctx); err != nil {
			_ = c.Close()
			return err
		}
		x.c = c
		return nil
	}); err != nil {
		return fmt.Errorf("sqlite: search index %s: %w", x.path, err)
	}
	c := x.c
	// The log, read-only: the indexer copies from it inside SQLite, and
	// BEGIN IMMEDIATE takes only a read snapshot of a read-only attachment.
	logURI := "file:" + (&url.URL{Path: x.logPath}).EscapedPath() + "?mode=ro"
	if _, err := c.ExecContext(ctx, "ATTACH DATABASE ? AS log", logURI); err != nil {
		return fmt.Errorf("sqlite: search index: attach the log: %w", err)
	}
	if err := x.ensureSchema(ctx); err != nil {
		return err
	}
	rq := url.Values{}
	rq.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busyTimeout.Milliseconds()))
	rq.Add("_pragma", "query_only(1)")
	r, err := sql.Open("sqlite", x.path+"?"+rq.Encode())
	if err != nil {
		return fmt.Errorf("sqlite: search index %s: %w", x.path, err)
	}
	r.SetMaxOpenConns(readers)
	r.SetMaxIdleConns(readers)
	x.r = r
	if err := r.PingContext(ctx); err != nil {
		return fmt.Errorf("sqlite: search index %s: %w", x.path, err)
	}
	return nil
}

// ensureSchema creates the tables, or recreates them when the file has
// another layout version.
func (x *searchIndex) ensureSchema(ctx context.Context) error {
	tx, err := x.c.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: search index %s: %w", x.path, err)
	}
	defer func() { _ = tx.Rollback() }()
	var format int
	err = tx.QueryRowContext(ctx, "SELECT format FROM search_state WHERE id = 1").Scan(&format)
	switch {
	case err == nil && format == searchFormat:
		return nil
	case err == nil || errors.Is(err, sql.ErrNoRows) || isNoSuchTable(err):
		if err := resetSearch(ctx, tx); err != nil {
			return fmt.Errorf("sqlite: search index %s: %w", x.path, err)
		}
	default:
		return fmt.Errorf("sqlite: search index %s: %w", x.path, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlite: search index %s: %w", x.path, err)
	}
	return nil
}

// resetSearch empties the search file: (re)creates its tables, with the
// indexes and nothing indexed.
func resetSearch(ctx context.Context, tx *sql.Tx) error {
	for _, ix := range searchIndexes {
		if _, err := tx.ExecContext(ctx, "DROP INDEX IF EXISTS "+ix.name); err != nil {
			return err
		}
	}
	for _, stmt := range []string{"DROP TABLE IF EXISTS access_search", "DROP TABLE IF EXISTS search_bucket",
		"DROP TABLE IF EXISTS search_state", searchSchema} {
		if _, err := tx.ExecContext(ctx, stmt); err != nil {
			return err
		}
	}
	if err := createSearchIndexes(ctx, tx); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO search_state (id, format, copied_through, copied_hash,
        indexed_through, indexes_built, pruned_through) VALUES (1, ?, 0, '', 0, 1, 0)`, searchFormat)
	return err
}

func createSearchIndexes(ctx context.Context, tx *sql.Tx) error {
	for _, ix := range searchIndexes {
		if _, err := tx.ExecContext(ctx, "CREATE INDEX IF NOT EXISTS "+ix.name+" ON access_search ("+ix.cols+")"); err != nil {
			return err
		}
	}
	return nil
}

func readSearchState(ctx context.Context, q interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}) (searchState, error) {
	var st searchState
	var built int64
	err := q.QueryRowContext(ctx, `SELECT copied_through, copied_hash, indexed_through, indexes_built, pruned_through
        FROM search_state WHERE id = 1`).Scan(&st.copied, &st.hash, &st.indexed, &built, &st.pruned)
	st.built = built != 0
	return st, err
}

// check compares the file with the log and empties it when they disagree:
// it has entries the log does not (the log was restored from an older
// backup) or a different entry at the same place (another log).
func (x *searchIndex) check(ctx context.Context, logW *sql.DB) error {
	st, err := readSearchState(ctx, x.c)
	if err != nil {
		return fmt.Errorf("sqlite: search index %s: %w", x.path, err)
	}
	if st.copied == 0 {
		return nil
	}
	var hash string
	err = logW.QueryRowContext(ctx, "SELECT hash FROM access_log WHERE seq = ?", st.copied).Scan(&hash)
	switch {
	case err == nil && (st.hash == "" || hash == st.hash):
		return nil
	case errors.Is(err, sql.ErrNoRows):
		var last, start int64
		if err := logW.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0),
            (SELECT pruned_through FROM access_retention WHERE id = 1) FROM access_log`).Scan(&last, &start); err != nil {
			return fmt.Errorf("sqlite: search index: read the log: %w", err)
		}
		if st.copied <= start && last >= start {
			return nil // pruned since: the indexer drops those rows
		}
	case err != nil:
		return fmt.Errorf("sqlite: search index: read the log: %w", err)
	}
	x.logger.Warn("search index does not match the access log; rebuilding it",
		zap.String("path", x.path), zap.Int64("indexed_through", st.copied))
	return x.reset(ctx)
}

// reset empties the file, for a rebuild.
func (x *searchIndex) reset(ctx context.Context) error {
	tx, err := x.c.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: search index reset: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	if err := resetSearch(ctx, tx); err != nil {
		return fmt.Errorf("sqlite: search index reset: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlite: search index reset: %w", err)
	}
	x.broken.Store(false)
	return nil
}

// notify tells the indexer there may be new entries; it never blocks.
func (x *searchIndex) notify() {
	select {
	case x.nudge <- struct{}{}:
	default:
	}
}

// markBroken makes queries ignore the file and has the indexer rebuild it.
func (x *searchIndex) markBroken(reason string) {
	if x.broken.CompareAndSwap(false, true) {
		x.logger.Error("search index disagrees with the access log; searches read the log until it is rebuilt",
			zap.String("path", x.path), zap.String("reason", reason))
		x.notify()
	}
}

// run is the background indexer.
func (x *searchIndex) run() {
	defer close(x.done)
	poll := time.NewTicker(indexPoll)
	defer poll.Stop()
	for {
		if err := x.catchUp(x.ctx, 0); err != nil {
			if x.ctx.Err() != nil {
				return
			}
			x.logger.Warn("search indexer step failed; retrying", zap.String("path", x.path), zap.Error(err))
			select {
			case <-x.ctx.Done():
				return
			case <-time.After(indexRetry):
			}
			continue
		}
		select {
		case <-x.ctx.Done():
			return
		case <-x.nudge:
		case <-poll.C:
		}
		// Let entries accumulate: one transaction for many of them.
		select {
		case <-x.ctx.Done():
			return
		case <-time.After(indexPause):
		}
	}
}

// catchUp indexes entries until through (the whole log when <= 0) is
// indexed, and applies the log's retention start.
func (x *searchIndex) catchUp(ctx context.Context, through int64) error {
	for {
		more, err := x.step(ctx, through)
		if err != nil || !more {
			return err
		}
	}
}

// step does one indexer transaction and reports whether there is more to
// do for target (0: everything).
func (x *searchIndex) step(ctx context.Context, target int64) (bool, error) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.broken.Load() {
		if err := x.reset(ctx); err != nil {
			return false, err
		}
	}
	tx, err := x.c.BeginTx(ctx, nil) // IMMEDIATE: write lock here, a snapshot of the log
	if err != nil {
		return false, fmt.Errorf("sqlite: search index: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	st, err := readSearchState(ctx, tx)
	if err != nil {
		return false, fmt.Errorf("sqlite: search index: %w", err)
	}
	var head, start int64
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE((SELECT MAX(seq) FROM log.access_log), 0),
        (SELECT pruned_through FROM log.access_retention WHERE id = 1)`).Scan(&head, &start); err != nil {
		return false, fmt.Errorf("sqlite: search index: read the log: %w", err)
	}
	if target <= 0 || target > head {
		target = head
	}
	more := false
	switch {
	case start > st.pruned:
		// Retention: drop what the log no longer holds, a chunk at a
		// time (at once when nothing is copied there).
		hi := min(start, st.pruned+store.PruneChunk)
		if st.copied <= st.pruned {
			hi = start
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM access_search WHERE seq <= ?", hi); err != nil {
			return false, fmt.Errorf("sqlite: search index: prune: %w", err)
		}
		// Buckets wholly pruned; a bucket cut in the middle keeps its
		// (now wider than needed) time range.
		if _, err := tx.ExecContext(ctx, "DELETE FROM search_bucket WHERE bucket < ? >> ?", hi, store.SearchBucketBits); err != nil {
			return false, fmt.Errorf("sqlite: search index: prune: %w", err)
		}
		st.pruned = hi
		if st.copied < hi {
			st.copied, st.hash = hi, ""
			if st.built {
				st.indexed = hi
			}
		}
		more = true
	case st.copied < target || !st.built && st.copied < head:
		if st.built && st.copied <= st.pruned && head-st.copied > x.bulkThreshold {
			// Nothing copied yet and a long log: copy the rows first and
			// sort them into the indexes at the end.
			for _, ix := range searchIndexes {
				if _, err := tx.ExecContext(ctx, "DROP INDEX IF EXISTS "+ix.name); err != nil {
					return false, fmt.Errorf("sqlite: search index: %w", err)
				}
			}
			st.built = false
			x.logger.Info("building the search index from the access log", zap.String("path", x.path),
				zap.Int64("entries", head-st.copied))
		}
		chunk := int64(indexChunk)
		if !st.built {
			chunk = x.bulkChunk
		}
		hi := min(head, st.copied+chunk)
		if st.built {
			hi = min(hi, target)
		}
		lo := max(st.copied, start)
		if _, err := tx.ExecContext(ctx, "INSERT INTO access_search ("+searchColumns+", bucket) SELECT "+searchColumns+
			", (seq - 1) >> ? FROM log.access_log WHERE seq > ? AND seq <= ? ORDER BY seq", store.SearchBucketBits, lo, hi); err != nil {
			return false, fmt.Errorf("sqlite: search index: copy entries: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO search_bucket (bucket, min_time, max_time)
            SELECT (seq - 1) >> ?, MIN(received_at_us), MAX(received_at_us) FROM log.access_log
            WHERE seq > ? AND seq <= ? GROUP BY 1
            ON CONFLICT (bucket) DO UPDATE SET min_time = MIN(min_time, excluded.min_time),
                max_time = MAX(max_time, excluded.max_time)`, store.SearchBucketBits, lo, hi); err != nil {
			return false, fmt.Errorf("sqlite: search index: bucket times: %w", err)
		}
		if err := tx.QueryRowContext(ctx, "SELECT hash FROM log.access_log WHERE seq = ?", hi).Scan(&st.hash); err != nil {
			return false, fmt.Errorf("sqlite: search index: read entry %d: %w", hi, err)
		}
		st.copied = hi
		if !st.built && hi == head {
			if err := createSearchIndexes(ctx, tx); err != nil {
				return false, fmt.Errorf("sqlite: search index: build indexes: %w", err)
			}
			st.built = true
			x.logger.Info("search index built", zap.String("path", x.path), zap.Int64("through", hi))
		}
		if st.built {
			st.indexed = hi
		}
		more = hi < target || !st.built
	default:
		return false, nil
	}
	built := 0
	if st.built {
		built = 1
	}
	if _, err := tx.ExecContext(ctx, `UPDATE search_state SET copied_through = ?, copied_hash = ?,
        indexed_through = ?, indexes_built = ?, pruned_through = ? WHERE id = 1`,
		st.copied, st.hash, st.indexed, built, st.pruned); err != nil {
		return false, fmt.Errorf("sqlite: search index: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("sqlite: search index: commit: %w", err)
	}
	return more, nil
}

// readBuckets reads every bucket's time range.
func readBuckets(ctx context.Context, tx *sql.Tx) ([]store.SearchBucket, error) {
	rows, err := tx.QueryContext(ctx, "SELECT bucket, min_time, max_time FROM search_bucket")
	if err != nil {
		return nil, err
	}
	defer func() { _ = rows.Close() }()
	var out []store.SearchBucket
	for rows.Next() {
		var b store.SearchBucket
		var lo, hi int64
		if err := rows.Scan(&b.Bucket, &lo, &hi); err != nil {
			return nil, err
		}
		b.MinTime, b.MaxTime = time.UnixMicro(lo).UTC(), time.UnixMicro(hi).UTC()
		out = append(out, b)
	}
	return out, rows.Err()
}

// indexedThrough reads how far queries may use the file.
func (x *searchIndex) indexedThrough(ctx context.Context, tx *sql.Tx) (int64, error) {
	var w int64
	err := tx.QueryRowContext(ctx, "SELECT indexed_through FROM search_state WHERE id = 1").Scan(&w)
	return w, err
}

// stop stops the background indexer.
func (x *searchIndex) stop() {
	x.cancel()
	<-x.done
}

// closeDBs closes the file's connections.
func (x *searchIndex) closeDBs() error {
	var errs []error
	if x.c != nil {
		errs = append(errs, x.c.Close())
	}
	if x.w != nil {
		errs = append(errs, x.w.Close())
	}
	if x.r != nil {
		errs = append(errs, x.r.Close())
	}
	return errors.Join(errs...)
}

// isNotADB reports whether err says the file is not an SQLite database.
func isNotADB(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && (se.Code()&0xff == sqlite3.SQLITE_NOTADB || se.Code()&0xff == sqlite3.SQLITE_CORRUPT)
}

// isNoSuchTable reports whether err says a table is missing.
func isNoSuchTable(err error) bool {
	return err != nil && strings.Contains(err.Error(), "no such table")
}
