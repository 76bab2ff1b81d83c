package app

import (
	"context"
	"crypto/tls"
	"net"
	"net/http"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/zap"

	"konektor/adapters/iszr"
	"konektor/adapters/iszr/sim"
	"konektor/certs"
	"konektor/gateway/audit"
	"konektor/internal/config"
	"konektor/internal/store/sqlite"
	"konektor/policies"
)

// gatedUpstream is the ISZR sandbox behind a gate: requests wait until the
// test opens it, so they are provably in flight when konektor is told to
// stop.
func gatedUpstream(t *testing.T, pkiDir string) (url string, arrived *atomic.Int32, open func()) {
	t.Helper()
	pki := certs.DevPKIPaths(pkiDir)
	pool, err := certs.LoadPool(pki.CA)
	if err != nil {
		t.Fatal(err)
	}
	conf, err := certs.ServerTLS(pki.Server, pki.ServerKey, pool)
	if err != nil {
		t.Fatal(err)
	}
	s := sim.New(sim.Options{Policy: policies.Demo(), Connectors: []string{UpstreamCN}})
	gate := make(chan struct{})
	arrived = &atomic.Int32{}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		arrived.Add(1)
		<-gate
		s.ServeHTTP(w, r)
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: h, TLSConfig: conf}
	go srv.Serve(tls.NewListener(ln, conf))
	var once sync.Once
	open = func() { once.Do(func() { close(gate) }) }
	t.Cleanup(func() { open(); srv.Close() })
	return "https://" + ln.Addr().String() + "/publikace", arrived, open
}

// TestSIGTERMDrainsInFlight stops konektor while requests wait on the
// upstream: every one of them still gets its answer, and every answer has
// its access-log entry.
func TestSIGTERMDrainsInFlight(t *testing.T) {
	dir := t.TempDir()
	pkiDir := filepath.Join(dir, "pki")
	if err := certs.InitDevPKI(pkiDir, certs.DevPKIOptions{}); err != nil {
		t.Fatal(err)
	}
	upURL, arrived, open := gatedUpstream(t, pkiDir)
	in := startInstanceIn(t, dir, func(c *config.Config) {
		c.Upstreams.ISZR.Nodes = []config.Node{{Name: "gated", URL: upURL}}
	})
	const n = 16
	var wg sync.WaitGroup
	statuses := make([]string, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, body, err := in.tryPost("999002", "/bus/iszr/E256", "IszrRosCtiIco2", sampleE256())
			if err != nil {
				statuses[i] = err.Error()
				return
			}
			statuses[i] = resp.Status + " " + iszr.ReadStatus(body).String()
		}()
	}
	deadline := time.Now().Add(20 * time.Second)
	for arrived.Load() < n {
		if time.Now().After(deadline) {
			t.Fatalf("only %d of %d requests reached the upstream", arrived.Load(), n)
		}
		time.Sleep(5 * time.Millisecond)
	}
	stopped := make(chan error, 1)
	go func() { stopped <- in.stop() }()
	// konektor is draining now; let the upstream answer.
	time.Sleep(50 * time.Millisecond)
	open()
	wg.Wait()
	if err := <-stopped; err != nil {
		t.Fatal(err)
	}
	for i, s := range statuses {
		if s != "200 OK OK" {
			t.Fatalf("request %d: %s", i, s)
		}
	}
	st, err := sqlite.Open(context.Background(), filepath.Join(dir, "konektor.db"), zap.NewNop())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	rep, err := audit.Verify(context.Background(), st)
	if err != nil || !rep.OK || rep.Entries != n {
		t.Fatalf("want %d verified entries: %+v %v", n, rep, err)
	}
}
