package soap

import (
	"bytes"
	"encoding/xml"
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse checks that no input makes Parse panic, hang or return an
// envelope whose offsets do not describe a well-formed payload.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.xml")
	for _, name := range files {
		if raw, err := os.ReadFile(name); err == nil {
			f.Add(raw)
		}
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		env, err := Parse(raw, Limits{MaxBytes: 1 << 16, MaxDepth: 32, MaxElements: 2000, MaxAttrs: 16, MaxNameLen: 64})
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
