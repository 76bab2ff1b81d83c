package docsig

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestDoesNotImportWSSec checks that the package's non-test files do not
// import certs/wssec: what the two verifiers share (codes, trust, algorithm
// names, the `konektor xml verify` Report) lives in certs/xmlsig. The tests
// may use wssec (LoadTrust).
func TestDoesNotImportWSSec(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), name, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		checked++
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			if p == "konektor/certs/wssec" || strings.HasPrefix(p, "konektor/certs/wssec/") {
				t.Errorf("%s imports %s; use certs/xmlsig for what docsig shares with wssec", name, p)
			}
		}
	}
	if checked == 0 {
		wd, _ := os.Getwd()
		t.Fatalf("no Go files found in %s", wd)
	}
}
