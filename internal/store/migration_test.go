package store_test

import (
	"strings"
	"testing"
	"testing/fstest"

	"konektor/internal/store"
)

func TestLoadMigrations(t *testing.T) {
	t.Parallel()
	file := func(body string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(body)} }
	for _, c := range []struct {
		name     string
		fsys     fstest.MapFS
		want     []int // versions, when valid
		wantErr  string
		wantName string
	}{
		{"ordered-by-version", fstest.MapFS{
			"0002_second.sql": file("B"), "0001_first.sql": file("A"), "0010_tenth.sql": file("J"),
			"0003_a.sql": file("C"), "0004_b.sql": file("D"), "0005_c.sql": file("E"), "0006_d.sql": file("F"),
			"0007_e.sql": file("G"), "0008_f.sql": file("H"), "0009_g.sql": file("I"), "README.md": file("x"),
		}, []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, "", "first"},
		{"none", fstest.MapFS{"README.md": file("x")}, nil, "no migrations", ""},
		{"gap", fstest.MapFS{"0001_a.sql": file("A"), "0003_c.sql": file("C")}, nil, "version 2 missing", ""},
		{"duplicate", fstest.MapFS{"0001_a.sql": file("A"), "1_b.sql": file("B")}, nil, "used twice", ""},
		{"no-name", fstest.MapFS{"0001.sql": file("A")}, nil, "NNNN_name.sql", ""},
		{"empty-name", fstest.MapFS{"0001_.sql": file("A")}, nil, "NNNN_name.sql", ""},
		{"not-a-number", fstest.MapFS{"first_a.sql": file("A")}, nil, "not a positive number", ""},
		{"zero", fstest.MapFS{"0000_a.sql": file("A")}, nil, "not a positive number", ""},
		{"empty-file", fstest.MapFS{"0001_a.sql": file(" \n")}, nil, "is empty", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := store.LoadMigrations(c.fsys)
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("LoadMigrations = %v, want an error mentioning %q", err, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("LoadMigrations: %v", err)
			}
			if len(got) != len(c.want) {
				t.Fatalf("got %d migrations, want %d", len(got), len(c.want))
			}
			for i, m := range got {
				if m.Version != c.want[i] {
					t.Fatalf("migration %d has version %d, want %d", i, m.Version, c.want[i])
				}
			}
			if got[0].Name != c.wantName || got[0].SQL != "A" {
				t.Fatalf("first migration = %+v, want name %q and SQL %q", got[0], c.wantName, "A")
			}
		})
	}
}
