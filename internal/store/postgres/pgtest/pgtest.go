// Package pgtest gives tests a fresh PostgreSQL store in a schema of its
// own, dropped at cleanup. It reads the server from
// KONEKTOR_TEST_DATABASE_URL and skips the test when that is unset.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest"

	"konektor/internal/store/postgres"
)

// EnvURL names the environment variable with the test server's URL.
const EnvURL = "KONEKTOR_TEST_DATABASE_URL"

// Open returns a freshly migrated store in a new schema, or skips tb when
// EnvURL is unset. The store is closed and the schema dropped at cleanup.
func Open(tb testing.TB) *postgres.Store {
	tb.Helper()
	return OpenURL(tb, NewSchema(tb))
}

// OpenURL opens the store at url (see NewSchema), closed at cleanup.
func OpenURL(tb testing.TB, url string) *postgres.Store {
	tb.Helper()
	return OpenURLWith(tb, url, postgres.Options{})
}

// OpenURLWith is OpenURL with options; a nil Logger logs to tb (or
// nowhere in benchmarks).
func OpenURLWith(tb testing.TB, url string, o postgres.Options) *postgres.Store {
	tb.Helper()
	if o.Logger == nil {
		o.Logger = zap.NewNop() // benchmarks: keep their output readable
		if _, ok := tb.(*testing.B); !ok {
			o.Logger = zaptest.NewLogger(tb)
		}
	}
	s, err := postgres.OpenWith(context.Background(), url, o)
	if err != nil {
		tb.Fatalf("postgres.Open: %v", err)
	}
	tb.Cleanup(func() { _ = s.Close() })
	return s
}

// BaseURL returns EnvURL's value, or skips tb when it is unset.
func BaseURL(tb testing.TB) string {
	tb.Helper()
	base := os.Getenv(EnvURL)
	if base == "" {
		tb.Skipf("%s is not set; skipping PostgreSQL tests", EnvURL)
	}
	return base
}

// NewSchema creates an empty schema, dropped (with everything in it) at
// cleanup, and returns the test server's URL with search_path set to it.
// It skips tb when EnvURL is unset.
func NewSchema(tb testing.TB) string {
	tb.Helper()
	base := BaseURL(tb)
	schema := "konektor_test_" + randomHex(tb)
	admin(tb, base, "CREATE SCHEMA "+schema)
	tb.Cleanup(func() { admin(tb, base, "DROP SCHEMA "+schema+" CASCADE") })
	return WithSearchPath(tb, base, schema)
}

// WithSearchPath returns base with search_path set to schema, for either
// form of connection string.
func WithSearchPath(tb testing.TB, base, schema string) string {
	tb.Helper()
	if strings.HasPrefix(base, "postgres://") || strings.HasPrefix(base, "postgresql://") {
		u, err := url.Parse(base)
		if err != nil {
			tb.Fatalf("%s: %v", EnvURL, err)
		}
		q := u.Query()
		q.Set("search_path", schema)
		u.RawQuery = q.Encode()
		return u.String()
	}
	return base + " search_path=" + schema
}

// Exec runs one statement on its own short-lived connection to url.
func Exec(tb testing.TB, url, sql string, args ...any) {
	tb.Helper()
	admin(tb, url, sql, args...)
}

func admin(tb testing.TB, base, sql string, args ...any) {
	tb.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		tb.Fatalf("connect to %s: %v", EnvURL, err)
	}
	defer func() { _ = conn.Close(ctx) }()
	if _, err := conn.Exec(ctx, sql, args...); err != nil {
		tb.Fatalf("%s: %v", sql, err)
	}
}

func randomHex(tb testing.TB) string {
	tb.Helper()
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		tb.Fatalf("random schema name: %v", err)
	}
	return hex.EncodeToString(b)
}
