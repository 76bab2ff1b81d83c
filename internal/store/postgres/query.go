package postgres

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"konektor/internal/store"
)

// QueryAccess returns one page of the entries q selects. See
// store.AccessQuerier.
//
// In one snapshot it reads how far the search index goes and then the page
// as the merge of two parts: the entries access_search covers, found
// through its indexes bucket by bucket (store.SearchPage), and the entries
// after them (the tail the indexer has not reached), read from access_log
// by sequence number. The time, upstream, outcome, AIS, OVM, agenda, user
// and subject filters have indexes that also yield the (time, seq) order
// within a bucket, so a page costs O(page) row reads per bucket searched;
// role, service and purpose are checked while walking an index, at a cost
// in proportion to how rare their value is. The tail costs O(tail), small
// while the indexer keeps up.
func (s *Store) QueryAccess(ctx context.Context, q store.AccessQuery) ([]store.AccessEntry, error) {
	q, err := store.NormalizeQuery(q)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("postgres: query access: %w", err)
	}
	out := make([]store.AccessEntry, 0, q.Limit)
	err = s.readSnapshot(ctx, func(tx querier) error {
		var through, start int64
		if err := tx.queryRow(ctx, `SELECT (SELECT indexed_through FROM access_search_state WHERE id = 1),
            (SELECT pruned_through FROM access_retention WHERE id = 1)`).Scan(&through, &start); err != nil {
			return err
		}
		var seqs []int64
		if through > start {
			buckets, err := readBuckets(ctx, tx)
			if err != nil {
				return err
			}
			query, args := searchSQL(q, start, through)
			keys, err := store.SearchPage(q, buckets, func(group []int64) ([]store.AccessCursor, error) {
				var out []store.AccessCursor
				err := tx.query(ctx, query, append([]any{group}, args...), func(row scanner) error {
					var k store.AccessCursor
					if err := row.Scan(&k.Seq, &k.Time); err != nil {
						return err
					}
					k.Time = k.Time.UTC()
					out = append(out, k)
					return nil
				})
				return out, err
			})
			if err != nil {
				return err
			}
			for _, k := range keys {
				seqs = append(seqs, k.Seq)
			}
		}
		// through as a parameter, not a subquery: the planner sees how
		// short the tail is and reads it by primary key.
		query, args := pageSQL(q, seqs, max(through, start))
		return tx.query(ctx, query, args, func(row scanner) error {
			e, err := scanAccess(row)
			if err != nil {
				return err
			}
			out = append(out, e)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: query access: %w", err)
	}
	return out, nil
}

// readBuckets reads every bucket's time range.
func readBuckets(ctx context.Context, tx querier) ([]store.SearchBucket, error) {
	var out []store.SearchBucket
	err := tx.query(ctx, "SELECT bucket, min_time, max_time FROM access_search_bucket", nil, func(row scanner) error {
		var b store.SearchBucket
		if err := row.Scan(&b.Bucket, &b.MinTime, &b.MaxTime); err != nil {
			return err
		}
		b.MinTime, b.MaxTime = b.MinTime.UTC(), b.MaxTime.UTC()
		out = append(out, b)
		return nil
	})
	return out, err
}

// filters returns q's conditions with "@" where a column's table alias
// goes; param adds an argument and returns its placeholder.
func filters(q store.AccessQuery, param func(any) string) []string {
	var where []string
	if !q.From.IsZero() {
		where = append(where, "@received_at >= "+param(q.From)+"::timestamptz")
	}
	if !q.To.IsZero() {
		where = append(where, "@received_at < "+param(q.To)+"::timestamptz")
	}
	for _, f := range []struct{ col, v string }{
		{"upstream", q.Upstream}, {"service", q.Service}, {"ais", q.AIS}, {"ovm", q.OVM},
		{"agenda", q.Agenda}, {"role", q.Role}, {"user_name", q.User}, {"outcome", q.Outcome},
		{"subject", q.Subject},
	} {
		if f.v != "" {
			where = append(where, "@"+f.col+" = "+param(f.v)+"::text")
		}
	}
	if q.Purpose != "" {
		where = append(where, "strpos(@purpose, "+param(q.Purpose)+"::text) > 0")
	}
	if q.After != nil {
		cmp := "<"
		if q.Ascending {
			cmp = ">"
		}
		where = append(where, "(@received_at, @seq) "+cmp+" ("+param(q.After.Time)+"::timestamptz, "+param(q.After.Seq)+"::bigint)")
	}
	return where
}

// paramList numbers placeholders from first.
func paramList(first int) (*[]any, func(any) string) {
	args := &[]any{}
	return args, func(v any) string {
		*args = append(*args, v)
		return "$" + strconv.Itoa(first+len(*args)-1)
	}
}

func orderSQL(q store.AccessQuery, alias, limit string) string {
	order := "DESC"
	if q.Ascending {
		order = "ASC"
	}
	return fmt.Sprintf(" ORDER BY %sreceived_at %s, %sseq %s LIMIT %s", alias, order, alias, order, limit)
}

func where(conds []string, alias string) string {
	for i, c := range conds {
		conds[i] = strings.ReplaceAll(c, "@", alias)
	}
	return " WHERE " + strings.Join(conds, " AND ")
}

// searchSQL builds the statement that finds the best keys (seq, time) of
// a page in a group of buckets ($1, a bigint[]; the other arguments are
// args) among the entries start < seq <= through of access_search: for
// each bucket, a walk of the filter's index in that bucket.
func searchSQL(q store.AccessQuery, start, through int64) (string, []any) {
	args, param := paramList(2)
	conds := append([]string{"x.bucket = b.n", "x.seq > " + param(start) + "::bigint", "x.seq <= " + param(through) + "::bigint"},
		filters(q, param)...)
	limit := param(q.Limit)
	return "SELECT k.seq, k.received_at FROM unnest($1::bigint[]) AS b(n) CROSS JOIN LATERAL " +
		"(SELECT x.seq, x.received_at FROM access_search x" + where(conds, "x.") + orderSQL(q, "x.", limit) + ") k" +
		orderSQL(q, "k.", limit), *args
}

// pageSQL builds the statement that reads the page: the entries seqs
// (found in access_search) and the best of the tail after seq through.
func pageSQL(q store.AccessQuery, seqs []int64, through int64) (string, []any) {
	args, param := paramList(1)
	if seqs == nil {
		seqs = []int64{}
	}
	found := "(SELECT " + accessColumns + " FROM access_log WHERE seq = ANY(" + param(seqs) + "::bigint[]))"
	conds := append([]string{"seq > " + param(through) + "::bigint"}, filters(q, param)...)
	limit := param(q.Limit)
	tail := "(SELECT " + accessColumns + " FROM access_log" + where(conds, "") + orderSQL(q, "", limit) + ")"
	return "SELECT * FROM (" + found + " UNION ALL " + tail + ") page" + orderSQL(q, "", limit), *args
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
