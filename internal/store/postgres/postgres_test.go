package postgres_test

import (
	"testing"

	"konektor/internal/store"
	"konektor/internal/store/postgres"
	"konektor/internal/store/postgres/pgtest"
	"konektor/internal/store/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		return pgtest.Open(t)
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

// backend opens stores by URL, each test in a schema of its own.
var backend = storetest.Backend{
	Fresh: func(t *testing.T) string { return pgtest.NewSchema(t) },
	Open: func(t *testing.T, url string, manual bool) store.Store {
		return pgtest.OpenURLWith(t, url, postgres.Options{ManualSearchIndex: manual})
	},
}
