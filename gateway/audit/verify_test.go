package audit

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"testing"

	"konektor/internal/store"
)

// tamper describes one change an attacker with access to the SQLite file
// makes, and what Verify must report.
type tamper struct {
	name     string
	do       func(t *testing.T, db *sql.DB, entries []store.AccessEntry)
	ok       bool
	entries  int64
	firstBad int64
	problem  Problem
	mention  string // a substring both messages must contain
}

func exec(t *testing.T, db *sql.DB, q string, args ...any) {
	t.Helper()
	if _, err := db.Exec(q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

func TestVerifyDetectsTampering(t *testing.T) {
	t.Parallel()
	for _, c := range []tamper{
		{name: "untouched", do: func(*testing.T, *sql.DB, []store.AccessEntry) {}, ok: true, entries: 10},
		{name: "changed-field", do: func(t *testing.T, db *sql.DB, _ []store.AccessEntry) {
			exec(t, db, "UPDATE access_log SET purpose = 'jiný účel' WHERE seq = 5")
		}, entries: 10, firstBad: 5, problem: ProblemHashMismatch, mention: "5"},
		{name: "changed-time-by-a-microsecond", do: func(t *testing.T, db *sql.DB, _ []store.AccessEntry) {
			exec(t, db, "UPDATE access_log SET received_at_us = received_at_us + 1 WHERE seq = 3")
		}, entries: 10, firstBad: 3, problem: ProblemHashMismatch, mention: "3"},
		{name: "changed-outcome-of-last-entry", do: func(t *testing.T, db *sql.DB, _ []store.AccessEntry) {
			exec(t, db, "UPDATE access_log SET outcome = 'denied' WHERE seq = 10")
		}, entries: 10, firstBad: 10, problem: ProblemHashMismatch, mention: "10"},
		{name: "changed-stored-hash", do: func(t *testing.T, db *sql.DB, _ []store.AccessEntry) {
			exec(t, db, "UPDATE access_log SET hash = ? WHERE seq = 10", strings.Repeat("0", 64))
		}, entries: 10, firstBad: 10, problem: ProblemHashMismatch, mention: "10"},
		{name: "changed-and-rehashed", do: func(t *testing.T, db *sql.DB, entries []store.AccessEntry) {
			e := entries[4]
			e.Purpose = "jiný účel"
			exec(t, db, "UPDATE access_log SET purpose = ?, hash = ? WHERE seq = 5", e.Purpose, Hash(e))
		}, entries: 10, firstBad: 6, problem: ProblemPrevHashMismatch, mention: "6"},
		{name: "deleted", do: func(t *testing.T, db *sql.DB, _ []store.AccessEntry) {
			exec(t, db, "DELETE FROM access_log WHERE seq = 5")
		}, entries: 9, firstBad: 6, problem: ProblemSequenceGap, mention: "5"},
		{name: "deleted-and-renumbered", do: func(t *testing.T, db *sql.DB, _ []store.AccessEntry) {
			exec(t, db, "DELETE FROM access_log WHERE seq = 5")
			exec(t, db, "UPDATE access_log SET seq = seq - 1 WHERE seq > 5")
		}, entries: 9, firstBad: 5, problem: ProblemPrevHashMismatch, mention: "5"},
		{name: "reordered", do: func(t *testing.T, db *sql.DB, _ []store.AccessEntry) {
			exec(t, db, "UPDATE access_log SET seq = 1000 WHERE seq = 5")
			exec(t, db, "UPDATE access_log SET seq = 5 WHERE seq = 6")
			exec(t, db, "UPDATE access_log SET seq = 6 WHERE seq = 1000")
		}, entries: 10, firstBad: 5, problem: ProblemPrevHashMismatch, mention: "5"},
		{name: "inserted", do: func(t *testing.T, db *sql.DB, entries []store.AccessEntry) {
			exec(t, db, "UPDATE access_log SET seq = seq + 1000 WHERE seq >= 5")
			exec(t, db, "UPDATE access_log SET seq = seq - 999 WHERE seq >= 1000")
			forged := entries[3]
			forged.Seq, forged.PrevHash, forged.CorrelationID = 5, entries[3].Hash, "forged"
			forged.Hash = Hash(forged)
			exec(t, db, `INSERT INTO access_log SELECT 5, received_at_us, 'forged', upstream, service, ais, ovm,
				agenda, role, user_name, purpose, subject, outcome, upstream_status, reason, latency_us,
				request_sha256, response_sha256, sealed, evidence, ?, ? FROM access_log WHERE seq = 4`,
				forged.PrevHash, forged.Hash)
		}, entries: 11, firstBad: 6, problem: ProblemPrevHashMismatch, mention: "6"},
		{name: "truncated-in-the-middle", do: func(t *testing.T, db *sql.DB, _ []store.AccessEntry) {
			exec(t, db, "DELETE FROM access_log WHERE seq BETWEEN 4 AND 7")
		}, entries: 6, firstBad: 8, problem: ProblemSequenceGap, mention: "4–7"},
		{name: "cut-off-at-the-start", do: func(t *testing.T, db *sql.DB, _ []store.AccessEntry) {
			exec(t, db, "DELETE FROM access_log WHERE seq <= 2")
		}, entries: 8, firstBad: 3, problem: ProblemSequenceGap, mention: "1–2"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			s, path := openSQLite(t)
			entries := recordTen(t, s)
			c.do(t, rawDB(t, path), entries)
			rep := mustVerify(t, s)
			t.Logf("%s\n%s", rep.SummaryCS(), rep.SummaryEN())
			if rep.OK != c.ok || rep.Entries != c.entries || rep.FirstBad != c.firstBad || rep.Problem != c.problem {
				t.Fatalf("Verify = %+v\nwant OK %v, %d entries, first bad %d, problem %q", rep, c.ok, c.entries, c.firstBad, c.problem)
			}
			if c.ok {
				if rep.ProblemCS != "" || rep.ProblemEN != "" {
					t.Fatalf("an intact chain has problem texts %q / %q", rep.ProblemCS, rep.ProblemEN)
				}
				if rep.Head != entries[9].Hash || rep.LastSeq != 10 {
					t.Fatalf("head %q at %d, want %q at 10", rep.Head, rep.LastSeq, entries[9].Hash)
				}
				return
			}
			for _, text := range []string{rep.ProblemCS, rep.ProblemEN, rep.SummaryCS(), rep.SummaryEN()} {
				if !strings.Contains(text, c.mention) {
					t.Errorf("%q does not mention %q", text, c.mention)
				}
			}
		})
	}
}

// Cutting entries off the end leaves a valid chain: the only sign is a
// head that differs from the one noted before (signed checkpoints will
// publish heads). This test pins that documented limit.
func TestVerifyTruncatedTailChangesHead(t *testing.T) {
	t.Parallel()
	s, path := openSQLite(t)
	entries := recordTen(t, s)
	before := mustVerify(t, s)
	exec(t, rawDB(t, path), "DELETE FROM access_log WHERE seq > 7")
	after := mustVerify(t, s)
	if !after.OK || after.Entries != 7 || after.Head != entries[6].Hash {
		t.Fatalf("after cutting the tail: %+v", after)
	}
	if after.Head == before.Head {
		t.Fatal("the head did not change when the tail was cut")
	}
}

func TestVerifyEmptyLog(t *testing.T) {
	t.Parallel()
	rep := mustVerify(t, &memLog{})
	if !rep.OK || rep.Entries != 0 || rep.Head != "" || rep.FirstBad != 0 {
		t.Fatalf("Verify(empty) = %+v", rep)
	}
	for _, s := range []string{rep.SummaryCS(), rep.SummaryEN()} {
		if !strings.Contains(s, "0") {
			t.Errorf("summary %q does not give the entry count", s)
		}
	}
}

func TestVerifyReportsReadErrors(t *testing.T) {
	t.Parallel()
	s, _ := openSQLite(t)
	recordTen(t, s)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Verify(ctx, s); !errors.Is(err, context.Canceled) {
		t.Fatalf("Verify with a cancelled context = %v, want context.Canceled", err)
	}
}

func recordTen(t *testing.T, s store.AccessLog) []store.AccessEntry {
	t.Helper()
	r := newRecorder(t, s, Options{})
	var out []store.AccessEntry
	for i := range 10 {
		out = append(out, mustRecord(t, r, exchange(i)))
	}
	if err := r.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	return out
}
