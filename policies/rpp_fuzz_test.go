package policies

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzImportRPP feeds arbitrary bytes to every dataset reader: the import
// must not panic, and whatever it accepts must be a valid model.
func FuzzImportRPP(f *testing.F) {
	for _, tc := range streamCases {
		f.Add([]byte(tc.in))
	}
	files, _ := filepath.Glob("testdata/rpp/*.json")
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	readers := []func(*json.Decoder, *importState) error{
		readAgendas, readOVMs, readPusobnost, readItems, readPermissions,
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, read := range readers {
			m := &Model{}
			st := &importState{m: m, today: "2026-01-15", skip: func(string, ...any) {}}
			err := streamItems(context.Background(), strings.NewReader(string(data)), 1<<16,
				func(int64) error { return nil },
				func(dec *json.Decoder) error { return read(dec, st) })
			if err != nil {
				continue
			}
			m.Items = mergeItems(nil, m.Items)
			if err := m.Validate(); err != nil {
				t.Fatalf("import accepted an invalid model: %v", err)
			}
			if _, err := Compile(m); err != nil {
				t.Fatalf("imported model does not compile: %v", err)
			}
		}
	})
}
