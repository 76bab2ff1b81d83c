package postgres_test

import (
	"testing"

	"konektor/internal/store"
	"konektor/internal/store/postgres/pgtest"
	"konektor/internal/store/storetest"
)

func TestDraftConformance(t *testing.T) {
	storetest.RunDrafts(t, func(t *testing.T) store.DraftStore { return pgtest.Open(t) })
}
