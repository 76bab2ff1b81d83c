package sqlite_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"konektor/internal/store"
)

// The database itself allows only the pruning path: entries and bodies
// through the retention start, which moves forward to a checkpoint only
// (issue 6 §6). Every other change is refused by a trigger.
func TestPruningIsTheOnlyRemoval(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "k.db")
	s, err := open(t, path)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	var entries []store.AccessEntry
	for i := int64(1); i <= 6; i++ {
		entries = append(entries, store.AccessEntry{Seq: i, Outcome: "ok", Hash: "h"})
	}
	bodies := []store.AccessBody{{Seq: 2, Kind: store.BodyRequest, KeyID: "k"}, {Seq: 5, Kind: store.BodyRequest, KeyID: "k"}}
	if err := s.AppendAccessWithBodies(ctx, entries, bodies); err != nil {
		t.Fatal(err)
	}
	for _, seq := range []int64{3, 4} {
		prev := ""
		if seq == 4 {
			prev = "cp3"
		}
		cp := store.Checkpoint{Seq: seq, Head: "h", Time: time.Unix(0, 0), Prev: prev, Signature: []byte{1}, Hash: "cp" + string(rune('0'+seq))}
		if err := s.AppendCheckpoint(ctx, cp); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.PruneAccess(ctx, 3); err != nil {
		t.Fatal(err)
	}
	db := raw(t, path)
	for _, c := range []struct{ name, sql, want string }{
		{"delete-entry-after-start", "DELETE FROM access_log WHERE seq = 4", "append-only"},
		{"update-entry", "UPDATE access_log SET outcome = 'denied' WHERE seq = 5", "append-only"},
		{"delete-body-after-start", "DELETE FROM access_body WHERE seq = 5", "append-only"},
		{"update-body", "UPDATE access_body SET data = x'00' WHERE seq = 5", "append-only"},
		{"delete-checkpoint", "DELETE FROM access_checkpoint WHERE seq = 3", "append-only"},
		{"update-checkpoint", "UPDATE access_checkpoint SET head = 'x' WHERE seq = 4", "append-only"},
		{"start-backwards", "UPDATE access_retention SET pruned_through = 0", "forward only"},
		{"start-past-checkpoints", "UPDATE access_retention SET pruned_through = 5", "only to a checkpoint"},
		{"remove-retention-row", "DELETE FROM access_retention", "cannot be removed"},
		{"second-retention-row", "INSERT INTO access_retention (id, pruned_through) VALUES (2, 6)", "CHECK"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if _, err := db.Exec(c.sql); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("%s = %v, want a refusal mentioning %q", c.sql, err, c.want)
			}
		})
	}
	// The pruning path itself: move the start to the next checkpoint, then delete.
	if _, err := db.Exec("UPDATE access_retention SET pruned_through = 4"); err != nil {
		t.Fatalf("moving the start to checkpoint 4: %v", err)
	}
	if _, err := db.Exec("DELETE FROM access_log WHERE seq = 4"); err != nil {
		t.Fatalf("deleting entry 4 after moving the start: %v", err)
	}
}
