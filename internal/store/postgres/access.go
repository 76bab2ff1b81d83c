package postgres

import (
	"context"
	"fmt"
	"time"

	"konektor/internal/store"
)

const accessColumns = `seq, received_at, correlation_id, upstream, service, ais, ovm, agenda, role,
user_name, purpose, subject, outcome, upstream_status, reason, latency_us, request_sha256,
response_sha256, sealed, evidence, prev_hash, hash`

// insertAccess inserts a whole batch in one statement, one array per
// column, provided the log ends at seq $23; otherwise it inserts nothing.
const insertAccess = `INSERT INTO access_log (` + accessColumns + `)
SELECT * FROM unnest($1::bigint[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::text[],
    $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[],
    $15::text[], $16::bigint[], $17::text[], $18::text[], $19::boolean[], $20::text[], $21::text[], $22::text[])
WHERE (SELECT COALESCE(MAX(seq), 0) FROM access_log) = $23::bigint`

// appendLock serialises appenders (several nodes may share the log). It is
// its own statement, before insertAccess, because a read-committed
// statement sees the data committed when it starts: insertAccess starts
// after the lock is held, so its last-seq check sees every committed entry.
const appendLock = `SELECT pg_advisory_xact_lock(hashtext(current_schema() || '.access_log'))`

// scanPage is how many rows ScanAccess reads per query; no connection is
// held between pages.
const scanPage = 1000

// accessColumnsOf turns entries into the column arrays of insertAccess.
func accessColumnsOf(entries []store.AccessEntry) []any {
	n := len(entries)
	var (
		seq, latency = make([]int64, n), make([]int64, n)
		at           = make([]time.Time, n)
		sealed       = make([]bool, n)
		text         [18][]string
	)
	for i := range text {
		text[i] = make([]string, n)
	}
	for i, e := range entries {
		seq[i], at[i], latency[i], sealed[i] = e.Seq, e.Time, e.LatencyMicros, e.Sealed
		for j, v := range [18]string{e.CorrelationID, e.Upstream, e.Service, e.AIS, e.OVM, e.Agenda, e.Role,
			e.User, e.Purpose, e.Subject, e.Outcome, e.UpstreamStatus, e.Reason,
			e.RequestSHA256, e.ResponseSHA256, e.Evidence, e.PrevHash, e.Hash} {
			text[j][i] = v
		}
	}
	return []any{seq, at, text[0], text[1], text[2], text[3], text[4], text[5], text[6], text[7], text[8],
		text[9], text[10], text[11], text[12], latency, text[13], text[14], sealed, text[15], text[16], text[17]}
}

func scanAccess(row scanner) (store.AccessEntry, error) {
	var e store.AccessEntry
	err := row.Scan(&e.Seq, &e.Time, &e.CorrelationID, &e.Upstream, &e.Service, &e.AIS, &e.OVM,
		&e.Agenda, &e.Role, &e.User, &e.Purpose, &e.Subject, &e.Outcome, &e.UpstreamStatus, &e.Reason,
		&e.LatencyMicros, &e.RequestSHA256, &e.ResponseSHA256, &e.Sealed, &e.Evidence, &e.PrevHash, &e.Hash)
	e.Time = e.Time.UTC()
	return e, err
}

// AppendAccess stores entries in one transaction. See store.AccessLog.
func (s *Store) AppendAccess(ctx context.Context, entries []store.AccessEntry) error {
	if len(entries) == 0 {
		return nil
	}
	if err := store.CheckAccessBatch(entries); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("postgres: append access: %w", err)
	}
	cols := append(accessColumnsOf(entries), entries[0].Seq-1)
	// One round trip: lock, check and insert in one implicit transaction.
	affected, err := s.pipeline(ctx, statement{sql: appendLock}, statement{sql: insertAccess, args: cols})
	switch {
	case err != nil && isUniqueViolation(err):
		return fmt.Errorf("%w: %v", store.ErrConflict, err)
	case err != nil:
		return fmt.Errorf("postgres: append access: %w", err)
	case affected[1] == int64(len(entries)):
		s.index.notify()
		return nil
	case affected[1] != 0:
		return fmt.Errorf("postgres: append access: %d of %d rows inserted", affected[1], len(entries))
	}
	// Nothing inserted: the batch does not follow the last stored entry.
	var last int64
	if err := s.queryRow(ctx, "SELECT COALESCE(MAX(seq), 0) FROM access_log").Scan(&last); err != nil {
		return fmt.Errorf("%w: batch starts at seq %d, not after the last stored entry", store.ErrConflict, entries[0].Seq)
	}
	return fmt.Errorf("%w: batch starts at seq %d, the log ends at %d", store.ErrConflict, entries[0].Seq, last)
}

// LastAccess returns the entry with the highest Seq, or store.ErrNotFound.
func (s *Store) LastAccess(ctx context.Context) (store.AccessEntry, error) {
	if err := ctx.Err(); err != nil {
		return store.AccessEntry{}, fmt.Errorf("postgres: last access: %w", err)
	}
	e, err := scanAccess(s.queryRow(ctx, "SELECT "+accessColumns+" FROM access_log ORDER BY seq DESC LIMIT 1"))
	if isNoRows(err) {
		return store.AccessEntry{}, store.ErrNotFound
	}
	if err != nil {
		return store.AccessEntry{}, fmt.Errorf("postgres: last access: %w", err)
	}
	return e, nil
}

// ScanAccess calls fn for every entry with Seq >= from, in Seq order. It
// reads in pages and holds no connection while fn runs, so fn may use the
// store.
func (s *Store) ScanAccess(ctx context.Context, from int64, fn func(store.AccessEntry) error) error {
	page := make([]store.AccessEntry, 0, scanPage)
	for {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("postgres: scan access: %w", err)
		}
		page = page[:0]
		err := s.query(ctx, "SELECT "+accessColumns+" FROM access_log WHERE seq >= $1 ORDER BY seq LIMIT $2",
			[]any{from, scanPage}, func(row scanner) error {
				e, err := scanAccess(row)
				if err != nil {
					return err
				}
				page = append(page, e)
				return nil
			})
		if err != nil {
			return fmt.Errorf("postgres: scan access: %w", err)
		}
		for _, e := range page {
			if err := ctx.Err(); err != nil {
				return fmt.Errorf("postgres: scan access: %w", err)
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

var _ store.AccessLog = (*Store)(nil)
