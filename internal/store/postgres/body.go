package postgres

import (
	"context"
	"fmt"

	"konektor/internal/store"
)

// insertBodies inserts a batch of bodies, one array per column.
const insertBodies = `INSERT INTO access_body (seq, kind, key_id, nonce, data)
SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::bytea[], $5::bytea[])`

// AppendAccessWithBodies stores entries and bodies in one transaction. See
// store.BodyLog.
func (s *Store) AppendAccessWithBodies(ctx context.Context, entries []store.AccessEntry, bodies []store.AccessBody) error {
	if len(bodies) == 0 {
		return s.AppendAccess(ctx, entries)
	}
	if err := store.CheckAccessBatch(entries); err != nil {
		return err
	}
	if err := store.CheckBodies(entries, bodies); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("postgres: append access: %w", err)
	}
	var inserted int64
	err := s.inTx(ctx, func(q querier) error {
		if err := q.exec(ctx, appendLock); err != nil {
			return err
		}
		var err error
		inserted, err = q.execN(ctx, insertAccess, append(accessColumnsOf(entries), entries[0].Seq-1)...)
		if err != nil || inserted != int64(len(entries)) {
			return err
		}
		n := len(bodies)
		seq, kind, key, nonce, data := make([]int64, n), make([]string, n), make([]string, n), make([][]byte, n), make([][]byte, n)
		for i, b := range bodies {
			seq[i], kind[i], key[i], nonce[i], data[i] = b.Seq, b.Kind, b.KeyID, nonEmpty(b.Nonce), nonEmpty(b.Data)
		}
		return q.exec(ctx, insertBodies, seq, kind, key, nonce, data)
	})
	switch {
	case err != nil && isUniqueViolation(err):
		return fmt.Errorf("%w: %v", store.ErrConflict, err)
	case err != nil:
		return fmt.Errorf("postgres: append access: %w", err)
	case inserted == 0:
		return fmt.Errorf("%w: batch starts at seq %d, not after the last stored entry", store.ErrConflict, entries[0].Seq)
	case inserted != int64(len(entries)):
		return fmt.Errorf("postgres: append access: %d of %d rows inserted", inserted, len(entries))
	}
	s.index.notify()
	return nil
}

// nonEmpty keeps NOT NULL bytea columns from receiving NULL for a nil slice.
func nonEmpty(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}

// AccessBodies returns the bodies stored for entry seq, request first.
func (s *Store) AccessBodies(ctx context.Context, seq int64) ([]store.AccessBody, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("postgres: access bodies: %w", err)
	}
	var out []store.AccessBody
	err := s.query(ctx, "SELECT seq, kind, key_id, nonce, data FROM access_body WHERE seq = $1 ORDER BY kind", []any{seq}, func(row scanner) error {
		var b store.AccessBody
		if err := row.Scan(&b.Seq, &b.Kind, &b.KeyID, &b.Nonce, &b.Data); err != nil {
			return err
		}
		out = append(out, b)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: access bodies: %w", err)
	}
	return out, nil
}

var _ store.BodyLog = (*Store)(nil)
