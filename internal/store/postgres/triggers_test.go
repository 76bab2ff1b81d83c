package postgres_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"konektor/internal/store"
	"konektor/internal/store/postgres/pgtest"
)

// The database itself allows only the pruning path: entries and bodies
// through the retention start, which moves forward to a checkpoint only
// (issue 6 §6). Every other change is refused by a trigger.
func TestPruningIsTheOnlyRemoval(t *testing.T) {
	t.Parallel()
	url := pgtest.NewSchema(t)
	s := pgtest.OpenURL(t, url)
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
	for _, c := range []struct{ name, sql, want string }{
		{"delete-entry-after-start", "DELETE FROM access_log WHERE seq = 4", "append-only"},
		{"update-entry", "UPDATE access_log SET outcome = 'denied' WHERE seq = 5", "append-only"},
		{"truncate-entries", "TRUNCATE access_log", "append-only"},
		{"delete-body-after-start", "DELETE FROM access_body WHERE seq = 5", "append-only"},
		{"update-body", "UPDATE access_body SET data = '\\x00' WHERE seq = 5", "append-only"},
		{"truncate-bodies", "TRUNCATE access_body", "append-only"},
		{"delete-checkpoint", "DELETE FROM access_checkpoint WHERE seq = 3", "append-only"},
		{"update-checkpoint", "UPDATE access_checkpoint SET head = 'x' WHERE seq = 4", "append-only"},
		{"truncate-checkpoints", "TRUNCATE access_checkpoint CASCADE", "append-only"},
		{"start-backwards", "UPDATE access_retention SET pruned_through = 0", "forward only"},
		{"start-past-checkpoints", "UPDATE access_retention SET pruned_through = 5", "only to a checkpoint"},
		{"remove-retention-row", "DELETE FROM access_retention", "cannot be removed"},
		{"truncate-retention", "TRUNCATE access_retention", "append-only"},
		{"second-retention-row", "INSERT INTO access_retention (id, pruned_through) VALUES (2, 6)", "check"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if err := tryExec(t, url, c.sql); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("%s = %v, want a refusal mentioning %q", c.sql, err, c.want)
			}
		})
	}
	if err := tryExec(t, url, "UPDATE access_retention SET pruned_through = 4"); err != nil {
		t.Fatalf("moving the start to checkpoint 4: %v", err)
	}
	if err := tryExec(t, url, "DELETE FROM access_log WHERE seq = 4"); err != nil {
		t.Fatalf("deleting entry 4 after moving the start: %v", err)
	}
}
