package soap

import (
	"bytes"
	"encoding/xml"
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse checks that no input makes Parse panic, hang or return an
// envelope whose offsets do not describe a well-formed payload, and that
// the byte-level Parse agrees with the encoding/xml-based reference on
// every input: the same rejection code, or the same envelope and payload
// tokens. Seeds: testdata/*.xml, the differential cases and
// testdata/fuzz/FuzzParse.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.xml")
	for _, name := range files {
		if raw, err := os.ReadFile(name); err == nil {
			f.Add(raw)
		}
	}
	for _, c := range diffCases {
		f.Add([]byte(c))
	}
	lim := Limits{MaxBytes: 1 << 16, MaxDepth: 32, MaxElements: 2000, MaxAttrs: 16, MaxNameLen: 64}
	f.Fuzz(func(t *testing.T, raw []byte) {
		sameParse(t, raw, lim)
		env, err := Parse(raw, lim)
		if err != nil {
			return
		}
		if env.PayloadStart < 0 || env.PayloadEnd > len(raw) || env.PayloadStart >= env.PayloadEnd {
			t.Fatalf("bad payload span %d..%d of %d", env.PayloadStart, env.PayloadEnd, len(raw))
		}
		dec := xml.NewDecoder(bytes.NewReader(env.PayloadDocument()))
		for {
			_, err := dec.Token()
			if err != nil {
				if err.Error() != "EOF" {
					t.Fatalf("accepted envelope whose payload does not re-parse: %v", err)
				}
				return
			}
		}
	})
}
