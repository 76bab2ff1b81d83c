package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"go.uber.org/zap/zaptest"

	"konektor/internal/store"
	"konektor/internal/store/sqlite"
	"konektor/internal/store/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		return openTemp(t)
	})
}

func TestSearchIndexConformance(t *testing.T) {
	storetest.RunSearchIndex(t, backend)
}

// SIGKILL while appending with the background indexer running.
func TestSearchIndexCrash(t *testing.T) {
	t.Parallel()
	storetest.RunCrash(t, backend, "TestSearchIndexCrashChild")
}

func TestSearchIndexCrashChild(t *testing.T) {
	storetest.CrashChild(t, backend)
}

// backend opens stores by file path.
var backend = storetest.Backend{
	Fresh: func(t *testing.T) string { return filepath.Join(t.TempDir(), "konektor.db") },
	Open: func(t *testing.T, path string, manual bool) store.Store {
		t.Helper()
		s, err := sqlite.OpenWith(context.Background(), path, sqlite.Options{Logger: zaptest.NewLogger(t), ManualSearchIndex: manual})
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		t.Cleanup(func() {
			if err := s.Close(); err != nil {
				t.Errorf("Close: %v", err)
			}
		})
		return s
	},
}

// openTemp opens a fresh store in t's temporary directory, closed at cleanup.
func openTemp(t *testing.T) *sqlite.Store {
	t.Helper()
	s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "konektor.db"), zaptest.NewLogger(t))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}
