package harness

import (
	"context"
	"os"
	"testing"

	"github.com/redis/go-redis/v9"
)

// TestDropRedisPrefix needs KONEKTOR_TEST_REDIS_URL; it removes only the
// keys under the prefix.
func TestDropRedisPrefix(t *testing.T) {
	url := os.Getenv("KONEKTOR_TEST_REDIS_URL")
	if url == "" {
		t.Skip("KONEKTOR_TEST_REDIS_URL not set")
	}
	opt, err := redis.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	c := redis.NewClient(opt)
	defer c.Close()
	ctx := context.Background()
	ids, _ := NewIDs()
	prefix := "konektor-bench-test:" + ids.Next() + ":"
	other := "konektor-bench-test:other:" + ids.Next()
	for _, k := range []string{prefix + "a", prefix + "b", other} {
		if err := c.Set(ctx, k, "x", 0).Err(); err != nil {
			t.Fatal(err)
		}
	}
	defer c.Del(ctx, other)
	if err := dropRedisPrefix(url, prefix); err != nil {
		t.Fatal(err)
	}
	if n, _ := c.Exists(ctx, prefix+"a", prefix+"b").Result(); n != 0 {
		t.Fatalf("%d keys left under the prefix", n)
	}
	if n, _ := c.Exists(ctx, other).Result(); n != 1 {
		t.Fatal("a key outside the prefix was removed")
	}
	if err := dropRedisPrefix("http://x", prefix); err == nil {
		t.Fatal("a bad URL was accepted")
	}
}
