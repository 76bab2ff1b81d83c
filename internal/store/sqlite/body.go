package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"konektor/internal/store"
)

// AppendAccessWithBodies stores entries and bodies in one transaction. See
// store.BodyLog.
func (s *Store) AppendAccessWithBodies(ctx context.Context, entries []store.AccessEntry, bodies []store.AccessBody) error {
	return s.appendBatch(ctx, entries, bodies)
}

func insertBodies(ctx context.Context, tx *sql.Tx, bodies []store.AccessBody) error {
	if len(bodies) == 0 {
		return nil
	}
	st, err := tx.PrepareContext(ctx, "INSERT INTO access_body (seq, kind, key_id, nonce, data) VALUES (?, ?, ?, ?, ?)")
	if err != nil {
		return fmt.Errorf("sqlite: append bodies: %w", err)
	}
	defer func() { _ = st.Close() }()
	for _, b := range bodies {
		if _, err := st.ExecContext(ctx, b.Seq, b.Kind, b.KeyID, nonNil(b.Nonce), nonNil(b.Data)); err != nil {
			return fmt.Errorf("sqlite: append body %d/%s: %w", b.Seq, b.Kind, err)
		}
	}
	return nil
}

// nonNil keeps NOT NULL blob columns from receiving NULL for an empty slice.
func nonNil(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}

// AccessBodies returns the bodies stored for entry seq, request first.
func (s *Store) AccessBodies(ctx context.Context, seq int64) ([]store.AccessBody, error) {
	rows, err := s.r.QueryContext(ctx, "SELECT seq, kind, key_id, nonce, data FROM access_body WHERE seq = ? ORDER BY kind", seq)
	if err != nil {
		return nil, fmt.Errorf("sqlite: access bodies: %w", err)
	}
	defer func() { _ = rows.Close() }()
	var out []store.AccessBody
	for rows.Next() {
		var b store.AccessBody
		if err := rows.Scan(&b.Seq, &b.Kind, &b.KeyID, &b.Nonce, &b.Data); err != nil {
			return nil, fmt.Errorf("sqlite: access bodies: %w", err)
		}
		out = append(out, b)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: access bodies: %w", err)
	}
	return out, nil
}

var _ store.BodyLog = (*Store)(nil)
