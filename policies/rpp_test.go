package policies

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

var fixtureNow = func() time.Time { return time.Date(2026, 1, 15, 10, 0, 0, 0, time.UTC) }

func importFixture(t *testing.T) (*Model, []ImportProgress) {
	t.Helper()
	var reports []ImportProgress
	im := &Importer{Now: fixtureNow, ProgressEvery: 1, Progress: func(p ImportProgress) { reports = append(reports, p) }}
	m, err := im.Import(context.Background(), "testdata/rpp")
	if err != nil {
		t.Fatal(err)
	}
	return m, reports
}

func TestImportRPP(t *testing.T) {
	m, reports := importFixture(t)
	if got := len(m.Agendas); got != 2 {
		t.Errorf("agendas = %d, want 2 (A9000 ended)", got)
	}
	if i := slices.IndexFunc(m.Agendas, func(a Agenda) bool { return a.Code == "A343" }); i < 0 || len(m.Agendas[i].Roles) != 1 {
		t.Errorf("A343 should keep only CR1001: %+v", m.Agendas)
	}
	var ovms []string
	for _, o := range m.OVMs {
		ovms = append(ovms, o.ID)
		if o.ID == "10000001" && !slices.Equal(o.Categories, []string{"KO14"}) {
			t.Errorf("10000001 categories = %v, want [KO14] (KO99 ended)", o.Categories)
		}
	}
	if want := []string{"10000001", "10000002", "10000003", "10000009.9999"}; !slices.Equal(ovms, want) {
		t.Errorf("OVMs = %v, want %v", ovms, want)
	}
	if len(m.Pusobnost) != 4 { // 3 registrations + A343 by category KO14
		t.Errorf("pusobnost = %+v", m.Pusobnost)
	}
	if len(m.Items) != 3 || len(m.Permissions) != 2 {
		t.Errorf("items %d, permissions %d; want 3, 2", len(m.Items), len(m.Permissions))
	}
	if err := m.Validate(); err != nil {
		t.Fatalf("imported model invalid: %v", err)
	}
	done := map[string]ImportProgress{}
	for _, p := range reports {
		if p.Done {
			done[p.File] = p
		}
	}
	for _, f := range []string{FileAgendas, FileOVM, FileSPUU, FilePusobnost, FileItems, FilePermissions} {
		p, ok := done[f]
		if !ok {
			t.Errorf("no final progress for %s", f)
			continue
		}
		if p.Bytes != p.Size || p.Size == 0 || p.Records == 0 {
			t.Errorf("%s: final progress %+v", f, p)
		}
	}
	if p := done[FileAgendas]; p.Skipped != 1 || !strings.Contains(p.Problem, "A9000") {
		t.Errorf("agendas progress should report A9000 skipped: %+v", p)
	}
	if len(reports) <= len(done) {
		t.Errorf("no intermediate progress reports (ProgressEvery 1): %d reports", len(reports))
	}
}

func TestImportedPolicyDecides(t *testing.T) {
	m, _ := importFixture(t)
	m.Merge(decodeFixture(t, "rpp-local.yaml"))
	s, err := Compile(m)
	if err != nil {
		t.Fatal(err)
	}
	req := Request{AIS: "5001", OVM: "10000001", Agenda: "A343", Role: "CR1001", Service: "E03", Items: []string{"Prijmeni", "Jmeno"}}
	tests := []struct {
		name    string
		mutate  func(r *Request)
		subCode string
	}{
		{"permit-through-category-grant", func(r *Request) {}, ""},
		{"permit-all-items", func(r *Request) { r.Items = nil }, ""},
		{"kraj-direct-grant", func(r *Request) {
			*r = Request{AIS: "5002", OVM: "10000002", Agenda: "A1097", Role: "CR2001", Service: "E03", Items: []string{"Prijmeni"}}
		}, ""},
		{"kraj-item-not-granted", func(r *Request) {
			*r = Request{AIS: "5002", OVM: "10000002", Agenda: "A1097", Role: "CR2001", Service: "E03", Items: []string{"Jmeno"}}
		}, SubNeniOpravneniEgon},
		{"cancelled-agenda", func(r *Request) { r.Agenda = "A9000"; r.Role = "CR9001" }, SubNepovolenyKodAgendy},
		{"ended-ovm", func(r *Request) { r.OVM = "10000004" }, SubNepovolenyKodOvm},
		{"ended-activity", func(r *Request) { r.Role = "CR1002" }, SubNepovolenyKodCinnosti},
		{"ovm-without-pusobnost", func(r *Request) { r.OVM = "10000003" }, SubPusobnostNeexistuje},
		{"spuu-without-grant", func(r *Request) { r.OVM = "10000009.9999" }, SubNeniOpravneniEgon},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := req
			tc.mutate(&r)
			d := s.Decide(r)
			if d.Permit != (tc.subCode == "") || d.SubCode != tc.subCode {
				t.Fatalf("got permit %v %q, want %q\n%s", d.Permit, d.SubCode, tc.subCode, Explain(d, "en"))
			}
		})
	}
	items := s.Items("A343", "CR1001", "10000001")
	if len(items) != 2 || items[0] != (ItemName{KodIszr: "Prijmeni", KodRpp: "101-1-1", Read: true}) {
		t.Errorf("E227 items = %+v", items)
	}
}

func TestImportRPPErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := ImportRPP(context.Background(), dir, nil); !errors.Is(err, ErrNoDatasets) {
		t.Errorf("empty dir: %v, want ErrNoDatasets", err)
	}
	if err := os.WriteFile(filepath.Join(dir, FileOVM), []byte(`{"položky": [`), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := ImportRPP(context.Background(), dir, nil)
	if err == nil || !strings.Contains(err.Error(), FileOVM) {
		t.Errorf("truncated file: %v, want an error naming %s", err, FileOVM)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := (&Importer{ProgressEvery: 1}).Import(ctx, "testdata/rpp"); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled import: %v", err)
	}
}

func TestImportReadsJSONLD(t *testing.T) {
	dir := t.TempDir()
	data, err := os.ReadFile("testdata/rpp/agendy.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "agendy.jsonld"), data, 0o600); err != nil {
		t.Fatal(err)
	}
	m, err := (&Importer{Now: fixtureNow}).Import(context.Background(), dir)
	if err != nil || len(m.Agendas) != 2 {
		t.Fatalf("jsonld import: %v, %d agendas", err, len(m.Agendas))
	}
}

// streamCases are malformed datasets streamItems must refuse with a clear
// error, and the good ones it must read.
var streamCases = []struct {
	name    string
	in      string
	records int
	err     string
}{
	{"minimal", `{"položky": []}`, 0, ""},
	{"context-skipped", `{"@context": {"a": [1, {"b": null}]}, "položky": [{"kód": "A1"}]}`, 1, ""},
	{"key-after-items", `{"položky": [{"kód": "A1"}, {"kód": "A2"}], "x": "y"}`, 2, ""},
	{"not-an-object", `["položky"]`, 0, `want "{"`},
	{"no-items", `{"items": []}`, 0, `no "položky" array`},
	{"items-not-array", `{"položky": {}}`, 0, `want "["`},
	{"record-not-object", `{"položky": [42]}`, 0, "cannot unmarshal number"},
	{"truncated", `{"položky": [{"kód": "A1"}`, 1, "EOF|unexpected end of JSON input"},
	{"trailing-data", `{"položky": []} {}`, 0, "data after the top-level object"},
	{"items-twice", `{"položky": [], "položky": []}`, 0, "appears twice"},
	{"record-too-large", `{"položky": [{"kód": "` + strings.Repeat("x", 2048) + `"}]}`, 0, "too large"},
	{"skipped-value-too-large", `{"x": "` + strings.Repeat("x", 2048) + `", "položky": []}`, 0, "too large"},
	{"deep-skipped-value", `{"x": ` + strings.Repeat("[", 1100) + strings.Repeat("]", 1100) + `, "položky": []}`, 0, "nested too deeply"},
	{"empty", ``, 0, "EOF|unexpected end of JSON input"},
}

func TestStreamItems(t *testing.T) {
	for _, tc := range streamCases {
		t.Run(tc.name, func(t *testing.T) {
			n := 0
			err := streamItems(context.Background(), strings.NewReader(tc.in), 1024,
				func(int64) error { n++; return nil },
				func(dec *json.Decoder) error { var a rppAgenda; return dec.Decode(&a) })
			// tc.err lists alternatives split by "|": encoding/json words a
			// truncated input differently across Go releases.
			if tc.err == "" && err != nil || tc.err != "" && (err == nil || !containsAny(err.Error(), strings.Split(tc.err, "|"))) {
				t.Fatalf("err = %v, want %q", err, tc.err)
			}
			if n != tc.records {
				t.Errorf("records = %d, want %d", n, tc.records)
			}
		})
	}
}

// TestStreamItemsBoundedMemory streams a large generated dataset and checks
// that memory does not grow with the file.
func TestStreamItemsBoundedMemory(t *testing.T) {
	const records = 80_000 // ~16 MB of JSON
	r := &repeatReader{head: `{"položky": [`, rec: `{"type": "působnost", "id": "působnost/A1153/75092107", "registrace": {"agenda": "agenda/A1153", "ovm": "orgán-veřejné-moci/75092107", "datum": "2019-12-17"}, "činnosti": ["činnost/A1153/CR7947"]}`, n: records, tail: `]}`}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	n := 0
	peak := uint64(0)
	err := streamItems(context.Background(), r, MaxRPPRecord, func(int64) error {
		n++
		if n%20_000 == 0 {
			runtime.ReadMemStats(&after)
			peak = max(peak, after.HeapInuse)
		}
		return nil
	}, func(dec *json.Decoder) error { var p rppPusobnost; return dec.Decode(&p) })
	if err != nil || n != records {
		t.Fatalf("n = %d, err = %v", n, err)
	}
	if grown := int64(peak) - int64(before.HeapInuse); grown > 8<<20 {
		t.Errorf("heap grew by %d MB while streaming %d MB", grown>>20, r.size()>>20)
	}
}

type repeatReader struct {
	head, rec, tail string
	n, i            int
	buf             bytes.Buffer
}

func (r *repeatReader) size() int { return len(r.head) + r.n*(len(r.rec)+1) + len(r.tail) }

func (r *repeatReader) Read(p []byte) (int, error) {
	for r.buf.Len() < len(p) && r.i <= r.n+1 {
		switch {
		case r.i == 0:
			r.buf.WriteString(r.head)
		case r.i <= r.n:
			if r.i > 1 {
				r.buf.WriteByte(',')
			}
			r.buf.WriteString(r.rec)
		default:
			r.buf.WriteString(r.tail)
		}
		r.i++
	}
	if r.buf.Len() == 0 {
		return 0, io.EOF
	}
	return r.buf.Read(p)
}

// TestFixturesFollowOFN checks every field of the RPP fixtures against the
// official OFN schemas (names and patterns), so the fixtures are in the
// published format.
func TestFixturesFollowOFN(t *testing.T) {
	ofn := referenceDir(t, "rpp", "ofn")
	schemas := map[string]string{
		FileAgendas:     "agendy-2024-10-03/agendy.schema.json",
		FileOVM:         "organy-verejne-moci-2025-02-07/organy-verejne-moci.schema.json",
		FileSPUU:        "spuu-2025-02-07/spuu.schema.json",
		FilePusobnost:   "pusobnost-v-agendach-2021-01-12/pusobnost-v-agendach.schema.json",
		FileItems:       "udaje-2021-01-12/udaje.schema.json",
		FilePermissions: "opravneni-k-pristupu-k-udajum-2024-10-03/opravneni-k-pristupu-k-udajum.schema.json",
	}
	for file, schemaPath := range schemas {
		t.Run(file, func(t *testing.T) {
			var schema map[string]any
			readJSON(t, filepath.Join(ofn, schemaPath), &schema)
			var data any
			readJSON(t, filepath.Join("testdata/rpp", file), &data)
			obj := data.(map[string]any)
			delete(obj, "@context")
			checkAgainstSchema(t, file, obj, schema)
		})
	}
}

func checkAgainstSchema(t *testing.T, at string, v any, schema map[string]any) {
	t.Helper()
	switch v := v.(type) {
	case map[string]any:
		props, _ := schema["properties"].(map[string]any)
		if props == nil {
			return
		}
		for k, sub := range v {
			ps, ok := props[k].(map[string]any)
			if !ok {
				t.Errorf("%s: field %q is not in the OFN schema", at, k)
				continue
			}
			checkAgainstSchema(t, at+"."+k, sub, ps)
		}
	case []any:
		items, _ := schema["items"].(map[string]any)
		for i, e := range v {
			if items != nil {
				checkAgainstSchema(t, at+"["+strconv.Itoa(i)+"]", e, items)
			}
		}
	case string:
		if p, ok := schema["pattern"].(string); ok {
			re, err := regexp.Compile(p)
			if err != nil {
				t.Logf("%s: schema pattern %q does not compile in Go: %v", at, p, err)
				return
			}
			if !re.MatchString(v) {
				t.Errorf("%s: %q does not match the OFN pattern %s", at, v, p)
			}
		}
	}
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// referenceDir returns ../shared/reference/<elem...> relative to the module
// root, skipping the test when it is absent.
func referenceDir(t *testing.T, elem ...string) string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	dir := filepath.Dir(file)
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skip("module root not found")
		}
		dir = parent
	}
	p := filepath.Join(append([]string{dir, "..", "shared", "reference"}, elem...)...)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("reference material absent: %s", p)
	}
	return p
}

func containsAny(s string, subs []string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}
