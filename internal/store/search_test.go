package store

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// bucketed is an in-memory bucketed index of keys, for SearchPage.
type bucketed struct {
	keys    []AccessCursor // seq i+1 at i
	fetches [][]int64
}

func newBucketed(n int, rng *rand.Rand) *bucketed {
	x := &bucketed{}
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range n {
		// Times go forward with the seq, but some entries are logged late
		// (an earlier time than their neighbours), and some share a time.
		t := t0.Add(time.Duration(i) * time.Second)
		if rng.IntN(10) == 0 {
			t = t.Add(-time.Duration(rng.IntN(30)) * time.Second)
		}
		x.keys = append(x.keys, AccessCursor{Time: t, Seq: int64(i + 1)})
	}
	return x
}

func (x *bucketed) bucketOf(seq int64) int64 { return (seq - 1) >> 4 } // buckets of 16

func (x *bucketed) buckets() []SearchBucket {
	m := map[int64]*SearchBucket{}
	var order []int64
	for _, k := range x.keys {
		n := x.bucketOf(k.Seq)
		b, ok := m[n]
		if !ok {
			b = &SearchBucket{Bucket: n, MinTime: k.Time, MaxTime: k.Time}
			m[n] = b
			order = append(order, n)
		}
		if k.Time.Before(b.MinTime) {
			b.MinTime = k.Time
		}
		if k.Time.After(b.MaxTime) {
			b.MaxTime = k.Time
		}
	}
	out := make([]SearchBucket, 0, len(order))
	for _, n := range order {
		out = append(out, *m[n])
	}
	return out
}

// selects reports whether q (filters aside) selects k.
func selects(q AccessQuery, k AccessCursor, keep func(int64) bool) bool {
	if !q.From.IsZero() && k.Time.Before(q.From) || !q.To.IsZero() && !k.Time.Before(q.To) || !keep(k.Seq) {
		return false
	}
	return q.After == nil || compareListing(k, *q.After, q.Ascending) > 0
}

func (x *bucketed) fetch(q AccessQuery, keep func(int64) bool) func([]int64) ([]AccessCursor, error) {
	return func(group []int64) ([]AccessCursor, error) {
		x.fetches = append(x.fetches, group)
		var out []AccessCursor
		for _, k := range x.keys {
			if slices.Contains(group, x.bucketOf(k.Seq)) && selects(q, k, keep) {
				out = append(out, k)
			}
		}
		SortListing(out, q.Ascending)
		rand.Shuffle(min(len(out), q.Limit), func(i, j int) { out[i], out[j] = out[j], out[i] })
		return out[:min(len(out), q.Limit)], nil
	}
}

func TestSearchPageMatchesAFullSort(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	x := newBucketed(500, rng)
	buckets := x.buckets()
	t0 := x.keys[0].Time
	for i := range 2000 {
		q := AccessQuery{Ascending: rng.IntN(2) == 0, Limit: 1 + rng.IntN(60)}
		if rng.IntN(3) == 0 {
			q.From = t0.Add(time.Duration(rng.IntN(500)) * time.Second)
		}
		if rng.IntN(3) == 0 {
			q.To = t0.Add(time.Duration(rng.IntN(500)) * time.Second)
		}
		if rng.IntN(3) == 0 {
			k := x.keys[rng.IntN(len(x.keys))]
			q.After = &k
		}
		mod := int64(1 + rng.IntN(40)) // a filter as rare as 1 in 40
		keep := func(seq int64) bool { return seq%mod == 0 }
		got, err := SearchPage(q, buckets, x.fetch(q, keep))
		if err != nil {
			t.Fatal(err)
		}
		var want []AccessCursor
		for _, k := range x.keys {
			if selects(q, k, keep) {
				want = append(want, k)
			}
		}
		SortListing(want, q.Ascending)
		want = want[:min(len(want), q.Limit)]
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("query %d %+v (every %d): got %v\nwant %v", i, q, mod, got, want)
		}
	}
}

// A page of the newest entries reads the newest bucket and stops; a rare
// filter reads them all, in few groups.
func TestSearchPageStopsEarly(t *testing.T) {
	t.Parallel()
	x := newBucketed(16*100, rand.New(rand.NewPCG(3, 4)))
	buckets := x.buckets()
	q := AccessQuery{Limit: 10}
	if _, err := SearchPage(q, buckets, x.fetch(q, func(int64) bool { return true })); err != nil {
		t.Fatal(err)
	}
	if len(x.fetches) > 2 || len(x.fetches[0]) != 1 || x.fetches[0][0] != 99 {
		t.Fatalf("newest page fetched %v, want the newest bucket (and at most its neighbour)", x.fetches)
	}
	x.fetches = nil
	q.Limit = 50
	if _, err := SearchPage(q, buckets, x.fetch(q, func(seq int64) bool { return seq == 7 })); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, g := range x.fetches {
		n += len(g)
	}
	if n != 100 || len(x.fetches) > 5 {
		t.Fatalf("a rare filter fetched %d buckets in %d groups, want all 100 in at most 5", n, len(x.fetches))
	}
}

// Buckets whose newest entry has the same time as the page's last one may
// still hold entries for it (a higher seq at that time).
func TestSearchPageTiesAcrossBuckets(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	x := &bucketed{}
	for seq := int64(1); seq <= 32; seq++ {
		x.keys = append(x.keys, AccessCursor{Time: at, Seq: seq})
	}
	x.keys[0].Time = at.Add(-time.Minute)
	for _, asc := range []bool{false, true} {
		q := AccessQuery{Limit: 3, Ascending: asc}
		got, err := SearchPage(q, x.buckets(), x.fetch(q, func(int64) bool { return true }))
		if err != nil {
			t.Fatal(err)
		}
		want := "[32 31 30]"
		if asc {
			want = "[1 2 3]"
		}
		var seqs []int64
		for _, k := range got {
			seqs = append(seqs, k.Seq)
		}
		if fmt.Sprint(seqs) != want {
			t.Fatalf("ascending %v: got %v, want %v", asc, seqs, want)
		}
	}
}
