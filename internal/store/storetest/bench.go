package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"konektor/internal/store"
)

// benchStart is when the benchmark log begins; entries are benchGap apart.
var benchStart = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

const benchGap = 2600 * time.Millisecond // 1 million entries ≈ 30 days

// benchEntry is entry seq of a realistic benchmark log: 200 AIS, 50 OVM,
// 30 agendas, 100 roles, 80 services, 5000 users, 200 000 subjects; 95 %
// answered, 3 % denied, 2 % faults.
func benchEntry(seq int64) store.AccessEntry {
	outcome := "ok"
	switch seq % 100 {
	case 7, 37, 77:
		outcome = "denied"
	case 13, 63:
		outcome = "fault"
	}
	return store.AccessEntry{
		Seq:            seq,
		Time:           benchStart.Add(time.Duration(seq) * benchGap),
		CorrelationID:  fmt.Sprintf("%032x", seq*2654435761),
		Upstream:       "iszr",
		Service:        fmt.Sprintf("E%d", 1+seq*7%80),
		AIS:            fmt.Sprintf("%d", 100000+seq*13%200),
		OVM:            fmt.Sprintf("%08d", 60000+seq*17%50),
		Agenda:         fmt.Sprintf("A%d", 100+seq*19%30),
		Role:           fmt.Sprintf("CR%d", 1000+seq*23%100),
		User:           fmt.Sprintf("user%d", seq*29%5000),
		Purpose:        fmt.Sprintf("řízení č. j. %d/%d", seq%9973, 2026),
		Subject:        fmt.Sprintf("aifo:%032x", seq*31%200000),
		Outcome:        outcome,
		UpstreamStatus: "OK",
		Reason:         "",
		LatencyMicros:  1000 + seq%5000,
		RequestSHA256:  fmt.Sprintf("%064x", seq),
		ResponseSHA256: fmt.Sprintf("%064x", seq+1),
		Sealed:         seq%3 == 0,
		PrevHash:       fmt.Sprintf("%064x", seq-1),
		Hash:           fmt.Sprintf("%064x", seq),
	}
}

// SeedBench fills an empty store with n benchmark entries and, for a
// store with a derived search index, waits until it is caught up.
func SeedBench(tb testing.TB, s store.Store, n int64) {
	tb.Helper()
	ctx := context.Background()
	defer func() {
		if idx, ok := s.(store.SearchIndex); ok {
			if err := idx.CatchUpSearchIndex(ctx, 0); err != nil {
				tb.Fatalf("catching up the search index: %v", err)
			}
		}
	}()
	last, err := s.LastAccess(ctx)
	if err == nil && last.Seq >= n {
		return
	}
	const batch = 10000
	buf := make([]store.AccessEntry, 0, batch)
	for seq := last.Seq + 1; seq <= n; seq++ {
		buf = append(buf, benchEntry(seq))
		if len(buf) == batch || seq == n {
			if err := s.AppendAccess(ctx, buf); err != nil {
				tb.Fatalf("seeding at %d: %v", seq, err)
			}
			buf = buf[:0]
		}
	}
}

// BenchQueries measures filtered pages of 50 entries (newest first) over a
// store seeded with SeedBench(n): what an auditor's search costs.
func BenchQueries(b *testing.B, s store.Store, n int64) {
	mid := benchStart.Add(time.Duration(n/2) * benchGap)
	day := 24 * time.Hour
	deep := benchEntry(n / 2)
	pair := benchEntry(n * 3 / 4)
	for _, c := range []struct {
		name string
		q    store.AccessQuery
	}{
		{"newest", store.AccessQuery{}},
		{"ais", store.AccessQuery{AIS: "100042"}},
		{"ais-one-day-mid-log", store.AccessQuery{AIS: "100042", From: mid, To: mid.Add(day)}},
		{"subject-whole-log", store.AccessQuery{Subject: benchEntry(123457).Subject}},
		{"user-and-agenda", store.AccessQuery{User: pair.User, Agenda: pair.Agenda}},
		{"denied-last-week", store.AccessQuery{Outcome: "denied", From: benchStart.Add(time.Duration(n)*benchGap - 7*day)}},
		{"ais-deep-page", store.AccessQuery{AIS: deep.AIS, After: store.CursorOf(deep)}},
		{"ovm-role-one-day", store.AccessQuery{OVM: "00060007", Role: "CR1042", From: mid, To: mid.Add(day)}},
		{"purpose-substring-one-day", store.AccessQuery{Purpose: "č. j. 42/", From: mid, To: mid.Add(day)}},
	} {
		b.Run(c.name, func(b *testing.B) {
			c.q.Limit = 50
			rows := 0
			for b.Loop() {
				page, err := s.QueryAccess(context.Background(), c.q)
				if err != nil {
					b.Fatal(err)
				}
				rows = len(page)
			}
			b.ReportMetric(float64(rows), "rows/page")
		})
	}
}

// SeedTail appends n more benchmark entries without catching up a derived
// search index: a log whose indexer lags by n entries.
func SeedTail(tb testing.TB, s store.Store, n int64) {
	tb.Helper()
	last, err := s.LastAccess(context.Background())
	if err != nil {
		tb.Fatalf("seeding the tail: %v", err)
	}
	SeedBench(tb, hidden{s}, last.Seq+n)
}

// hidden is a store without its SearchIndex methods.
type hidden struct{ store.Store }
