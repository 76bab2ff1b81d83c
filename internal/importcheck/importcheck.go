// Package importcheck reads which files import what, for the tests that
// hold packages to their import rules (one file per third-party library,
// no import of a sibling package that a shared one replaces).
package importcheck

import (
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
)

// Importers returns, for each import path, the non-test Go files under dir
// (recursively; slash-separated and relative to dir) that import it.
func Importers(dir string) (map[string][]string, error) {
	out := make(map[string][]string)
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return err
		}
		for _, imp := range f.Imports {
			p, err := strconv.Unquote(imp.Path.Value)
			if err != nil {
				return err
			}
			out[p] = append(out[p], filepath.ToSlash(rel))
		}
		return nil
	})
	return out, err
}

// ThirdParty reports whether an import path is neither the standard
// library nor konektor's own.
func ThirdParty(path string) bool {
	return strings.Contains(strings.SplitN(path, "/", 2)[0], ".") && !strings.HasPrefix(path, "konektor/")
}
