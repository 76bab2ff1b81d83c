package breaker

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestThirdPartyImportsStayInTheirFile checks the rule that exactly one
// file imports each third-party library.
func TestThirdPartyImportsStayInTheirFile(t *testing.T) {
	allowed := map[string]string{
		"github.com/sony/gobreaker/v2":                   "gobreaker.go",
		"github.com/prometheus/client_golang/prometheus": "metrics.go",
	}
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), name, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			if !strings.Contains(strings.SplitN(p, "/", 2)[0], ".") {
				continue // standard library
			}
			if want, ok := allowed[p]; !ok || want != name {
				t.Errorf("%s imports %s; allowed: %v", name, p, allowed)
			}
		}
	}
}
