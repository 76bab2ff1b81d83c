package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"konektor/internal/store"
)

// AccessStart returns the Seq through which entries were pruned.
func (s *Store) AccessStart(ctx context.Context) (int64, error) {
	var start int64
	if err := s.r.QueryRowContext(ctx, "SELECT pruned_through FROM access_retention WHERE id = 1").Scan(&start); err != nil {
		return 0, fmt.Errorf("sqlite: access start: %w", err)
	}
	return start, nil
}

// PruneAccess removes entries and bodies through a checkpoint. See
// store.AccessRetention.
func (s *Store) PruneAccess(ctx context.Context, through int64) (int64, error) {
	if err := s.moveStart(ctx, through); err != nil {
		return 0, err
	}
	var removed int64
	for {
		n, done, err := s.pruneChunk(ctx, through)
		removed += n
		if err != nil || done {
			return removed, err
		}
	}
}

// moveStart records through as the new start, after checking it is a
// checkpoint at or after the current start.
func (s *Store) moveStart(ctx context.Context, through int64) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: prune: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	var start int64
	if err := tx.QueryRowContext(ctx, "SELECT pruned_through FROM access_retention WHERE id = 1").Scan(&start); err != nil {
		return fmt.Errorf("sqlite: prune: %w", err)
	}
	if through < start {
		return fmt.Errorf("%w: cannot prune through %d: the log already starts after %d", store.ErrInvalid, through, start)
	}
	if through == start {
		return nil
	}
	var one int
	err = tx.QueryRowContext(ctx, "SELECT 1 FROM access_checkpoint WHERE seq = ?", through).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%w: cannot prune through %d: no checkpoint covers exactly that entry", store.ErrInvalid, through)
	}
	if err != nil {
		return fmt.Errorf("sqlite: prune: %w", err)
	}
	if _, err := tx.ExecContext(ctx, "UPDATE access_retention SET pruned_through = ? WHERE id = 1", through); err != nil {
		return fmt.Errorf("sqlite: prune: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlite: prune: commit: %w", err)
	}
	return nil
}

// pruneChunk deletes up to store.PruneChunk of the oldest entries at or
// below through, with their bodies, in one transaction.
func (s *Store) pruneChunk(ctx context.Context, through int64) (removed int64, done bool, err error) {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return 0, false, fmt.Errorf("sqlite: prune: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	var lo sql.NullInt64
	if err := tx.QueryRowContext(ctx, "SELECT MIN(seq) FROM access_log").Scan(&lo); err != nil {
		return 0, false, fmt.Errorf("sqlite: prune: %w", err)
	}
	if !lo.Valid || lo.Int64 > through {
		// Bodies never outlive their entries, but remove any left over.
		if _, err := tx.ExecContext(ctx, "DELETE FROM access_body WHERE seq <= ?", through); err != nil {
			return 0, false, fmt.Errorf("sqlite: prune bodies: %w", err)
		}
		return 0, true, tx.Commit()
	}
	hi := min(lo.Int64+store.PruneChunk-1, through)
	res, err := tx.ExecContext(ctx, "DELETE FROM access_log WHERE seq BETWEEN ? AND ?", lo.Int64, hi)
	if err != nil {
		return 0, false, fmt.Errorf("sqlite: prune entries: %w", err)
	}
	removed, _ = res.RowsAffected()
	if _, err := tx.ExecContext(ctx, "DELETE FROM access_body WHERE seq <= ?", hi); err != nil {
		return 0, false, fmt.Errorf("sqlite: prune bodies: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return 0, false, fmt.Errorf("sqlite: prune: commit: %w", err)
	}
	return removed, hi == through, nil
}

var _ store.AccessRetention = (*Store)(nil)
