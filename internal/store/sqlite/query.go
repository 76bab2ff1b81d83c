package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"konektor/internal/store"
)

// QueryAccess returns one page of the entries q selects. See
// store.AccessQuerier. The time, upstream, outcome, AIS, OVM, agenda, user
// and subject filters have indexes that also yield the (time, seq) order,
// so a page costs O(page) row reads however deep it is; role, service and
// purpose are checked while walking an index, at a cost in proportion to
// how rare their value is.
func (s *Store) QueryAccess(ctx context.Context, q store.AccessQuery) ([]store.AccessEntry, error) {
	q, err := store.NormalizeQuery(q)
	if err != nil {
		return nil, err
	}
	query, args := querySQL(q)
	rows, err := s.r.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: query access: %w", err)
	}
	defer func() { _ = rows.Close() }()
	out := make([]store.AccessEntry, 0, q.Limit)
	for rows.Next() {
		e, err := scanAccess(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlite: query access: %w", err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: query access: %w", err)
	}
	return out, nil
}

// querySQL builds the statement for a normalised query.
func querySQL(q store.AccessQuery) (string, []any) {
	var (
		where []string
		args  []any
	)
	add := func(cond string, a ...any) {
		where = append(where, cond)
		args = append(args, a...)
	}
	if !q.From.IsZero() {
		add("received_at_us >= ?", q.From.UnixMicro())
	}
	if !q.To.IsZero() {
		add("received_at_us < ?", q.To.UnixMicro())
	}
	// SQLite has no statistics unless ANALYZE ran: name the index to walk.
	// The most selective filter given drives; the others are written as
	// "+col" so that the planner cannot pick their (less selective) index.
	driving := ""
	for _, f := range []struct{ col, v string }{
		{"subject", q.Subject}, {"user_name", q.User}, {"ais", q.AIS}, {"ovm", q.OVM},
		{"agenda", q.Agenda}, {"outcome", q.Outcome}, {"upstream", q.Upstream},
	} {
		if f.v != "" {
			driving = f.col
			break
		}
	}
	for _, f := range []struct{ col, v string }{
		{"upstream", q.Upstream}, {"service", q.Service}, {"ais", q.AIS}, {"ovm", q.OVM},
		{"agenda", q.Agenda}, {"role", q.Role}, {"user_name", q.User}, {"outcome", q.Outcome},
		{"subject", q.Subject},
	} {
		switch {
		case f.v == "":
		case f.col == driving:
			add(f.col+" = ?", f.v)
		default:
			add("+"+f.col+" = ?", f.v)
		}
	}
	if q.Purpose != "" {
		add("instr(purpose, ?) > 0", q.Purpose)
	}
	order := "DESC"
	cmp := "<"
	if q.Ascending {
		order, cmp = "ASC", ">"
	}
	if q.After != nil {
		add("(received_at_us, seq) "+cmp+" (?, ?)", q.After.Time.UnixMicro(), q.After.Seq)
	}
	var b strings.Builder
	b.WriteString("SELECT ")
	b.WriteString(accessColumns)
	b.WriteString(" FROM access_log")
	if len(where) > 0 {
		b.WriteString(" WHERE ")
		b.WriteString(strings.Join(where, " AND "))
	}
	fmt.Fprintf(&b, " ORDER BY received_at_us %s, seq %s LIMIT ?", order, order)
	args = append(args, q.Limit)
	return b.String(), args
}

// GetAccess returns the entry with seq, or store.ErrNotFound.
func (s *Store) GetAccess(ctx context.Context, seq int64) (store.AccessEntry, error) {
	e, err := scanAccess(s.r.QueryRowContext(ctx, "SELECT "+accessColumns+" FROM access_log WHERE seq = ?", seq))
	if errors.Is(err, sql.ErrNoRows) {
		return store.AccessEntry{}, fmt.Errorf("%w: entry %d", store.ErrNotFound, seq)
	}
	if err != nil {
		return store.AccessEntry{}, fmt.Errorf("sqlite: get access: %w", err)
	}
	return e, nil
}

var _ store.AccessQuerier = (*Store)(nil)
