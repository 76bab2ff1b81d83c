package cache

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// importers returns, for each import path, the non-test files under dir
// (relative to dir) that import it.
func importers(t *testing.T, dir string) map[string][]string {
	t.Helper()
	out := make(map[string][]string)
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			out[p] = append(out[p], filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestThirdPartyImportsStayInTheirFile checks the rule that exactly one
// file imports each third-party library.
func TestThirdPartyImportsStayInTheirFile(t *testing.T) {
	allowed := map[string]string{
		"github.com/redis/go-redis/v9":                    "redis/redis.go",
		"github.com/redis/go-redis/v9/maintnotifications": "redis/redis.go",
		"github.com/prometheus/client_golang/prometheus":  "metrics.go",
		"github.com/alicebob/miniredis/v2":                "", // tests only
		"github.com/labstack/echo/v4":                     "", // the HTTP edge only
		"github.com/sony/gobreaker/v2":                    "", // the breaker package only
	}
	got := importers(t, ".")
	for path, files := range got {
		want, listed := allowed[path]
		if !listed {
			if strings.Contains(strings.SplitN(path, "/", 2)[0], ".") && !strings.HasPrefix(path, "konektor/") {
				t.Errorf("%s imported by %v is not an allowed dependency of the cache", path, files)
			}
			continue
		}
		if len(files) != 1 || files[0] != want {
			t.Errorf("%s imported by %v, want only by %q", path, files, want)
		}
	}
}
