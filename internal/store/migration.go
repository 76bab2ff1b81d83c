package store

import (
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
)

// Migration is one versioned step of a backend's schema. Backends embed
// their migrations as files named NNNN_name.sql, apply every one whose
// version is not yet recorded in their schema_migrations table, each in its
// own transaction, and never edit a migration once released: a change to
// the schema is a new file.
type Migration struct {
	Version int
	Name    string
	SQL     string
}

// LoadMigrations reads the *.sql files at the root of fsys, named
// NNNN_name.sql with NNNN a positive version. The versions must run 1, 2, 3…
// without gaps or repeats. It returns them in version order.
func LoadMigrations(fsys fs.FS) ([]Migration, error) {
	names, err := fs.Glob(fsys, "*.sql")
	if err != nil {
		return nil, fmt.Errorf("store: list migrations: %w", err)
	}
	out := make([]Migration, 0, len(names))
	for _, name := range names {
		base := strings.TrimSuffix(path.Base(name), ".sql")
		num, label, ok := strings.Cut(base, "_")
		if !ok || label == "" {
			return nil, fmt.Errorf("store: migration %q: name must be NNNN_name.sql", name)
		}
		v, err := strconv.Atoi(num)
		if err != nil || v < 1 {
			return nil, fmt.Errorf("store: migration %q: version %q is not a positive number", name, num)
		}
		body, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("store: read migration %q: %w", name, err)
		}
		if strings.TrimSpace(string(body)) == "" {
			return nil, fmt.Errorf("store: migration %q is empty", name)
		}
		out = append(out, Migration{Version: v, Name: label, SQL: string(body)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	for i, m := range out {
		if m.Version != i+1 {
			if i > 0 && m.Version == out[i-1].Version {
				return nil, fmt.Errorf("store: migration version %d is used twice (%s, %s)", m.Version, out[i-1].Name, m.Name)
			}
			return nil, fmt.Errorf("store: migration version %d missing (next is %d_%s)", i+1, m.Version, m.Name)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("store: no migrations found")
	}
	return out, nil
}
