package storetest

import (
	"context"
	"errors"
	"testing"

	"konektor/internal/store"
)

func wantStart(t *testing.T, s store.Store, want int64) {
	t.Helper()
	got, err := s.AccessStart(context.Background())
	if err != nil {
		t.Fatalf("AccessStart: %v", err)
	}
	if got != want {
		t.Fatalf("AccessStart = %d, want %d", got, want)
	}
}

func mustPrune(t *testing.T, s store.Store, through, wantRemoved int64) {
	t.Helper()
	n, err := s.PruneAccess(context.Background(), through)
	if err != nil {
		t.Fatalf("PruneAccess(%d): %v", through, err)
	}
	if n != wantRemoved {
		t.Fatalf("PruneAccess(%d) removed %d entries, want %d", through, n, wantRemoved)
	}
}

var retentionCases = []testCase{
	{"nothing-pruned", func(t *testing.T, s store.Store) {
		wantStart(t, s, 0)
	}},
	{"prune-through-a-checkpoint", func(t *testing.T, s store.Store) {
		all := samples(1, 20)
		chainOfCheckpoints(t, s, 20, 5, 12)
		mustAppendBodies(t, s, samples(21, 2), []store.AccessBody{body(21, store.BodyRequest)})
		mustPrune(t, s, 12, 12)
		wantStart(t, s, 12)
		sameEntries(t, scanAll(t, s, 0), append(all[12:], samples(21, 2)...))
		wantLast(t, s, 22)
		if got := scanCheckpoints(t, s, 0); len(got) != 2 {
			t.Fatalf("%d checkpoints after pruning, want both kept", len(got))
		}
		if _, err := s.GetAccess(context.Background(), 12); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("GetAccess(12) after pruning = %v, want ErrNotFound", err)
		}
		// The log goes on after pruning.
		mustAppend(t, s, samples(23, 1))
		wantLast(t, s, 23)
	}},
	{"prune-removes-bodies", func(t *testing.T, s store.Store) {
		mustAppendBodies(t, s, samples(1, 4), []store.AccessBody{
			body(2, store.BodyRequest), body(2, store.BodyResponse), body(4, store.BodyResponse)})
		if err := s.AppendCheckpoint(context.Background(), checkpointAt(3, "")); err != nil {
			t.Fatal(err)
		}
		mustPrune(t, s, 3, 3)
		for seq, want := range map[int64]int{2: 0, 4: 1} {
			got, err := s.AccessBodies(context.Background(), seq)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != want {
				t.Errorf("entry %d has %d bodies after pruning through 3, want %d", seq, len(got), want)
			}
		}
	}},
	{"only-at-a-checkpoint", func(t *testing.T, s store.Store) {
		chainOfCheckpoints(t, s, 10, 5)
		for _, through := range []int64{4, 6, 10, 11} {
			if _, err := s.PruneAccess(context.Background(), through); !errors.Is(err, store.ErrInvalid) {
				t.Errorf("PruneAccess(%d) = %v, want ErrInvalid", through, err)
			}
		}
		wantStart(t, s, 0)
		sameEntries(t, scanAll(t, s, 0), samples(1, 10))
	}},
	{"never-backwards", func(t *testing.T, s store.Store) {
		chainOfCheckpoints(t, s, 10, 3, 6)
		mustPrune(t, s, 6, 6)
		if _, err := s.PruneAccess(context.Background(), 3); !errors.Is(err, store.ErrInvalid) {
			t.Fatalf("PruneAccess(3) after 6 = %v, want ErrInvalid", err)
		}
		mustPrune(t, s, 6, 0)
		wantStart(t, s, 6)
	}},
	{"large-prune-in-chunks", func(t *testing.T, s store.Store) {
		n := int64(2*store.PruneChunk + 123)
		chainOfCheckpoints(t, s, n+5, n)
		mustPrune(t, s, n, n)
		sameEntries(t, scanAll(t, s, 0), samples(n+1, 5))
	}},
}
