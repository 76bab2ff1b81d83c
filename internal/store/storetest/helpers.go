package storetest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"konektor/internal/store"
)

// base is the time of sample entry 0.
var base = time.Date(2025, time.March, 14, 9, 26, 53, 589793000, time.UTC)

// sample returns a fully populated entry for seq, every field distinct.
func sample(seq int64) store.AccessEntry {
	return store.AccessEntry{
		Seq:            seq,
		Time:           base.Add(time.Duration(seq) * 1500 * time.Microsecond),
		CorrelationID:  fmt.Sprintf("corr-%08d", seq),
		Upstream:       "iszr",
		Service:        "E03",
		AIS:            fmt.Sprintf("ais-%d", 100+seq%7),
		OVM:            "00064581",
		Agenda:         "A121",
		Role:           "CR1234",
		User:           fmt.Sprintf("user-%d", seq%13),
		Purpose:        "ověření údajů / verification",
		Subject:        fmt.Sprintf("subj-%x", seq*7919),
		Outcome:        "ok",
		UpstreamStatus: "OK",
		Reason:         fmt.Sprintf("reason %d", seq),
		LatencyMicros:  1000 + seq,
		RequestSHA256:  fmt.Sprintf("%064x", seq),
		ResponseSHA256: fmt.Sprintf("%064x", seq+1),
		Sealed:         seq%2 == 0,
		Evidence:       fmt.Sprintf("evidence %d", seq),
		PrevHash:       fmt.Sprintf("%064x", seq-1),
		Hash:           fmt.Sprintf("%064x", seq<<8),
	}
}

// samples returns sample entries for seq from, from+1, … (n of them).
func samples(from int64, n int) []store.AccessEntry {
	out := make([]store.AccessEntry, n)
	for i := range out {
		out[i] = sample(from + int64(i))
	}
	return out
}

// stored returns e as a backend gives it back.
func stored(e store.AccessEntry) store.AccessEntry {
	e.Time = store.StoredTime(e.Time)
	return e
}

func mustAppend(t *testing.T, s store.AccessLog, entries []store.AccessEntry) {
	t.Helper()
	if err := s.AppendAccess(context.Background(), entries); err != nil {
		t.Fatalf("AppendAccess(%d entries from seq %d): %v", len(entries), entries[0].Seq, err)
	}
}

func scanAll(t *testing.T, s store.AccessLog, from int64) []store.AccessEntry {
	t.Helper()
	var got []store.AccessEntry
	if err := s.ScanAccess(context.Background(), from, func(e store.AccessEntry) error {
		got = append(got, e)
		return nil
	}); err != nil {
		t.Fatalf("ScanAccess(from %d): %v", from, err)
	}
	return got
}

// wantLast checks the last entry's Seq; 0 means the log must be empty.
func wantLast(t *testing.T, s store.AccessLog, seq int64) {
	t.Helper()
	last, err := s.LastAccess(context.Background())
	if seq == 0 {
		if !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("LastAccess on an empty log = (seq %d, %v), want ErrNotFound", last.Seq, err)
		}
		return
	}
	if err != nil {
		t.Fatalf("LastAccess: %v", err)
	}
	if last.Seq != seq {
		t.Fatalf("LastAccess().Seq = %d, want %d", last.Seq, seq)
	}
}

// sameEntry fails the test naming every field of got that differs from want
// (as stored).
func sameEntry(t *testing.T, got, want store.AccessEntry) {
	t.Helper()
	want = stored(want)
	if got == want && got.Time.Location() == time.UTC {
		return
	}
	if loc := got.Time.Location(); loc != time.UTC {
		t.Errorf("seq %d: time location = %v, want UTC", got.Seq, loc)
	}
	gv, wv := reflect.ValueOf(got), reflect.ValueOf(want)
	var diffs []string
	for i := range gv.NumField() {
		name := gv.Type().Field(i).Name
		g, w := gv.Field(i).Interface(), wv.Field(i).Interface()
		if gt, ok := g.(time.Time); ok {
			if !gt.Equal(w.(time.Time)) {
				diffs = append(diffs, fmt.Sprintf("%s = %s, want %s", name, gt.Format(time.RFC3339Nano), w.(time.Time).Format(time.RFC3339Nano)))
			}
			continue
		}
		if g != w {
			diffs = append(diffs, fmt.Sprintf("%s = %.80q, want %.80q", name, fmt.Sprint(g), fmt.Sprint(w)))
		}
	}
	if len(diffs) > 0 {
		t.Errorf("seq %d differs:\n  %s", want.Seq, strings.Join(diffs, "\n  "))
	}
}

func sameEntries(t *testing.T, got, want []store.AccessEntry) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d entries, want %d", len(got), len(want))
	}
	for i := range want {
		sameEntry(t, got[i], want[i])
		if t.Failed() {
			t.FailNow()
		}
	}
}
