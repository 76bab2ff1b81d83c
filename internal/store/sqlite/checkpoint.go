package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"konektor/internal/store"
)

const checkpointColumns = "seq, head, made_at_us, prev, cert_sha256, algorithm, signature, time_stamp, hash"

// checkpointPage is how many checkpoints ScanCheckpoints reads per query.
const checkpointPage = 256

func scanCheckpoint(row scanner) (store.Checkpoint, error) {
	var (
		c  store.Checkpoint
		us int64
	)
	if err := row.Scan(&c.Seq, &c.Head, &us, &c.Prev, &c.CertSHA256, &c.Algorithm, &c.Signature, &c.TimeStamp, &c.Hash); err != nil {
		return store.Checkpoint{}, err
	}
	c.Time = time.UnixMicro(us).UTC()
	if len(c.TimeStamp) == 0 {
		c.TimeStamp = nil
	}
	return c, nil
}

// AppendCheckpoint stores c after the last checkpoint. See store.CheckpointLog.
func (s *Store) AppendCheckpoint(ctx context.Context, c store.Checkpoint) error {
	if err := store.ValidateCheckpoint(c); err != nil {
		return err
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: append checkpoint: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	var lastSeq int64
	var lastHash string
	err = tx.QueryRowContext(ctx, "SELECT seq, hash FROM access_checkpoint ORDER BY seq DESC LIMIT 1").Scan(&lastSeq, &lastHash)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("sqlite: append checkpoint: %w", err)
	}
	if c.Seq <= lastSeq || c.Prev != lastHash {
		return fmt.Errorf("%w: checkpoint at %d (prev %.12s) does not follow the last one at %d", store.ErrConflict, c.Seq, c.Prev, lastSeq)
	}
	var lastEntry int64
	if err := tx.StmtContext(ctx, s.lastSeq).QueryRowContext(ctx).Scan(&lastEntry); err != nil {
		return fmt.Errorf("sqlite: append checkpoint: %w", err)
	}
	if c.Seq > lastEntry {
		return fmt.Errorf("%w: checkpoint at %d is past the last entry %d", store.ErrConflict, c.Seq, lastEntry)
	}
	var ts any
	if len(c.TimeStamp) > 0 {
		ts = c.TimeStamp
	}
	_, err = tx.ExecContext(ctx, "INSERT INTO access_checkpoint ("+checkpointColumns+") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
		c.Seq, c.Head, c.Time.UnixMicro(), c.Prev, c.CertSHA256, c.Algorithm, c.Signature, ts, c.Hash)
	if err != nil {
		if isConstraint(err) {
			return fmt.Errorf("%w: %v", store.ErrConflict, err)
		}
		return fmt.Errorf("sqlite: append checkpoint: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlite: append checkpoint: commit: %w", err)
	}
	return nil
}

// LastCheckpoint returns the checkpoint with the highest Seq, or store.ErrNotFound.
func (s *Store) LastCheckpoint(ctx context.Context) (store.Checkpoint, error) {
	return s.oneCheckpoint(ctx, "SELECT "+checkpointColumns+" FROM access_checkpoint ORDER BY seq DESC LIMIT 1")
}

// CheckpointCovering returns the first checkpoint with Seq >= seq, or store.ErrNotFound.
func (s *Store) CheckpointCovering(ctx context.Context, seq int64) (store.Checkpoint, error) {
	return s.oneCheckpoint(ctx, "SELECT "+checkpointColumns+" FROM access_checkpoint WHERE seq >= ? ORDER BY seq LIMIT 1", seq)
}

func (s *Store) oneCheckpoint(ctx context.Context, query string, args ...any) (store.Checkpoint, error) {
	c, err := scanCheckpoint(s.r.QueryRowContext(ctx, query, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return store.Checkpoint{}, store.ErrNotFound
	}
	if err != nil {
		return store.Checkpoint{}, fmt.Errorf("sqlite: checkpoint: %w", err)
	}
	return c, nil
}

// ScanCheckpoints calls fn for every checkpoint with Seq >= from, in order,
// reading in pages; no database resource is held while fn runs.
func (s *Store) ScanCheckpoints(ctx context.Context, from int64, fn func(store.Checkpoint) error) error {
	for {
		page, err := s.checkpointPage(ctx, from)
		if err != nil {
			return err
		}
		for _, c := range page {
			if err := ctx.Err(); err != nil {
				return fmt.Errorf("sqlite: scan checkpoints: %w", err)
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

func (s *Store) checkpointPage(ctx context.Context, from int64) ([]store.Checkpoint, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: scan checkpoints: %w", err)
	}
	page, err := queryAll(ctx, s.r, scanCheckpoint, "SELECT "+checkpointColumns+" FROM access_checkpoint WHERE seq >= ? ORDER BY seq LIMIT ?", from, checkpointPage)
	if err != nil {
		return nil, fmt.Errorf("sqlite: scan checkpoints: %w", err)
	}
	return page, nil
}

var _ store.CheckpointLog = (*Store)(nil)
