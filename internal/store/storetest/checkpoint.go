package storetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"konektor/internal/store"
)

// checkpointAt returns a sample checkpoint covering entry seq, chained to prev.
func checkpointAt(seq int64, prev string) store.Checkpoint {
	return store.Checkpoint{
		Seq:        seq,
		Head:       sample(seq).Hash,
		Time:       base.Add(time.Duration(seq)*time.Second + 789*time.Nanosecond),
		Prev:       prev,
		CertSHA256: strings.Repeat("c", 64),
		Algorithm:  "rsa-pkcs1v15-sha256",
		Signature:  []byte(fmt.Sprintf("signature of %d \x00\xff", seq)),
		TimeStamp:  []byte(fmt.Sprintf("token of %d \x00\xff", seq)),
		Hash:       fmt.Sprintf("cp-%064d", seq),
	}
}

// chainOfCheckpoints appends entries 1..entries and checkpoints at seqs.
func chainOfCheckpoints(t *testing.T, s store.Store, entries int64, seqs ...int64) []store.Checkpoint {
	t.Helper()
	mustAppend(t, s, samples(1, int(entries)))
	var out []store.Checkpoint
	prev := ""
	for _, seq := range seqs {
		c := checkpointAt(seq, prev)
		if err := s.AppendCheckpoint(context.Background(), c); err != nil {
			t.Fatalf("AppendCheckpoint(%d): %v", seq, err)
		}
		out = append(out, c)
		prev = c.Hash
	}
	return out
}

func sameCheckpoint(t *testing.T, got, want store.Checkpoint) {
	t.Helper()
	want.Time = store.StoredTime(want.Time)
	if got.Seq != want.Seq || got.Head != want.Head || !got.Time.Equal(want.Time) || got.Time.Location() != time.UTC ||
		got.Prev != want.Prev || got.CertSHA256 != want.CertSHA256 || got.Algorithm != want.Algorithm ||
		!bytes.Equal(got.Signature, want.Signature) || !bytes.Equal(got.TimeStamp, want.TimeStamp) ||
		(got.TimeStamp == nil) != (want.TimeStamp == nil) || got.Hash != want.Hash {
		t.Fatalf("checkpoint differs:\n got %+v\nwant %+v", got, want)
	}
}

func scanCheckpoints(t *testing.T, s store.Store, from int64) []store.Checkpoint {
	t.Helper()
	var out []store.Checkpoint
	if err := s.ScanCheckpoints(context.Background(), from, func(c store.Checkpoint) error {
		out = append(out, c)
		return nil
	}); err != nil {
		t.Fatalf("ScanCheckpoints(%d): %v", from, err)
	}
	return out
}

var checkpointCases = []testCase{
	{"none-yet", func(t *testing.T, s store.Store) {
		if _, err := s.LastCheckpoint(context.Background()); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("LastCheckpoint = %v, want ErrNotFound", err)
		}
		if _, err := s.CheckpointCovering(context.Background(), 1); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("CheckpointCovering = %v, want ErrNotFound", err)
		}
		if got := scanCheckpoints(t, s, 0); len(got) != 0 {
			t.Errorf("scan returned %d checkpoints", len(got))
		}
	}},
	{"round-trip", func(t *testing.T, s store.Store) {
		cps := chainOfCheckpoints(t, s, 10, 3, 7)
		last, err := s.LastCheckpoint(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		sameCheckpoint(t, last, cps[1])
		got := scanCheckpoints(t, s, 1)
		if len(got) != 2 {
			t.Fatalf("scan returned %d checkpoints, want 2", len(got))
		}
		sameCheckpoint(t, got[0], cps[0])
		sameCheckpoint(t, got[1], cps[1])
	}},
	{"unstamped-stays-nil", func(t *testing.T, s store.Store) {
		mustAppend(t, s, samples(1, 2))
		c := checkpointAt(2, "")
		c.TimeStamp = nil
		if err := s.AppendCheckpoint(context.Background(), c); err != nil {
			t.Fatal(err)
		}
		last, err := s.LastCheckpoint(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		sameCheckpoint(t, last, c)
	}},
	{"covering", func(t *testing.T, s store.Store) {
		cps := chainOfCheckpoints(t, s, 10, 3, 7)
		for _, c := range []struct {
			seq  int64
			want int // index into cps, -1 = none
		}{{1, 0}, {3, 0}, {4, 1}, {7, 1}, {8, -1}, {100, -1}} {
			got, err := s.CheckpointCovering(context.Background(), c.seq)
			if c.want < 0 {
				if !errors.Is(err, store.ErrNotFound) {
					t.Errorf("CheckpointCovering(%d) = %v, want ErrNotFound", c.seq, err)
				}
				continue
			}
			if err != nil {
				t.Fatalf("CheckpointCovering(%d): %v", c.seq, err)
			}
			sameCheckpoint(t, got, cps[c.want])
		}
	}},
	{"must-follow-the-last", func(t *testing.T, s store.Store) {
		cps := chainOfCheckpoints(t, s, 10, 5)
		for _, c := range []struct {
			name string
			cp   store.Checkpoint
		}{
			{"same-seq", checkpointAt(5, cps[0].Hash)},
			{"lower-seq", checkpointAt(4, cps[0].Hash)},
			{"wrong-prev", checkpointAt(6, "other")},
			{"empty-prev", checkpointAt(6, "")},
			{"past-the-last-entry", checkpointAt(11, cps[0].Hash)},
		} {
			t.Run(c.name, func(t *testing.T) {
				if err := s.AppendCheckpoint(context.Background(), c.cp); !errors.Is(err, store.ErrConflict) {
					t.Fatalf("AppendCheckpoint = %v, want ErrConflict", err)
				}
			})
		}
		if got := scanCheckpoints(t, s, 0); len(got) != 1 {
			t.Fatalf("%d checkpoints stored, want 1", len(got))
		}
	}},
	{"first-must-have-empty-prev", func(t *testing.T, s store.Store) {
		mustAppend(t, s, samples(1, 3))
		if err := s.AppendCheckpoint(context.Background(), checkpointAt(2, "x")); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("AppendCheckpoint = %v, want ErrConflict", err)
		}
	}},
	{"invalid-is-refused", func(t *testing.T, s store.Store) {
		mustAppend(t, s, samples(1, 3))
		for _, c := range []struct {
			name string
			edit func(*store.Checkpoint)
		}{
			{"seq-zero", func(c *store.Checkpoint) { c.Seq = 0 }},
			{"no-signature", func(c *store.Checkpoint) { c.Signature = nil }},
			{"no-hash", func(c *store.Checkpoint) { c.Hash = "" }},
			{"invalid-utf8-head", func(c *store.Checkpoint) { c.Head = "\xff" }},
			{"huge-time-stamp", func(c *store.Checkpoint) { c.TimeStamp = make([]byte, store.MaxCheckpointBlob+1) }},
		} {
			t.Run(c.name, func(t *testing.T) {
				cp := checkpointAt(2, "")
				c.edit(&cp)
				if err := s.AppendCheckpoint(context.Background(), cp); !errors.Is(err, store.ErrInvalid) {
					t.Fatalf("AppendCheckpoint = %v, want ErrInvalid", err)
				}
			})
		}
	}},
	{"scan-crosses-pages", func(t *testing.T, s store.Store) {
		var seqs []int64
		for i := int64(1); i <= 600; i++ {
			seqs = append(seqs, i)
		}
		cps := chainOfCheckpoints(t, s, 600, seqs...)
		got := scanCheckpoints(t, s, 101)
		if len(got) != 500 {
			t.Fatalf("scan from 101 returned %d checkpoints, want 500", len(got))
		}
		for i, c := range got {
			sameCheckpoint(t, c, cps[100+i])
		}
	}},
	{"concurrent-writers-keep-one-chain", func(t *testing.T, s store.Store) {
		mustAppend(t, s, samples(1, 200))
		errs := make(chan error, 8)
		for w := range 8 {
			go func() {
				for seq := int64(w + 1); seq <= 200; seq += 8 {
					last, err := s.LastCheckpoint(context.Background())
					if err != nil && !errors.Is(err, store.ErrNotFound) {
						errs <- err
						return
					}
					if seq <= last.Seq {
						continue
					}
					err = s.AppendCheckpoint(context.Background(), checkpointAt(seq, last.Hash))
					if err != nil && !errors.Is(err, store.ErrConflict) {
						errs <- err
						return
					}
				}
				errs <- nil
			}()
		}
		for range 8 {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
		}
		prev, prevSeq := "", int64(0)
		for _, c := range scanCheckpoints(t, s, 0) {
			if c.Prev != prev || c.Seq <= prevSeq {
				t.Fatalf("checkpoint %d does not follow %d", c.Seq, prevSeq)
			}
			prev, prevSeq = c.Hash, c.Seq
		}
	}},
	{"cancelled", func(t *testing.T, s store.Store) {
		chainOfCheckpoints(t, s, 3, 2)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := s.LastCheckpoint(ctx); !errors.Is(err, context.Canceled) {
			t.Errorf("LastCheckpoint = %v, want context.Canceled", err)
		}
		if err := s.ScanCheckpoints(ctx, 0, func(store.Checkpoint) error { return nil }); !errors.Is(err, context.Canceled) {
			t.Errorf("ScanCheckpoints = %v, want context.Canceled", err)
		}
		if err := s.AppendCheckpoint(ctx, checkpointAt(3, "x")); !errors.Is(err, context.Canceled) {
			t.Errorf("AppendCheckpoint = %v, want context.Canceled", err)
		}
	}},
}
