package docsig

import (
	"testing"

	"konektor/internal/importcheck"
)

// TestDoesNotImportWSSec checks that the package's non-test files do not
// import certs/wssec: what the two verifiers share (codes, trust, algorithm
// names, the `konektor xml verify` Report) lives in certs/xmlsig. The tests
// may use wssec (LoadTrust).
func TestDoesNotImportWSSec(t *testing.T) {
	got, err := importcheck.Importers(".")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) == 0 {
		t.Fatal("no imports found: not run in the package's directory?")
	}
	if files, ok := got["konektor/certs/wssec"]; ok {
		t.Errorf("%v import konektor/certs/wssec; use certs/xmlsig for what docsig shares with wssec", files)
	}
}
