package app

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/zap"

	"konektor/adapters/iszr"
	"konektor/certs"
	"konektor/gateway/pipeline"
	"konektor/internal/config"
)

// BenchmarkLoadMTLS is the load run over real mTLS on loopback: many
// agenda systems' connections (benchParallelism per CPU, kept alive) ask
// the same E36 question with fresh request ids, of the ISZR sandbox
// directly and of konektor (a cache hit, memory or Redis) in front of the
// same sandbox. Every call runs the TLS record layer, HTTP/1.1 on both
// ends and, for konektor, the whole pipeline with the durable access log.
// b.N bounds the count (use -benchtime Nx) and each call has a 10 s
// client timeout.
//
//	KONEKTOR_TEST_REDIS_URL=redis://127.0.0.1:6379/0 go test -run x -bench LoadMTLS -benchtime 5000x -count 5 ./internal/app
func BenchmarkLoadMTLS(b *testing.B) {
	dir := b.TempDir()
	pkiDir := filepath.Join(dir, "pki")
	initPKI(b, pkiDir)
	clk := newTestClock() // the sandbox's clock; nothing steps it
	node := startFaultNode(b, pkiDir, "cms1", clk)
	reqs := newRequests(agencyA, clk.Now())
	client := loadClient(b, pkiDir)

	b.Run("direct-sandbox", func(b *testing.B) {
		loadLoop(b, client, node.url+"/E36", reqs, "")
	})
	konektor := func(b *testing.B, mutate func(*config.Config)) {
		kdir := b.TempDir()
		copyPKI(b, pkiDir, kdir)
		bus := runKonektor(b, kdir, func(c *config.Config) {
			c.Upstreams.ISZR.Nodes = []config.Node{{Name: "cms1", URL: node.url}}
			if mutate != nil {
				mutate(c)
			}
		})
		url := "https://" + bus + "/bus/iszr/E36"
		for _, want := range []string{"miss", "hit"} {
			if got := loadCall(b, client, url, reqs.next()); got != want {
				b.Fatalf("warm-up: cache %q, want %s", got, want)
			}
		}
		loadLoop(b, client, url, reqs, "hit")
	}
	b.Run("konektor-memory-hit", func(b *testing.B) { konektor(b, nil) })
	b.Run("konektor-redis-hit", func(b *testing.B) {
		url, prefix := testRedis(b)
		konektor(b, func(c *config.Config) { c.RedisURL, c.Cache.RedisPrefix = url, prefix })
	})
}

// loadClient is agency A's HTTPS client: its dev PKI certificate, kept-alive
// connections enough for every parallel caller.
func loadClient(tb testing.TB, pkiDir string) *http.Client {
	tb.Helper()
	pki := certs.DevPKIPaths(pkiDir)
	pool, err := certs.LoadPool(pki.CA)
	if err != nil {
		tb.Fatal(err)
	}
	cf, kf := pki.Client(agencyA.cert)
	conf, err := certs.ClientTLS(cf, kf, pool)
	if err != nil {
		tb.Fatal(err)
	}
	tr := &http.Transport{TLSClientConfig: conf, MaxIdleConns: 256, MaxIdleConnsPerHost: 256, IdleConnTimeout: time.Minute}
	tb.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr, Timeout: 10 * time.Second}
}

// loadCall posts one E36 request and returns the X-Konektor-Cache header;
// it fails unless the answer is 200 with VysledekKod OK.
func loadCall(tb testing.TB, c *http.Client, url string, body []byte) string {
	tb.Helper()
	req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	req.Header.Set("Content-Type", "text/xml; charset=utf-8")
	req.Header.Set("SOAPAction", `"IszrRuianCtiAdresu"`)
	resp, err := c.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	got, _ := io.ReadAll(resp.Body)
	if st := iszr.ReadStatus(got); resp.StatusCode != 200 || st.Kod != "OK" {
		tb.Fatalf("HTTP %d %v", resp.StatusCode, st)
	}
	return resp.Header.Get(pipeline.CacheHeader)
}

// loadLoop runs b.N calls from benchParallelism × GOMAXPROCS callers and
// reports req/s; see serveLoop for wantCache.
func loadLoop(b *testing.B, c *http.Client, url string, reqs *requests, wantCache string) {
	b.Helper()
	var other atomic.Int64
	b.ReportAllocs()
	b.SetParallelism(benchParallelism)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(reqs.next()))
			req.Header.Set("Content-Type", "text/xml; charset=utf-8")
			req.Header.Set("SOAPAction", `"IszrRuianCtiAdresu"`)
			resp, err := c.Do(req)
			if err != nil {
				b.Error(err)
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 {
				b.Errorf("HTTP %d", resp.StatusCode)
				return
			}
			if wantCache != "" && resp.Header.Get(pipeline.CacheHeader) != wantCache {
				other.Add(1)
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
	reportOther(b, other.Load(), wantCache)
}

// runKonektor runs konektor (Run, real listeners on loopback) in dir until
// the benchmark ends and returns its bus address.
func runKonektor(tb testing.TB, dir string, mutate func(*config.Config)) string {
	tb.Helper()
	c, err := config.Load("", []string{
		"KONEKTOR_DATA_DIR=" + dir, "KONEKTOR_BUS_ADDR=127.0.0.1:0", "KONEKTOR_OPS_ADDR=127.0.0.1:0",
		"KONEKTOR_SANDBOX_ISDS_ADDR=127.0.0.1:0",
	})
	if err != nil {
		tb.Fatal(err)
	}
	mutate(&c)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	ready := make(chan string, 1)
	go func() {
		done <- Run(ctx, c, Options{Logger: zap.NewNop(), Ready: func(bus, _ string) { ready <- bus }})
	}()
	var bus string
	select {
	case bus = <-ready:
	case err := <-done:
		tb.Fatalf("konektor did not start: %v", err)
	case <-time.After(30 * time.Second):
		tb.Fatal("konektor did not start in 30 s")
	}
	tb.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			tb.Error("konektor did not stop in 30 s")
		}
	})
	return bus
}
