package audit

import (
	"context"
	"testing"
	"time"
)

func TestMonitorChecksIncrementally(t *testing.T) {
	t.Parallel()
	s := newSealed(t)
	clock := t0
	m := NewMonitor(s.st, pki(t).trust(), func() time.Time { return clock })
	if got := m.Last(); !got.CheckedAt.IsZero() {
		t.Fatalf("Last before any check = %+v", got)
	}
	st, err := m.Check(context.Background())
	if err != nil || !st.OK || st.Entries != 10 || !st.FullAt.Equal(t0) {
		t.Fatalf("first Check = %+v, %v; want a full, good check", st, err)
	}
	// New entries are checked without re-reading the old ones.
	r := newRecorder(t, s.st, Options{})
	mustRecord(t, r, exchange(10))
	clock = t0.Add(time.Minute)
	st, err = m.Check(context.Background())
	if err != nil || !st.OK || st.Entries != 11 || st.LastSeq != 11 || !st.FullAt.Equal(t0) || !st.CheckedAt.Equal(clock) {
		t.Fatalf("incremental Check = %+v, %v", st, err)
	}
	// A change to an entry already checked is found by the next full run.
	exec(t, rawAll(t, s.path), "UPDATE access_log SET purpose = 'x' WHERE seq = 2")
	if st, _ = m.Check(context.Background()); !st.OK {
		t.Fatalf("incremental Check re-read old entries: %+v", st)
	}
	st, err = m.Full(context.Background())
	if err != nil || st.OK || st.FirstBad != 2 {
		t.Fatalf("Full = %+v, %v; want the change at 2", st, err)
	}
	// The problem stays reported.
	if st, _ = m.Check(context.Background()); st.OK || st.FirstBad != 2 {
		t.Fatalf("Check after a failed Full = %+v", st)
	}
	if m.Last().OK {
		t.Fatal("Last forgot the problem")
	}
}

// Appending a tampered entry after a good check is caught incrementally.
func TestMonitorCatchesNewBadEntries(t *testing.T) {
	t.Parallel()
	s := newSealed(t)
	m := NewMonitor(s.st, pki(t).trust(), nil)
	if st, err := m.Check(context.Background()); err != nil || !st.OK {
		t.Fatalf("Check = %+v, %v", st, err)
	}
	r := newRecorder(t, s.st, Options{})
	mustRecord(t, r, exchange(10))
	exec(t, rawAll(t, s.path), "UPDATE access_log SET purpose = 'x' WHERE seq = 11")
	if st, _ := m.Check(context.Background()); st.OK || st.FirstBad != 11 {
		t.Fatalf("Check = %+v, want entry 11 bad", st)
	}
}

// After pruning the monitor starts over from the new start.
func TestMonitorAfterPruning(t *testing.T) {
	t.Parallel()
	s := newSealed(t)
	m := NewMonitor(s.st, pki(t).trust(), nil)
	if _, err := m.Check(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := s.st.PruneAccess(context.Background(), 6); err != nil {
		t.Fatal(err)
	}
	r := newRecorder(t, s.st, Options{})
	mustRecord(t, r, exchange(10))
	st, err := m.Check(context.Background())
	if err != nil || !st.OK || st.Start != 6 || st.Entries != 5 {
		t.Fatalf("Check after pruning = %+v, %v", st, err)
	}
}

func TestRunMonitor(t *testing.T) {
	t.Parallel()
	s := newSealed(t)
	m := NewMonitor(s.st, pki(t).trust(), nil)
	ctx, cancel := context.WithCancel(context.Background())
	checks, fulls := make(chan time.Time), make(chan time.Time)
	done := make(chan struct{})
	go func() {
		RunMonitor(ctx, m, MonitorOptions{Checks: checks, Fulls: fulls, Logger: testLogger(t)})
		close(done)
	}()
	checks <- time.Time{} // taken only after the first full verification
	if st := m.Last(); !st.OK || st.Entries != 10 || st.FullAt.IsZero() {
		t.Fatalf("after the first run: %+v", st)
	}
	exec(t, rawAll(t, s.path), "UPDATE access_log SET purpose = 'x' WHERE seq = 4")
	fulls <- time.Time{}
	checks <- time.Time{} // the full run is done once this is taken
	if st := m.Last(); st.OK || st.FirstBad != 4 {
		t.Fatalf("after a full run over a changed entry: %+v", st)
	}
	cancel()
	<-done
}
