package audit

import (
	"context"
	"testing"
	"time"
)

func TestPruneKeepsTheLogVerifiable(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name      string
		period    time.Duration
		now       time.Time
		wantStart int64
	}{
		// newSealed's checkpoints are all made at t0+1h.
		{"nothing-old-enough", 24 * time.Hour, t0.Add(2 * time.Hour), 0},
		{"all-checkpoints-old", time.Hour, t0.Add(3 * time.Hour), 9},
		{"retention-off", 0, t0.Add(100 * time.Hour), 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			s := newSealed(t)
			start, removed, err := Prune(context.Background(), s.st, c.period, c.now)
			if err != nil {
				t.Fatal(err)
			}
			if start != c.wantStart || removed != c.wantStart {
				t.Fatalf("Prune = start %d, removed %d; want %d", start, removed, c.wantStart)
			}
			rep := mustVerifyLog(t, s.st, pki(t).trust())
			if !rep.OK || rep.Start != c.wantStart || rep.Entries != 10-c.wantStart || rep.Checkpoints != 3 || rep.Head != s.entries[9].Hash {
				t.Fatalf("VerifyLog after pruning = %+v", rep)
			}
		})
	}
}

// Checkpoints made at different times: only those before the cutoff count.
func TestPruneCutsAtTheNewestOldCheckpoint(t *testing.T) {
	t.Parallel()
	p := pki(t)
	st, _ := openSQLite(t)
	clock := t0
	cp := newCheckpointer(t, st, CheckpointOptions{Seal: p.seal, Now: func() time.Time { return clock }})
	r := newRecorder(t, st, Options{})
	for day := range 5 {
		clock = t0.Add(time.Duration(day) * 24 * time.Hour)
		mustRecord(t, r, exchange(day))
		mustRecord(t, r, exchange(day))
		if _, _, err := cp.Checkpoint(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	// Keep 2 days at day 4 + 1h: checkpoints of days 0–2 (at 2, 4, 6) are older.
	start, removed, err := Prune(context.Background(), st, 48*time.Hour, t0.Add(4*24*time.Hour+time.Hour))
	if err != nil || start != 6 || removed != 6 {
		t.Fatalf("Prune = %d, %d, %v; want start 6, removed 6", start, removed, err)
	}
	// Pruning again at the same time removes nothing.
	if start, removed, err = Prune(context.Background(), st, 48*time.Hour, t0.Add(4*24*time.Hour+time.Hour)); err != nil || start != 6 || removed != 0 {
		t.Fatalf("second Prune = %d, %d, %v", start, removed, err)
	}
	if rep := mustVerifyLog(t, st, Trust{SealCerts: p.trust().SealCerts}); !rep.OK || rep.Start != 6 || rep.Entries != 4 {
		t.Fatalf("VerifyLog = %+v", rep)
	}
}

// After pruning, removing the anchor checkpoint is detected (an attacker
// with file access dropping the triggers).
func TestPrunedLogWithoutAnchor(t *testing.T) {
	t.Parallel()
	s := newSealed(t)
	if _, err := s.st.PruneAccess(context.Background(), 6); err != nil {
		t.Fatal(err)
	}
	exec(t, rawAll(t, s.path), "DELETE FROM access_checkpoint WHERE seq = 6")
	rep := mustVerifyLog(t, s.st, pki(t).trust())
	if rep.OK || rep.Problem != ProblemRetentionAnchor {
		t.Fatalf("VerifyLog = %+v, want a retention-anchor problem", rep)
	}
}

func TestRunRetention(t *testing.T) {
	t.Parallel()
	s := newSealed(t)
	ctx, cancel := context.WithCancel(context.Background())
	ticks := make(chan time.Time)
	done := make(chan struct{})
	now := t0.Add(2 * time.Hour)
	go func() {
		RunRetention(ctx, s.st, RetentionOptions{Period: time.Hour, Ticks: ticks, Now: func() time.Time { return now }, Logger: testLogger(t)})
		close(done)
	}()
	ticks <- time.Time{} // the first prune has run once this tick is taken
	cancel()
	<-done
	if start, err := s.st.AccessStart(context.Background()); err != nil || start != 9 {
		t.Fatalf("AccessStart = %d, %v; want 9", start, err)
	}
}
