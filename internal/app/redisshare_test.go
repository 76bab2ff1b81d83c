package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"
	"time"

	"konektor/gateway/cache/redis"
	"konektor/gateway/pipeline"
	"konektor/internal/config"
)

// testRedis returns KONEKTOR_TEST_REDIS_URL and a fresh key prefix whose
// keys are purged when the test ends; it skips without the variable.
func testRedis(t testing.TB) (url, prefix string) {
	t.Helper()
	url = os.Getenv("KONEKTOR_TEST_REDIS_URL")
	if url == "" {
		t.Skip("KONEKTOR_TEST_REDIS_URL is not set")
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	prefix = "konektor-test:" + hex.EncodeToString(b[:]) + ":"
	t.Cleanup(func() {
		c, err := redis.New(url, redis.Options{Prefix: prefix})
		if err != nil {
			t.Errorf("purge test keys: %v", err)
			return
		}
		defer c.Close()
		if _, err := c.Purge(context.Background()); err != nil {
			t.Errorf("purge test keys: %v", err)
		}
	})
	return url, prefix
}

// copyPKI copies a dev PKI into dir/pki, so that several konektor
// instances with their own data directories present and trust the same
// certificates.
func copyPKI(t testing.TB, from, dir string) {
	t.Helper()
	err := filepath.WalkDir(from, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		to := filepath.Join(dir, "pki", rel)
		if d.IsDir() {
			return os.MkdirAll(to, 0o700)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(to, b, 0o600)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestTwoInstancesShareRedisHits runs two konektor instances on one Redis:
// an E36 answer fetched through the first is a hit through the second for
// the same agency, with the second caller's own AgendaZadostId; another
// agency asking the same question never gets that entry.
func TestTwoInstancesShareRedisHits(t *testing.T) {
	url, prefix := testRedis(t)
	pkiDir := filepath.Join(t.TempDir(), "pki")
	initPKI(t, pkiDir)
	clk := newTestClock()
	node := startFaultNode(t, pkiDir, "cms1", clk)
	start := func() *instance {
		dir := t.TempDir()
		copyPKI(t, pkiDir, dir)
		return startClocked(t, dir, clk.Now, func(c *config.Config) {
			c.RedisURL = url
			c.Cache.RedisPrefix = prefix
			c.Upstreams.ISZR.Nodes = []config.Node{{Name: "cms1", URL: node.url}}
		})
	}
	a, b := start(), start()
	ask := func(in *instance, ag agency) string {
		t.Helper()
		id := newRequestID()
		resp, body := in.post(ag.cert, "/bus/iszr/E36", "IszrRuianCtiAdresu", e36Request(ag, clk.Now(), id))
		if resp.StatusCode != 200 || answerID(body) != id {
			t.Fatalf("HTTP %d, echoed id %q, want %s: %s", resp.StatusCode, answerID(body), id, body)
		}
		return resp.Header.Get(pipeline.CacheHeader)
	}
	steps := []struct {
		name     string
		in       *instance
		ag       agency
		want     string
		upstream int32 // node calls after the step
	}{
		{name: "agency-a-on-a-misses", in: a, ag: agencyA, want: "miss", upstream: 1},
		{name: "agency-a-on-b-hits", in: b, ag: agencyA, want: "hit", upstream: 1},
		{name: "agency-b-on-b-misses", in: b, ag: agencyB, want: "miss", upstream: 2},
		{name: "agency-b-on-a-hits-its-own", in: a, ag: agencyB, want: "hit", upstream: 2},
		{name: "agency-a-on-a-hits", in: a, ag: agencyA, want: "hit", upstream: 2},
	}
	for _, st := range steps {
		if got := ask(st.in, st.ag); got != st.want {
			t.Fatalf("%s: %s %q, want %q", st.name, pipeline.CacheHeader, got, st.want)
		}
		if got := node.calls.Load(); got != st.upstream {
			t.Fatalf("%s: %d upstream calls, want %d", st.name, got, st.upstream)
		}
	}
	// Keys live under the test's prefix only.
	c, err := redis.New(url, redis.Options{Prefix: prefix})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if n, err := c.Purge(ctx); err != nil || n != 2 {
		t.Fatalf("want 2 entries (one per agency) under %s, purged %d (%v)", prefix, n, err)
	}
}
