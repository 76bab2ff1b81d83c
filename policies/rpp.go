package policies

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// RPP open-data import. The datasets (rpp-opendata.egon.gov.cz/odrpp/
// datovasada/<name>.json, iszr-rpp note §4.3) are JSON objects whose
// top-level key "položky" holds an array of records; field names follow the
// OFN schemas. Files reach hundreds of megabytes (pusobnost_v_agendach.json
// about 660 MB), so each is streamed token by token and decoded one record
// at a time.
//
// What the open data do not hold (the E227 mapping of ISZR names to RPP
// údaje, role × eGON service links, AIS registrations) comes from the local
// YAML, merged over the imported model.

// Dataset file names, as published. A ".jsonld" distribution is read when
// the ".json" one is absent (same content plus "@context", which is skipped).
const (
	FileAgendas     = "agendy.json"
	FileOVM         = "ovm.json"
	FileSPUU        = "spuu.json"
	FilePusobnost   = "pusobnost_v_agendach.json"
	FileItems       = "udaje.json"
	FilePermissions = "opravneni_k_udajum.json"
)

// ErrNoDatasets is returned when a directory holds none of the datasets.
var ErrNoDatasets = errors.New("no RPP datasets found")

// ErrRecordTooLarge is returned for a record larger than MaxRPPRecord.
var ErrRecordTooLarge = errors.New("RPP record too large")

// MaxRPPRecord bounds one record of an RPP dataset.
const MaxRPPRecord = 16 << 20

// ImportProgress reports how far an import got.
type ImportProgress struct {
	File    string // dataset file name
	Records int64  // records read from this file so far
	Skipped int64  // records skipped (ended, or codes that do not parse)
	Bytes   int64  // bytes read from this file so far
	Size    int64  // size of the file
	Done    bool   // the file is finished
	// Problem describes the first skipped record of the file.
	Problem string
}

// Importer reads RPP open-data datasets into a Model.
type Importer struct {
	// Now gives the date against which ended agendas, activities, OVMs and
	// category memberships are left out; nil means time.Now.
	Now func() time.Time
	// Progress, if set, is called every ProgressEvery records and when a
	// file is done.
	Progress func(ImportProgress)
	// ProgressEvery defaults to 50 000 records.
	ProgressEvery int64
}

// ImportRPP reads the RPP datasets found in dir into a Model, reporting
// progress.
func ImportRPP(ctx context.Context, dir string, progress func(ImportProgress)) (*Model, error) {
	return (&Importer{Progress: progress}).Import(ctx, dir)
}

// Import reads the RPP datasets found in dir into a Model. Missing datasets
// are skipped; a directory with none of them is an error.
func (im *Importer) Import(ctx context.Context, dir string) (*Model, error) {
	now := time.Now
	if im.Now != nil {
		now = im.Now
	}
	today := now().Format(time.DateOnly)
	m := &Model{}
	steps := []struct {
		file string
		read func(dec *json.Decoder, st *importState) error
	}{
		{FileAgendas, readAgendas},
		{FileOVM, readOVMs},
		{FileSPUU, readOVMs},
		{FilePusobnost, readPusobnost},
		{FileItems, readItems},
		{FilePermissions, readPermissions},
	}
	found := 0
	for _, step := range steps {
		path, ok := datasetPath(dir, step.file)
		if !ok {
			continue
		}
		found++
		if err := im.importFile(ctx, path, step.file, m, today, step.read); err != nil {
			return nil, err
		}
	}
	if found == 0 {
		return nil, fmt.Errorf("%w in %s", ErrNoDatasets, dir)
	}
	m.Items = mergeItems(nil, m.Items) // udaje.json may repeat a code
	return m, nil
}

func datasetPath(dir, file string) (string, bool) {
	for _, name := range []string{file, strings.TrimSuffix(file, ".json") + ".jsonld"} {
		p := filepath.Join(dir, name)
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
			return p, true
		}
	}
	return "", false
}

// importState is what a record reader needs.
type importState struct {
	m     *Model
	today string // YYYY-MM-DD
	skip  func(format string, args ...any)
}

func (im *Importer) importFile(ctx context.Context, path, file string, m *Model, today string,
	read func(*json.Decoder, *importState) error) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("open %s: %w", file, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return fmt.Errorf("stat %s: %w", file, err)
	}
	p := ImportProgress{File: file, Size: st.Size()}
	every := im.ProgressEvery
	if every <= 0 {
		every = 50_000
	}
	state := &importState{m: m, today: today, skip: func(format string, args ...any) {
		p.Skipped++
		if p.Problem == "" {
			p.Problem = fmt.Sprintf(format, args...)
		}
	}}
	onRecord := func(bytes int64) error {
		p.Records++
		p.Bytes = bytes
		if p.Records%every == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
			if im.Progress != nil {
				im.Progress(p)
			}
		}
		return nil
	}
	if err := streamItems(ctx, f, MaxRPPRecord, onRecord, func(dec *json.Decoder) error { return read(dec, state) }); err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	p.Done, p.Bytes = true, p.Size
	if im.Progress != nil {
		im.Progress(p)
	}
	return nil
}

// guardReader counts bytes and fails once more than the record limit is
// read past the start of the current record.
type guardReader struct {
	r     io.Reader
	n     int64
	limit int64
}

func (g *guardReader) Read(b []byte) (int, error) {
	if g.n >= g.limit {
		return 0, ErrRecordTooLarge
	}
	if rest := g.limit - g.n; int64(len(b)) > rest {
		b = b[:rest]
	}
	n, err := g.r.Read(b)
	g.n += int64(n)
	return n, err
}

// streamItems walks the top-level object of a dataset, calls decodeOne for
// each element of "položky" and skips every other key.
// A record (or skipped value) larger than maxRecord bytes is an error.
func streamItems(ctx context.Context, r io.Reader, maxRecord int64, onRecord func(bytes int64) error, decodeOne func(*json.Decoder) error) error {
	g := &guardReader{r: r, limit: maxRecord}
	dec := json.NewDecoder(g)
	arm := func() { g.limit = dec.InputOffset() + maxRecord }
	if err := expectDelim(dec, '{'); err != nil {
		return err
	}
	seen := false
	for dec.More() {
		arm()
		tok, err := dec.Token()
		if err != nil {
			return fmt.Errorf("read key: %w", err)
		}
		key, _ := tok.(string)
		if key != "položky" {
			if err := skipValue(dec, arm); err != nil {
				return fmt.Errorf("skip %q: %w", key, err)
			}
			continue
		}
		if seen {
			return errors.New(`"položky" appears twice`)
		}
		seen = true
		if err := expectDelim(dec, '['); err != nil {
			return fmt.Errorf(`"položky": %w`, err)
		}
		for dec.More() {
			arm()
			if err := decodeOne(dec); err != nil {
				return fmt.Errorf("record at byte %d: %w", dec.InputOffset(), err)
			}
			if err := onRecord(dec.InputOffset()); err != nil {
				return err
			}
		}
		if err := expectDelim(dec, ']'); err != nil {
			return fmt.Errorf(`"položky": %w`, err)
		}
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	if err := expectDelim(dec, '}'); err != nil {
		return err
	}
	if !seen {
		return errors.New(`no "položky" array`)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errors.New("data after the top-level object")
	}
	return nil
}

func expectDelim(dec *json.Decoder, want json.Delim) error {
	tok, err := dec.Token()
	if err != nil {
		return fmt.Errorf("want %q: %w", want, err)
	}
	if d, ok := tok.(json.Delim); !ok || d != want {
		return fmt.Errorf("want %q, got %v", want, tok)
	}
	return nil
}

// maxSkipDepth bounds nesting in skipped values.
const maxSkipDepth = 1000

// skipValue consumes one JSON value token by token.
func skipValue(dec *json.Decoder, arm func()) error {
	depth := 0
	for {
		arm()
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			depth++
			if depth > maxSkipDepth {
				return errors.New("nested too deeply")
			}
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
		if depth == 0 {
			return nil
		}
	}
}
