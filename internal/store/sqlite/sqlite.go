// Package sqlite is konektor's embedded default store: one SQLite file in
// WAL mode with synchronous=FULL (a commit is on disk before AppendAccess
// returns), driven by the pure-Go modernc.org/sqlite (no cgo). All writes go
// through a single connection; reads use a small pool of read-only
// connections, so scans never hold back the writer. The schema is created
// and upgraded by the embedded, versioned migrations in migrations/.
//
// The access log's search indexes live in a second, derived file next to
// it (see SearchPath), filled in the background, so that an append writes
// only the entry and its primary key however large the log grows. Queries
// read entries the index does not cover yet from the log itself.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"time"

	"go.uber.org/zap"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"konektor/internal/store"
)

// busyTimeout is how long a statement waits for a lock held by another
// process (a backup, an operator's sqlite3 shell) before failing.
const busyTimeout = 10 * time.Second

// readers is the size of the read-only connection pool.
const readers = 4

// Store is the SQLite store. It is safe for concurrent use.
type Store struct {
	w      *sql.DB // exactly one connection: the single writer
	r      *sql.DB // read-only connections
	path   string
	logger *zap.Logger

	// Prepared on w by prepareWriter; read-only after Open.
	lastSeq *sql.Stmt
	inserts map[int]*sql.Stmt // by row count

	search *searchIndex

	closeOnce sync.Once
	closeErr  error
}

// Options configure OpenWith.
type Options struct {
	// Logger receives operational messages; zap.NewNop() if nil.
	Logger *zap.Logger
	// ManualSearchIndex stops the background indexer: the search index
	// then grows only through CatchUpSearchIndex. For tests, which need the
	// index at a known place.
	ManualSearchIndex bool
}

// Open opens (creating if needed) the SQLite database at path and brings
// its schema up to date. It refuses a database written by a newer konektor
// (store.ErrSchemaTooNew). The directory must exist. The search index file
// (SearchPath) is opened too, and created or rebuilt from the log when it
// is missing or does not match it.
func Open(ctx context.Context, path string, logger *zap.Logger) (*Store, error) {
	return OpenWith(ctx, path, Options{Logger: logger})
}

// OpenWith is Open with options.
func OpenWith(ctx context.Context, path string, o Options) (*Store, error) {
	logger := o.Logger
	if logger == nil {
		logger = zap.NewNop()
	}
	if err := checkPath(path); err != nil {
		return nil, err
	}
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busyTimeout.Milliseconds()))
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(FULL)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Set("_txlock", "immediate")
	w, err := sql.Open("sqlite", path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)
	s := &Store{w: w, path: path, logger: logger}
	if err := s.checkWriter(ctx); err != nil {
		_ = w.Close()
		return nil, err
	}
	applied, err := migrate(ctx, w)
	if err != nil {
		_ = w.Close()
		return nil, err
	}
	if err := s.prepareWriter(ctx); err != nil {
		_ = s.Close()
		return nil, err
	}

	rq := url.Values{}
	rq.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busyTimeout.Milliseconds()))
	rq.Add("_pragma", "query_only(1)")
	r, err := sql.Open("sqlite", path+"?"+rq.Encode())
	if err != nil {
		_ = w.Close()
		return nil, fmt.Errorf("sqlite: open %s for reading: %w", path, err)
	}
	r.SetMaxOpenConns(readers)
	r.SetMaxIdleConns(readers)
	s.r = r
	if err := r.PingContext(ctx); err != nil {
		_ = s.Close()
		return nil, fmt.Errorf("sqlite: open %s for reading: %w", path, err)
	}
	x, err := openSearch(ctx, path, w, logger, o.ManualSearchIndex)
	if err != nil {
		_ = s.Close()
		return nil, err
	}
	s.search = x
	for _, m := range applied {
		logger.Info("store migration applied", zap.String("backend", "sqlite"), zap.String("path", path),
			zap.Int("version", m.Version), zap.String("name", m.Name))
	}
	logger.Debug("store opened", zap.String("backend", "sqlite"), zap.String("path", path))
	return s, nil
}

// checkPath rejects names the driver would read as something other than a
// plain file path.
func checkPath(path string) error {
	switch {
	case path == "":
		return errors.New("sqlite: database path is empty")
	case path == ":memory:" || strings.HasPrefix(path, "file:"):
		return fmt.Errorf("sqlite: database path %q: give a plain file path (no :memory: or file: URI)", path)
	case strings.ContainsAny(path, "?#"):
		return fmt.Errorf("sqlite: database path %q: '?' and '#' are not allowed in the path", path)
	}
	return nil
}

// checkWriter makes sure the pragmas the durability promise rests on took
// effect (journal_mode can silently stay "delete" on some file systems).
func (s *Store) checkWriter(ctx context.Context) error {
	var mode string
	if err := retryBusy(ctx, func() error {
		return s.w.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode)
	}); err != nil {
		return fmt.Errorf("sqlite: open %s: %w", s.path, err)
	}
	if !strings.EqualFold(mode, "wal") {
		return fmt.Errorf("sqlite: open %s: journal_mode is %q, want wal", s.path, mode)
	}
	var syncMode int
	if err := s.w.QueryRowContext(ctx, "PRAGMA synchronous").Scan(&syncMode); err != nil {
		return fmt.Errorf("sqlite: open %s: %w", s.path, err)
	}
	if syncMode < 2 {
		return fmt.Errorf("sqlite: open %s: synchronous is %d, want 2 (FULL)", s.path, syncMode)
	}
	return nil
}

// Ping reports whether both the writer and the readers answer.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.w.PingContext(ctx); err != nil {
		return fmt.Errorf("sqlite: ping: %w", err)
	}
	if err := s.r.PingContext(ctx); err != nil {
		return fmt.Errorf("sqlite: ping: %w", err)
	}
	return nil
}

// Close closes the database. Later calls return the first call's result.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		var errs []error
		if s.search != nil {
			s.search.stop()
			errs = append(errs, s.search.closeDBs())
		}
		if s.lastSeq != nil {
			errs = append(errs, s.lastSeq.Close())
		}
		for _, st := range s.inserts {
			errs = append(errs, st.Close())
		}
		if s.r != nil {
			errs = append(errs, s.r.Close())
		}
		errs = append(errs, s.w.Close())
		if err := errors.Join(errs...); err != nil {
			s.closeErr = fmt.Errorf("sqlite: close: %w", err)
		}
	})
	return s.closeErr
}

// isConstraint reports whether err is a constraint violation (a sequence
// number already taken, a failed CHECK).
func isConstraint(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_CONSTRAINT
}

// retryBusy runs fn again while it fails with SQLITE_BUSY, for up to
// busyTimeout. Two processes creating the same file race to switch it to
// WAL, and SQLite answers the loser SQLITE_BUSY at once, without waiting:
// a new connection (its pragmas) is tried again.
func retryBusy(ctx context.Context, fn func() error) error {
	deadline := time.Now().Add(busyTimeout)
	for {
		err := fn()
		if err == nil || !isBusy(err) || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// isBusy reports whether err is SQLITE_BUSY (a lock another connection holds).
func isBusy(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_BUSY
}

var _ store.Store = (*Store)(nil)
