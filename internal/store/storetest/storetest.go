// Package storetest is the conformance suite every store backend runs: the
// behaviour of store.Store is written here, as tests, not in comments.
package storetest

import (
	"testing"

	"konektor/internal/store"
)

// Run runs the conformance suite. newStore must return a fresh, empty,
// migrated store and arrange (t.Cleanup) to close and remove it; the suite
// may close it earlier itself, so Close must be safe to call twice. Every
// behaviour is its own parallel subtest on its own store.
func Run(t *testing.T, newStore func(t *testing.T) store.Store) {
	t.Helper()
	for _, c := range accessCases {
		t.Run("access/"+c.name, func(t *testing.T) {
			t.Parallel()
			c.run(t, newStore(t))
		})
	}
	for _, group := range []struct {
		name  string
		cases []testCase
	}{
		{"query", queryCases},
		{"checkpoint", checkpointCases},
		{"retention", retentionCases},
		{"body", bodyCases},
	} {
		for _, c := range group.cases {
			t.Run(group.name+"/"+c.name, func(t *testing.T) {
				t.Parallel()
				c.run(t, newStore(t))
			})
		}
	}
	for _, c := range lifecycleCases {
		t.Run("lifecycle/"+c.name, func(t *testing.T) {
			t.Parallel()
			c.run(t, newStore(t))
		})
	}
}

type testCase struct {
	name string
	run  func(t *testing.T, s store.Store)
}
