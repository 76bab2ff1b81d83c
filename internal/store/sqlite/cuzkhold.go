package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"konektor/internal/store"
)

const holdColumns = `account, since_us, reason, node, secret_fp, released_at_us, released_by`

func scanHold(row scanner) (store.CUZKHold, error) {
	var h store.CUZKHold
	var since int64
	var released sql.NullInt64
	if err := row.Scan(&h.Account, &since, &h.Reason, &h.Node, &h.SecretFP, &released, &h.ReleasedBy); err != nil {
		return h, err
	}
	h.Since = time.UnixMicro(since).UTC()
	if released.Valid {
		h.ReleasedAt = time.UnixMicro(released.Int64).UTC()
	}
	return h, nil
}

// PutCUZKHold puts an account on hold unless a hold is in force. See
// store.CUZKHoldStore.
func (s *Store) PutCUZKHold(ctx context.Context, h store.CUZKHold) (store.CUZKHold, bool, error) {
	if err := store.CheckCUZKHold(h); err != nil {
		return store.CUZKHold{}, false, err
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return store.CUZKHold{}, false, fmt.Errorf("sqlite: put ČÚZK account hold: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	// A released record is replaced; a hold in force is kept (the WHERE of
	// DO UPDATE fails and RETURNING gives no row).
	got, err := scanHold(tx.QueryRowContext(ctx, `INSERT INTO cuzk_account_hold (account, since_us, reason, node, secret_fp)
VALUES (?, ?, ?, ?, ?)
ON CONFLICT (account) DO UPDATE SET since_us = excluded.since_us, reason = excluded.reason, node = excluded.node,
    secret_fp = excluded.secret_fp, released_at_us = NULL, released_by = ''
WHERE cuzk_account_hold.released_at_us IS NOT NULL
RETURNING `+holdColumns, h.Account, store.StoredTime(h.Since).UnixMicro(), h.Reason, h.Node, h.SecretFP))
	created := err == nil
	if errors.Is(err, sql.ErrNoRows) {
		got, err = scanHold(tx.QueryRowContext(ctx, "SELECT "+holdColumns+" FROM cuzk_account_hold WHERE account = ?", h.Account))
	}
	if err != nil {
		return store.CUZKHold{}, false, fmt.Errorf("sqlite: put ČÚZK account hold: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return store.CUZKHold{}, false, fmt.Errorf("sqlite: put ČÚZK account hold: %w", err)
	}
	return got, created, nil
}

// GetCUZKHold returns an account's record. See store.CUZKHoldStore.
func (s *Store) GetCUZKHold(ctx context.Context, account string) (store.CUZKHold, error) {
	h, err := scanHold(s.r.QueryRowContext(ctx, "SELECT "+holdColumns+" FROM cuzk_account_hold WHERE account = ?", account))
	if errors.Is(err, sql.ErrNoRows) {
		return h, fmt.Errorf("%w: ČÚZK account hold %s", store.ErrNotFound, account)
	}
	if err != nil {
		return h, fmt.Errorf("sqlite: get ČÚZK account hold: %w", err)
	}
	return h, nil
}

// ListCUZKHolds returns every record by account. See store.CUZKHoldStore.
func (s *Store) ListCUZKHolds(ctx context.Context) ([]store.CUZKHold, error) {
	out, err := queryAll(ctx, s.r, scanHold, "SELECT "+holdColumns+" FROM cuzk_account_hold ORDER BY account")
	if err != nil {
		return nil, fmt.Errorf("sqlite: list ČÚZK account holds: %w", err)
	}
	return out, nil
}

// ReleaseCUZKHold releases a hold on the refused secret secretFP. See
// store.CUZKHoldStore.
func (s *Store) ReleaseCUZKHold(ctx context.Context, account, secretFP, by string, at time.Time) (bool, error) {
	if err := store.CheckCUZKHoldRelease(account, secretFP, by, at); err != nil {
		return false, err
	}
	res, err := s.w.ExecContext(ctx, `UPDATE cuzk_account_hold SET released_at_us = ?, released_by = ?
WHERE account = ? AND secret_fp = ? AND released_at_us IS NULL`, store.StoredTime(at).UnixMicro(), by, account, secretFP)
	if err != nil {
		return false, fmt.Errorf("sqlite: release ČÚZK account hold: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("sqlite: release ČÚZK account hold: %w", err)
	}
	return n == 1, nil
}

// DeleteCUZKHold removes an account's record. See store.CUZKHoldStore.
func (s *Store) DeleteCUZKHold(ctx context.Context, account string) (store.CUZKHold, error) {
	h, err := scanHold(s.w.QueryRowContext(ctx, "DELETE FROM cuzk_account_hold WHERE account = ? RETURNING "+holdColumns, account))
	if errors.Is(err, sql.ErrNoRows) {
		return h, fmt.Errorf("%w: ČÚZK account hold %s", store.ErrNotFound, account)
	}
	if err != nil {
		return h, fmt.Errorf("sqlite: delete ČÚZK account hold: %w", err)
	}
	return h, nil
}

var _ store.CUZKHoldStore = (*Store)(nil)
