package postgres

import (
	"context"
	"fmt"
	"time"

	"konektor/internal/store"
)

const draftColumns = `id, box, state, created_at, created_by, ovm, correlation_id, recipient, annotation,
    files, size_bytes, updated_at, done_by, dm_id, status`

// PutDraft stores a new draft. See store.DraftStore.
func (s *Store) PutDraft(ctx context.Context, d store.Draft) error {
	if err := store.CheckDraft(d); err != nil {
		return err
	}
	created := store.StoredTime(d.Created)
	err := pgxQuerier{s.pool}.exec(ctx, `INSERT INTO isds_draft (`+draftColumns+`, request)
VALUES ($1, $2, 'draft', $3, $4, $5, $6, $7, $8, $9, $10, $3, '', '', '', $11)`,
		d.ID, d.Box, created, d.CreatedBy, d.OVM, d.CorrelationID, d.Recipient, d.Annotation, d.Files, d.Size, nonEmpty(d.Request))
	switch {
	case err != nil && isUniqueViolation(err):
		return fmt.Errorf("%w: draft %s exists", store.ErrConflict, d.ID)
	case err != nil:
		return fmt.Errorf("postgres: put draft: %w", err)
	}
	return nil
}

func scanDraft(row scanner, withRequest bool) (store.Draft, error) {
	var d store.Draft
	dest := []any{&d.ID, &d.Box, &d.State, &d.Created, &d.CreatedBy, &d.OVM, &d.CorrelationID, &d.Recipient, &d.Annotation,
		&d.Files, &d.Size, &d.Updated, &d.DoneBy, &d.DmID, &d.Status}
	if withRequest {
		dest = append(dest, &d.Request)
	}
	if err := row.Scan(dest...); err != nil {
		return d, err
	}
	d.Created, d.Updated = d.Created.UTC(), d.Updated.UTC()
	return d, nil
}

// GetDraft returns a draft with its request. See store.DraftStore.
func (s *Store) GetDraft(ctx context.Context, id string) (store.Draft, error) {
	d, err := scanDraft(s.queryRow(ctx, "SELECT "+draftColumns+", request FROM isds_draft WHERE id = $1", id), true)
	if isNoRows(err) {
		return d, fmt.Errorf("%w: draft %s", store.ErrNotFound, id)
	}
	if err != nil {
		return d, fmt.Errorf("postgres: get draft: %w", err)
	}
	return d, nil
}

// ListDrafts returns the drafts of a box, newest first. See
// store.DraftStore.
func (s *Store) ListDrafts(ctx context.Context, box string, limit int) ([]store.Draft, error) {
	if limit <= 0 {
		return nil, nil
	}
	var out []store.Draft
	err := s.query(ctx, "SELECT "+draftColumns+" FROM isds_draft WHERE box = $1 ORDER BY created_at DESC, id DESC LIMIT $2",
		[]any{box, limit}, func(row scanner) error {
			d, err := scanDraft(row, false)
			if err != nil {
				return err
			}
			out = append(out, d)
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("postgres: list drafts: %w", err)
	}
	return out, nil
}

// ClaimDraft moves an open draft to sending. See store.DraftStore.
func (s *Store) ClaimDraft(ctx context.Context, id, box, by string, at time.Time) (store.Draft, error) {
	if err := store.CheckDraftUpdate(by, "", "", at); err != nil {
		return store.Draft{}, err
	}
	d, err := scanDraft(s.queryRow(ctx, `UPDATE isds_draft SET state = 'sending', done_by = $1, updated_at = $2
WHERE id = $3 AND box = $4 AND state = 'draft' RETURNING `+draftColumns+", request", by, store.StoredTime(at), id, box), true)
	if isNoRows(err) {
		return s.whyNot(ctx, id, box)
	}
	if err != nil {
		return d, fmt.Errorf("postgres: claim draft: %w", err)
	}
	return d, nil
}

// whyNot explains a state change that matched no row (see
// store.DraftNotChanged).
func (s *Store) whyNot(ctx context.Context, id, box string) (store.Draft, error) {
	d, err := scanDraft(s.queryRow(ctx, "SELECT "+draftColumns+" FROM isds_draft WHERE id = $1", id), false)
	if err != nil && !isNoRows(err) {
		return store.Draft{}, fmt.Errorf("postgres: draft: %w", err)
	}
	return store.DraftNotChanged(d, err == nil, id, box)
}

// FinishDraft ends a send. See store.DraftStore.
func (s *Store) FinishDraft(ctx context.Context, id, to, dmID, status string, at time.Time) error {
	if err := store.CheckDraftUpdate("", dmID, status, at); err != nil {
		return err
	}
	q := "UPDATE isds_draft SET state = $1, dm_id = $2, status = $3, updated_at = $4"
	clear, err := store.FinishClearsRequest(to)
	if err != nil {
		return err
	}
	if clear {
		q += ", request = NULL"
	}
	n, err := pgxQuerier{s.pool}.execN(ctx, q+" WHERE id = $5 AND state = 'sending'", to, dmID, status, store.StoredTime(at), id)
	if err != nil {
		return fmt.Errorf("postgres: finish draft: %w", err)
	}
	if n == 0 {
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
	d, err := scanDraft(s.queryRow(ctx, `UPDATE isds_draft SET state = 'discarded', request = NULL, done_by = $1, updated_at = $2
WHERE id = $3 AND box = $4 AND state IN ('draft', 'unknown') RETURNING `+draftColumns, by, store.StoredTime(at), id, box), false)
	if isNoRows(err) {
		return s.whyNot(ctx, id, box)
	}
	if err != nil {
		return d, fmt.Errorf("postgres: discard draft: %w", err)
	}
	return d, nil
}

var _ store.DraftStore = (*Store)(nil)
