package app

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"go.uber.org/zap"

	"konektor/adapters/iszr/sim"
	"konektor/certs"
	"konektor/gateway/breaker"
	"konektor/gateway/catalogue"
	"konektor/gateway/metrics"
	"konektor/gateway/pipeline"
	"konektor/internal/config"
	"konektor/policies"
)

// UpstreamCN is the CN of konektor's own upstream identity in the dev PKI;
// the sandboxes trust it as a central AIS acting for the AIS named in the
// message.
const UpstreamCN = "konektor"

// Sandboxes are the in-process upstream sandboxes.
type Sandboxes struct {
	ISZRURL string
	servers []*http.Server
}

// StartSandboxes starts the ISZR sandbox on its own mTLS port.
func StartSandboxes(c config.Config, policy sim.Authorizer, now func() time.Time, log *zap.Logger) (*Sandboxes, error) {
	pki := certs.DevPKIPaths(c.PKIDir())
	pool, err := certs.LoadPool(pki.CA)
	if err != nil {
		return nil, err
	}
	tlsConf, err := certs.ServerTLS(pki.Server, pki.ServerKey, pool)
	if err != nil {
		return nil, err
	}
	faults, err := sandboxFaults(c.Sandbox.Faults, now)
	if err != nil {
		return nil, err
	}
	tlsConf = faults.TLSConfig(tlsConf)
	h := sim.New(sim.Options{Now: now, Logger: log.Named("sandbox.iszr"), Policy: policy, Connectors: []string{UpstreamCN}, Faults: faults})
	ln, err := net.Listen("tcp", c.Sandbox.ISZRAddr)
	if err != nil {
		return nil, fmt.Errorf("ISZR sandbox: %w", err)
	}
	srv := &http.Server{Handler: h, TLSConfig: tlsConf, ReadHeaderTimeout: 10 * time.Second,
		ErrorLog: zap.NewStdLog(log.Named("sandbox.iszr.http"))}
	go func() {
		if err := srv.Serve(tls.NewListener(ln, tlsConf)); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("ISZR sandbox stopped", zap.Error(err))
		}
	}()
	return &Sandboxes{ISZRURL: "https://" + ln.Addr().String() + "/publikace", servers: []*http.Server{srv}}, nil
}

// sandboxFaults builds the sandbox's fault injection from configuration
// (sandbox.faults); operators may change it at /control/faults.
func sandboxFaults(fc config.SandboxFaults, now func() time.Time) (*sim.Faults, error) {
	var ws []sim.OutageWindow
	for _, w := range fc.Outages {
		ws = append(ws, sim.OutageWindow{From: w.From, To: w.To, Mode: sim.FaultMode(w.Mode)})
	}
	f, err := sim.NewFaults(sim.FaultOptions{
		Initial: sim.FaultSettings{Latency: sim.FaultDuration(fc.Latency.D()), ErrorRate: fc.ErrorRate,
			ErrorMode: sim.FaultMode(fc.ErrorMode), TLSFailure: fc.TLSFailure, Outages: ws},
		Operators: fc.Operators, Seed: uint64(fc.Seed), Now: now,
	})
	if err != nil {
		return nil, fmt.Errorf("sandbox.faults: %w", err)
	}
	return f, nil
}

// Close stops the sandboxes.
func (s *Sandboxes) Close(ctx context.Context) {
	for _, srv := range s.servers {
		_ = srv.Shutdown(ctx)
	}
}

// RunSandboxes runs the sandboxes alone (`konektor sandbox`) until ctx
// ends. They check permissions with the configured policy, as ISZR checks
// RPP, and trust konektor's upstream identity as a central AIS.
func RunSandboxes(ctx context.Context, c config.Config, o Options) error {
	if o.Now == nil {
		o.Now = time.Now
	}
	if err := certs.EnsureDevPKI(c.PKIDir(), certs.DevPKIOptions{Now: o.Now}); err != nil {
		return fmt.Errorf("dev PKI: %w", err)
	}
	pol, err := LoadPolicy(c)
	if err != nil {
		return err
	}
	sb, err := StartSandboxes(c, pol, o.Now, o.Logger)
	if err != nil {
		return err
	}
	if o.Out != nil {
		fmt.Fprintf(o.Out, "sandbox ISZR: %s/{kód služby / service code}  (mTLS, CA %s)\n", sb.ISZRURL, certs.DevPKIPaths(c.PKIDir()).CA)
		fmt.Fprintf(o.Out, "řízení poruch / fault control: %s%s (GET, POST JSON, DELETE; jen operátoři / operators only: sandbox.faults.operators)\n",
			strings.TrimSuffix(sb.ISZRURL, "/publikace"), sim.ControlPath)
	}
	// The ČÚZK and ISDS sandboxes start with their adapters when no real
	// service is configured; the adapters themselves are not used here.
	cat, err := catalogue.Load()
	if err != nil {
		return err
	}
	holder, err := policies.NewHolder(pol, policies.HolderOptions{Logger: o.Logger})
	if err != nil {
		return err
	}
	ups := map[string]pipeline.Upstream{}
	cz, err := addCUZK(ctx, c, o, cat, ups, holder, nil, metrics.New(), breaker.NewMetrics(), o.Logger)
	if err != nil {
		return err
	}
	defer cz.Close(context.Background())
	dz, err := addISDS(c, o, cat, ups, holder, nil, nil, o.Logger)
	if err != nil {
		return err
	}
	defer dz.Close(context.Background())
	if o.Out != nil {
		if cz.Sandbox != nil {
			fmt.Fprintf(o.Out, "sandbox ČÚZK: %s  (TLS, CA %s)\n", cz.URL, certs.DevPKIPaths(c.PKIDir()).CA)
		}
		if dz.Sandbox != nil {
			fmt.Fprintf(o.Out, "sandbox ISDS: %s  (TLS, TSA %s)\n", dz.URL, dz.TSAURL)
		}
	}
	if o.Ready != nil {
		o.Ready(strings.TrimSuffix(strings.TrimPrefix(sb.ISZRURL, "https://"), "/publikace"), "")
	}
	<-ctx.Done()
	sctx, cancel := context.WithTimeout(context.Background(), c.Bus.DrainTimeout.D())
	defer cancel()
	sb.Close(sctx)
	return nil
}
