package httpapi

import (
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"konektor/gateway/subject"
	"konektor/internal/store"
)

func TestParseFilter(t *testing.T) {
	t.Parallel()
	prague, _ := time.LoadLocation("Europe/Prague")
	h, _ := subject.New([]byte(strings.Repeat("k", 32)))
	ico, _ := h.Hash(subject.KindICO, "00064581")
	for _, c := range []struct {
		name  string
		query string
		want  store.AccessQuery
		err   bool
	}{
		{"empty", "", store.AccessQuery{}, false},
		{"text-filters-trimmed", "ais=+1234+&agenda=A121&user=jnovak&purpose=kontrola", store.AccessQuery{AIS: "1234", Agenda: "A121", User: "jnovak", Purpose: "kontrola"}, false},
		{"local-time-in-prague", "from=2026-03-02T10:00", store.AccessQuery{From: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}, false},
		{"summer-time", "from=2026-07-02T10:00", store.AccessQuery{From: time.Date(2026, 7, 2, 8, 0, 0, 0, time.UTC)}, false},
		{"date-is-midnight", "to=2026-03-03", store.AccessQuery{To: time.Date(2026, 3, 2, 23, 0, 0, 0, time.UTC)}, false},
		{"rfc3339", "from=2026-03-02T10:00:00Z", store.AccessQuery{From: time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)}, false},
		{"subject-hashed", "subject=64581", store.AccessQuery{Subject: ico}, false},
		{"order-and-limit", "order=asc&limit=10", store.AccessQuery{Ascending: true, Limit: 10}, false},
		{"cursor", "after=1772442000000000_42", store.AccessQuery{After: &store.AccessCursor{Time: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), Seq: 42}}, false},
		{"bad-time", "from=zítra", store.AccessQuery{}, true},
		{"reversed-period", "from=2026-03-03&to=2026-03-02", store.AccessQuery{}, true},
		{"bad-limit", "limit=1001", store.AccessQuery{}, true},
		{"bad-cursor", "after=12", store.AccessQuery{}, true},
		{"cursor-year-out-of-range", "after=999999999999999999_1", store.AccessQuery{}, true},
		{"bad-order", "order=random", store.AccessQuery{}, true},
		{"year-0-in-utc", "from=0001-01-01T00:30", store.AccessQuery{}, true},
		{"bad-subject", "subject=a+b", store.AccessQuery{}, true},
		{"invalid-utf8", "ais=%ff", store.AccessQuery{}, true},
		{"nul", "user=a%00b", store.AccessQuery{}, true},
		{"too-long", "purpose=" + strings.Repeat("x", maxFilterLen+1), store.AccessQuery{}, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			v, err := url.ParseQuery(c.query)
			if err != nil {
				t.Fatal(err)
			}
			f, err := parseFilter(v, prague, h)
			if c.err {
				var fe *filterError
				if !errors.As(err, &fe) || fe.cs == "" || fe.en == "" {
					t.Fatalf("parseFilter = %v, want a filter error in both languages", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("parseFilter: %v", err)
			}
			got := f.q
			if !got.From.Equal(c.want.From) || !got.To.Equal(c.want.To) {
				t.Fatalf("times %v–%v, want %v–%v", got.From, got.To, c.want.From, c.want.To)
			}
			got.From, got.To, c.want.From, c.want.To = time.Time{}, time.Time{}, time.Time{}, time.Time{}
			if (got.After == nil) != (c.want.After == nil) || got.After != nil && (*got.After != *c.want.After) {
				t.Fatalf("cursor %v, want %v", got.After, c.want.After)
			}
			got.After, c.want.After = nil, nil
			if got != c.want {
				t.Fatalf("query %+v, want %+v", got, c.want)
			}
			// The canonical parameters give the same query again.
			again, err := parseFilter(f.params, prague, h)
			if err != nil || again.q.AIS != f.q.AIS || !again.q.From.Equal(f.q.From) || again.q.Subject != f.q.Subject {
				t.Fatalf("canonical parameters %v parse to %+v, %v", f.params, again.q, err)
			}
		})
	}
}

func TestCursorRoundTrip(t *testing.T) {
	t.Parallel()
	c := &store.AccessCursor{Time: time.Date(2026, 3, 2, 9, 0, 0, 123456000, time.UTC), Seq: 987654321}
	got, err := parseCursor(encodeCursor(c))
	if err != nil || *got != *c {
		t.Fatalf("round trip of %+v = %+v, %v", c, got, err)
	}
}

// Query parameters are untrusted: parseFilter either refuses them with a
// filter error or returns a query every store accepts.
func FuzzParseFilter(f *testing.F) {
	for _, s := range []string{"", "ais=1234&from=2026-03-02T10:00", "subject=64581", "after=1772442000000000_42",
		"order=asc&limit=10", "from=zítra", "ais=%ff", "user=a%00b", "after=-9223372036854775808_1", "to=9999-12-31T23:59:59Z", "from=0001-01-01T00:00"} {
		f.Add(s)
	}
	prague, _ := time.LoadLocation("Europe/Prague")
	h, _ := subject.New([]byte(strings.Repeat("k", 32)))
	f.Fuzz(func(t *testing.T, query string) {
		v, err := url.ParseQuery(query)
		if err != nil {
			return
		}
		flt, err := parseFilter(v, prague, h)
		if err != nil {
			if !errors.Is(err, errFilter) {
				t.Fatalf("parseFilter(%q) error %v is not a filter error", query, err)
			}
			return
		}
		if _, err := store.NormalizeQuery(flt.q); err != nil {
			t.Fatalf("parseFilter(%q) gave a query stores refuse: %v", query, err)
		}
	})
}
