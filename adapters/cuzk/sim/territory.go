package sim

import (
	"bufio"
	"bytes"
	_ "embed"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Kraj is a region (VÚSC code, e.g. 35 Jihočeský).
type Kraj struct {
	Kod   int
	Nazev string
}

// Okres is a district; NKraj is its region's VÚSC code.
type Okres struct {
	Kod   int
	Nazev string
	NKraj int
}

// Obec is a municipality (6-digit code, e.g. 550426 Mičovice).
type Obec struct {
	Kod    int
	Nazev  string
	Okres  int
	Status int // 1 military area, 2 obec, 3 město, 4 statutární město, 5 hlavní město, 6 městys
}

// KU is a cadastral territory (katastrální území, e.g. 693936 Jáma).
type KU struct {
	Kod   int
	Nazev string
	Obec  int
}

// CastObce is a part of a municipality (e.g. 93939 Jáma).
type CastObce struct {
	Kod   int
	Nazev string
	Obec  int
	PSC   int
}

// Territory holds the territorial code lists: regions, districts,
// municipalities, cadastral territories and parts of municipalities, each
// sorted by code.
type Territory struct {
	Kraje  []Kraj
	Okresy []Okres
	Obce   []Obec
	KU     []KU
	Casti  []CastObce

	// obecOkres is each municipality's district by the postcode list,
	// which fills in codes UI_OBEC lacks (Praha has no district there).
	obecOkres map[int]int

	kraj  map[int]*Kraj
	okres map[int]*Okres
	obec  map[int]*Obec
	ku    map[int]*KU
	cast  map[int]*CastObce
}

//go:embed uzemi.tsv
var uzemiTSV []byte

// BuiltinTerritory returns the table konektor carries: every region and
// district, and the municipalities, cadastral territories and parts of
// municipalities of the district of Prachatice (the district of ČÚZK's
// trial data), from ČÚZK's public code lists.
func BuiltinTerritory() *Territory {
	t, err := parseTSV(uzemiTSV)
	if err != nil {
		// The table is embedded and covered by tests; this cannot happen
		// in a released binary.
		return &Territory{}
	}
	return t
}

func parseTSV(data []byte) (*Territory, error) {
	t := &Territory{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	line := 0
	for sc.Scan() {
		line++
		text := sc.Text()
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		f := strings.Split(text, "\t")
		num := func(i int) int {
			if i >= len(f) {
				return -1
			}
			n, err := strconv.Atoi(f[i])
			if err != nil {
				return -1
			}
			return n
		}
		bad := fmt.Errorf("uzemi.tsv line %d: malformed %q", line, text)
		switch {
		case f[0] == "K" && len(f) == 3 && num(1) > 0:
			t.Kraje = append(t.Kraje, Kraj{Kod: num(1), Nazev: f[2]})
		case f[0] == "O" && len(f) == 4 && num(1) > 0 && num(3) > 0:
			t.Okresy = append(t.Okresy, Okres{Kod: num(1), Nazev: f[2], NKraj: num(3)})
		case f[0] == "B" && len(f) == 5 && num(1) > 0 && num(3) > 0 && num(4) >= 0:
			t.Obce = append(t.Obce, Obec{Kod: num(1), Nazev: f[2], Okres: num(3), Status: num(4)})
		case f[0] == "U" && len(f) == 4 && num(1) > 0 && num(3) > 0:
			t.KU = append(t.KU, KU{Kod: num(1), Nazev: f[2], Obec: num(3)})
		case f[0] == "C" && len(f) == 5 && num(1) > 0 && num(3) > 0 && num(4) >= 0:
			t.Casti = append(t.Casti, CastObce{Kod: num(1), Nazev: f[2], Obec: num(3), PSC: num(4)})
		default:
			return nil, bad
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return t, t.index()
}

// index sorts the lists, builds the lookups and checks that every
// reference resolves.
func (t *Territory) index() error {
	sort.Slice(t.Kraje, func(i, j int) bool { return t.Kraje[i].Kod < t.Kraje[j].Kod })
	sort.Slice(t.Okresy, func(i, j int) bool { return t.Okresy[i].Kod < t.Okresy[j].Kod })
	sort.Slice(t.Obce, func(i, j int) bool { return t.Obce[i].Kod < t.Obce[j].Kod })
	sort.Slice(t.KU, func(i, j int) bool { return t.KU[i].Kod < t.KU[j].Kod })
	sort.Slice(t.Casti, func(i, j int) bool { return t.Casti[i].Kod < t.Casti[j].Kod })
	t.kraj, t.okres, t.obec = map[int]*Kraj{}, map[int]*Okres{}, map[int]*Obec{}
	t.ku, t.cast = map[int]*KU{}, map[int]*CastObce{}
	var errs []error
	for i := range t.Kraje {
		t.kraj[t.Kraje[i].Kod] = &t.Kraje[i]
	}
	for i := range t.Okresy {
		o := &t.Okresy[i]
		t.okres[o.Kod] = o
		if t.kraj[o.NKraj] == nil {
			errs = append(errs, fmt.Errorf("okres %d: unknown kraj %d", o.Kod, o.NKraj))
		}
	}
	for i := range t.Obce {
		o := &t.Obce[i]
		t.obec[o.Kod] = o
		if t.okres[o.Okres] == nil {
			errs = append(errs, fmt.Errorf("obec %d: unknown okres %d", o.Kod, o.Okres))
		}
	}
	for i := range t.KU {
		k := &t.KU[i]
		t.ku[k.Kod] = k
		if t.obec[k.Obec] == nil {
			errs = append(errs, fmt.Errorf("k.ú. %d: unknown obec %d", k.Kod, k.Obec))
		}
	}
	for i := range t.Casti {
		c := &t.Casti[i]
		t.cast[c.Kod] = c
		if t.obec[c.Obec] == nil {
			errs = append(errs, fmt.Errorf("část obce %d: unknown obec %d", c.Kod, c.Obec))
		}
	}
	if len(errs) > 5 {
		errs = append(errs[:5], fmt.Errorf("and %d more", len(errs)-5))
	}
	return errors.Join(errs...)
}

// KrajOf, OkresOf, ObecOf, KUOf and CastOf look a code up.
func (t *Territory) KrajOf(kod int) (Kraj, bool)     { return get(t.kraj, kod) }
func (t *Territory) OkresOf(kod int) (Okres, bool)   { return get(t.okres, kod) }
func (t *Territory) ObecOf(kod int) (Obec, bool)     { return get(t.obec, kod) }
func (t *Territory) KUOf(kod int) (KU, bool)         { return get(t.ku, kod) }
func (t *Territory) CastOf(kod int) (CastObce, bool) { return get(t.cast, kod) }
func get[T any](m map[int]*T, k int) (T, bool) {
	v, ok := m[k]
	if !ok {
		var zero T
		return zero, false
	}
	return *v, true
}

// CodeListFiles are ČÚZK's public code lists as published (CSV,
// semicolon-separated, with a header row; CP1250 or UTF-8, CRLF or LF):
// UI_OBEC.csv and UI_KATASTRALNI_UZEMI.csv, and optionally the list of
// postcodes by part of municipality (comma-separated: kodcobce, nazcobce,
// psc, kodobce, nazobce, kodokresu, nazokresu, kodkraj, nazevkraj, …),
// which names districts and regions and gives the parts of
// municipalities.
type CodeListFiles struct {
	Obce io.Reader // UI_OBEC.csv, required
	KU   io.Reader // UI_KATASTRALNI_UZEMI.csv, required
	PSC  io.Reader // psc-list.csv, optional
}

// Codes of the capital: its region (VÚSC) and its municipality status.
const (
	krajPraha         = 19
	statusHlavniMesto = 5
)

// MaxCodeListBytes bounds each code-list file LoadTerritory reads.
const MaxCodeListBytes = 64 << 20

// LoadTerritory reads the full public code lists. Records with PLATI_DO
// set (abolished) are left out. Regions and districts come from the
// postcode list when given, else from the built-in table; municipalities
// whose district is unknown are an error.
func LoadTerritory(f CodeListFiles) (*Territory, error) {
	if f.Obce == nil || f.KU == nil {
		return nil, errors.New("cuzk sandbox: code lists: UI_OBEC and UI_KATASTRALNI_UZEMI are required")
	}
	t := &Territory{}
	if f.PSC != nil {
		if err := t.readPSC(f.PSC); err != nil {
			return nil, fmt.Errorf("cuzk sandbox: postcode list: %w", err)
		}
	} else {
		b := BuiltinTerritory()
		t.Kraje, t.Okresy = append([]Kraj(nil), b.Kraje...), append([]Okres(nil), b.Okresy...)
	}
	obce, err := readCSV(f.Obce, ';', []string{"KOD", "NAZEV", "STATUS_KOD", "POU_KOD", "OKRES_KOD"}, "PLATI_DO")
	if err != nil {
		return nil, fmt.Errorf("cuzk sandbox: UI_OBEC: %w", err)
	}
	okresy, capital := map[int]bool{}, 0
	for _, o := range t.Okresy {
		okresy[o.Kod] = true
		if o.NKraj == krajPraha {
			capital = o.Kod
		}
	}
	for _, r := range obce {
		o := Obec{Kod: atoi(r[0]), Nazev: r[1], Status: atoi(r[2]), Okres: atoi(r[4])}
		if o.Kod <= 0 || o.Nazev == "" {
			return nil, fmt.Errorf("cuzk sandbox: UI_OBEC: bad record %q", r)
		}
		if !okresy[o.Okres] {
			// UI_OBEC gives the capital no district; WSDP lists it
			// under the district Hlavní město Praha.
			if k, ok := t.obecOkres[o.Kod]; ok {
				o.Okres = k
			} else if o.Status == statusHlavniMesto && capital != 0 {
				o.Okres = capital
			}
		}
		t.Obce = append(t.Obce, o)
	}
	kus, err := readCSV(f.KU, ';', []string{"KOD", "NAZEV", "OBEC_KOD"}, "PLATI_DO")
	if err != nil {
		return nil, fmt.Errorf("cuzk sandbox: UI_KATASTRALNI_UZEMI: %w", err)
	}
	for _, r := range kus {
		k := KU{Kod: atoi(r[0]), Nazev: r[1], Obec: atoi(r[2])}
		if k.Kod <= 0 || k.Obec <= 0 || k.Nazev == "" {
			return nil, fmt.Errorf("cuzk sandbox: UI_KATASTRALNI_UZEMI: bad record %q", r)
		}
		t.KU = append(t.KU, k)
	}
	// Parts of municipalities whose municipality is not in UI_OBEC (the
	// postcode list may be older) are dropped rather than failing.
	known := map[int]bool{}
	for _, o := range t.Obce {
		known[o.Kod] = true
	}
	casti := t.Casti[:0]
	for _, c := range t.Casti {
		if known[c.Obec] {
			casti = append(casti, c)
		}
	}
	t.Casti = casti
	if err := t.index(); err != nil {
		return nil, fmt.Errorf("cuzk sandbox: code lists: %w", err)
	}
	return t, nil
}

func (t *Territory) readPSC(r io.Reader) error {
	rows, err := readCSV(r, ',', []string{"kodcobce", "nazcobce", "psc", "kodobce", "nazobce", "kodokresu", "nazokresu", "kodkraj", "nazevkraj"}, "")
	if err != nil {
		return err
	}
	kraje, okresy, casti := map[int]bool{}, map[int]bool{}, map[int]bool{}
	t.obecOkres = map[int]int{}
	for _, f := range rows {
		c := CastObce{Kod: atoi(f[0]), Nazev: f[1], PSC: atoi(f[2]), Obec: atoi(f[3])}
		o := Okres{Kod: atoi(f[5]), Nazev: f[6], NKraj: atoi(f[7])}
		k := Kraj{Kod: atoi(f[7]), Nazev: f[8]}
		if c.Kod <= 0 || c.Obec <= 0 || o.Kod <= 0 || k.Kod <= 0 || c.Nazev == "" || o.Nazev == "" || k.Nazev == "" {
			return fmt.Errorf("bad record %q", f)
		}
		if !kraje[k.Kod] {
			kraje[k.Kod] = true
			t.Kraje = append(t.Kraje, k)
		}
		if !okresy[o.Kod] {
			okresy[o.Kod] = true
			t.Okresy = append(t.Okresy, o)
		}
		if !casti[c.Kod] {
			casti[c.Kod] = true
			t.Casti = append(t.Casti, c)
		}
		t.obecOkres[c.Obec] = o.Kod
	}
	return nil
}

// readCSV reads a code list: it decodes CP1250 when the bytes are not
// UTF-8, finds the wanted columns by the header, and skips records whose
// skipIfSet column is filled. It returns the wanted columns in order.
func readCSV(r io.Reader, sep rune, want []string, skipIfSet string) ([][]string, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxCodeListBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxCodeListBytes {
		return nil, fmt.Errorf("file larger than %d bytes", MaxCodeListBytes)
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) {
		data = decodeCP1250(data)
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.Comma = sep
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("header: %w", err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.TrimSpace(h)] = i
	}
	idx := make([]int, len(want))
	for i, w := range want {
		c, ok := col[w]
		if !ok {
			return nil, fmt.Errorf("column %s missing (have %v)", w, header)
		}
		idx[i] = c
	}
	skip := -1
	if skipIfSet != "" {
		if c, ok := col[skipIfSet]; ok {
			skip = c
		}
	}
	var out [][]string
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		if skip >= 0 && skip < len(rec) && strings.TrimSpace(rec[skip]) != "" {
			continue
		}
		row := make([]string, len(idx))
		for i, c := range idx {
			if c >= len(rec) {
				return nil, fmt.Errorf("line %d: %d fields, column %s missing", line, len(rec), want[i])
			}
			row[i] = strings.TrimSpace(rec[c])
		}
		out = append(out, row)
	}
}

func atoi(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		return -1
	}
	return n
}
