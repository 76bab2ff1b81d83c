package app

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/zap"

	"konektor/adapters/iszr"
	"konektor/adapters/iszr/sim"
	"konektor/certs"
	"konektor/gateway/audit"
	"konektor/gateway/breaker"
	"konektor/gateway/cache"
	"konektor/gateway/catalogue"
	"konektor/gateway/clients"
	"konektor/gateway/httpapi"
	"konektor/gateway/metrics"
	"konektor/gateway/pipeline"
	"konektor/gateway/soap"
	"konektor/internal/config"
	"konektor/internal/cputime"
	"konektor/internal/store"
	"konektor/policies"
)

// The hit-path benchmarks compare, for the same E36 question (a RÚIAN
// address read, cacheable), a cache hit through konektor's whole bus
// handler (edge, every pipeline stage, the access log made durable before
// the answer leaves) with a call of the ISZR sandbox's own handler. Both
// run in-process without TLS, with the same request bytes and a fresh
// AgendaZadostId per call, under b.RunParallel with benchParallelism
// callers per CPU: ns/op is the inverse of throughput.
//
//	go test -run x -bench HitPath -benchmem -count 5 ./internal/app
//	KONEKTOR_TEST_REDIS_URL=redis://127.0.0.1:6379/0 go test -run x -bench HitPath -benchmem -count 5 ./internal/app

// benchParallelism × GOMAXPROCS callers are in flight at once, as many
// agenda systems are; the access log commits their entries in batches.
const benchParallelism = 16

// requests makes E36 request bodies that differ only in AgendaZadostId.
type requests struct {
	template []byte
	at       int // offset of the 36-character id
	n        atomic.Uint64
}

const idPlaceholder = "00000000-0000-4000-8000-000000000000"

func newRequests(ag agency, now time.Time) *requests {
	t := e36Request(ag, now, idPlaceholder)
	return &requests{template: t, at: bytes.Index(t, []byte(idPlaceholder))}
}

// next returns a body with a request id not used before.
func (r *requests) next() []byte {
	b := bytes.Clone(r.template)
	n := r.n.Add(1)
	copy(b[r.at+24:r.at+36], fmt.Sprintf("%012x", n))
	copy(b[r.at:r.at+8], fmt.Sprintf("%08x", n>>48|0xbe000000))
	return b
}

// sink is a ResponseWriter that keeps only the status and the header.
type sink struct {
	h    http.Header
	code int
}

func (s *sink) Header() http.Header { return s.h }
func (s *sink) WriteHeader(code int) {
	if s.code == 0 {
		s.code = code
	}
}
func (s *sink) Write(b []byte) (int, error) {
	if s.code == 0 {
		s.code = 200
	}
	return len(b), nil
}

func (s *sink) reset() {
	clear(s.h)
	s.code = 0
}

// peerState is a TLS connection state presenting a dev PKI certificate.
func peerState(tb testing.TB, certFile string) *tls.ConnectionState {
	tb.Helper()
	kp, err := tls.LoadX509KeyPair(certFile, certFile[:len(certFile)-len(".pem")]+"-key.pem")
	if err != nil {
		tb.Fatal(err)
	}
	c, err := x509.ParseCertificate(kp.Certificate[0])
	if err != nil {
		tb.Fatal(err)
	}
	return &tls.ConnectionState{HandshakeComplete: true, PeerCertificates: []*x509.Certificate{c}}
}

// inproc serves a relay node's calls with a handler in this process, as
// if konektor's upstream identity had called over mTLS.
type inproc struct {
	h    http.Handler
	peer *tls.ConnectionState
}

func (p inproc) RoundTrip(r *http.Request) (*http.Response, error) {
	in := r.Clone(r.Context())
	in.TLS = p.peer
	in.RequestURI = r.URL.RequestURI()
	w := httptest.NewRecorder()
	p.h.ServeHTTP(w, in)
	return w.Result(), nil
}

// inprocKonektor assembles konektor's bus handler as Run does (store,
// access log, clients, catalogue, policy, ISZR adapter with its breaker
// pool, cache, pipeline, edge), with the ISZR node served by up in-process.
// A nil rec keeps the durable access log; otherwise rec replaces it.
func inprocKonektor(tb testing.TB, c config.Config, up http.Handler, rec pipeline.Recorder) http.Handler {
	tb.Helper()
	ctx := context.Background()
	log := zap.NewNop()
	now := time.Now
	if rec == nil {
		st, err := OpenStore(ctx, c, log)
		if err != nil {
			tb.Fatal(err)
		}
		r := audit.NewRecorder(st, audit.Options{Now: now, Logger: log, MaxBatch: c.Audit.MaxBatch, MaxDelay: c.Audit.MaxDelay.D()})
		tb.Cleanup(func() { _ = r.Close(ctx); st.Close() })
		rec = r
	}
	reg, err := clients.New(clientList(c))
	if err != nil {
		tb.Fatal(err)
	}
	cat, err := catalogue.Load()
	if err != nil {
		tb.Fatal(err)
	}
	bm, cm := breaker.NewMetrics(), cache.NewMetrics()
	up2, nodes, err := buildISZR(c, []config.Node{{Name: "sandbox", URL: "https://sandbox.invalid/publikace"}}, now, nil, bm, log)
	if err != nil {
		tb.Fatal(err)
	}
	nodes[0].HTTP.Transport = inproc{h: up, peer: peerState(tb, certs.DevPKIPaths(c.PKIDir()).Upstream)}
	answers, _, closeCache, err := buildCache(c, now)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(closeCache)
	h, err := pipeline.New(pipeline.Deps{
		Now: now, Logger: log,
		Limits:    soap.Limits{MaxBytes: c.Limits.MaxBodyBytes, MaxDepth: c.Limits.MaxDepth, MaxElements: c.Limits.MaxElements, MaxAttrs: c.Limits.MaxAttrs, MaxNameLen: 256},
		Catalogue: cat, Clients: reg,
		Upstreams: map[string]pipeline.Upstream{"iszr": up2},
		Policy:    policies.Demo(), Recorder: rec, Observer: metrics.New(),
		Cache: answers, CacheRules: cacheRules(c), CacheMetrics: cm,
	})
	if err != nil {
		tb.Fatal(err)
	}
	return httpapi.NewBus(httpapi.BusOptions{Pipeline: h, Now: now, Logger: log,
		MaxBodyBytes: c.Limits.MaxBodyBytes, WSDL: wsdlSource, BaseURL: "https://konektor.invalid"})
}

// discardRecorder stands in for the access log to show what the rest of
// the path costs.
type discardRecorder struct{}

func (discardRecorder) Record(_ context.Context, e store.AccessEntry) (store.AccessEntry, error) {
	return e, nil
}

// benchConfig is the default configuration in a fresh data directory with
// a dev PKI.
func benchConfig(tb testing.TB) config.Config {
	tb.Helper()
	dir := tb.TempDir()
	if err := certs.InitDevPKI(filepath.Join(dir, "pki"), certs.DevPKIOptions{}); err != nil {
		tb.Fatal(err)
	}
	c, err := config.Load("", []string{"KONEKTOR_DATA_DIR=" + dir})
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// serveLoop calls h in parallel with fresh E36 requests at path as the
// agency's certificate. Every answer must be 200; when wantCache is set,
// answers without that X-Konektor-Cache value (a cache read that timed out
// under load is served as a miss) are reported as non-wanted/op and fail
// the benchmark above 1%.
func serveLoop(b *testing.B, h http.Handler, path string, peer *tls.ConnectionState, reqs *requests, wantCache string) {
	b.Helper()
	call := func(w *sink) {
		r, _ := http.NewRequest(http.MethodPost, path, bytes.NewReader(reqs.next()))
		r.Header.Set("Content-Type", "text/xml; charset=utf-8")
		r.Header.Set("SOAPAction", `"IszrRuianCtiAdresu"`)
		r.RequestURI = path
		r.TLS = peer
		w.reset()
		h.ServeHTTP(w, r)
	}
	var other atomic.Int64
	b.ReportAllocs()
	b.SetParallelism(benchParallelism)
	b.ResetTimer()
	cpu := cputime.Start()
	b.RunParallel(func(pb *testing.PB) {
		w := &sink{h: http.Header{}}
		for pb.Next() {
			call(w)
			if w.code != 200 {
				b.Errorf("HTTP %d", w.code)
				return
			}
			if wantCache != "" && w.h.Get(pipeline.CacheHeader) != wantCache {
				other.Add(1)
			}
		}
	})
	// CPU per call says more than ns/op here: with the access log the
	// callers mostly wait for group commits.
	cpu.ReportPerOp(b)
	reportOther(b, other.Load(), wantCache)
}

// reportOther reports the answers not served as wantCache.
func reportOther(b *testing.B, n int64, wantCache string) {
	b.Helper()
	if wantCache == "" {
		return
	}
	b.ReportMetric(float64(n)/float64(b.N), "non-"+wantCache+"/op")
	if n*100 > int64(b.N) {
		b.Errorf("%d of %d answers were not a cache %s", n, b.N, wantCache)
	}
}

// checkOK makes one call and fails unless it is answered with VysledekKod
// OK and the wanted X-Konektor-Cache value ("" for the sandbox).
func checkOK(b *testing.B, h http.Handler, path string, peer *tls.ConnectionState, reqs *requests, wantCache string) {
	b.Helper()
	r := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(reqs.next()))
	r.Header.Set("Content-Type", "text/xml; charset=utf-8")
	r.Header.Set("SOAPAction", `"IszrRuianCtiAdresu"`)
	r.TLS = peer
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if st := iszr.ReadStatus(w.Body.Bytes()); w.Code != 200 || st.Kod != "OK" || w.Header().Get(pipeline.CacheHeader) != wantCache {
		b.Fatalf("HTTP %d %v cache %q, want OK and cache %q", w.Code, st, w.Header().Get(pipeline.CacheHeader), wantCache)
	}
}

func BenchmarkHitPath(b *testing.B) {
	c := benchConfig(b)
	pki := certs.DevPKIPaths(c.PKIDir())
	aisCert, _ := pki.Client(agencyA.cert)
	peer := peerState(b, aisCert)
	newSandbox := func() http.Handler {
		return sim.New(sim.Options{Policy: policies.Demo(), Connectors: []string{UpstreamCN}})
	}
	b.Run("direct-sandbox", func(b *testing.B) {
		h, reqs := newSandbox(), newRequests(agencyA, time.Now())
		checkOK(b, h, "/publikace/E36", peer, reqs, "")
		serveLoop(b, h, "/publikace/E36", peer, reqs, "")
	})
	konektor := func(b *testing.B, c config.Config, rec pipeline.Recorder) {
		h := inprocKonektor(b, c, newSandbox(), rec)
		reqs := newRequests(agencyA, time.Now())
		checkOK(b, h, "/bus/iszr/E36", peer, reqs, "miss")
		checkOK(b, h, "/bus/iszr/E36", peer, reqs, "hit")
		serveLoop(b, h, "/bus/iszr/E36", peer, reqs, "hit")
	}
	b.Run("konektor-memory-hit", func(b *testing.B) { konektor(b, c, nil) })
	b.Run("konektor-memory-hit-no-access-log", func(b *testing.B) { konektor(b, c, discardRecorder{}) })
	b.Run("konektor-redis-hit", func(b *testing.B) {
		rc := c
		rc.RedisURL, rc.Cache.RedisPrefix = testRedis(b)
		konektor(b, rc, nil)
	})
	b.Run("konektor-redis-hit-no-access-log", func(b *testing.B) {
		rc := c
		rc.RedisURL, rc.Cache.RedisPrefix = testRedis(b)
		konektor(b, rc, discardRecorder{})
	})
}

var _ http.ResponseWriter = (*sink)(nil)
