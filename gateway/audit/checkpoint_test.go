package audit

import (
	"context"
	"crypto/x509"
	"database/sql"
	"errors"
	"strings"
	"testing"
	"time"

	"konektor/certs"
	"konektor/internal/store"
	"konektor/internal/store/sqlite"
)

// The expected values were computed independently, with Python's hashlib
// over the message written out from the package doc's rules.
func TestCheckpointKnownAnswer(t *testing.T) {
	t.Parallel()
	c := store.Checkpoint{Seq: 10, Head: "ab", Time: time.Date(2025, 3, 14, 10, 26, 53, 589793999, time.FixedZone("CET", 3600)),
		CertSHA256: "cc", Algorithm: "ecdsa-sha256", Signature: []byte("ignored"), Hash: "ignored"}
	const message = "22:konektor-checkpoint-v1,3:seq,2:10,4:head,2:ab,4:time,27:2025-03-14T09:26:53.589793Z," +
		"4:prev,0:,11:cert_sha256,2:cc,9:algorithm,12:ecdsa-sha256,"
	if got := string(CheckpointMessage(c)); got != message {
		t.Fatalf("CheckpointMessage =\n%s\nwant\n%s", got, message)
	}
	if got, want := CheckpointHash(c), "2d49a6ffd9193cb1695436614d6e2048340393887fb44e70109b79a46249239b"; got != want {
		t.Fatalf("CheckpointHash = %s, want %s", got, want)
	}
}

// sealed is a SQLite log of 10 entries with checkpoints at 3, 6 and 9, each
// time-stamped by the test TSA; entry 10 is not yet covered.
type sealed struct {
	st      *sqlite.Store
	path    string
	entries []store.AccessEntry
	cps     []store.Checkpoint
	tsa     *TSAClient
}

func newSealed(t *testing.T) *sealed {
	t.Helper()
	p := pki(t)
	st, path := openSQLite(t)
	_, tsa := startTSA(t, p.tsa)
	cp := newCheckpointer(t, st, CheckpointOptions{Seal: p.seal, TSA: tsa})
	r := newRecorder(t, st, Options{})
	s := &sealed{st: st, path: path, tsa: tsa}
	for i := range 10 {
		s.entries = append(s.entries, mustRecord(t, r, exchange(i)))
		if (i+1)%3 == 0 {
			c, made, err := cp.Checkpoint(context.Background())
			if err != nil || !made {
				t.Fatalf("Checkpoint after %d entries = %v, %v", i+1, made, err)
			}
			s.cps = append(s.cps, c)
		}
	}
	return s
}

func newCheckpointer(t testing.TB, st CheckpointStore, o CheckpointOptions) *Checkpointer {
	t.Helper()
	if o.Now == nil {
		o.Now = func() time.Time { return t0.Add(time.Hour) }
	}
	if o.Logger == nil {
		o.Logger = testLogger(t)
	}
	c, err := NewCheckpointer(st, o)
	if err != nil {
		t.Fatalf("NewCheckpointer: %v", err)
	}
	return c
}

// rawAll opens the SQLite file as an attacker with file access would, with
// every trigger dropped.
func rawAll(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	rows, err := db.Query("SELECT name FROM sqlite_master WHERE type = 'trigger'")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		names = append(names, n)
	}
	_ = rows.Close()
	for _, n := range names {
		exec(t, db, "DROP TRIGGER "+n)
	}
	return db
}

func mustVerifyLog(t testing.TB, src Source, trust Trust) Report {
	t.Helper()
	rep, err := VerifyLog(context.Background(), src, trust)
	if err != nil {
		t.Fatalf("VerifyLog: %v", err)
	}
	return rep
}

func TestVerifyLogDetectsTampering(t *testing.T) {
	t.Parallel()
	other, err := newTestPKI("attacker")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name     string
		do       func(t *testing.T, db *sql.DB, s *sealed)
		trust    func(Trust) Trust
		ok       bool
		firstBad int64
		problem  Problem
		mention  string
	}{
		{name: "untouched", do: func(*testing.T, *sql.DB, *sealed) {}, ok: true},
		{name: "changed-entry", do: func(t *testing.T, db *sql.DB, _ *sealed) {
			exec(t, db, "UPDATE access_log SET purpose = 'jiný účel' WHERE seq = 5")
		}, firstBad: 5, problem: ProblemHashMismatch},
		{name: "deleted-entry", do: func(t *testing.T, db *sql.DB, _ *sealed) {
			exec(t, db, "DELETE FROM access_log WHERE seq = 5")
		}, firstBad: 6, problem: ProblemSequenceGap},
		{name: "deleted-checkpointed-entry", do: func(t *testing.T, db *sql.DB, _ *sealed) {
			exec(t, db, "DELETE FROM access_log WHERE seq = 6")
		}, firstBad: 7, problem: ProblemSequenceGap},
		{name: "reordered-entries", do: func(t *testing.T, db *sql.DB, _ *sealed) {
			exec(t, db, "UPDATE access_log SET seq = 1000 WHERE seq = 5")
			exec(t, db, "UPDATE access_log SET seq = 5 WHERE seq = 4")
			exec(t, db, "UPDATE access_log SET seq = 4 WHERE seq = 1000")
		}, firstBad: 4, problem: ProblemPrevHashMismatch},
		{name: "tail-cut-past-a-checkpoint", do: func(t *testing.T, db *sql.DB, _ *sealed) {
			exec(t, db, "DELETE FROM access_log WHERE seq >= 8")
		}, firstBad: 9, problem: ProblemTruncated, mention: "7"},
		{name: "whole-log-cut", do: func(t *testing.T, db *sql.DB, _ *sealed) {
			exec(t, db, "DELETE FROM access_log")
		}, firstBad: 3, problem: ProblemTruncated},
		{name: "tail-rewritten-and-rehashed", do: func(t *testing.T, db *sql.DB, s *sealed) {
			prev := s.entries[3].Hash
			for i := 4; i < 10; i++ {
				e := s.entries[i]
				if i == 4 {
					e.Purpose = "jiný účel"
				}
				e.PrevHash = prev
				e.Hash = Hash(e)
				prev = e.Hash
				exec(t, db, "UPDATE access_log SET purpose = ?, prev_hash = ?, hash = ? WHERE seq = ?", e.Purpose, e.PrevHash, e.Hash, e.Seq)
			}
		}, firstBad: 6, problem: ProblemCheckpointHead},
		{name: "checkpoint-forged-with-another-key", do: func(t *testing.T, db *sql.DB, s *sealed) {
			forged := s.cps[2]
			forged.Head = strings.Repeat("f", 64)
			sg, err := newSigner(other.seal)
			if err != nil {
				t.Fatal(err)
			}
			if err := sg.sign(&forged); err != nil {
				t.Fatal(err)
			}
			exec(t, db, "UPDATE access_checkpoint SET head = ?, cert_sha256 = ?, signature = ?, hash = ? WHERE seq = 9",
				forged.Head, forged.CertSHA256, forged.Signature, forged.Hash)
		}, firstBad: 9, problem: ProblemCheckpointSignature, mention: "not trusted"},
		{name: "checkpoint-head-altered", do: func(t *testing.T, db *sql.DB, _ *sealed) {
			exec(t, db, "UPDATE access_checkpoint SET head = 'x' WHERE seq = 6")
		}, firstBad: 6, problem: ProblemCheckpointSignature},
		{name: "checkpoint-rehashed-without-key", do: func(t *testing.T, db *sql.DB, s *sealed) {
			c := s.cps[1]
			c.Head = "x"
			exec(t, db, "UPDATE access_checkpoint SET head = ?, hash = ? WHERE seq = 6", c.Head, CheckpointHash(c))
		}, firstBad: 6, problem: ProblemCheckpointSignature, mention: "signature is invalid"},
		{name: "checkpoint-deleted", do: func(t *testing.T, db *sql.DB, _ *sealed) {
			exec(t, db, "DELETE FROM access_checkpoint WHERE seq = 6")
		}, firstBad: 9, problem: ProblemCheckpointChain},
		{name: "checkpoints-reordered", do: func(t *testing.T, db *sql.DB, _ *sealed) {
			exec(t, db, "UPDATE access_checkpoint SET seq = 100 WHERE seq = 3")
			exec(t, db, "UPDATE access_checkpoint SET seq = 3 WHERE seq = 6")
			exec(t, db, "UPDATE access_checkpoint SET seq = 6 WHERE seq = 100")
		}, firstBad: 3, problem: ProblemCheckpointSignature},
		{name: "time-stamp-from-untrusted-tsa", do: func(t *testing.T, db *sql.DB, s *sealed) {
			_, tsa := startTSA(t, other.tsa)
			token, err := tsa.TimeStamp(context.Background(), TimeStampImprint(s.cps[0]))
			if err != nil {
				t.Fatal(err)
			}
			exec(t, db, "UPDATE access_checkpoint SET time_stamp = ? WHERE seq = 3", token)
		}, firstBad: 3, problem: ProblemTimeStamp, mention: "not trusted"},
		{name: "time-stamps-swapped", do: func(t *testing.T, db *sql.DB, s *sealed) {
			exec(t, db, "UPDATE access_checkpoint SET time_stamp = ? WHERE seq = 3", s.cps[1].TimeStamp)
		}, firstBad: 3, problem: ProblemTimeStamp, mention: "other data"},
		{name: "time-stamp-removed", do: func(t *testing.T, db *sql.DB, _ *sealed) {
			exec(t, db, "UPDATE access_checkpoint SET time_stamp = NULL WHERE seq = 6")
		}, trust: func(tr Trust) Trust { tr.RequireTimeStamps = true; return tr }, firstBad: 6, problem: ProblemTimeStamp},
		{name: "untrusted-seal-certificate", do: func(*testing.T, *sql.DB, *sealed) {},
			trust: func(tr Trust) Trust { tr.SealCerts = []*x509.Certificate{other.seal.Leaf()}; return tr }, firstBad: 3, problem: ProblemCheckpointSignature},
		{name: "no-tsa-roots", do: func(*testing.T, *sql.DB, *sealed) {},
			trust: func(tr Trust) Trust { tr.TSARoots = nil; return tr }, firstBad: 3, problem: ProblemTimeStamp, mention: "no trusted TSA roots"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			s := newSealed(t)
			c.do(t, rawAll(t, s.path), s)
			trust := pki(t).trust()
			if c.trust != nil {
				trust = c.trust(trust)
			}
			rep := mustVerifyLog(t, s.st, trust)
			t.Logf("%s\n%s", rep.SummaryCS(), rep.SummaryEN())
			if rep.OK != c.ok || rep.FirstBad != c.firstBad || rep.Problem != c.problem {
				t.Fatalf("VerifyLog = %+v\nwant OK %v, first bad %d, problem %q", rep, c.ok, c.firstBad, c.problem)
			}
			if !c.ok && (!strings.Contains(rep.ProblemEN, c.mention) || rep.ProblemCS == "") {
				t.Fatalf("problem %q does not mention %q", rep.ProblemEN, c.mention)
			}
		})
	}
}

func TestVerifyLogReportsCheckpoints(t *testing.T) {
	t.Parallel()
	s := newSealed(t)
	rep := mustVerifyLog(t, s.st, pki(t).trust())
	if !rep.OK || rep.Entries != 10 || rep.Checkpoints != 3 || rep.Stamped != 3 || rep.LastCheckpoint != 9 ||
		rep.Unsealed != 1 || rep.Head != s.entries[9].Hash || !rep.LastStampAt.Equal(t0.Add(time.Minute).Truncate(time.Second)) {
		t.Fatalf("VerifyLog = %+v", rep)
	}
	for _, sum := range []string{rep.SummaryCS(), rep.SummaryEN()} {
		if !strings.Contains(sum, "3") || !strings.Contains(sum, "9") {
			t.Errorf("summary %q does not give the checkpoints", sum)
		}
	}
}

// Cutting only entries after the last checkpoint leaves no trace: the
// documented limit, which Interval bounds in time. Report.Unsealed says how
// many entries are exposed.
func TestVerifyLogTailAfterLastCheckpoint(t *testing.T) {
	t.Parallel()
	s := newSealed(t)
	exec(t, rawAll(t, s.path), "DELETE FROM access_log WHERE seq = 10")
	rep := mustVerifyLog(t, s.st, pki(t).trust())
	if !rep.OK || rep.Entries != 9 || rep.Unsealed != 0 {
		t.Fatalf("VerifyLog = %+v", rep)
	}
}

func TestCheckpointerEveryAndInterval(t *testing.T) {
	t.Parallel()
	p := pki(t)
	st, _ := openSQLite(t)
	made := make(chan store.Checkpoint, 10)
	ticks := make(chan time.Time)
	cp := newCheckpointer(t, st, CheckpointOptions{Seal: p.seal, Every: 4, Ticks: ticks,
		Made: func(c store.Checkpoint) { made <- c }})
	cp.Start()
	r := newRecorder(t, st, Options{OnCommit: cp.Notify})
	for i := range 3 {
		mustRecord(t, r, exchange(i))
	}
	select {
	case c := <-made:
		t.Fatalf("checkpoint at %d before Every entries", c.Seq)
	default:
	}
	mustRecord(t, r, exchange(3))
	if c := <-made; c.Seq != 4 || c.TimeStamp != nil {
		t.Fatalf("checkpoint after 4 entries covers %d (stamp %v), want 4 unstamped", c.Seq, c.TimeStamp != nil)
	}
	mustRecord(t, r, exchange(4))
	ticks <- t0
	if c := <-made; c.Seq != 5 {
		t.Fatalf("checkpoint on the tick covers %d, want 5", c.Seq)
	}
	ticks <- t0 // nothing new: no checkpoint
	mustRecord(t, r, exchange(5))
	if err := cp.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
	if c := <-made; c.Seq != 6 {
		t.Fatalf("checkpoint on Stop covers %d, want 6", c.Seq)
	}
	rep := mustVerifyLog(t, st, Trust{SealCerts: p.trust().SealCerts})
	if !rep.OK || rep.Checkpoints != 3 || rep.Stamped != 0 {
		t.Fatalf("VerifyLog = %+v", rep)
	}
}

func TestCheckpointerNothingToCover(t *testing.T) {
	t.Parallel()
	st, _ := openSQLite(t)
	cp := newCheckpointer(t, st, CheckpointOptions{Seal: pki(t).seal})
	if _, made, err := cp.Checkpoint(context.Background()); err != nil || made {
		t.Fatalf("Checkpoint of an empty log = %v, %v", made, err)
	}
	r := newRecorder(t, st, Options{})
	mustRecord(t, r, exchange(0))
	if _, made, err := cp.Checkpoint(context.Background()); err != nil || !made {
		t.Fatalf("Checkpoint = %v, %v", made, err)
	}
	if _, made, err := cp.Checkpoint(context.Background()); err != nil || made {
		t.Fatalf("second Checkpoint without new entries = %v, %v", made, err)
	}
}

// While the TSA is down checkpoints are still signed and stored, without a
// time stamp; they verify unless time stamps are required.
func TestCheckpointerTSADown(t *testing.T) {
	t.Parallel()
	p := pki(t)
	st, _ := openSQLite(t)
	srv, tsa := startTSA(t, p.tsa)
	srv.broken.Store(true)
	cp := newCheckpointer(t, st, CheckpointOptions{Seal: p.seal, TSA: tsa})
	r := newRecorder(t, st, Options{})
	mustRecord(t, r, exchange(0))
	c, made, err := cp.Checkpoint(context.Background())
	if err != nil || !made || c.TimeStamp != nil {
		t.Fatalf("Checkpoint with the TSA down = %+v, %v, %v", c, made, err)
	}
	if rep := mustVerifyLog(t, st, p.trust()); !rep.OK || rep.Stamped != 0 || rep.Checkpoints != 1 {
		t.Fatalf("VerifyLog = %+v", rep)
	}
	trust := p.trust()
	trust.RequireTimeStamps = true
	if rep := mustVerifyLog(t, st, trust); rep.OK || rep.Problem != ProblemTimeStamp {
		t.Fatalf("VerifyLog requiring time stamps = %+v", rep)
	}
}

func TestCheckpointRSASealKey(t *testing.T) {
	t.Parallel()
	p := pki(t)
	seal := rsaSeal(t)
	st, _ := openSQLite(t)
	_, tsa := startTSA(t, p.tsa)
	cp := newCheckpointer(t, st, CheckpointOptions{Seal: seal, TSA: tsa})
	r := newRecorder(t, st, Options{})
	mustRecord(t, r, exchange(0))
	c, _, err := cp.Checkpoint(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if c.Algorithm != AlgRSAPKCS1SHA256 || len(c.Signature) != 384 {
		t.Fatalf("RSA 3072 checkpoint: algorithm %s, %d-byte signature", c.Algorithm, len(c.Signature))
	}
	trust := Trust{SealCerts: []*x509.Certificate{seal.Leaf()}, TSARoots: p.roots}
	if rep := mustVerifyLog(t, st, trust); !rep.OK || rep.Stamped != 1 {
		t.Fatalf("VerifyLog = %+v", rep)
	}
}

func TestNewCheckpointerRejectsBadSeals(t *testing.T) {
	t.Parallel()
	st, _ := openSQLite(t)
	for _, c := range []struct {
		name string
		kp   *certs.KeyPair
	}{
		{"nil", nil},
		{"no-certificate", &certs.KeyPair{Key: pki(t).seal.Key}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if _, err := NewCheckpointer(st, CheckpointOptions{Seal: c.kp}); !errors.Is(err, ErrSeal) {
				t.Fatalf("NewCheckpointer = %v, want ErrSeal", err)
			}
		})
	}
}

// Two nodes checkpointing the same store keep one chain of checkpoints.
func TestCheckpointersOfTwoNodes(t *testing.T) {
	t.Parallel()
	p := pki(t)
	st, _ := openSQLite(t)
	a := newCheckpointer(t, st, CheckpointOptions{Seal: p.seal})
	b := newCheckpointer(t, st, CheckpointOptions{Seal: p.seal})
	r := newRecorder(t, st, Options{})
	for i := range 20 {
		mustRecord(t, r, exchange(i))
		done := make(chan error, 2)
		for _, cp := range []*Checkpointer{a, b} {
			go func() { _, _, err := cp.Checkpoint(context.Background()); done <- err }()
		}
		for range 2 {
			if err := <-done; err != nil {
				t.Fatal(err)
			}
		}
	}
	if rep := mustVerifyLog(t, st, Trust{SealCerts: p.trust().SealCerts}); !rep.OK || rep.Checkpoints != 20 {
		t.Fatalf("VerifyLog = %+v", rep)
	}
}
