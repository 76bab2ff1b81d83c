package app

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"os"
	"runtime/debug"
	"strconv"
	"sync/atomic"
	"time"

	"go.uber.org/zap"

	"konektor/adapters/isds"
	"konektor/adapters/relay"
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
	"konektor/internal/store"
	"konektor/wsdl"
	cuzkwsdl "konektor/wsdl/cuzk"
	isdswsdl "konektor/wsdl/isds"
)

// Options are what Run needs besides the configuration.
type Options struct {
	Now    func() time.Time
	Logger *zap.Logger
	// Out receives the start banner (URLs and a sample request).
	Out io.Writer
	// Ready, if set, is called with the bound addresses once both
	// listeners accept connections.
	Ready func(bus, ops string)
	// Sleep waits between retries of safe reads; nil waits on a real timer.
	// Tests pass one driven by their clock.
	Sleep func(ctx context.Context, d time.Duration) error
}

// Run starts konektor and blocks until ctx ends; then it stops accepting,
// lets requests in flight finish (bus.drain_timeout), flushes the access
// log and closes the store.
func Run(ctx context.Context, c config.Config, o Options) error {
	log := o.Logger
	if o.Now == nil {
		o.Now = time.Now
	}
	gc := applyGCPercent(c.Runtime, os.Getenv("GOGC"))
	if err := certs.EnsureDevPKI(c.PKIDir(), certs.DevPKIOptions{Now: o.Now}); err != nil {
		return fmt.Errorf("dev PKI: %w", err)
	}
	st, err := OpenStore(ctx, c, log)
	if err != nil {
		return err
	}
	defer st.Close()
	ap, err := buildAudit(c, st, o.Now, log.Named("audit"))
	if err != nil {
		return err
	}
	rec := audit.NewRecorder(st, audit.Options{Now: o.Now, Logger: log.Named("audit"),
		MaxBatch: c.Audit.MaxBatch, MaxDelay: c.Audit.MaxDelay.D(), OnCommit: ap.Checkpointer.Notify, Bodies: ap.Bodies})
	ap.Checkpointer.Start()
	recClosed := false
	defer func() { // on an early return; the normal path closes after draining
		if !recClosed {
			_ = rec.Close(context.Background())
			_ = ap.Checkpointer.Stop(context.Background())
		}
	}()
	reg, err := clients.New(clientList(c))
	if err != nil {
		return err
	}
	cat, err := catalogue.Load()
	if err != nil {
		return err
	}
	m := metrics.New()
	pol, err := startPolicy(ctx, c, m, log.Named("policy"))
	if err != nil {
		return err
	}

	nodes := c.Upstreams.ISZR.Nodes
	var sb *Sandboxes
	if c.UsesSandbox() {
		sb, err = StartSandboxes(c, pol, o.Now, log)
		if err != nil {
			return err
		}
		defer sb.Close(context.Background())
		nodes = []config.Node{{Name: "sandbox", URL: sb.ISZRURL}}
	}
	bm := breaker.NewMetrics()
	cm := cache.NewMetrics()
	m.Registry.MustRegister(bm, cm)
	iszrUp, relayNodes, err := buildISZR(c, nodes, o.Now, o.Sleep, bm, log.Named("iszr"))
	if err != nil {
		return err
	}
	upstreams := map[string]pipeline.Upstream{"iszr": iszrUp}
	holds, _ := st.(store.CUZKHoldStore)
	cz, err := addCUZK(ctx, c, o, cat, upstreams, pol, holds, m, bm, log)
	if err != nil {
		return err
	}
	defer cz.Close(context.Background())
	drafts, _ := st.(store.DraftStore)
	dz, err := addISDS(c, o, cat, upstreams, pol, drafts, bm, log)
	if err != nil {
		return err
	}
	defer dz.Close(context.Background())
	subjects, err := subjectHasher(c)
	if err != nil {
		return err
	}
	verifiers, err := buildVerifiers(c, o.Now)
	if err != nil {
		return err
	}
	seal, err := buildSealer(c, o.Now, log)
	if err != nil {
		return err
	}
	answerCache, cachePing, closeCache, err := buildCache(c, o.Now)
	if err != nil {
		return err
	}
	defer closeCache()
	h, err := pipeline.New(pipeline.Deps{
		Now: o.Now, Logger: log.Named("pipeline"),
		Limits:    soap.Limits{MaxBytes: c.Limits.MaxBodyBytes, MaxDepth: c.Limits.MaxDepth, MaxElements: c.Limits.MaxElements, MaxAttrs: c.Limits.MaxAttrs, MaxNameLen: 256},
		Catalogue: cat, Clients: reg,
		Upstreams: upstreams,
		Policy:    pol, Recorder: rec, Observer: m,
		Cache: answerCache, CacheRules: cacheRules(c), CacheMetrics: cm,
		Verifiers: verifiers, Sealer: seal, Subjects: subjects,
	})
	if err != nil {
		return err
	}

	busTLS, err := busTLS(c.Bus)
	if err != nil {
		return err
	}
	// Auditors may sign in with a password, so the bus asks for a client
	// certificate without requiring one; the pipeline's Identify stage
	// still refuses (and records) every bus call without one.
	busTLS.ClientAuth = tls.VerifyClientCertIfGiven
	web, err := auditWeb(ctx, c, st, rec, ap, o.Now, log.Named("audit"))
	if err != nil {
		return err
	}
	busLn, err := net.Listen("tcp", c.Bus.Addr)
	if err != nil {
		return fmt.Errorf("bus listener: %w", err)
	}
	opsLn, err := net.Listen("tcp", c.Ops.Addr)
	if err != nil {
		busLn.Close()
		return fmt.Errorf("ops listener: %w", err)
	}
	busURL := "https://" + busLn.Addr().String()
	var draining atomic.Bool
	busMux := http.NewServeMux()
	busMux.Handle("/audit/", web.Handler)
	busMux.Handle("/", httpapi.NewBus(httpapi.BusOptions{Pipeline: h, Now: o.Now, Logger: log.Named("bus"),
		MaxBodyBytes: c.Limits.MaxBodyBytes, WSDL: wsdlSource, BaseURL: firstNonEmpty(c.Bus.PublicBaseURL, busURL),
		MaxConcurrent: c.Bus.MaxConcurrent}))
	busSrv := &http.Server{
		Handler:           busMux,
		TLSConfig:         busTLS,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       c.Bus.ReadTimeout.D(),
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    busMaxHeaderBytes,
		ErrorLog:          zap.NewStdLog(log.Named("bus.http")),
	}
	opsSrv := &http.Server{
		Handler: cz.Ops(httpapi.NewOps(httpapi.OpsOptions{
			Checks:   append(readiness(c, st, upstreamNodes(relayNodes, cz), cachePing, o.Now), dz.ReadyChecks()...),
			Metrics:  m.Handler(),
			SetReady: func(ok bool) { m.Ready.Set(b2f(ok)) },
			Draining: draining.Load,
		})),
		ReadHeaderTimeout: 5 * time.Second,
	}
	exportCertExpiry(c, m)
	errc := make(chan error, 2)
	go func() { errc <- serve(busSrv, tls.NewListener(busLn, busTLS)) }()
	go func() { errc <- serve(opsSrv, opsLn) }()
	log.Info("konektor started", zap.String("bus", busURL), zap.String("ops", "http://"+opsLn.Addr().String()),
		zap.Bool("sandbox", sb != nil), zap.String("data_dir", c.DataDir), zap.String("memory_limit", memoryLimit()), zap.String("gc_percent", gc))
	if o.Out != nil {
		printBanner(o.Out, c, busURL, "http://"+opsLn.Addr().String())
		cz.printBanner(o.Out, busURL)
		dz.printBanner(o.Out, busURL)
	}
	if o.Ready != nil {
		o.Ready(busLn.Addr().String(), opsLn.Addr().String())
	}

	var runErr error
	select {
	case <-ctx.Done():
	case runErr = <-errc:
	}
	draining.Store(true)
	log.Info("draining requests in flight", zap.Duration("timeout", c.Bus.DrainTimeout.D()))
	sctx, cancel := context.WithTimeout(context.Background(), c.Bus.DrainTimeout.D())
	defer cancel()
	if err := busSrv.Shutdown(sctx); err != nil {
		log.Warn("bus drain incomplete", zap.Error(err))
	}
	_ = opsSrv.Shutdown(sctx)
	recClosed = true
	if err := rec.Close(sctx); err != nil {
		log.Error("access log flush failed", zap.Error(err))
		runErr = errors.Join(runErr, err)
	}
	if err := ap.Checkpointer.Stop(sctx); err != nil { // a last checkpoint over the final head
		log.Warn("final checkpoint failed", zap.Error(err))
	}
	log.Info("konektor stopped")
	return runErr
}

// applyGCPercent sets the collector's target to runtime.gc_percent unless
// the GOGC environment variable (gogc) already chose one, and names the
// setting in effect for the start-up log.
func applyGCPercent(c config.Runtime, gogc string) string {
	if gogc != "" {
		return gogc + " (GOGC)"
	}
	debug.SetGCPercent(c.GCPercent)
	return strconv.Itoa(c.GCPercent) + " (runtime.gc_percent)"
}

// memoryLimit names the Go runtime's soft memory limit, which konektor
// leaves to the GOMEMLIMIT environment variable (see README, "Memory").
func memoryLimit() string {
	return memoryLimitOf(debug.SetMemoryLimit(-1)) // -1 reads without changing it
}

func memoryLimitOf(n int64) string {
	if n == math.MaxInt64 {
		return "none (GOMEMLIMIT unset)"
	}
	return strconv.FormatInt(n>>20, 10) + " MiB (GOMEMLIMIT)"
}

// busMaxHeaderBytes bounds a request's header block on the bus (net/http's
// default is 1 MiB): SOAP callers send a few hundred bytes and the auditor
// UI one session cookie, while a thousand open connections each sending a
// megabyte of headers would hold a gigabyte.
const busMaxHeaderBytes = 64 << 10

func serve(s *http.Server, ln net.Listener) error {
	if err := s.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func clientList(c config.Config) []clients.Client {
	out := make([]clients.Client, 0, len(c.Clients))
	for _, cl := range c.Clients {
		out = append(out, clients.Client{Name: cl.Name, AIS: cl.AIS, OVM: cl.OVM, ActsFor: cl.ActsFor, Roles: cl.Roles,
			RequireSigned: cl.RequireSignedRequests, Seal: cl.SealResponses})
	}
	return out
}

func upstreamTLS(u config.Upstream) (*tls.Config, error) {
	pool, err := certs.LoadPool(u.CA)
	if err != nil {
		return nil, fmt.Errorf("upstream CA: %w", err)
	}
	return certs.ClientTLS(u.Cert, u.Key, pool)
}

func busTLS(b config.Bus) (*tls.Config, error) {
	pool, err := certs.LoadPool(b.ClientCA)
	if err != nil {
		return nil, fmt.Errorf("client CA: %w", err)
	}
	return certs.ServerTLS(b.Cert, b.Key, pool)
}

func wsdlSource(upstream, code, location string) ([]byte, bool) {
	if upstream == isds.Upstream {
		return isdswsdl.WSDLAt(code, location)
	}
	if upstream == "cuzk" {
		return cuzkwsdl.WSDLAt(code, location)
	}
	if upstream != "iszr" {
		return nil, false
	}
	return wsdl.ISZRAt(code, location)
}

// upstreamNodes lists the ISZR and ČÚZK nodes /readyz checks, named by
// upstream; the ISDS nodes bring their own checks (ISDS.ReadyChecks).
func upstreamNodes(iszrNodes []*relay.Node, cz *CUZK) map[string][]*relay.Node {
	m := map[string][]*relay.Node{"iszr": iszrNodes}
	if cz != nil && cz.Node != nil {
		m["cuzk"] = []*relay.Node{cz.Node}
	}
	return m
}

func readiness(c config.Config, st store.Store, nodes map[string][]*relay.Node, cachePing func(context.Context) error, now func() time.Time) []httpapi.Check {
	checks := []httpapi.Check{{Name: "store", Run: st.Ping}}
	if cachePing != nil {
		checks = append(checks, httpapi.Check{Name: "cache", Run: cachePing})
	}
	for _, up := range []string{"iszr", "cuzk", "isds"} {
		seen := map[string]bool{}
		for _, n := range nodes[up] {
			name := "upstream:" + up + ":" + n.Name
			if seen[n.Base] { // several ISDS accounts may share one endpoint
				continue
			}
			seen[n.Base] = true
			checks = append(checks, httpapi.Check{Name: name, Run: func(ctx context.Context) error { return n.Reachable(ctx) }})
		}
	}
	checks = append(checks, httpapi.Check{Name: "certificates", Warn: true, Run: func(context.Context) error {
		return certExpiryWarning(c, now())
	}})
	return checks
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
