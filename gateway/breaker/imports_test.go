package breaker

import (
	"testing"

	"konektor/internal/importcheck"
)

// TestThirdPartyImportsStayInTheirFile checks the rule that exactly one
// file imports each third-party library.
func TestThirdPartyImportsStayInTheirFile(t *testing.T) {
	allowed := map[string]string{
		"github.com/sony/gobreaker/v2":                   "gobreaker.go",
		"github.com/prometheus/client_golang/prometheus": "metrics.go",
	}
	got, err := importcheck.Importers(".")
	if err != nil {
		t.Fatal(err)
	}
	for path, files := range got {
		if !importcheck.ThirdParty(path) {
			continue
		}
		if want, ok := allowed[path]; !ok || len(files) != 1 || files[0] != want {
			t.Errorf("%v import %s; allowed: %v", files, path, allowed)
		}
	}
}
