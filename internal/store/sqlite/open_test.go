package sqlite_test

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.uber.org/zap/zaptest"

	"konektor/internal/store"
	"konektor/internal/store/sqlite"
)

func open(t *testing.T, path string) (*sqlite.Store, error) {
	t.Helper()
	s, err := sqlite.Open(context.Background(), path, zaptest.NewLogger(t))
	if err == nil {
		t.Cleanup(func() { _ = s.Close() })
	}
	return s, err
}

// raw opens the database file directly, as an operator's tool (or an
// attacker) would.
func raw(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

func TestOpenRejectsBadPaths(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, c := range []struct {
		name string
		path string
		want string
	}{
		{"empty", "", "empty"},
		{"memory", ":memory:", "plain file path"},
		{"uri", "file:" + filepath.Join(dir, "x.db"), "plain file path"},
		{"question-mark", filepath.Join(dir, "x?mode=ro"), "not allowed"},
		{"hash-sign", filepath.Join(dir, "x#y"), "not allowed"},
		{"missing-directory", filepath.Join(dir, "no", "such", "dir", "x.db"), "x.db"},
		{"not-a-database", notADatabase(t, dir), "not-a-db"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := open(t, c.path)
			if err == nil {
				t.Fatal("Open succeeded")
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Fatalf("Open error %q does not mention %q", err, c.want)
			}
		})
	}
}

func notADatabase(t *testing.T, dir string) string {
	t.Helper()
	p := filepath.Join(dir, "not-a-db")
	if err := os.WriteFile(p, []byte(strings.Repeat("this is not an SQLite file\n", 100)), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestOpenSetsDurablePragmas(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "k.db")
	if _, err := open(t, path); err != nil {
		t.Fatalf("Open: %v", err)
	}
	var mode string
	if err := raw(t, path).QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		t.Fatalf("journal_mode = %q (%v), want wal", mode, err)
	}
}

func TestReopenKeepsDataAndMigratesOnce(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "k.db")
	ctx := context.Background()
	s, err := open(t, path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	if err := s.AppendAccess(ctx, []store.AccessEntry{{Seq: 1, Outcome: "ok", Hash: "h1"}}); err != nil {
		t.Fatalf("AppendAccess: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	again, err := open(t, path)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	last, err := again.LastAccess(ctx)
	if err != nil || last.Hash != "h1" {
		t.Fatalf("after reopening: LastAccess = (%+v, %v), want the stored entry", last, err)
	}
	var n int
	if err := raw(t, path).QueryRow("SELECT COUNT(*) FROM schema_migrations").Scan(&n); err != nil || n != migrationFiles(t) {
		t.Fatalf("schema_migrations holds %d rows (%v), want one per migration (%d)", n, err, migrationFiles(t))
	}
}

func TestConcurrentOpensMigrateOnce(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "k.db")
	errs := make(chan error, 3)
	for range 3 {
		go func() {
			s, err := sqlite.Open(context.Background(), path, zaptest.NewLogger(t))
			if err == nil {
				err = s.Close()
			}
			errs <- err
		}()
	}
	for range 3 {
		if err := <-errs; err != nil {
			t.Errorf("concurrent Open: %v", err)
		}
	}
	var n int
	if err := raw(t, path).QueryRow("SELECT COUNT(*) FROM schema_migrations").Scan(&n); err != nil || n != migrationFiles(t) {
		t.Fatalf("schema_migrations holds %d rows (%v), want one per migration (%d)", n, err, migrationFiles(t))
	}
}

func TestRefusesNewerSchema(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "k.db")
	s, err := open(t, path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	_ = s.Close()
	if _, err := raw(t, path).Exec("INSERT INTO schema_migrations (version, name) VALUES (999, 'from_the_future')"); err != nil {
		t.Fatal(err)
	}
	if _, err := open(t, path); !errors.Is(err, store.ErrSchemaTooNew) {
		t.Fatalf("Open of a newer schema = %v, want ErrSchemaTooNew", err)
	}
}

func TestAccessLogIsAppendOnly(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "k.db")
	s, err := open(t, path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	if err := s.AppendAccess(context.Background(), []store.AccessEntry{{Seq: 1, Outcome: "ok"}}); err != nil {
		t.Fatalf("AppendAccess: %v", err)
	}
	db := raw(t, path)
	for _, c := range []struct{ name, sql string }{
		{"update", "UPDATE access_log SET outcome = 'denied' WHERE seq = 1"},
		{"delete", "DELETE FROM access_log WHERE seq = 1"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if _, err := db.Exec(c.sql); err == nil || !strings.Contains(err.Error(), "append-only") {
				t.Fatalf("%s = %v, want the append-only refusal", c.sql, err)
			}
		})
	}
}

// migrationFiles counts the migrations the package embeds.
func migrationFiles(t *testing.T) int {
	t.Helper()
	files, err := filepath.Glob("migrations/*.sql")
	if err != nil || len(files) == 0 {
		t.Fatalf("no migrations found (%v)", err)
	}
	return len(files)
}
