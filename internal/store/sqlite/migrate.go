package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"

	"konektor/internal/store"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// migrations returns the embedded migrations in version order.
func migrations() ([]store.Migration, error) {
	sub, err := fs.Sub(migrationFiles, "migrations")
	if err != nil {
		return nil, fmt.Errorf("sqlite: migrations: %w", err)
	}
	return store.LoadMigrations(sub)
}

const createMigrationsTable = `CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) STRICT`

// migrate applies, each in its own transaction, every embedded migration the
// database has not recorded yet, and returns those it applied. A database
// that records a version this program does not know is left untouched.
func migrate(ctx context.Context, db *sql.DB) ([]store.Migration, error) {
	all, err := migrations()
	if err != nil {
		return nil, err
	}
	if _, err := db.ExecContext(ctx, createMigrationsTable); err != nil {
		return nil, fmt.Errorf("sqlite: create schema_migrations: %w", err)
	}
	var current int
	if err := db.QueryRowContext(ctx, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations").Scan(&current); err != nil {
		return nil, fmt.Errorf("sqlite: read schema version: %w", err)
	}
	if current > len(all) {
		return nil, fmt.Errorf("%w: database is at version %d, this program knows up to %d", store.ErrSchemaTooNew, current, len(all))
	}
	var applied []store.Migration
	for _, m := range all[current:] {
		ok, err := apply(ctx, db, m)
		if err != nil {
			return applied, err
		}
		if ok {
			applied = append(applied, m)
		}
	}
	return applied, nil
}

// apply runs one migration in a write transaction unless another process
// applied it meanwhile, and reports whether it ran it.
func apply(ctx context.Context, db *sql.DB, m store.Migration) (bool, error) {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return false, fmt.Errorf("sqlite: migration %d_%s: %w", m.Version, m.Name, err)
	}
	defer func() { _ = tx.Rollback() }()
	var n int
	if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM schema_migrations WHERE version = ?", m.Version).Scan(&n); err != nil {
		return false, fmt.Errorf("sqlite: migration %d_%s: %w", m.Version, m.Name, err)
	}
	if n > 0 {
		return false, nil
	}
	if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
		return false, fmt.Errorf("sqlite: migration %d_%s: %w", m.Version, m.Name, err)
	}
	if _, err := tx.ExecContext(ctx, "INSERT INTO schema_migrations (version, name) VALUES (?, ?)", m.Version, m.Name); err != nil {
		return false, fmt.Errorf("sqlite: migration %d_%s: record: %w", m.Version, m.Name, err)
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("sqlite: migration %d_%s: commit: %w", m.Version, m.Name, err)
	}
	return true, nil
}
