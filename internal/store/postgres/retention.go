package postgres

import (
	"context"
	"fmt"

	"konektor/internal/store"
)

// AccessStart returns the Seq through which entries were pruned.
func (s *Store) AccessStart(ctx context.Context) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, fmt.Errorf("postgres: access start: %w", err)
	}
	var start int64
	if err := s.queryRow(ctx, "SELECT pruned_through FROM access_retention WHERE id = 1").Scan(&start); err != nil {
		return 0, fmt.Errorf("postgres: access start: %w", err)
	}
	return start, nil
}

// PruneAccess removes entries and bodies through a checkpoint. See
// store.AccessRetention.
func (s *Store) PruneAccess(ctx context.Context, through int64) (int64, error) {
	err := s.inTx(ctx, func(q querier) error {
		var start int64
		if err := q.queryRow(ctx, "SELECT pruned_through FROM access_retention WHERE id = 1 FOR UPDATE").Scan(&start); err != nil {
			return err
		}
		if through < start {
			return fmt.Errorf("%w: cannot prune through %d: the log already starts after %d", store.ErrInvalid, through, start)
		}
		if through == start {
			return nil
		}
		var n int
		if err := q.queryRow(ctx, "SELECT COUNT(*) FROM access_checkpoint WHERE seq = $1", through).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return fmt.Errorf("%w: cannot prune through %d: no checkpoint covers exactly that entry", store.ErrInvalid, through)
		}
		return q.exec(ctx, "UPDATE access_retention SET pruned_through = $1 WHERE id = 1", through)
	})
	if err != nil {
		return 0, fmt.Errorf("postgres: prune: %w", err)
	}
	var removed int64
	for {
		var n int64
		var done bool
		err := s.inTx(ctx, func(q querier) error {
			var lo *int64
			if err := q.queryRow(ctx, "SELECT MIN(seq) FROM access_log").Scan(&lo); err != nil {
				return err
			}
			if lo == nil || *lo > through {
				done = true
				return q.exec(ctx, "DELETE FROM access_body WHERE seq <= $1", through)
			}
			hi := min(*lo+store.PruneChunk-1, through)
			var err error
			if n, err = q.execN(ctx, "DELETE FROM access_log WHERE seq BETWEEN $1 AND $2", *lo, hi); err != nil {
				return err
			}
			done = hi == through
			if err := q.exec(ctx, "DELETE FROM access_search WHERE seq BETWEEN $1 AND $2", *lo, hi); err != nil {
				return err
			}
			if err := q.exec(ctx, "DELETE FROM access_search_bucket WHERE bucket < $1::bigint >> $2::int", hi, store.SearchBucketBits); err != nil {
				return err
			}
			return q.exec(ctx, "DELETE FROM access_body WHERE seq <= $1", hi)
		})
		if err != nil {
			return removed, fmt.Errorf("postgres: prune: %w", err)
		}
		removed += n
		if done {
			return removed, nil
		}
	}
}

var _ store.AccessRetention = (*Store)(nil)
