package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"konektor/internal/store"
)

// Backend opens a backend's stores by location, for the cases that close a
// store and open its database again (a restart) and for the search index
// cases, which need the index at a known place.
type Backend struct {
	// Fresh returns the location (a file path, a database URL) of a new,
	// empty database that lives until the test ends.
	Fresh func(t *testing.T) string
	// Open opens the store at loc and arranges (t.Cleanup) to close it;
	// Close must be safe to call twice. With manualIndex the search index
	// is caught up only by CatchUpSearchIndex, never in the background.
	// The store must implement store.SearchIndex.
	Open func(t *testing.T, loc string, manualIndex bool) store.Store
}

// RunSearchIndex runs the search index cases: queries return every entry
// appended before them, wherever the derived search index stands (not
// caught up at all, caught up part of the way, caught up), and the index
// catches up after a restart and follows retention.
func RunSearchIndex(t *testing.T, b Backend) {
	t.Helper()
	for _, m := range []struct {
		name string
		mode indexMode
	}{{"not-indexed", indexNone}, {"partly-indexed", indexSplit}, {"indexed", indexAll}} {
		for _, c := range queryCases {
			t.Run("query-"+m.name+"/"+c.name, func(t *testing.T) {
				t.Parallel()
				s := b.Open(t, b.Fresh(t), true)
				c.run(t, indexing{Store: s, idx: searchIndexOf(t, s), mode: m.mode})
			})
		}
	}
	for _, c := range searchCases {
		t.Run("search/"+c.name, func(t *testing.T) {
			t.Parallel()
			c.run(t, b)
		})
	}
}

func searchIndexOf(t *testing.T, s store.Store) store.SearchIndex {
	t.Helper()
	idx, ok := s.(store.SearchIndex)
	if !ok {
		t.Fatalf("%T does not implement store.SearchIndex", s)
	}
	return idx
}

type indexMode int

const (
	indexNone  indexMode = iota // never caught up: every entry is in the tail
	indexSplit                  // caught up through 2/5 of every batch
	indexAll                    // caught up after every batch
)

// indexing is a store with a manual search index that it catches up after
// every append as its mode says.
type indexing struct {
	store.Store
	idx  store.SearchIndex
	mode indexMode
}

func (s indexing) AppendAccess(ctx context.Context, entries []store.AccessEntry) error {
	if err := s.Store.AppendAccess(ctx, entries); err != nil || len(entries) == 0 {
		return err
	}
	switch s.mode {
	case indexSplit:
		return s.idx.CatchUpSearchIndex(ctx, entries[0].Seq+int64(len(entries))*2/5)
	case indexAll:
		return s.idx.CatchUpSearchIndex(ctx, 0)
	}
	return nil
}

type searchCase struct {
	name string
	run  func(t *testing.T, b Backend)
}

func wantIndexed(t *testing.T, idx store.SearchIndex, want int64) {
	t.Helper()
	got, err := idx.SearchIndexedThrough(context.Background())
	if err != nil {
		t.Fatalf("SearchIndexedThrough: %v", err)
	}
	if got != want {
		t.Fatalf("SearchIndexedThrough = %d, want %d", got, want)
	}
}

func catchUp(t *testing.T, idx store.SearchIndex, through int64) {
	t.Helper()
	if err := idx.CatchUpSearchIndex(context.Background(), through); err != nil {
		t.Fatalf("CatchUpSearchIndex(%d): %v", through, err)
	}
}

// wantFound checks that the queries an auditor would run find exactly the
// entries of all they select, newest first, in pages of 7.
func wantFound(t *testing.T, s store.Store, all []store.AccessEntry) {
	t.Helper()
	wantFoundPaged(t, s, all, 7)
}

// wantFoundPaged is wantFound with pages of limit entries.
func wantFoundPaged(t *testing.T, s store.Store, all []store.AccessEntry, limit int) {
	t.Helper()
	for _, c := range []struct {
		name string
		q    store.AccessQuery
		keep func(store.AccessEntry) bool
	}{
		{"everything", store.AccessQuery{}, func(store.AccessEntry) bool { return true }},
		{"user", store.AccessQuery{User: "user-5"}, func(e store.AccessEntry) bool { return e.User == "user-5" }},
		{"ais", store.AccessQuery{AIS: "ais-103"}, func(e store.AccessEntry) bool { return e.AIS == "ais-103" }},
		{"subject", store.AccessQuery{Subject: all[len(all)-1].Subject}, func(e store.AccessEntry) bool {
			return e.Subject == all[len(all)-1].Subject
		}},
	} {
		q := c.q
		q.Limit = limit
		got := pageAll(t, s, q)
		if want := byTime(all, false, c.keep); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("query %s: got %v\nwant %v", c.name, got, want)
		}
	}
}

var searchCases = []searchCase{
	{"visible-right-after-append", func(t *testing.T, b Backend) {
		s := b.Open(t, b.Fresh(t), true)
		idx := searchIndexOf(t, s)
		all := samples(1, 40)
		mustAppend(t, s, all)
		wantIndexed(t, idx, 0)
		wantFound(t, s, all)
		catchUp(t, idx, 0)
		wantIndexed(t, idx, 40)
		wantFound(t, s, all)
		more := samples(41, 3)
		mustAppend(t, s, more)
		all = append(all, more...)
		wantFound(t, s, all)
	}},
	{"catch-up-to-a-seq", func(t *testing.T, b Backend) {
		s := b.Open(t, b.Fresh(t), true)
		idx := searchIndexOf(t, s)
		all := samples(1, 30)
		mustAppend(t, s, all)
		catchUp(t, idx, 12)
		wantIndexed(t, idx, 12)
		wantFound(t, s, all)
		catchUp(t, idx, 5) // already there
		wantIndexed(t, idx, 12)
		catchUp(t, idx, 1000) // beyond the log: all of it
		wantIndexed(t, idx, 30)
	}},
	{"catches-up-after-a-restart", func(t *testing.T, b Backend) {
		loc := b.Fresh(t)
		s := b.Open(t, loc, true)
		idx := searchIndexOf(t, s)
		var all []store.AccessEntry
		for from := int64(1); from <= 300; from += 50 {
			batch := samples(from, 50)
			mustAppend(t, s, batch)
			all = append(all, batch...)
		}
		catchUp(t, idx, 120)
		if err := s.Close(); err != nil {
			t.Fatalf("Close: %v", err)
		}
		// Started again, with the background indexer: searches are whole
		// at once, and the index catches up on its own.
		again := b.Open(t, loc, false)
		wantFound(t, again, all)
		waitIndexed(t, searchIndexOf(t, again), 300)
		wantFound(t, again, all)
		more := samples(301, 5)
		mustAppend(t, again, more)
		wantFound(t, again, append(all, more...))
		waitIndexed(t, searchIndexOf(t, again), 305)
	}},
	{"retention-applies-to-the-index", func(t *testing.T, b Backend) {
		s := b.Open(t, b.Fresh(t), true)
		idx := searchIndexOf(t, s)
		chainOfCheckpoints(t, s, 20, 8)
		catchUp(t, idx, 0)
		mustPrune(t, s, 8, 8)
		all := samples(9, 12)
		for i := range all {
			all[i] = stored(all[i])
		}
		// Pruned entries are gone from searches at once, before the index
		// has heard of the pruning, and after.
		wantFound(t, s, all)
		catchUp(t, idx, 0)
		wantFound(t, s, all)
		wantIndexed(t, idx, 20)
		more := samples(21, 4)
		mustAppend(t, s, more)
		catchUp(t, idx, 0)
		wantFound(t, s, append(all, more...))
	}},
	{"background-indexer-catches-up", func(t *testing.T, b Backend) {
		s := b.Open(t, b.Fresh(t), false)
		var all []store.AccessEntry
		for from := int64(1); from <= 200; from += 20 {
			batch := samples(from, 20)
			mustAppend(t, s, batch)
			all = append(all, batch...)
			wantFound(t, s, all)
		}
		waitIndexed(t, searchIndexOf(t, s), 200)
		wantFound(t, s, all)
	}},
}

// waitIndexed waits (up to a minute) for the background indexer to reach want.
func waitIndexed(t *testing.T, idx store.SearchIndex, want int64) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		got, err := idx.SearchIndexedThrough(context.Background())
		if err != nil {
			t.Fatalf("SearchIndexedThrough: %v", err)
		}
		if got == want {
			return
		}
		if got > want || time.Now().After(deadline) {
			t.Fatalf("SearchIndexedThrough = %d, want %d", got, want)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
