package sqlite_test

import (
	"testing"

	"konektor/internal/store"
	"konektor/internal/store/storetest"
)

func TestDraftConformance(t *testing.T) {
	storetest.RunDrafts(t, func(t *testing.T) store.DraftStore { return openTemp(t) })
}
