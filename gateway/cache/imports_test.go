package cache

import (
	"testing"

	"konektor/internal/importcheck"
)

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
	got, err := importcheck.Importers(".")
	if err != nil {
		t.Fatal(err)
	}
	for path, files := range got {
		want, listed := allowed[path]
		if !listed {
			if importcheck.ThirdParty(path) {
				t.Errorf("%s imported by %v is not an allowed dependency of the cache", path, files)
			}
			continue
		}
		if len(files) != 1 || files[0] != want {
			t.Errorf("%s imported by %v, want only by %q", path, files, want)
		}
	}
}
