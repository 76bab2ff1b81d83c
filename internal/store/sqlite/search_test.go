package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"go.uber.org/zap/zaptest"

	"konektor/internal/store"
)

// entries returns n valid entries from seq from; every 7th by user
// "u-rare" (in log "other" others than in the rest).
func entries(from int64, n int, tag string) []store.AccessEntry {
	out := make([]store.AccessEntry, n)
	for i := range out {
		seq := from + int64(i)
		user := fmt.Sprintf("u-%d", seq%50)
		if seq%7 == 0 && tag != "other" || seq%7 == 3 && tag == "other" {
			user = "u-rare"
		}
		out[i] = store.AccessEntry{Seq: seq, Time: time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(seq) * time.Millisecond),
			Upstream: "iszr", Service: "E03", AIS: "1234", User: user, Outcome: "ok", Subject: fmt.Sprintf("s-%d", seq),
			Hash: fmt.Sprintf("%s-%d", tag, seq)}
	}
	return out
}

func openManual(t *testing.T, path string) *Store {
	t.Helper()
	s, err := OpenWith(context.Background(), path, Options{Logger: zaptest.NewLogger(t), ManualSearchIndex: true})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func appendAll(t *testing.T, s *Store, all []store.AccessEntry) {
	t.Helper()
	for rest := all; len(rest) > 0; {
		n := min(len(rest), 2000)
		if err := s.AppendAccess(context.Background(), rest[:n]); err != nil {
			t.Fatalf("AppendAccess: %v", err)
		}
		rest = rest[n:]
	}
}

func indexed(t *testing.T, s *Store) int64 {
	t.Helper()
	n, err := s.SearchIndexedThrough(context.Background())
	if err != nil {
		t.Fatalf("SearchIndexedThrough: %v", err)
	}
	return n
}

// wantRare checks that every u-rare entry of the log through last is
// found, newest first, and that each carries the log's hash with tag.
func wantRare(t *testing.T, s *Store, last int64, tag string) {
	t.Helper()
	var got []int64
	q := store.AccessQuery{User: "u-rare", Limit: 1000}
	for {
		page, err := s.QueryAccess(context.Background(), q)
		if err != nil {
			t.Fatalf("QueryAccess: %v", err)
		}
		for _, e := range page {
			if e.Hash != fmt.Sprintf("%s-%d", tag, e.Seq) {
				t.Fatalf("entry %d has hash %q, want it from log %q", e.Seq, e.Hash, tag)
			}
			got = append(got, e.Seq)
		}
		if len(page) < q.Limit {
			break
		}
		q.After = store.CursorOf(page[len(page)-1])
	}
	var want []int64
	for seq := last - last%7; seq > 0; seq -= 7 {
		want = append(want, seq)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("found %d rare entries (%v…), want %d (%v…)", len(got), got[:min(len(got), 5)], len(want), want[:min(len(want), 5)])
	}
}

func closeStore(t *testing.T, s *Store) {
	t.Helper()
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
}

func rawExec(t *testing.T, path, query string, args ...any) {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(query, args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

func searchIndexCount(t *testing.T, path string) int {
	t.Helper()
	db, err := sql.Open("sqlite", SearchPath(path)+"?_pragma=query_only(1)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow("SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'access_search' AND sql IS NOT NULL").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestSearchPath(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"/var/lib/konektor/konektor.db": "/var/lib/konektor/konektor.search.db",
		"data/log":                      "data/log.search.db",
		"x.sqlite":                      "x.sqlite.search.db",
	} {
		if got := SearchPath(in); got != want {
			t.Errorf("SearchPath(%q) = %q, want %q", in, got, want)
		}
	}
}

// A log with no search file (deleted, or a log from before the search
// file existed) is searched completely at once, and the file is built in
// bulk: rows first, then the indexes.
func TestSearchFileBuiltInBulk(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "k.db")
	s := openManual(t, path)
	const n = 700
	appendAll(t, s, entries(1, n, "a"))
	closeStore(t, s)
	for _, p := range []string{SearchPath(path), SearchPath(path) + "-wal", SearchPath(path) + "-shm"} {
		if err := os.Remove(p); err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
	}
	s = openManual(t, path)
	s.search.bulkThreshold, s.search.bulkChunk = 500, 256
	if got := indexed(t, s); got != 0 {
		t.Fatalf("a new search file is indexed through %d, want 0", got)
	}
	wantRare(t, s, n, "a")
	// One step copies a chunk without indexes: queries still read the log.
	if more, err := s.search.step(context.Background(), 0); err != nil || !more {
		t.Fatalf("first bulk step = (%v, %v), want more to do", more, err)
	}
	if got := searchIndexCount(t, path); got != 0 {
		t.Fatalf("%d indexes during the bulk copy, want none", got)
	}
	if got := indexed(t, s); got != 0 {
		t.Fatalf("indexed through %d during the bulk copy, want 0", got)
	}
	wantRare(t, s, n, "a")
	if err := s.CatchUpSearchIndex(context.Background(), 0); err != nil {
		t.Fatal(err)
	}
	if got := indexed(t, s); got != n {
		t.Fatalf("indexed through %d, want %d", got, n)
	}
	if got := searchIndexCount(t, path); got != len(searchIndexes) {
		t.Fatalf("%d indexes after the bulk build, want %d", got, len(searchIndexes))
	}
	wantRare(t, s, n, "a")
	appendAll(t, s, entries(n+1, 10, "a"))
	wantRare(t, s, n+10, "a")
}

// A search file that does not belong to the log is rebuilt: from another
// log, ahead of the log (restored from an older backup), of another
// layout version, or not a database at all.
func TestSearchFileThatDoesNotMatchIsRebuilt(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name  string
		spoil func(t *testing.T, path string)
	}{
		{"from-another-log", func(t *testing.T, path string) {
			other := filepath.Join(t.TempDir(), "other.db")
			o := openManual(t, other)
			appendAll(t, o, entries(1, 15, "other"))
			if err := o.CatchUpSearchIndex(context.Background(), 0); err != nil {
				t.Fatal(err)
			}
			closeStore(t, o)
			copyFile(t, SearchPath(other), SearchPath(path))
		}},
		{"ahead-of-the-log", func(t *testing.T, path string) {
			backup := filepath.Join(t.TempDir(), "backup.db")
			copyFile(t, path, backup)
			s := openManual(t, path)
			appendAll(t, s, entries(21, 20, "a"))
			if err := s.CatchUpSearchIndex(context.Background(), 0); err != nil {
				t.Fatal(err)
			}
			closeStore(t, s)
			copyFile(t, backup, path) // the log as it was at 20 entries
		}},
		{"another-format", func(t *testing.T, path string) {
			rawExec(t, SearchPath(path), "UPDATE search_state SET format = 0")
		}},
		{"not-a-database", func(t *testing.T, path string) {
			if err := os.WriteFile(SearchPath(path), []byte("not a database, not at all, no"), 0o600); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "k.db")
			s := openManual(t, path)
			appendAll(t, s, entries(1, 20, "a"))
			if err := s.CatchUpSearchIndex(context.Background(), 0); err != nil {
				t.Fatal(err)
			}
			closeStore(t, s)
			c.spoil(t, path)
			s = openManual(t, path)
			wantRare(t, s, 20, "a")
			if err := s.CatchUpSearchIndex(context.Background(), 0); err != nil {
				t.Fatal(err)
			}
			if got := indexed(t, s); got != 20 {
				t.Fatalf("indexed through %d after the rebuild, want 20", got)
			}
			wantRare(t, s, 20, "a")
		})
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{to, to + "-wal", to + "-shm"} {
		if err := os.Remove(p); err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(to, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// Pruned entries are kept out of the page by the query's own bounds, not
// by the safety net that distrusts the index.
func TestPruningDoesNotLookLikeABrokenIndex(t *testing.T) {
	t.Parallel()
	s := openManual(t, filepath.Join(t.TempDir(), "k.db"))
	ctx := context.Background()
	appendAll(t, s, entries(1, 30, "a"))
	if err := s.CatchUpSearchIndex(ctx, 0); err != nil {
		t.Fatal(err)
	}
	if err := s.AppendCheckpoint(ctx, store.Checkpoint{Seq: 14, Head: "a-14", Time: time.Now(), Hash: "cp", Signature: []byte("sig")}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.PruneAccess(ctx, 14); err != nil {
		t.Fatal(err)
	}
	page, err := s.QueryAccess(ctx, store.AccessQuery{User: "u-rare", Ascending: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(page) != 2 || page[0].Seq != 21 {
		t.Fatalf("after pruning through 14 the rare entries are %v, want 21 and 28", page)
	}
	if s.search.broken.Load() {
		t.Fatal("pruning made the search index look broken")
	}
}

// When the index names an entry the log does not hold, the query reads the
// log instead and the index is rebuilt.
func TestIndexThatDisagreesIsDistrusted(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "k.db")
	s := openManual(t, path)
	ctx := context.Background()
	appendAll(t, s, entries(1, 30, "a"))
	if err := s.CatchUpSearchIndex(ctx, 0); err != nil {
		t.Fatal(err)
	}
	// Tampering outside konektor: entry 21 (a rare one) moved to seq 22's
	// place in the index, whose own row is removed.
	rawExec(t, SearchPath(path), "DELETE FROM access_search WHERE seq = 22")
	rawExec(t, SearchPath(path), "UPDATE access_search SET user_name = 'u-rare' WHERE seq = 23")
	rawExec(t, path, "DROP TRIGGER access_log_no_delete")
	rawExec(t, path, "DELETE FROM access_log WHERE seq = 23")
	page, err := s.QueryAccess(ctx, store.AccessQuery{User: "u-rare"})
	if err != nil {
		t.Fatal(err)
	}
	if len(page) != 4 || page[0].Seq != 28 {
		t.Fatalf("rare entries %v, want 28, 21, 14, 7 (read from the log)", page)
	}
	if !s.search.broken.Load() {
		t.Fatal("the index was not marked for a rebuild")
	}
	if err := s.CatchUpSearchIndex(ctx, 0); err != nil {
		t.Fatal(err)
	}
	if s.search.broken.Load() || indexed(t, s) != 30 {
		t.Fatalf("after the rebuild: broken %v, indexed %d", s.search.broken.Load(), indexed(t, s))
	}
}

// A log written before the search file existed (its indexes in the log)
// loses those indexes on upgrade and is searchable at once, the search
// file being built from it.
func TestUpgradeMovesIndexesOut(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "k.db")
	all, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", path+"?_pragma=journal_mode(WAL)")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(createMigrationsTable); err != nil {
		t.Fatal(err)
	}
	for _, m := range all[:2] {
		if _, err := db.Exec(m.SQL); err != nil {
			t.Fatalf("migration %d: %v", m.Version, err)
		}
		if _, err := db.Exec("INSERT INTO schema_migrations (version, name) VALUES (?, ?)", m.Version, m.Name); err != nil {
			t.Fatal(err)
		}
	}
	for _, e := range entries(1, 100, "a") {
		if _, err := db.Exec("INSERT INTO access_log ("+accessColumns+") VALUES ("+
			"?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", accessArgs(nil, e)...); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	s := openManual(t, path)
	wantRare(t, s, 100, "a")
	if err := s.CatchUpSearchIndex(context.Background(), 0); err != nil {
		t.Fatal(err)
	}
	if got := indexed(t, s); got != 100 {
		t.Fatalf("indexed through %d after the upgrade, want 100", got)
	}
	wantRare(t, s, 100, "a")
	var n int
	if err := s.r.QueryRow("SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'access_log' AND sql IS NOT NULL").Scan(&n); err != nil || n != 0 {
		t.Fatalf("the log keeps %d indexes (%v), want none", n, err)
	}
}
