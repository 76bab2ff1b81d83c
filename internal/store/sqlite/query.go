package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"go.uber.org/zap"

	"konektor/internal/store"
)

// QueryAccess returns one page of the entries q selects. See
// store.AccessQuerier.
//
// The page is the merge of two parts read in one snapshot of the log: the
// entries the search file covers (through its indexed_through), found
// through its indexes bucket by bucket (store.SearchPage), and the entries
// after those (the tail the indexer has not reached), read from the log by
// sequence number. The time, upstream, outcome, AIS, OVM, agenda, user and
// subject filters have indexes that also yield the (time, seq) order within
// a bucket, so a page costs O(page) row reads per bucket searched, however
// deep it is; role, service and purpose are checked while walking an
// index, at a cost in proportion to how rare their value is. The tail
// costs O(tail): small, unless the index is being built.
func (s *Store) QueryAccess(ctx context.Context, q store.AccessQuery) ([]store.AccessEntry, error) {
	q, err := store.NormalizeQuery(q)
	if err != nil {
		return nil, err
	}
	// The log's snapshot comes first: the search file read afterwards can
	// only be ahead of it, never miss what it holds.
	tx, err := s.r.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("sqlite: query access: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	var start, head int64
	if err := tx.QueryRowContext(ctx, `SELECT (SELECT pruned_through FROM access_retention WHERE id = 1),
        COALESCE((SELECT MAX(seq) FROM access_log), 0)`).Scan(&start, &head); err != nil {
		return nil, fmt.Errorf("sqlite: query access: %w", err)
	}
	through, keys := s.searchPart(ctx, q, start, head)
	out, err := s.fetchPage(ctx, tx, q, through, keys)
	if errors.Is(err, errIndexMismatch) {
		s.search.markBroken(err.Error())
		out, err = s.fetchPage(ctx, tx, q, start, nil)
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: query access: %w", err)
	}
	return out, nil
}

// errIndexMismatch: the search file names an entry the log does not hold.
var errIndexMismatch = errors.New("the search index names entries the log does not hold")

// searchPart finds the page among the entries the search file covers:
// those after start and through the returned seq (at most head), and
// returns their keys in page order. Without a usable search file it covers
// nothing (through = start): the log answers alone, correctly but slower.
func (s *Store) searchPart(ctx context.Context, q store.AccessQuery, start, head int64) (through int64, keys []store.AccessCursor) {
	x := s.search
	if x == nil || x.broken.Load() {
		return start, nil
	}
	// Without the index the log answers alone; a failure other than the
	// caller giving up is logged.
	fail := func(err error) (int64, []store.AccessCursor) {
		if ctx.Err() == nil {
			x.logger.Warn("search index unreadable; searching the log", zap.Error(err))
		}
		return start, nil
	}
	tx, err := x.r.BeginTx(ctx, nil)
	if err != nil {
		return fail(err)
	}
	defer func() { _ = tx.Rollback() }()
	w, err := x.indexedThrough(ctx, tx)
	if err != nil {
		return fail(err)
	}
	w = min(w, head)
	if w <= start {
		return start, nil
	}
	buckets, err := readBuckets(ctx, tx)
	if err != nil {
		return fail(err)
	}
	query, args := searchSQL(q, start, w)
	st, err := tx.PrepareContext(ctx, query)
	if err != nil {
		return fail(err)
	}
	defer func() { _ = st.Close() }()
	keys, err = store.SearchPage(q, buckets, func(group []int64) ([]store.AccessCursor, error) {
		var out []store.AccessCursor
		for _, b := range group {
			rows, err := st.QueryContext(ctx, append([]any{b}, args...)...)
			if err != nil {
				return nil, err
			}
			for rows.Next() {
				var k store.AccessCursor
				var us int64
				if err := rows.Scan(&k.Seq, &us); err != nil {
					_ = rows.Close()
					return nil, err
				}
				k.Time = time.UnixMicro(us).UTC()
				out = append(out, k)
			}
			if err := rows.Close(); err != nil {
				return nil, err
			}
		}
		return out, nil
	})
	if err != nil {
		return fail(err)
	}
	return w, keys
}

// fetchPage reads, in the log's snapshot tx, the page: the best of keys
// (found in the search file) and of the tail after through, and then the
// entries of the page.
func (s *Store) fetchPage(ctx context.Context, tx *sql.Tx, q store.AccessQuery, through int64, keys []store.AccessCursor) ([]store.AccessEntry, error) {
	query, args := tailSQL(q, through)
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	indexed := len(keys)
	for rows.Next() {
		var k store.AccessCursor
		var us int64
		if err := rows.Scan(&k.Seq, &us); err != nil {
			_ = rows.Close()
			return nil, err
		}
		k.Time = time.UnixMicro(us).UTC()
		keys = append(keys, k)
	}
	if err := rows.Close(); err != nil {
		return nil, err
	}
	store.SortListing(keys, q.Ascending)
	keys = keys[:min(len(keys), q.Limit)]
	if len(keys) == 0 {
		return []store.AccessEntry{}, nil
	}
	query = "SELECT " + accessColumns + " FROM access_log WHERE seq IN (" +
		strings.TrimSuffix(strings.Repeat("?,", len(keys)), ",") + ")"
	args = make([]any, len(keys))
	at := make(map[int64]int, len(keys))
	for i, k := range keys {
		args[i] = k.Seq
		at[k.Seq] = i
	}
	out := make([]store.AccessEntry, len(keys))
	found := 0
	rows, err = tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer func() { _ = rows.Close() }()
	for rows.Next() {
		e, err := scanAccess(rows)
		if err != nil {
			return nil, err
		}
		out[at[e.Seq]] = e
		found++
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if found != len(keys) {
		if indexed > 0 {
			return nil, errIndexMismatch
		}
		return nil, fmt.Errorf("%d of the page's %d entries are gone", len(keys)-found, len(keys))
	}
	return out, nil
}

// searchSQL builds the statement that finds the best keys (seq, time) of
// a page in one bucket of the search file (its first argument, before
// args) among the entries start < seq <= through.
func searchSQL(q store.AccessQuery, start, through int64) (string, []any) {
	where, args, driving := filterSQL(q, true)
	// "+seq": bounds, not a rowid range for the planner to walk.
	where = append([]string{"bucket = ?"}, append(where, "+seq > ?", "+seq <= ?")...)
	args = append(args, start, through)
	return "SELECT seq, received_at_us FROM access_search INDEXED BY " + drivingIndex[driving] +
		" WHERE " + strings.Join(where, " AND ") + orderSQL(q), append(args, q.Limit)
}

// drivingIndex names the index searchSQL walks for the driving filter's
// column ("" when there is none: time order).
var drivingIndex = map[string]string{
	"":          "search_time",
	"upstream":  "search_upstream",
	"outcome":   "search_outcome",
	"ais":       "search_ais",
	"ovm":       "search_ovm",
	"agenda":    "search_agenda",
	"user_name": "search_user",
	"subject":   "search_subject",
}

// tailSQL builds the statement that finds the best keys (seq, time) of a
// page among the log's entries after seq through, which the search file
// does not cover: a range of the primary key, filtered and sorted.
func tailSQL(q store.AccessQuery, through int64) (string, []any) {
	where, args, _ := filterSQL(q, false)
	where = append([]string{"seq > ?"}, where...)
	args = append([]any{through}, args...)
	return "SELECT seq, received_at_us FROM access_log WHERE " + strings.Join(where, " AND ") + orderSQL(q), append(args, q.Limit)
}

func orderSQL(q store.AccessQuery) string {
	if q.Ascending {
		return " ORDER BY received_at_us ASC, seq ASC LIMIT ?"
	}
	return " ORDER BY received_at_us DESC, seq DESC LIMIT ?"
}

// filterSQL returns the conditions of q's filters and cursor (columns of
// both access_log and access_search). With indexed, it also returns the
// column of the filter whose index to walk: SQLite has no statistics
// unless ANALYZE ran, so the most selective filter given drives (the
// statement names its index) and the others are written as "+col", which
// the planner cannot use an index for.
func filterSQL(q store.AccessQuery, indexed bool) ([]string, []any, string) {
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
	driving := ""
	for _, f := range []struct{ col, v string }{
		{"subject", q.Subject}, {"user_name", q.User}, {"ais", q.AIS}, {"ovm", q.OVM},
		{"agenda", q.Agenda}, {"outcome", q.Outcome}, {"upstream", q.Upstream},
	} {
		if f.v != "" && indexed {
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
		case f.col == driving || !indexed:
			add(f.col+" = ?", f.v)
		default:
			add("+"+f.col+" = ?", f.v)
		}
	}
	if q.Purpose != "" {
		add("instr(purpose, ?) > 0", q.Purpose)
	}
	if q.After != nil {
		c := "<"
		if q.Ascending {
			c = ">"
		}
		add("(received_at_us, seq) "+c+" (?, ?)", q.After.Time.UnixMicro(), q.After.Seq)
	}
	return where, args, driving
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

// SearchIndexedThrough returns the Seq through which the search index is
// caught up. See store.SearchIndex.
func (s *Store) SearchIndexedThrough(ctx context.Context) (int64, error) {
	tx, err := s.search.r.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("sqlite: search index: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	w, err := s.search.indexedThrough(ctx, tx)
	if err != nil {
		return 0, fmt.Errorf("sqlite: search index: %w", err)
	}
	return w, nil
}

// CatchUpSearchIndex indexes the entries through seq (every entry when
// seq <= 0) before it returns. See store.SearchIndex.
func (s *Store) CatchUpSearchIndex(ctx context.Context, seq int64) error {
	return s.search.catchUp(ctx, seq)
}

var _ store.SearchIndex = (*Store)(nil)
