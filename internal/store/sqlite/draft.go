package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"konektor/internal/store"
)

const draftColumns = `id, box, state, created_at_us, created_by, ovm, correlation_id, recipient, annotation,
    files, size_bytes, updated_at_us, done_by, dm_id, status`

// PutDraft stores a new draft. See store.DraftStore.
func (s *Store) PutDraft(ctx context.Context, d store.Draft) error {
	if err := store.CheckDraft(d); err != nil {
		return err
	}
	created := d.Created.UnixMicro()
	_, err := s.w.ExecContext(ctx, `INSERT INTO isds_draft (`+draftColumns+`, request)
VALUES (?, ?, 'draft', ?, ?, ?, ?, ?, ?, ?, ?, ?, '', '', '', ?)`,
		d.ID, d.Box, created, d.CreatedBy, d.OVM, d.CorrelationID, d.Recipient, d.Annotation, d.Files, d.Size, created, nonNil(d.Request))
	switch {
	case err != nil && isConstraint(err):
		return fmt.Errorf("%w: draft %s exists", store.ErrConflict, d.ID)
	case err != nil:
		return fmt.Errorf("sqlite: put draft: %w", err)
	}
	return nil
}

func scanDraft(row scanner, withRequest bool) (store.Draft, error) {
	var d store.Draft
	var created, updated int64
	dest := []any{&d.ID, &d.Box, &d.State, &created, &d.CreatedBy, &d.OVM, &d.CorrelationID, &d.Recipient, &d.Annotation,
		&d.Files, &d.Size, &updated, &d.DoneBy, &d.DmID, &d.Status}
	if withRequest {
		dest = append(dest, &d.Request)
	}
	if err := row.Scan(dest...); err != nil {
		return d, err
	}
	d.Created, d.Updated = time.UnixMicro(created).UTC(), time.UnixMicro(updated).UTC()
	return d, nil
}

// GetDraft returns a draft with its request. See store.DraftStore.
func (s *Store) GetDraft(ctx context.Context, id string) (store.Draft, error) {
	d, err := scanDraft(s.r.QueryRowContext(ctx, "SELECT "+draftColumns+", request FROM isds_draft WHERE id = ?", id), true)
	if errors.Is(err, sql.ErrNoRows) {
		return d, fmt.Errorf("%w: draft %s", store.ErrNotFound, id)
	}
	if err != nil {
		return d, fmt.Errorf("sqlite: get draft: %w", err)
	}
	return d, nil
}

// ListDrafts returns the drafts of a box, newest first. See
// store.DraftStore.
func (s *Store) ListDrafts(ctx context.Context, box string, limit int) ([]store.Draft, error) {
	if limit <= 0 {
		return nil, nil
	}
	out, err := queryAll(ctx, s.r, func(r scanner) (store.Draft, error) { return scanDraft(r, false) },
		"SELECT "+draftColumns+" FROM isds_draft WHERE box = ? ORDER BY created_at_us DESC, id DESC LIMIT ?", box, limit)
	if err != nil {
		return nil, fmt.Errorf("sqlite: list drafts: %w", err)
	}
	return out, nil
}

// ClaimDraft moves an open draft to sending. See store.DraftStore.
func (s *Store) ClaimDraft(ctx context.Context, id, box, by string, at time.Time) (store.Draft, error) {
	if err := store.CheckDraftUpdate(by, "", "", at); err != nil {
		return store.Draft{}, err
	}
	d, err := scanDraft(s.w.QueryRowContext(ctx, `UPDATE isds_draft SET state = 'sending', done_by = ?, updated_at_us = ?
WHERE id = ? AND box = ? AND state = 'draft' RETURNING `+draftColumns+", request", by, at.UnixMicro(), id, box), true)
	if errors.Is(err, sql.ErrNoRows) {
		return s.whyNot(ctx, id, box)
	}
	if err != nil {
		return d, fmt.Errorf("sqlite: claim draft: %w", err)
	}
	return d, nil
}

// whyNot explains a state change that matched no row (see
// store.DraftNotChanged).
func (s *Store) whyNot(ctx context.Context, id, box string) (store.Draft, error) {
	d, err := scanDraft(s.w.QueryRowContext(ctx, "SELECT "+draftColumns+" FROM isds_draft WHERE id = ?", id), false)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return store.Draft{}, fmt.Errorf("sqlite: draft: %w", err)
	}
	return store.DraftNotChanged(d, err == nil, id, box)
}

// FinishDraft ends a send. See store.DraftStore.
func (s *Store) FinishDraft(ctx context.Context, id, to, dmID, status string, at time.Time) error {
	if err := store.CheckDraftUpdate("", dmID, status, at); err != nil {
		return err
	}
	q := "UPDATE isds_draft SET state = ?, dm_id = ?, status = ?, updated_at_us = ?"
	clear, err := store.FinishClearsRequest(to)
	if err != nil {
		return err
	}
	if clear {
		q += ", request = NULL"
	}
	res, err := s.w.ExecContext(ctx, q+" WHERE id = ? AND state = 'sending'", to, dmID, status, at.UnixMicro(), id)
	if err != nil {
		return fmt.Errorf("sqlite: finish draft: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		_, err := s.whyNot(ctx, id, "")
		return err
	}
	return nil
}

// DiscardDraft withdraws an open or unknown draft. See store.DraftStore.
func (s *Store) DiscardDraft(ctx context.Context, id, box, by string, at time.Time) (store.Draft, error) {
	if err := store.CheckDraftUpdate(by, "", "", at); err != nil {
		return store.Draft{}, err
	}
	d, err := scanDraft(s.w.QueryRowContext(ctx, `UPDATE isds_draft SET state = 'discarded', request = NULL, done_by = ?, updated_at_us = ?
WHERE id = ? AND box = ? AND state IN ('draft', 'unknown') RETURNING `+draftColumns, by, at.UnixMicro(), id, box), false)
	if errors.Is(err, sql.ErrNoRows) {
		return s.whyNot(ctx, id, box)
	}
	if err != nil {
		return d, fmt.Errorf("sqlite: discard draft: %w", err)
	}
	return d, nil
}

var _ store.DraftStore = (*Store)(nil)
