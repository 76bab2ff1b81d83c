package postgres

import (
	"context"
	"fmt"
	"time"

	"konektor/internal/store"
)

const holdColumns = `account, since, reason, node, secret_fp, released_at, released_by`

func scanHold(row scanner) (store.CUZKHold, error) {
	var h store.CUZKHold
	var released *time.Time
	if err := row.Scan(&h.Account, &h.Since, &h.Reason, &h.Node, &h.SecretFP, &released, &h.ReleasedBy); err != nil {
		return h, err
	}
	h.Since = h.Since.UTC()
	if released != nil {
		h.ReleasedAt = released.UTC()
	}
	return h, nil
}

// PutCUZKHold puts an account on hold unless a hold is in force. See
// store.CUZKHoldStore.
func (s *Store) PutCUZKHold(ctx context.Context, h store.CUZKHold) (store.CUZKHold, bool, error) {
	if err := store.CheckCUZKHold(h); err != nil {
		return store.CUZKHold{}, false, err
	}
	var got store.CUZKHold
	var created bool
	err := s.inTx(ctx, func(q querier) error {
		// A released record is replaced; a hold in force is kept: the WHERE
		// of DO UPDATE fails, RETURNING gives no row, and the row stays
		// locked, so the SELECT below sees it still.
		var err error
		got, err = scanHold(q.queryRow(ctx, `INSERT INTO cuzk_account_hold (account, since, reason, node, secret_fp)
VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (account) DO UPDATE SET since = EXCLUDED.since, reason = EXCLUDED.reason, node = EXCLUDED.node,
    secret_fp = EXCLUDED.secret_fp, released_at = NULL, released_by = ''
WHERE cuzk_account_hold.released_at IS NOT NULL
RETURNING `+holdColumns, h.Account, store.StoredTime(h.Since), h.Reason, h.Node, h.SecretFP))
		created = err == nil
		if isNoRows(err) {
			got, err = scanHold(q.queryRow(ctx, "SELECT "+holdColumns+" FROM cuzk_account_hold WHERE account = $1", h.Account))
		}
		return err
	})
	if err != nil {
		return store.CUZKHold{}, false, fmt.Errorf("postgres: put ČÚZK account hold: %w", err)
	}
	return got, created, nil
}

// GetCUZKHold returns an account's record. See store.CUZKHoldStore.
func (s *Store) GetCUZKHold(ctx context.Context, account string) (store.CUZKHold, error) {
	h, err := scanHold(s.queryRow(ctx, "SELECT "+holdColumns+" FROM cuzk_account_hold WHERE account = $1", account))
	if isNoRows(err) {
		return h, fmt.Errorf("%w: ČÚZK account hold %s", store.ErrNotFound, account)
	}
	if err != nil {
		return h, fmt.Errorf("postgres: get ČÚZK account hold: %w", err)
	}
	return h, nil
}

// ListCUZKHolds returns every record by account. See store.CUZKHoldStore.
func (s *Store) ListCUZKHolds(ctx context.Context) ([]store.CUZKHold, error) {
	var out []store.CUZKHold
	err := s.query(ctx, "SELECT "+holdColumns+" FROM cuzk_account_hold ORDER BY account COLLATE \"C\"", nil, func(row scanner) error {
		h, err := scanHold(row)
		if err != nil {
			return err
		}
		out = append(out, h)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: list ČÚZK account holds: %w", err)
	}
	return out, nil
}

// ReleaseCUZKHold releases a hold on the refused secret secretFP. See
// store.CUZKHoldStore.
func (s *Store) ReleaseCUZKHold(ctx context.Context, account, secretFP, by string, at time.Time) (bool, error) {
	if err := store.CheckCUZKHoldRelease(account, secretFP, by, at); err != nil {
		return false, err
	}
	n, err := pgxQuerier{s.pool}.execN(ctx, `UPDATE cuzk_account_hold SET released_at = $1, released_by = $2
WHERE account = $3 AND secret_fp = $4 AND released_at IS NULL`, store.StoredTime(at), by, account, secretFP)
	if err != nil {
		return false, fmt.Errorf("postgres: release ČÚZK account hold: %w", err)
	}
	return n == 1, nil
}

// DeleteCUZKHold removes an account's record. See store.CUZKHoldStore.
func (s *Store) DeleteCUZKHold(ctx context.Context, account string) (store.CUZKHold, error) {
	h, err := scanHold(s.queryRow(ctx, "DELETE FROM cuzk_account_hold WHERE account = $1 RETURNING "+holdColumns, account))
	if isNoRows(err) {
		return h, fmt.Errorf("%w: ČÚZK account hold %s", store.ErrNotFound, account)
	}
	if err != nil {
		return h, fmt.Errorf("postgres: delete ČÚZK account hold: %w", err)
	}
	return h, nil
}

var _ store.CUZKHoldStore = (*Store)(nil)
