// Package postgres is konektor's shared store for several nodes: PostgreSQL
// through a pgx connection pool. The schema lives in the first schema of the
// connection's search_path (set it in the URL, e.g. ?search_path=konektor)
// and is created and upgraded by the embedded, versioned migrations in
// migrations/. Appends from several nodes are serialised by a transaction
// advisory lock, so the access log stays one gapless sequence. The search
// indexes are on a derived table filled in the background (see search.go),
// so that an append writes only the entry and its primary key.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"go.uber.org/zap"

	"konektor/internal/store"
)

// Store is the PostgreSQL store. It is safe for concurrent use.
type Store struct {
	pool   *pgxpool.Pool
	logger *zap.Logger
	index  *indexer

	closeOnce sync.Once
}

// Options configure OpenWith.
type Options struct {
	// Logger receives operational messages; zap.NewNop() if nil.
	Logger *zap.Logger
	// ManualSearchIndex stops this Store's background indexer: the search
	// index then grows only through CatchUpSearchIndex (or another node's
	// indexer). For tests, which need the index at a known place.
	ManualSearchIndex bool
}

// Open connects to the database at url (a postgres:// URL or a key=value
// connection string; pgxpool's pool_* parameters are honoured) and brings
// the schema up to date. It refuses a database migrated by a newer konektor
// (store.ErrSchemaTooNew). The search indexer starts in the background.
func Open(ctx context.Context, url string, logger *zap.Logger) (*Store, error) {
	return OpenWith(ctx, url, Options{Logger: logger})
}

// OpenWith is Open with options.
func OpenWith(ctx context.Context, url string, o Options) (*Store, error) {
	logger := o.Logger
	if logger == nil {
		logger = zap.NewNop()
	}
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		// pgconn redacts the password in its parse errors.
		return nil, fmt.Errorf("postgres: database url: %w", err)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: connect: %w", err)
	}
	s := &Store{pool: pool, logger: logger}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres: connect to %s:%d/%s: %w", cfg.ConnConfig.Host, cfg.ConnConfig.Port, cfg.ConnConfig.Database, err)
	}
	applied, err := s.migrate(ctx)
	if err != nil {
		pool.Close()
		return nil, err
	}
	s.index = newIndexer(s, o.ManualSearchIndex)
	for _, m := range applied {
		logger.Info("store migration applied", zap.String("backend", "postgres"),
			zap.Int("version", m.Version), zap.String("name", m.Name))
	}
	logger.Debug("store opened", zap.String("backend", "postgres"),
		zap.String("host", cfg.ConnConfig.Host), zap.String("database", cfg.ConnConfig.Database))
	return s, nil
}

// Ping reports whether the database answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.pool.Ping(ctx); err != nil {
		return fmt.Errorf("postgres: ping: %w", err)
	}
	return nil
}

// Close closes every connection of the pool. It may be called more than once.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		if s.index != nil {
			s.index.stop()
		}
		s.pool.Close()
	})
	return nil
}

// scanner is one result row.
type scanner interface{ Scan(dest ...any) error }

// querier is what the rest of the package needs from a connection or a
// transaction; it keeps pgx in this file.
type querier interface {
	exec(ctx context.Context, sql string, args ...any) error
	// execN runs sql and returns how many rows it affected.
	execN(ctx context.Context, sql string, args ...any) (int64, error)
	queryRow(ctx context.Context, sql string, args ...any) scanner
	// query runs sql and calls each for every row; it stops at each's
	// first error.
	query(ctx context.Context, sql string, args []any, each func(scanner) error) error
}

type pgxQuerier struct {
	q interface {
		Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
		QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
		Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	}
}

func (p pgxQuerier) query(ctx context.Context, sql string, args []any, each func(scanner) error) error {
	rows, err := p.q.Query(ctx, sql, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := each(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

func (p pgxQuerier) exec(ctx context.Context, sql string, args ...any) error {
	_, err := p.q.Exec(ctx, sql, args...)
	return err
}

func (p pgxQuerier) execN(ctx context.Context, sql string, args ...any) (int64, error) {
	tag, err := p.q.Exec(ctx, sql, args...)
	return tag.RowsAffected(), err
}

func (p pgxQuerier) queryRow(ctx context.Context, sql string, args ...any) scanner {
	return p.q.QueryRow(ctx, sql, args...)
}

// inTx runs fn in a read-committed transaction, committing if fn returns nil.
func (s *Store) inTx(ctx context.Context, fn func(q querier) error) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()
	if err := fn(pgxQuerier{tx}); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

// readSnapshot runs fn in a read-only, repeatable-read transaction: every
// statement sees the same snapshot.
func (s *Store) readSnapshot(ctx context.Context, fn func(q querier) error) error {
	tx, err := s.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()
	if err := fn(pgxQuerier{tx}); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

// statement is one SQL statement with its arguments.
type statement struct {
	sql  string
	args []any
}

// pipeline sends stmts in one round trip; the server runs them in one
// implicit transaction, committed (durably, with synchronous_commit on)
// only if every statement succeeds. It returns each statement's count of
// affected rows once the commit is acknowledged.
func (s *Store) pipeline(ctx context.Context, stmts ...statement) ([]int64, error) {
	b := &pgx.Batch{}
	for _, st := range stmts {
		b.Queue(st.sql, st.args...)
	}
	br := s.pool.SendBatch(ctx, b)
	affected := make([]int64, 0, len(stmts))
	var err error
	for range stmts {
		var tag pgconn.CommandTag
		if tag, err = br.Exec(); err != nil {
			break
		}
		affected = append(affected, tag.RowsAffected())
	}
	// Close reads up to ReadyForQuery, that is past the commit.
	if cerr := br.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, err
	}
	return affected, nil
}

// queryRow runs a one-row query outside a transaction.
func (s *Store) queryRow(ctx context.Context, sql string, args ...any) scanner {
	return s.pool.QueryRow(ctx, sql, args...)
}

// query runs sql and calls each for every row; it stops at each's first error.
func (s *Store) query(ctx context.Context, sql string, args []any, each func(scanner) error) error {
	return pgxQuerier{s.pool}.query(ctx, sql, args, each)
}

// isNoRows reports whether err says a one-row query found nothing.
func isNoRows(err error) bool { return errors.Is(err, pgx.ErrNoRows) }

// isUniqueViolation reports whether err is a unique-key violation (a
// sequence number already taken).
func isUniqueViolation(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505"
}

var _ store.Store = (*Store)(nil)
