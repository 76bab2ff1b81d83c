package postgres_test

import (
	"testing"

	"konektor/internal/store"
	"konektor/internal/store/postgres/pgtest"
	"konektor/internal/store/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		return pgtest.Open(t)
	})
}
