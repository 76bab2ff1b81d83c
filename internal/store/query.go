package store

import (
	"context"
	"fmt"
	"time"
)

// Query limits.
const (
	// DefaultQueryLimit is the page size when AccessQuery.Limit is 0.
	DefaultQueryLimit = 50
	// MaxQueryLimit is the largest page QueryAccess returns.
	MaxQueryLimit = 1000
)

// AccessQuery selects a page of access-log entries. Every non-empty filter
// must match (AND). Entries come in (Time, Seq) order: newest first by
// default, oldest first with Ascending. Paging is by keyset: pass the last
// entry of a page as After to get the next page; it stays fast however deep
// the page is.
type AccessQuery struct {
	From, To time.Time // From <= Time < To; a zero bound leaves that end open

	// Exact matches; "" matches anything.
	Upstream string
	Service  string
	AIS      string
	OVM      string
	Agenda   string
	Role     string
	User     string
	Outcome  string
	Subject  string // the keyed hash, as stored
	// Purpose matches entries whose purpose contains it (case-sensitive).
	Purpose string

	// After continues a listing: only entries strictly after this one in
	// the listing's order. nil starts at the beginning.
	After     *AccessCursor
	Ascending bool
	Limit     int // 0 means DefaultQueryLimit; at most MaxQueryLimit
}

// AccessCursor is a position in a listing: an entry's Time and Seq.
type AccessCursor struct {
	Time time.Time
	Seq  int64
}

// CursorOf returns the cursor of e.
func CursorOf(e AccessEntry) *AccessCursor {
	return &AccessCursor{Time: StoredTime(e.Time), Seq: e.Seq}
}

// AccessQuerier finds entries for auditors.
type AccessQuerier interface {
	// QueryAccess returns one page of the entries q selects (see AccessQuery).
	// An invalid query is refused with ErrInvalid.
	QueryAccess(ctx context.Context, q AccessQuery) ([]AccessEntry, error)
	// GetAccess returns the entry with seq, or ErrNotFound.
	GetAccess(ctx context.Context, seq int64) (AccessEntry, error)
}

// NormalizeQuery checks q and returns it with the limit and times as every
// backend applies them.
func NormalizeQuery(q AccessQuery) (AccessQuery, error) {
	switch {
	case q.Limit < 0:
		return q, fmt.Errorf("%w: query limit %d is negative", ErrInvalid, q.Limit)
	case q.Limit == 0:
		q.Limit = DefaultQueryLimit
	case q.Limit > MaxQueryLimit:
		q.Limit = MaxQueryLimit
	}
	for _, t := range []time.Time{q.From, q.To} {
		if t.IsZero() {
			continue
		}
		if y := t.UTC().Year(); y < minYear || y > maxYear {
			return q, fmt.Errorf("%w: query time year %d is outside %d–%d", ErrInvalid, y, minYear, maxYear)
		}
	}
	if !q.From.IsZero() {
		// From is inclusive: an entry stored at a truncated time T matches
		// From <= T exactly when it matches From rounded up.
		f := StoredTime(q.From)
		if f.Before(q.From) {
			f = f.Add(TimePrecision)
		}
		q.From = f
	}
	if !q.To.IsZero() {
		// To is exclusive: T < To for a truncated T means T < To rounded up.
		t := StoredTime(q.To)
		if t.Before(q.To) {
			t = t.Add(TimePrecision)
		}
		q.To = t
	}
	for _, f := range []struct{ name, value string }{
		{"upstream", q.Upstream}, {"service", q.Service}, {"ais", q.AIS}, {"ovm", q.OVM},
		{"agenda", q.Agenda}, {"role", q.Role}, {"user", q.User}, {"outcome", q.Outcome},
		{"subject", q.Subject}, {"purpose", q.Purpose},
	} {
		if err := checkText(f.value); err != nil {
			return q, fmt.Errorf("%w: query filter %s %s", ErrInvalid, f.name, err.Error())
		}
	}
	if q.After != nil {
		a := *q.After
		if y := a.Time.UTC().Year(); y < minYear || y > maxYear {
			return q, fmt.Errorf("%w: query cursor year %d is outside %d–%d", ErrInvalid, y, minYear, maxYear)
		}
		a.Time = StoredTime(a.Time)
		q.After = &a
	}
	return q, nil
}
