package postgres_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"go.uber.org/zap/zaptest"

	"konektor/internal/store"
	"konektor/internal/store/postgres"
	"konektor/internal/store/postgres/pgtest"
)

func TestOpenErrorHidesPassword(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name string
		url  string
	}{
		{"unreachable-server", "postgres://konektor:s3cretPW@127.0.0.1:1/konektor?connect_timeout=2&sslmode=disable"},
		{"malformed-url", "postgres://konektor:s3cretPW@127.0.0.1:notaport/konektor"},
		{"unknown-pool-parameter-value", "postgres://konektor:s3cretPW@127.0.0.1/konektor?pool_max_conns=many"},
	} {
		t.Run(c.name, func(t *testing.T) {
			s, err := postgres.Open(context.Background(), c.url, zaptest.NewLogger(t))
			if err == nil {
				_ = s.Close()
				t.Fatal("Open succeeded")
			}
			if strings.Contains(err.Error(), "s3cretPW") {
				t.Fatalf("error reveals the password: %v", err)
			}
		})
	}
}

func TestReopenKeepsDataAndMigratesOnce(t *testing.T) {
	t.Parallel()
	url := pgtest.NewSchema(t)
	ctx := context.Background()
	s := pgtest.OpenURL(t, url)
	e := store.AccessEntry{Seq: 1, Outcome: "ok", Hash: "h1"}
	if err := s.AppendAccess(ctx, []store.AccessEntry{e}); err != nil {
		t.Fatalf("AppendAccess: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	again := pgtest.OpenURL(t, url)
	last, err := again.LastAccess(ctx)
	if err != nil || last.Hash != "h1" {
		t.Fatalf("after reopening: LastAccess = (%+v, %v), want the stored entry", last, err)
	}
	if n := migrationRows(t, url); n != migrationFiles(t) {
		t.Fatalf("schema_migrations holds %d rows after two opens, want one per migration (%d)", n, migrationFiles(t))
	}
}

func TestConcurrentOpensMigrateOnce(t *testing.T) {
	t.Parallel()
	url := pgtest.NewSchema(t)
	errs := make(chan error, 3)
	for range 3 {
		go func() {
			s, err := postgres.Open(context.Background(), url, zaptest.NewLogger(t))
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
	if n := migrationRows(t, url); n != migrationFiles(t) {
		t.Fatalf("schema_migrations holds %d rows, want one per migration (%d)", n, migrationFiles(t))
	}
}

func TestRefusesNewerSchema(t *testing.T) {
	t.Parallel()
	url := pgtest.NewSchema(t)
	_ = pgtest.OpenURL(t, url).Close()
	pgtest.Exec(t, url, "INSERT INTO schema_migrations (version, name) VALUES (999, 'from_the_future')")
	s, err := postgres.Open(context.Background(), url, zaptest.NewLogger(t))
	if err == nil {
		_ = s.Close()
	}
	if !errors.Is(err, store.ErrSchemaTooNew) {
		t.Fatalf("Open of a newer schema = %v, want ErrSchemaTooNew", err)
	}
}

func TestAccessLogIsAppendOnly(t *testing.T) {
	t.Parallel()
	url := pgtest.NewSchema(t)
	s := pgtest.OpenURL(t, url)
	if err := s.AppendAccess(context.Background(), []store.AccessEntry{{Seq: 1, Outcome: "ok"}}); err != nil {
		t.Fatalf("AppendAccess: %v", err)
	}
	for _, c := range []struct{ name, sql string }{
		{"update", "UPDATE access_log SET outcome = 'denied' WHERE seq = 1"},
		{"delete", "DELETE FROM access_log WHERE seq = 1"},
		{"truncate", "TRUNCATE access_log"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if err := tryExec(t, url, c.sql); err == nil || !strings.Contains(err.Error(), "append-only") {
				t.Fatalf("%s = %v, want the append-only refusal", c.sql, err)
			}
		})
	}
}
