package postgres_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"konektor/internal/store"
	"konektor/internal/store/postgres"
	"konektor/internal/store/postgres/pgtest"
)

// A log written before access_search existed (its indexes on access_log)
// is copied over by the upgrade and searchable through the index at once.
func TestUpgradeMovesIndexesOut(t *testing.T) {
	t.Parallel()
	url := pgtest.NewSchema(t)
	pgtest.Exec(t, url, `CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL,
        applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`)
	for v, name := range []string{"0001_access_log", "0002_audit"} {
		b, err := os.ReadFile("migrations/" + name + ".sql")
		if err != nil {
			t.Fatal(err)
		}
		pgtest.Exec(t, url, string(b))
		pgtest.Exec(t, url, "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", v+1, name[5:])
	}
	at := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	pgtest.Exec(t, url, `INSERT INTO access_log (seq, received_at, correlation_id, upstream, service, ais, ovm, agenda,
        role, user_name, purpose, subject, outcome, upstream_status, reason, latency_us, request_sha256,
        response_sha256, sealed, evidence, prev_hash, hash)
        SELECT g, $1::timestamptz + g * interval '1 ms', 'c', 'iszr', 'E03', '1234', 'o', 'a', 'r',
            CASE WHEN g % 7 = 0 THEN 'u-rare' ELSE 'u-' || (g % 50) END, 'p', 's-' || g, 'ok', 'OK', '', 1, '', '',
            false, '', '', 'h-' || g
        FROM generate_series(1, 100) g`, at)
	s := pgtest.OpenURLWith(t, url, postgres.Options{ManualSearchIndex: true})
	ctx := context.Background()
	if n, err := s.SearchIndexedThrough(ctx); err != nil || n != 100 {
		t.Fatalf("SearchIndexedThrough after the upgrade = %d (%v), want 100", n, err)
	}
	page, err := s.QueryAccess(ctx, store.AccessQuery{User: "u-rare", Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if len(page) != 14 || page[0].Seq != 98 || page[0].Hash != "h-98" || page[13].Seq != 7 {
		t.Fatalf("rare entries after the upgrade: %d, first %+v", len(page), page[0])
	}
	if n := queryInt(t, url, "SELECT COUNT(*) FROM pg_indexes WHERE schemaname = current_schema() AND tablename = 'access_log'"); n != 1 {
		t.Fatalf("access_log keeps %d indexes, want its primary key only", n)
	}
}

func queryInt(t *testing.T, url, sql string) int64 {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	defer func() { _ = conn.Close(ctx) }()
	var n int64
	if err := conn.QueryRow(ctx, sql).Scan(&n); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return n
}

// Two nodes sharing the log both run indexers; one works at a time and
// every entry is indexed once.
func TestTwoNodesIndexOneLog(t *testing.T) {
	t.Parallel()
	url := pgtest.NewSchema(t)
	a, b := pgtest.OpenURL(t, url), pgtest.OpenURL(t, url)
	ctx := context.Background()
	for seq := int64(1); seq <= 400; seq += 20 {
		node := a
		if seq%40 == 21 {
			node = b
		}
		batch := make([]store.AccessEntry, 20)
		for i := range batch {
			batch[i] = store.AccessEntry{Seq: seq + int64(i), Outcome: "ok", User: "u", Hash: "h"}
		}
		if err := node.AppendAccess(ctx, batch); err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.Now().Add(time.Minute)
	for {
		n, err := a.SearchIndexedThrough(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if n == 400 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("indexed through %d after a minute, want 400", n)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if n := queryInt(t, url, "SELECT COUNT(*) FROM access_search"); n != 400 {
		t.Fatalf("access_search holds %d rows, want 400", n)
	}
	page, err := b.QueryAccess(ctx, store.AccessQuery{User: "u", Limit: 1000})
	if err != nil || len(page) != 400 {
		t.Fatalf("QueryAccess found %d (%v), want 400", len(page), err)
	}
}
