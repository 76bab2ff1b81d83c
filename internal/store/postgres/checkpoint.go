package postgres

import (
	"context"
	"fmt"

	"konektor/internal/store"
)

const checkpointColumns = "seq, head, made_at, prev, cert_sha256, algorithm, signature, time_stamp, hash"

// checkpointPage is how many checkpoints ScanCheckpoints reads per query.
const checkpointPage = 256

// checkpointLock serialises checkpoint writers of several nodes.
const checkpointLock = `SELECT pg_advisory_xact_lock(hashtext(current_schema() || '.access_checkpoint'))`

func scanCheckpoint(row scanner) (store.Checkpoint, error) {
	var c store.Checkpoint
	err := row.Scan(&c.Seq, &c.Head, &c.Time, &c.Prev, &c.CertSHA256, &c.Algorithm, &c.Signature, &c.TimeStamp, &c.Hash)
	c.Time = c.Time.UTC()
	if len(c.TimeStamp) == 0 {
		c.TimeStamp = nil
	}
	return c, err
}

// AppendCheckpoint stores c after the last checkpoint. See store.CheckpointLog.
func (s *Store) AppendCheckpoint(ctx context.Context, c store.Checkpoint) error {
	if err := store.ValidateCheckpoint(c); err != nil {
		return err
	}
	c.Time = store.StoredTime(c.Time)
	err := s.inTx(ctx, func(q querier) error {
		if err := q.exec(ctx, checkpointLock); err != nil {
			return err
		}
		var lastSeq int64
		var lastHash string
		if err := q.queryRow(ctx, "SELECT COALESCE(MAX(seq), 0), COALESCE((SELECT hash FROM access_checkpoint ORDER BY seq DESC LIMIT 1), '') FROM access_checkpoint").Scan(&lastSeq, &lastHash); err != nil {
			return err
		}
		if c.Seq <= lastSeq || c.Prev != lastHash {
			return fmt.Errorf("%w: checkpoint at %d (prev %.12s) does not follow the last one at %d", store.ErrConflict, c.Seq, c.Prev, lastSeq)
		}
		var lastEntry int64
		if err := q.queryRow(ctx, "SELECT COALESCE(MAX(seq), 0) FROM access_log").Scan(&lastEntry); err != nil {
			return err
		}
		if c.Seq > lastEntry {
			return fmt.Errorf("%w: checkpoint at %d is past the last entry %d", store.ErrConflict, c.Seq, lastEntry)
		}
		var ts any
		if len(c.TimeStamp) > 0 {
			ts = c.TimeStamp
		}
		return q.exec(ctx, "INSERT INTO access_checkpoint ("+checkpointColumns+") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
			c.Seq, c.Head, c.Time, c.Prev, c.CertSHA256, c.Algorithm, c.Signature, ts, c.Hash)
	})
	switch {
	case err == nil:
		return nil
	case isUniqueViolation(err):
		return fmt.Errorf("%w: %v", store.ErrConflict, err)
	default:
		return fmt.Errorf("postgres: append checkpoint: %w", err)
	}
}

// LastCheckpoint returns the checkpoint with the highest Seq, or store.ErrNotFound.
func (s *Store) LastCheckpoint(ctx context.Context) (store.Checkpoint, error) {
	return s.oneCheckpoint(ctx, "SELECT "+checkpointColumns+" FROM access_checkpoint ORDER BY seq DESC LIMIT 1")
}

// CheckpointCovering returns the first checkpoint with Seq >= seq, or store.ErrNotFound.
func (s *Store) CheckpointCovering(ctx context.Context, seq int64) (store.Checkpoint, error) {
	return s.oneCheckpoint(ctx, "SELECT "+checkpointColumns+" FROM access_checkpoint WHERE seq >= $1 ORDER BY seq LIMIT 1", seq)
}

func (s *Store) oneCheckpoint(ctx context.Context, sql string, args ...any) (store.Checkpoint, error) {
	if err := ctx.Err(); err != nil {
		return store.Checkpoint{}, fmt.Errorf("postgres: checkpoint: %w", err)
	}
	c, err := scanCheckpoint(s.queryRow(ctx, sql, args...))
	if isNoRows(err) {
		return store.Checkpoint{}, store.ErrNotFound
	}
	if err != nil {
		return store.Checkpoint{}, fmt.Errorf("postgres: checkpoint: %w", err)
	}
	return c, nil
}

// ScanCheckpoints calls fn for every checkpoint with Seq >= from, in order,
// reading in pages; no connection is held while fn runs.
func (s *Store) ScanCheckpoints(ctx context.Context, from int64, fn func(store.Checkpoint) error) error {
	for {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("postgres: scan checkpoints: %w", err)
		}
		var page []store.Checkpoint
		err := s.query(ctx, "SELECT "+checkpointColumns+" FROM access_checkpoint WHERE seq >= $1 ORDER BY seq LIMIT $2",
			[]any{from, checkpointPage}, func(row scanner) error {
				c, err := scanCheckpoint(row)
				if err != nil {
					return err
				}
				page = append(page, c)
				return nil
			})
		if err != nil {
			return fmt.Errorf("postgres: scan checkpoints: %w", err)
		}
		for _, c := range page {
			if err := ctx.Err(); err != nil {
				return fmt.Errorf("postgres: scan checkpoints: %w", err)
			}
			if err := fn(c); err != nil {
				return err
			}
		}
		if len(page) < checkpointPage {
			return nil
		}
		from = page[len(page)-1].Seq + 1
	}
}

var _ store.CheckpointLog = (*Store)(nil)
