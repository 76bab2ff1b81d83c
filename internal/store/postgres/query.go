package postgres

import (
	"context"
	"fmt"
	"strconv"
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
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("postgres: query access: %w", err)
	}
	query, args := querySQL(q)
	out := make([]store.AccessEntry, 0, q.Limit)
	err = s.query(ctx, query, args, func(row scanner) error {
		e, err := scanAccess(row)
		if err != nil {
			return err
		}
		out = append(out, e)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: query access: %w", err)
	}
	return out, nil
}

// querySQL builds the statement for a normalised query.
func querySQL(q store.AccessQuery) (string, []any) {
	var (
		where []string
		args  []any
	)
	param := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if !q.From.IsZero() {
		where = append(where, "received_at >= "+param(q.From)+"::timestamptz")
	}
	if !q.To.IsZero() {
		where = append(where, "received_at < "+param(q.To)+"::timestamptz")
	}
	for _, f := range []struct{ col, v string }{
		{"upstream", q.Upstream}, {"service", q.Service}, {"ais", q.AIS}, {"ovm", q.OVM},
		{"agenda", q.Agenda}, {"role", q.Role}, {"user_name", q.User}, {"outcome", q.Outcome},
		{"subject", q.Subject},
	} {
		if f.v != "" {
			where = append(where, f.col+" = "+param(f.v)+"::text")
		}
	}
	if q.Purpose != "" {
		where = append(where, "strpos(purpose, "+param(q.Purpose)+"::text) > 0")
	}
	order, cmp := "DESC", "<"
	if q.Ascending {
		order, cmp = "ASC", ">"
	}
	if q.After != nil {
		where = append(where, "(received_at, seq) "+cmp+" ("+param(q.After.Time)+"::timestamptz, "+param(q.After.Seq)+"::bigint)")
	}
	var b strings.Builder
	b.WriteString("SELECT ")
	b.WriteString(accessColumns)
	b.WriteString(" FROM access_log")
	if len(where) > 0 {
		b.WriteString(" WHERE ")
		b.WriteString(strings.Join(where, " AND "))
	}
	fmt.Fprintf(&b, " ORDER BY received_at %s, seq %s LIMIT %s", order, order, param(q.Limit))
	return b.String(), args
}

// GetAccess returns the entry with seq, or store.ErrNotFound.
func (s *Store) GetAccess(ctx context.Context, seq int64) (store.AccessEntry, error) {
	if err := ctx.Err(); err != nil {
		return store.AccessEntry{}, fmt.Errorf("postgres: get access: %w", err)
	}
	e, err := scanAccess(s.queryRow(ctx, "SELECT "+accessColumns+" FROM access_log WHERE seq = $1", seq))
	if isNoRows(err) {
		return store.AccessEntry{}, fmt.Errorf("%w: entry %d", store.ErrNotFound, seq)
	}
	if err != nil {
		return store.AccessEntry{}, fmt.Errorf("postgres: get access: %w", err)
	}
	return e, nil
}

var _ store.AccessQuerier = (*Store)(nil)
