package audit

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"testing"
	"time"

	"konektor/internal/store"
)

// exportNames are the column names the package doc promises, written out
// here rather than taken from the code under test.
var exportNames = []string{"seq", "time", "correlation_id", "upstream", "service", "ais", "ovm", "agenda",
	"role", "user", "purpose", "subject", "outcome", "upstream_status", "reason", "latency_micros",
	"request_sha256", "response_sha256", "sealed", "evidence", "prev_hash", "hash"}

// rehash recomputes a hash from exported values (in exportNames order,
// without the hash) following only the package doc.
func rehash(values []string) string {
	var msg bytes.Buffer
	item := func(s string) { fmt.Fprintf(&msg, "%d:%s,", len(s), s) }
	item("konektor-access-v1")
	for i, v := range values {
		item(exportNames[i])
		item(v)
	}
	sum := sha256.Sum256(msg.Bytes())
	return hex.EncodeToString(sum[:])
}

// hourly records n entries an hour apart, starting at t0.
func hourly(t *testing.T, n int) *memLog {
	t.Helper()
	m := &memLog{}
	r := newRecorder(t, m, Options{})
	for i := range n {
		e := exchange(i)
		e.Time = t0.Add(time.Duration(i) * time.Hour)
		e.Reason = fmt.Sprintf("důvod %d, \"uvozovky\"\nnový řádek", i)
		mustRecord(t, r, e)
	}
	return m
}

var exportRanges = []struct {
	name     string
	from, to time.Time
	want     []int64
}{
	{"everything", time.Time{}, time.Time{}, []int64{1, 2, 3, 4, 5, 6}},
	{"from-only-inclusive", t0.Add(2 * time.Hour).Truncate(time.Microsecond), time.Time{}, []int64{3, 4, 5, 6}},
	{"to-only-exclusive", time.Time{}, t0.Add(2 * time.Hour).Truncate(time.Microsecond), []int64{1, 2}},
	{"bounded-by-stored-times", t0.Add(time.Hour).Truncate(time.Microsecond), t0.Add(4 * time.Hour).Truncate(time.Microsecond), []int64{2, 3, 4}},
	{"bounds-between-microseconds", t0.Add(time.Hour), t0.Add(4 * time.Hour), []int64{3, 4, 5}},
	{"other-time-zone", t0.Add(time.Hour).In(time.FixedZone("CET", 3600)), time.Time{}, []int64{3, 4, 5, 6}},
	{"before-everything", t0.Add(-2 * time.Hour), t0.Add(-time.Hour), nil},
}

func TestExportJSONL(t *testing.T) {
	t.Parallel()
	m := hourly(t, 6)
	for _, c := range exportRanges {
		t.Run(c.name, func(t *testing.T) {
			var out bytes.Buffer
			if err := Export(context.Background(), m, c.from, c.to, "jsonl", &out); err != nil {
				t.Fatalf("Export: %v", err)
			}
			var seqs []int64
			for line := range strings.Lines(out.String()) {
				keys, values := jsonRecord(t, line)
				if strings.Join(keys, ",") != strings.Join(exportNames, ",") {
					t.Fatalf("keys %v, want %v", keys, exportNames)
				}
				if got := rehash(values[:len(values)-1]); got != values[len(values)-1] {
					t.Fatalf("re-hashing %s gives %s, the line says %s", line, got, values[len(values)-1])
				}
				seq, _ := strconv.ParseInt(values[0], 10, 64)
				seqs = append(seqs, seq)
			}
			if fmt.Sprint(seqs) != fmt.Sprint(c.want) {
				t.Fatalf("exported seqs %v, want %v", seqs, c.want)
			}
		})
	}
}

// jsonRecord returns a JSON object's keys in order and its values rendered
// as the canonical strings (numbers as written, booleans as true/false).
func jsonRecord(t *testing.T, line string) (keys, values []string) {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(line))
	dec.UseNumber()
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("line %q does not start an object", line)
	}
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		v, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, k.(string))
		switch v := v.(type) {
		case string:
			values = append(values, v)
		case json.Number:
			values = append(values, v.String())
		case bool:
			values = append(values, strconv.FormatBool(v))
		default:
			t.Fatalf("key %s has a %T value", k, v)
		}
	}
	return keys, values
}

func TestExportCSV(t *testing.T) {
	t.Parallel()
	m := hourly(t, 6)
	for _, c := range exportRanges {
		t.Run(c.name, func(t *testing.T) {
			var out bytes.Buffer
			if err := Export(context.Background(), m, c.from, c.to, "csv", &out); err != nil {
				t.Fatalf("Export: %v", err)
			}
			rows, err := csv.NewReader(&out).ReadAll()
			if err != nil {
				t.Fatalf("reading the CSV back: %v", err)
			}
			if strings.Join(rows[0], ",") != strings.Join(exportNames, ",") {
				t.Fatalf("header %v, want %v", rows[0], exportNames)
			}
			var seqs []int64
			for _, row := range rows[1:] {
				if got := rehash(row[:len(row)-1]); got != row[len(row)-1] {
					t.Fatalf("re-hashing row %v gives %s", row, got)
				}
				seq, _ := strconv.ParseInt(row[0], 10, 64)
				seqs = append(seqs, seq)
			}
			if fmt.Sprint(seqs) != fmt.Sprint(c.want) {
				t.Fatalf("exported seqs %v, want %v", seqs, c.want)
			}
		})
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errInjected }

func TestExportRefuses(t *testing.T) {
	t.Parallel()
	m := hourly(t, 3)
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	for _, c := range []struct {
		name     string
		ctx      context.Context
		from, to time.Time
		format   string
		w        io.Writer
		want     error
		mention  string
	}{
		{"unknown-format", context.Background(), time.Time{}, time.Time{}, "xml", io.Discard, ErrFormat, `"xml"`},
		{"empty-format", context.Background(), time.Time{}, time.Time{}, "", io.Discard, ErrFormat, "jsonl or csv"},
		{"end-before-start", context.Background(), t0, t0.Add(-time.Hour), "csv", io.Discard, nil, "must be after"},
		{"end-equals-start", context.Background(), t0, t0, "jsonl", io.Discard, nil, "must be after"},
		{"failing-writer-jsonl", context.Background(), time.Time{}, time.Time{}, "jsonl", failingWriter{}, errInjected, ""},
		{"failing-writer-csv", context.Background(), time.Time{}, time.Time{}, "csv", failingWriter{}, errInjected, ""},
		{"cancelled", cancelled, time.Time{}, time.Time{}, "jsonl", io.Discard, context.Canceled, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := Export(c.ctx, m, c.from, c.to, c.format, c.w)
			if err == nil {
				t.Fatal("Export succeeded")
			}
			if c.want != nil && !errors.Is(err, c.want) {
				t.Fatalf("Export = %v, want %v", err, c.want)
			}
			if !strings.Contains(err.Error(), c.mention) {
				t.Fatalf("Export error %q does not mention %q", err, c.mention)
			}
		})
	}
}

func TestExportFormatIsCaseInsensitive(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	if err := Export(context.Background(), hourly(t, 1), time.Time{}, time.Time{}, "JSONL", &out); err != nil {
		t.Fatalf("Export(JSONL): %v", err)
	}
	if strings.Count(out.String(), "\n") != 1 {
		t.Fatalf("want one line, got %q", out.String())
	}
}

// Untrusted text from a caller goes through cleaning, hashing and both
// export formats without loss (CSV readers turn CR LF into LF; JSONL keeps
// every byte).
func FuzzExportRoundTrip(f *testing.F) {
	for _, s := range []string{"", "Žluťoučký kůň", "a,b\"c\nd", "\x00", "\xff\xfe", "\r\n", "=cmd|' /C calc'!A0", "\u2028"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		clean := cleanText(text)
		e := exchange(1)
		e.Seq = 1
		e.CorrelationID, e.User, e.Purpose, e.Reason, e.Evidence = clean, clean, clean, clean, clean
		e.Hash = Hash(e)
		if err := store.ValidateAccessEntry(e); err != nil {
			t.Fatalf("cleaned text %q is still invalid: %v", clean, err)
		}
		m := &memLog{}
		if err := m.AppendAccess(context.Background(), []store.AccessEntry{e}); err != nil {
			t.Fatal(err)
		}
		var js, cs bytes.Buffer
		if err := Export(context.Background(), m, time.Time{}, time.Time{}, FormatJSONL, &js); err != nil {
			t.Fatal(err)
		}
		_, values := jsonRecord(t, js.String())
		if values[9] != clean || rehash(values[:len(values)-1]) != e.Hash {
			t.Fatalf("JSONL lost text: user %q, want %q", values[9], clean)
		}
		if err := Export(context.Background(), m, time.Time{}, time.Time{}, FormatCSV, &cs); err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(&cs).ReadAll()
		if err != nil || len(rows) != 2 {
			t.Fatalf("CSV does not read back (%d rows): %v", len(rows), err)
		}
		if want := strings.ReplaceAll(clean, "\r\n", "\n"); rows[1][9] != want {
			t.Fatalf("CSV lost text: user %q, want %q", rows[1][9], want)
		}
	})
}

func TestExportQuery(t *testing.T) {
	t.Parallel()
	s, _ := openSQLite(t)
	r := newRecorder(t, s, Options{})
	for i := range 2500 {
		e := exchange(i)
		if i%3 == 0 {
			e.AIS = "7777"
		}
		mustRecord(t, r, e)
	}
	for _, format := range []string{FormatJSONL, FormatCSV} {
		t.Run(format, func(t *testing.T) {
			var out bytes.Buffer
			q := store.AccessQuery{AIS: "7777", Limit: 5, Ascending: false}
			if err := ExportQuery(context.Background(), s, q, format, &out); err != nil {
				t.Fatal(err)
			}
			var seqs []int64
			if format == FormatJSONL {
				for line := range strings.Lines(out.String()) {
					_, values := jsonRecord(t, line)
					if got := rehash(values[:len(values)-1]); got != values[len(values)-1] {
						t.Fatalf("re-hashing %s gives %s", line, got)
					}
					seq, _ := strconv.ParseInt(values[0], 10, 64)
					seqs = append(seqs, seq)
				}
			} else {
				rows, err := csv.NewReader(&out).ReadAll()
				if err != nil {
					t.Fatal(err)
				}
				for _, row := range rows[1:] {
					seq, _ := strconv.ParseInt(row[0], 10, 64)
					seqs = append(seqs, seq)
				}
			}
			if len(seqs) != 834 || seqs[0] != 1 || seqs[833] != 2500 {
				t.Fatalf("exported %d entries (%v…), want the 834 of AIS 7777, oldest first", len(seqs), seqs[:min(3, len(seqs))])
			}
		})
	}
	if err := ExportQuery(context.Background(), s, store.AccessQuery{}, "xml", io.Discard); !errors.Is(err, ErrFormat) {
		t.Fatalf("ExportQuery(xml) = %v, want ErrFormat", err)
	}
}
