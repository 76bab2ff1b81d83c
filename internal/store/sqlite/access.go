package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"konektor/internal/store"
)

// accessColumns lists the access_log columns in the order of accessArgs and
// scanAccess.
const accessColumns = `seq, received_at_us, correlation_id, upstream, service, ais, ovm, agenda, role,
user_name, purpose, subject, outcome, upstream_status, reason, latency_us, request_sha256,
response_sha256, sealed, evidence, prev_hash, hash`

const accessColumnCount = 22

// insertChunk is the most rows one INSERT statement carries (SQLite allows
// 32766 bound parameters per statement). A batch is split into chunks of
// power-of-two sizes, so that a handful of prepared statements, parsed once
// per connection, serve every batch size.
const insertChunk = 256

// scanPage is how many rows ScanAccess reads per query; between pages no
// read transaction stays open, so a long scan never pins the WAL.
const scanPage = 512

func insertSQL(rows int) string {
	var b strings.Builder
	b.WriteString("INSERT INTO access_log (")
	b.WriteString(accessColumns)
	b.WriteString(") VALUES ")
	row := "(" + strings.TrimSuffix(strings.Repeat("?,", accessColumnCount), ",") + ")"
	for i := range rows {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(row)
	}
	return b.String()
}

// chunkSize returns the largest power of two <= min(n, insertChunk).
func chunkSize(n int) int {
	c := 1
	for c*2 <= n && c*2 <= insertChunk {
		c *= 2
	}
	return c
}

const lastSeqSQL = "SELECT COALESCE(MAX(seq), 0) FROM access_log"

// prepareWriter prepares, on the writer connection, the statements every
// append runs: the last-seq query and the INSERT for every chunk size. It
// must run before any write transaction: the writer has a single
// connection, which a transaction holds.
func (s *Store) prepareWriter(ctx context.Context) error {
	st, err := s.w.PrepareContext(ctx, lastSeqSQL)
	if err != nil {
		return fmt.Errorf("sqlite: prepare last-seq query: %w", err)
	}
	s.lastSeq = st
	s.inserts = map[int]*sql.Stmt{}
	for rows := 1; rows <= insertChunk; rows *= 2 {
		st, err := s.w.PrepareContext(ctx, insertSQL(rows))
		if err != nil {
			return fmt.Errorf("sqlite: prepare insert of %d rows: %w", rows, err)
		}
		s.inserts[rows] = st
	}
	return nil
}

func accessArgs(args []any, e store.AccessEntry) []any {
	sealed := 0
	if e.Sealed {
		sealed = 1
	}
	return append(args, e.Seq, e.Time.UnixMicro(), e.CorrelationID, e.Upstream, e.Service, e.AIS, e.OVM,
		e.Agenda, e.Role, e.User, e.Purpose, e.Subject, e.Outcome, e.UpstreamStatus, e.Reason,
		e.LatencyMicros, e.RequestSHA256, e.ResponseSHA256, sealed, e.Evidence, e.PrevHash, e.Hash)
}

type scanner interface{ Scan(dest ...any) error }

func scanAccess(row scanner) (store.AccessEntry, error) {
	var (
		e      store.AccessEntry
		timeUS int64
		sealed int64
	)
	err := row.Scan(&e.Seq, &timeUS, &e.CorrelationID, &e.Upstream, &e.Service, &e.AIS, &e.OVM,
		&e.Agenda, &e.Role, &e.User, &e.Purpose, &e.Subject, &e.Outcome, &e.UpstreamStatus, &e.Reason,
		&e.LatencyMicros, &e.RequestSHA256, &e.ResponseSHA256, &sealed, &e.Evidence, &e.PrevHash, &e.Hash)
	if err != nil {
		return store.AccessEntry{}, err
	}
	e.Time = time.UnixMicro(timeUS).UTC()
	e.Sealed = sealed != 0
	return e, nil
}

// AppendAccess stores entries in one write transaction. See store.AccessLog.
func (s *Store) AppendAccess(ctx context.Context, entries []store.AccessEntry) error {
	return s.appendBatch(ctx, entries, nil)
}

// appendBatch stores entries and their bodies in one write transaction.
func (s *Store) appendBatch(ctx context.Context, entries []store.AccessEntry, bodies []store.AccessBody) error {
	if len(entries) == 0 {
		if len(bodies) > 0 {
			return store.CheckBodies(entries, bodies)
		}
		return nil
	}
	if err := store.CheckAccessBatch(entries); err != nil {
		return err
	}
	if err := store.CheckBodies(entries, bodies); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("sqlite: append access: %w", err)
	}
	tx, err := s.w.BeginTx(ctx, nil) // BEGIN IMMEDIATE: see _txlock in Open
	if err != nil {
		return fmt.Errorf("sqlite: append access: %w", err)
	}
	defer func() { _ = tx.Rollback() }()

	var last int64
	if err := tx.StmtContext(ctx, s.lastSeq).QueryRowContext(ctx).Scan(&last); err != nil {
		return fmt.Errorf("sqlite: append access: read last seq: %w", err)
	}
	if first := entries[0].Seq; first != last+1 {
		return fmt.Errorf("%w: batch starts at seq %d, the log ends at %d", store.ErrConflict, first, last)
	}

	args := make([]any, 0, chunkSize(len(entries))*accessColumnCount)
	for rest := entries; len(rest) > 0; {
		n := chunkSize(len(rest))
		args = args[:0]
		for _, e := range rest[:n] {
			args = accessArgs(args, e)
		}
		if _, err := tx.StmtContext(ctx, s.inserts[n]).ExecContext(ctx, args...); err != nil {
			if isConstraint(err) {
				return fmt.Errorf("%w: %v", store.ErrConflict, err)
			}
			return fmt.Errorf("sqlite: append access: %w", err)
		}
		rest = rest[n:]
	}
	if err := insertBodies(ctx, tx, bodies); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlite: append access: commit: %w", err)
	}
	if s.search != nil {
		s.search.notify()
	}
	return nil
}

// LastAccess returns the entry with the highest Seq, or store.ErrNotFound.
func (s *Store) LastAccess(ctx context.Context) (store.AccessEntry, error) {
	row := s.r.QueryRowContext(ctx, "SELECT "+accessColumns+" FROM access_log ORDER BY seq DESC LIMIT 1")
	e, err := scanAccess(row)
	if errors.Is(err, sql.ErrNoRows) {
		return store.AccessEntry{}, store.ErrNotFound
	}
	if err != nil {
		return store.AccessEntry{}, fmt.Errorf("sqlite: last access: %w", err)
	}
	return e, nil
}

// ScanAccess calls fn for every entry with Seq >= from, in Seq order. It
// reads in pages and holds no database resources while fn runs, so fn may
// use the store.
func (s *Store) ScanAccess(ctx context.Context, from int64, fn func(store.AccessEntry) error) error {
	page := make([]store.AccessEntry, 0, scanPage)
	for {
		var err error
		page, err = s.accessPage(ctx, from, page[:0])
		if err != nil {
			return err
		}
		for _, e := range page {
			if err := ctx.Err(); err != nil {
				return fmt.Errorf("sqlite: scan access: %w", err)
			}
			if err := fn(e); err != nil {
				return err
			}
		}
		if len(page) < scanPage {
			return nil
		}
		from = page[len(page)-1].Seq + 1
	}
}

func (s *Store) accessPage(ctx context.Context, from int64, page []store.AccessEntry) ([]store.AccessEntry, error) {
	if err := ctx.Err(); err != nil {
		return page, fmt.Errorf("sqlite: scan access: %w", err)
	}
	rows, err := s.r.QueryContext(ctx, "SELECT "+accessColumns+" FROM access_log WHERE seq >= ? ORDER BY seq LIMIT ?", from, scanPage)
	if err != nil {
		return page, fmt.Errorf("sqlite: scan access: %w", err)
	}
	defer func() { _ = rows.Close() }()
	for rows.Next() {
		e, err := scanAccess(rows)
		if err != nil {
			return page, fmt.Errorf("sqlite: scan access: %w", err)
		}
		page = append(page, e)
	}
	if err := rows.Err(); err != nil {
		return page, fmt.Errorf("sqlite: scan access: %w", err)
	}
	return page, nil
}

var _ store.AccessLog = (*Store)(nil)
