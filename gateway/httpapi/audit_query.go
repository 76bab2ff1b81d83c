package httpapi

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"konektor/gateway/subject"
	"konektor/internal/store"
)

// errFilter marks a search the auditor has to correct; its text is shown.
var errFilter = errors.New("invalid filter")

// filterError is a bad filter, described in both languages.
type filterError struct{ cs, en string }

func (e *filterError) Error() string { return e.en }
func (e *filterError) Unwrap() error { return errFilter }

func badFilter(cs, en string) error { return &filterError{cs: cs, en: en} }

// textFilters are the exact-match filters: query parameter and field.
var textFilters = []struct {
	param string
	field func(*store.AccessQuery) *string
}{
	{"upstream", func(q *store.AccessQuery) *string { return &q.Upstream }},
	{"service", func(q *store.AccessQuery) *string { return &q.Service }},
	{"ais", func(q *store.AccessQuery) *string { return &q.AIS }},
	{"ovm", func(q *store.AccessQuery) *string { return &q.OVM }},
	{"agenda", func(q *store.AccessQuery) *string { return &q.Agenda }},
	{"role", func(q *store.AccessQuery) *string { return &q.Role }},
	{"user", func(q *store.AccessQuery) *string { return &q.User }},
	{"outcome", func(q *store.AccessQuery) *string { return &q.Outcome }},
	{"purpose", func(q *store.AccessQuery) *string { return &q.Purpose }},
}

// maxFilterLen bounds one filter value.
const maxFilterLen = 256

// filter is a parsed search: the store query and its canonical parameters
// (what links and the audit trail carry: a subject only as its hash).
type filter struct {
	q       store.AccessQuery
	params  url.Values
	subject string // the keyed hash searched for, "" for none
}

// parseFilter reads a search from query parameters. Times are RFC 3339, a
// date (YYYY-MM-DD, from midnight) or the form's local date and time
// (YYYY-MM-DDTHH:MM) in loc. subject may be an identifier (AIFO reference,
// IČO) or its hash; it is hashed with subjects.
func parseFilter(v url.Values, loc *time.Location, subjects *subject.Hasher) (filter, error) {
	f := filter{params: url.Values{}}
	for k, vs := range v {
		for _, s := range vs {
			if !utf8.ValidString(s) || strings.ContainsRune(s, 0) {
				return f, badFilter(fmt.Sprintf("pole %s obsahuje neplatné znaky", clip(k, 32)),
					fmt.Sprintf("field %s holds invalid characters", clip(k, 32)))
			}
		}
	}
	for _, tf := range textFilters {
		s := strings.TrimSpace(v.Get(tf.param))
		if s == "" {
			continue
		}
		if len(s) > maxFilterLen {
			return f, badFilter(fmt.Sprintf("pole %s je delší než %d znaků", tf.param, maxFilterLen),
				fmt.Sprintf("field %s is longer than %d characters", tf.param, maxFilterLen))
		}
		*tf.field(&f.q) = s
		f.params.Set(tf.param, s)
	}
	for _, tp := range []struct {
		param string
		to    *time.Time
	}{{"from", &f.q.From}, {"to", &f.q.To}} {
		s := strings.TrimSpace(v.Get(tp.param))
		if s == "" {
			continue
		}
		t, err := parseTime(s, loc)
		if y := t.UTC().Year(); err == nil && (y < 1 || y > 9999) {
			err = errors.New("year out of range")
		}
		if err != nil {
			return f, badFilter(fmt.Sprintf("%s: %q není datum a čas (RRRR-MM-DD, RRRR-MM-DDTHH:MM nebo RFC 3339)", tp.param, s),
				fmt.Sprintf("%s: %q is not a date and time (YYYY-MM-DD, YYYY-MM-DDTHH:MM or RFC 3339)", tp.param, s))
		}
		*tp.to = t
		f.params.Set(tp.param, t.UTC().Format(time.RFC3339Nano))
	}
	if !f.q.From.IsZero() && !f.q.To.IsZero() && !f.q.To.After(f.q.From) {
		return f, badFilter("konec období musí být po jeho začátku", "the end of the period must be after its start")
	}
	if s := strings.TrimSpace(v.Get("subject")); s != "" {
		if subjects == nil {
			return f, badFilter("hledání podle subjektu není nastaveno (chybí klíč audit.subject_key)",
				"searching by subject is not configured (audit.subject_key is missing)")
		}
		h, err := subjects.Search(s)
		if err != nil {
			return f, badFilter("subjekt: zadejte AIFO nebo IČO (1–8 číslic), rodné číslo (rc:…), datovou schránku (dbid:…) nebo osobu (osoba:příjmení|jméno|RRRR-MM-DD)",
				"subject: enter an AIFO reference or an IČO (1–8 digits), a rodné číslo (rc:…), a data box (dbid:…) or a person (person:surname|given name|YYYY-MM-DD)")
		}
		f.q.Subject, f.subject = h, h
		f.params.Set("subject", h)
	}
	if s := v.Get("after"); s != "" {
		c, err := parseCursor(s)
		if err != nil {
			return f, badFilter("neplatná pozice stránky", "invalid page position")
		}
		f.q.After = c
	}
	switch o := v.Get("order"); o {
	case "", "desc":
	case "asc":
		f.q.Ascending = true
		f.params.Set("order", "asc")
	default:
		return f, badFilter("řazení je asc nebo desc", "order is asc or desc")
	}
	if s := v.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > store.MaxQueryLimit {
			return f, badFilter(fmt.Sprintf("limit je 1–%d", store.MaxQueryLimit), fmt.Sprintf("limit is 1–%d", store.MaxQueryLimit))
		}
		f.q.Limit = n
		f.params.Set("limit", s)
	}
	return f, nil
}

// parseTime reads an RFC 3339 time, a date, or a form's local date-time.
func parseTime(s string, loc *time.Location) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	for _, layout := range []string{"2006-01-02T15:04:05", "2006-01-02T15:04", time.DateOnly} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, errors.New("not a time")
}

// describe is the filter as one line for the audit trail: parameter=value
// pairs in a fixed order (a subject only as its hash).
func (f filter) describe() string {
	var b strings.Builder
	for _, k := range []string{"from", "to", "upstream", "service", "ais", "ovm", "agenda", "role", "user", "purpose", "outcome", "subject", "order"} {
		if v := f.params.Get(k); v != "" {
			if b.Len() > 0 {
				b.WriteByte(' ')
			}
			fmt.Fprintf(&b, "%s=%q", k, v)
		}
	}
	if b.Len() == 0 {
		return "(bez filtru / no filter)"
	}
	return b.String()
}

// encodeCursor writes a page position: the entry's time in Unix
// microseconds and its seq.
func encodeCursor(c *store.AccessCursor) string {
	return strconv.FormatInt(c.Time.UnixMicro(), 10) + "_" + strconv.FormatInt(c.Seq, 10)
}

func parseCursor(s string) (*store.AccessCursor, error) {
	us, seq, ok := strings.Cut(s, "_")
	if !ok {
		return nil, errors.New("no separator")
	}
	u, err := strconv.ParseInt(us, 10, 64)
	if err != nil {
		return nil, err
	}
	n, err := strconv.ParseInt(seq, 10, 64)
	if err != nil {
		return nil, err
	}
	t := time.UnixMicro(u).UTC()
	if y := t.Year(); y < 1 || y > 9999 {
		return nil, errors.New("year out of range")
	}
	return &store.AccessCursor{Time: t, Seq: n}, nil
}
