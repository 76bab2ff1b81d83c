package sqlite

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap"

	"konektor/internal/store"
)

// Without statistics SQLite cannot tell a selective filter from a common
// one: querySQL names the index, the most selective filter's.
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
		{"subject-over-outcome", store.AccessQuery{Subject: "aifo:x", Outcome: "ok"}, "access_log_subject"},
		{"user-over-ais", store.AccessQuery{AIS: "1234", User: "jnovak", Upstream: "iszr"}, "access_log_user"},
		{"ais-over-outcome", store.AccessQuery{Outcome: "denied", AIS: "1234"}, "access_log_ais"},
		{"outcome-alone", store.AccessQuery{Outcome: "denied", From: day}, "access_log_outcome"},
		{"role-walks-time", store.AccessQuery{Role: "CR1", From: day}, "access_log_time"},
		{"newest", store.AccessQuery{}, "access_log_time"},
	} {
		t.Run(c.name, func(t *testing.T) {
			q, err := store.NormalizeQuery(c.q)
			if err != nil {
				t.Fatal(err)
			}
			query, args := querySQL(q)
			rows, err := s.r.QueryContext(context.Background(), "EXPLAIN QUERY PLAN "+query, args...)
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
			got := strings.Join(plan, "; ")
			if !strings.Contains(got, "INDEX "+c.index+" ") && !strings.HasSuffix(got, "INDEX "+c.index) {
				t.Fatalf("plan %q does not use %s", got, c.index)
			}
			if strings.Contains(got, "TEMP B-TREE") {
				t.Fatalf("plan %q sorts: the index should give the order", got)
			}
		})
	}
}
