package sqlite

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap"

	"konektor/internal/store"
)

// Without statistics SQLite cannot tell a selective filter from a common
// one: searchSQL names the index, the most selective filter's.
func TestQueryUsesTheMostSelectiveIndex(t *testing.T) {
	t.Parallel()
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "k.db"), zap.NewNop())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	day := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name  string
		q     store.AccessQuery
		index string
	}{
		{"subject-over-outcome", store.AccessQuery{Subject: "aifo:x", Outcome: "ok"}, "search_subject"},
		{"user-over-ais", store.AccessQuery{AIS: "1234", User: "jnovak", Upstream: "iszr"}, "search_user"},
		{"ais-over-outcome", store.AccessQuery{Outcome: "denied", AIS: "1234"}, "search_ais"},
		{"outcome-alone", store.AccessQuery{Outcome: "denied", From: day}, "search_outcome"},
		{"role-walks-time", store.AccessQuery{Role: "CR1", From: day}, "search_time"},
		{"newest", store.AccessQuery{}, "search_time"},
		{"deep-page", store.AccessQuery{AIS: "1234", After: &store.AccessCursor{Time: day, Seq: 500000}}, "search_ais"},
		{"ovm-over-time", store.AccessQuery{OVM: "00060007", Role: "CR1", From: day, To: day.Add(24 * time.Hour)}, "search_ovm"},
	} {
		t.Run(c.name, func(t *testing.T) {
			q, err := store.NormalizeQuery(c.q)
			if err != nil {
				t.Fatal(err)
			}
			query, args := searchSQL(q, 0, 1000)
			got := explain(t, s.search.r, query, append([]any{int64(3)}, args...))
			if !strings.Contains(got, "INDEX "+c.index+" ") && !strings.HasSuffix(got, "INDEX "+c.index) {
				t.Fatalf("plan %q does not use %s", got, c.index)
			}
			if strings.Contains(got, "TEMP B-TREE") {
				t.Fatalf("plan %q sorts: the index should give the order", got)
			}
			// The tail the index does not cover yet is a primary-key range.
			query, args = tailSQL(q, 1000)
			if got := explain(t, s.r, query, args); !strings.Contains(got, "USING INTEGER PRIMARY KEY (rowid>?)") {
				t.Fatalf("tail plan %q does not read a range of the primary key", got)
			}
		})
	}
}

func explain(t *testing.T, db *sql.DB, query string, args []any) string {
	t.Helper()
	rows, err := db.QueryContext(context.Background(), "EXPLAIN QUERY PLAN "+query, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return strings.Join(plan, "; ")
}
