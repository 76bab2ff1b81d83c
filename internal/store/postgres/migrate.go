package postgres

import (
	"context"
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
		return nil, fmt.Errorf("postgres: migrations: %w", err)
	}
	return store.LoadMigrations(sub)
}

// migrationLock serialises nodes that start at the same time against the
// same schema.
const migrationLock = `SELECT pg_advisory_xact_lock(hashtext(current_schema() || '.schema_migrations'))`

const createMigrationsTable = `CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
)`

// migrate applies, each in its own transaction, every embedded migration the
// database has not recorded yet, and returns those it applied. A database
// that records a version this program does not know is left untouched.
func (s *Store) migrate(ctx context.Context) ([]store.Migration, error) {
	all, err := migrations()
	if err != nil {
		return nil, err
	}
	var applied []store.Migration
	for {
		var next *store.Migration
		err := s.inTx(ctx, func(q querier) error {
			if err := q.exec(ctx, migrationLock); err != nil {
				return err
			}
			if err := q.exec(ctx, createMigrationsTable); err != nil {
				return err
			}
			var current int
			if err := q.queryRow(ctx, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations").Scan(&current); err != nil {
				return err
			}
			if current > len(all) {
				return fmt.Errorf("%w: database is at version %d, this program knows up to %d", store.ErrSchemaTooNew, current, len(all))
			}
			if current == len(all) {
				return nil
			}
			m := all[current]
			if err := q.exec(ctx, m.SQL); err != nil {
				return fmt.Errorf("migration %d_%s: %w", m.Version, m.Name, err)
			}
			if err := q.exec(ctx, "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", m.Version, m.Name); err != nil {
				return fmt.Errorf("migration %d_%s: record: %w", m.Version, m.Name, err)
			}
			next = &m
			return nil
		})
		if err != nil {
			return applied, fmt.Errorf("postgres: migrate: %w", err)
		}
		if next == nil {
			return applied, nil
		}
		applied = append(applied, *next)
	}
}
