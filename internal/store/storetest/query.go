package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"konektor/internal/store"
)

// queryLog is the log the query cases search: 60 sample entries, whose
// times are not in seq order everywhere (entries 20–29 arrived earlier
// than 10–19, as exchanges that took long are logged late).
func queryLog(t *testing.T, s store.Store) []store.AccessEntry {
	t.Helper()
	all := samples(1, 60)
	for i := 19; i < 29; i++ {
		all[i].Time = all[i].Time.Add(-30 * time.Millisecond)
	}
	all[40].Purpose = "kontrola žádosti o příspěvek"
	all[41].Purpose = "Kontrola"
	all[42].Outcome = "denied"
	all[43].Subject = "h:abc"
	all[44].Subject = "h:abc"
	mustAppend(t, s, all)
	for i := range all {
		all[i] = stored(all[i])
	}
	return all
}

// byTime returns the seqs of entries that keep, newest first (or oldest
// first), in (time, seq) order: what QueryAccess must list.
func byTime(entries []store.AccessEntry, asc bool, keep func(store.AccessEntry) bool) []int64 {
	var sel []store.AccessEntry
	for _, e := range entries {
		if keep(e) {
			sel = append(sel, e)
		}
	}
	slices.SortFunc(sel, func(a, b store.AccessEntry) int {
		if c := a.Time.Compare(b.Time); c != 0 {
			return c
		}
		return int(a.Seq - b.Seq)
	})
	if !asc {
		slices.Reverse(sel)
	}
	out := make([]int64, len(sel))
	for i, e := range sel {
		out[i] = e.Seq
	}
	return out
}

// pageAll lists q to the end, page by page, and returns the seqs.
func pageAll(t *testing.T, s store.AccessQuerier, q store.AccessQuery) []int64 {
	t.Helper()
	var out []int64
	for pages := 0; ; pages++ {
		if pages > 1000 {
			t.Fatal("paging does not end")
		}
		page, err := s.QueryAccess(context.Background(), q)
		if err != nil {
			t.Fatalf("QueryAccess(%+v): %v", q, err)
		}
		for _, e := range page {
			out = append(out, e.Seq)
		}
		if len(page) < q.Limit || len(page) == 0 {
			return out
		}
		q.After = store.CursorOf(page[len(page)-1])
	}
}

var queryCases = []testCase{
	{"filters-select-and-order-by-time", func(t *testing.T, s store.Store) {
		all := queryLog(t, s)
		at := func(i int) time.Time { return all[i-1].Time }
		for _, c := range []struct {
			name string
			q    store.AccessQuery
			keep func(store.AccessEntry) bool
		}{
			{"everything", store.AccessQuery{}, func(store.AccessEntry) bool { return true }},
			{"ais", store.AccessQuery{AIS: "ais-103"}, func(e store.AccessEntry) bool { return e.AIS == "ais-103" }},
			{"user", store.AccessQuery{User: "user-5"}, func(e store.AccessEntry) bool { return e.User == "user-5" }},
			{"ais-and-user", store.AccessQuery{AIS: "ais-101", User: "user-7"}, func(e store.AccessEntry) bool {
				return e.AIS == "ais-101" && e.User == "user-7"
			}},
			{"outcome", store.AccessQuery{Outcome: "denied"}, func(e store.AccessEntry) bool { return e.Outcome == "denied" }},
			{"subject", store.AccessQuery{Subject: "h:abc"}, func(e store.AccessEntry) bool { return e.Subject == "h:abc" }},
			{"no-match", store.AccessQuery{OVM: "99999999"}, func(store.AccessEntry) bool { return false }},
			{"every-exact-filter", store.AccessQuery{Upstream: "iszr", Service: "E03", AIS: "ais-100", OVM: "00064581",
				Agenda: "A121", Role: "CR1234", User: "user-7", Outcome: "ok", Subject: all[6].Subject},
				func(e store.AccessEntry) bool { return e.Seq == 7 }},
			{"purpose-substring-is-case-sensitive", store.AccessQuery{Purpose: "ontrola"}, func(e store.AccessEntry) bool { return e.Seq == 41 || e.Seq == 42 }},
			{"purpose-czech", store.AccessQuery{Purpose: "žádosti"}, func(e store.AccessEntry) bool { return e.Seq == 41 }},
			{"purpose-like-wildcards-are-literal", store.AccessQuery{Purpose: "%"}, func(store.AccessEntry) bool { return false }},
			{"from-inclusive", store.AccessQuery{From: at(50)}, func(e store.AccessEntry) bool { return !e.Time.Before(at(50)) }},
			{"to-exclusive", store.AccessQuery{To: at(10)}, func(e store.AccessEntry) bool { return e.Time.Before(at(10)) }},
			{"range-with-late-entries", store.AccessQuery{From: at(3), To: at(15)}, func(e store.AccessEntry) bool {
				return !e.Time.Before(at(3)) && e.Time.Before(at(15))
			}},
			{"sub-microsecond-bounds", store.AccessQuery{From: at(50).Add(time.Nanosecond), To: at(55).Add(time.Nanosecond)},
				func(e store.AccessEntry) bool { return e.Seq > 50 && e.Seq <= 55 }},
			{"bounds-in-another-zone", store.AccessQuery{From: at(50).In(time.FixedZone("CEST", 7200))},
				func(e store.AccessEntry) bool { return e.Seq >= 50 }},
		} {
			t.Run(c.name, func(t *testing.T) {
				for _, asc := range []bool{false, true} {
					for _, limit := range []int{1, 7, 0, 1000} {
						q := c.q
						q.Ascending, q.Limit = asc, limit
						if limit == 0 {
							q.Limit = store.DefaultQueryLimit
						}
						got := pageAll(t, s, q)
						if want := byTime(all, asc, c.keep); fmt.Sprint(got) != fmt.Sprint(want) {
							t.Fatalf("ascending %v, limit %d: got %v\nwant %v", asc, limit, got, want)
						}
					}
				}
			})
		}
	}},
	{"limit-defaults-and-caps", func(t *testing.T, s store.Store) {
		mustAppend(t, s, samples(1, 1100))
		for _, c := range []struct {
			limit, want int
		}{{0, store.DefaultQueryLimit}, {3, 3}, {5000, store.MaxQueryLimit}} {
			page, err := s.QueryAccess(context.Background(), store.AccessQuery{Limit: c.limit})
			if err != nil {
				t.Fatalf("QueryAccess(limit %d): %v", c.limit, err)
			}
			if len(page) != c.want {
				t.Errorf("limit %d returned %d entries, want %d", c.limit, len(page), c.want)
			}
		}
	}},
	{"page-carries-every-field", func(t *testing.T, s store.Store) {
		all := samples(1, 3)
		all[1].Sealed, all[1].Evidence = true, "podpis ověřen"
		mustAppend(t, s, all)
		page, err := s.QueryAccess(context.Background(), store.AccessQuery{Ascending: true})
		if err != nil {
			t.Fatal(err)
		}
		sameEntries(t, page, all)
	}},
	{"invalid-queries-are-refused", func(t *testing.T, s store.Store) {
		mustAppend(t, s, samples(1, 3))
		for _, c := range []struct {
			name string
			q    store.AccessQuery
		}{
			{"negative-limit", store.AccessQuery{Limit: -1}},
			{"invalid-utf8-filter", store.AccessQuery{AIS: "\xff"}},
			{"nul-in-purpose", store.AccessQuery{Purpose: "a\x00"}},
			{"year-10000", store.AccessQuery{To: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}},
			{"cursor-year-0", store.AccessQuery{After: &store.AccessCursor{Time: time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC), Seq: 1}}},
		} {
			t.Run(c.name, func(t *testing.T) {
				if _, err := s.QueryAccess(context.Background(), c.q); !errors.Is(err, store.ErrInvalid) {
					t.Fatalf("QueryAccess = %v, want ErrInvalid", err)
				}
			})
		}
	}},
	{"get-by-seq", func(t *testing.T, s store.Store) {
		all := samples(1, 5)
		mustAppend(t, s, all)
		got, err := s.GetAccess(context.Background(), 3)
		if err != nil {
			t.Fatalf("GetAccess(3): %v", err)
		}
		sameEntry(t, got, all[2])
		for _, seq := range []int64{0, 6, -1} {
			if _, err := s.GetAccess(context.Background(), seq); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("GetAccess(%d) = %v, want ErrNotFound", seq, err)
			}
		}
	}},
	{"cancelled-query", func(t *testing.T, s store.Store) {
		mustAppend(t, s, samples(1, 5))
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := s.QueryAccess(ctx, store.AccessQuery{}); !errors.Is(err, context.Canceled) {
			t.Fatalf("QueryAccess with a cancelled context = %v, want context.Canceled", err)
		}
	}},
}
