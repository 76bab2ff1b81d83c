package app

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"go.uber.org/zap"

	"konektor/internal/config"
	"konektor/internal/store"
	"konektor/internal/store/postgres"
	"konektor/internal/store/sqlite"
)

// OpenStore opens PostgreSQL when database_url is set, else the SQLite
// file in the data directory.
func OpenStore(ctx context.Context, c config.Config, log *zap.Logger) (store.Store, error) {
	if c.DatabaseURL != "" {
		s, err := postgres.Open(ctx, c.DatabaseURL, log)
		if err != nil {
			return nil, fmt.Errorf("opening PostgreSQL store: %w", err)
		}
		return s, nil
	}
	if err := os.MkdirAll(c.DataDir, 0o750); err != nil {
		return nil, fmt.Errorf("creating data directory: %w", err)
	}
	s, err := sqlite.Open(ctx, filepath.Join(c.DataDir, "konektor.db"), log)
	if err != nil {
		return nil, fmt.Errorf("opening SQLite store: %w", err)
	}
	return s, nil
}
