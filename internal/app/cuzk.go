package app

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"

	"konektor/adapters/cuzk"
	"konektor/adapters/cuzk/sim"
	"konektor/adapters/relay"
	"konektor/certs"
	"konektor/certs/docsig"
	"konektor/certs/wssec"
	"konektor/gateway/breaker"
	"konektor/gateway/catalogue"
	"konektor/gateway/httpapi"
	"konektor/gateway/metrics"
	"konektor/gateway/pipeline"
	"konektor/internal/config"
	"konektor/policies"
)

// CUZK is the assembled cadastre: the adapter, and in sandbox mode the
// in-process ČÚZK sandbox it talks to.
type CUZK struct {
	Upstream *cuzk.Upstream
	Node     *relay.Node
	// URL is where cadastre calls go (the sandbox's address in sandbox
	// mode).
	URL     string
	Sandbox *sim.Server // nil unless sandbox mode

	log     *zap.Logger
	srv     *http.Server
	stop    context.CancelFunc
	wg      sync.WaitGroup
	secrets cuzk.Credentials
	policy  func() *policies.Snapshot
}

// addCUZK builds the cadastre adapter (node, breaker, report verifier,
// metrics), registers its catalogue entries and its upstream, and in
// sandbox mode (no cuzk.nodes) starts the ČÚZK sandbox on its own TLS port
// with an account for every cadastre account of the policy. Close stops
// what it started. holds is the store's table of accounts on hold after a
// refused login, which every node sharing the store sees; nil keeps them
// in this process only.
func addCUZK(ctx context.Context, c config.Config, o Options, cat *catalogue.Catalogue, upstreams map[string]pipeline.Upstream,
	pol *policies.Holder, holds cuzk.HoldStore, m *metrics.Metrics, bm *breaker.Metrics, log *zap.Logger) (*CUZK, error) {
	log = log.Named("cuzk")
	now := o.Now
	if now == nil {
		now = time.Now
	}
	if err := cat.Add(cuzk.Entries()...); err != nil {
		return nil, err
	}
	z := &CUZK{log: log, policy: pol.Current}
	policy := func() cuzk.Policy { return pol.Current() }
	secrets := cuzk.PolicySecrets{Policy: policy}
	z.secrets = secrets

	var (
		base      string
		tlsConf   *tls.Config
		trust     wssec.Trust
		haveTrust bool
		err       error
	)
	pki := certs.DevPKIPaths(c.PKIDir())
	if c.UsesCUZKSandbox() {
		seal, err := ensureCUZKSeal(c.PKIDir(), now)
		if err != nil {
			return nil, err
		}
		signer, err := docsig.NewSigner(seal.Key, seal.Leaf(), docsig.SignerOptions{})
		if err != nil {
			return nil, fmt.Errorf("cuzk sandbox seal: %w", err)
		}
		sandboxCreds, accounts, err := sandboxAccounts(pol.Current(), secrets)
		if err != nil {
			return nil, err
		}
		z.secrets = sandboxCreds
		if err := z.startSandbox(c, now, accounts, signer); err != nil {
			return nil, err
		}
		base = z.URL
		pool, err := certs.LoadPool(pki.CA)
		if err != nil {
			return nil, err
		}
		tlsConf = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
		if len(c.CUZK.ReportTrust) == 0 {
			trust, haveTrust = wssec.Trust{Pinned: []*x509.Certificate{seal.Leaf()}}, true
		}
	} else {
		base = c.CUZK.Nodes[0].URL
		tlsConf = &tls.Config{MinVersion: tls.VersionTLS12}
		if c.CUZK.CA != "" {
			if tlsConf.RootCAs, err = certs.LoadPool(c.CUZK.CA); err != nil {
				return nil, fmt.Errorf("cuzk.ca: %w", err)
			}
		}
	}
	if len(c.CUZK.ReportTrust) > 0 {
		if trust, err = wssec.LoadTrust(c.CUZK.ReportTrust...); err != nil {
			z.Close(context.Background())
			return nil, fmt.Errorf("cuzk.report_trust: %w", err)
		}
		haveTrust = true
	}
	var reports cuzk.ReportVerifier
	if haveTrust {
		v, err := cuzk.NewDocReports(trust, now)
		if err != nil {
			z.Close(context.Background())
			return nil, fmt.Errorf("cuzk.report_trust: %w", err)
		}
		reports = v
	}

	name := "cuzk"
	if !c.UsesCUZKSandbox() && c.CUZK.Nodes[0].Name != "" {
		name = c.CUZK.Nodes[0].Name
	}
	z.Node = relay.NewNode(relay.Options{Name: name, Base: base, TLS: tlsConf, Timeout: c.CUZK.Timeout.D()})
	br := c.CUZK.Breaker
	b, err := breaker.New(breaker.Settings{
		Name: "cuzk/" + name, FailuresToOpen: uint32(br.FailuresToOpen), OpenTimeout: br.OpenTimeout.D(),
		HalfOpenMaxRequests: uint32(br.HalfOpenRequests), Now: now,
		IsFailure: func(err error) bool { return err != nil && !errors.Is(err, context.Canceled) },
		OnStateChange: func(n string, from, to breaker.State) {
			bm.OnStateChange(n, from, to)
			log.Warn("upstream breaker changed state", zap.String("node", n), zap.Stringer("from", from), zap.Stringer("to", to))
		},
	})
	if err != nil {
		z.Close(context.Background())
		return nil, err
	}
	bm.AddNode("cuzk/" + name)
	pool, err := breaker.NewPool([]breaker.Node{{Name: name, Addr: base, Breaker: b}}, breaker.PoolOptions{
		Now: now, Sleep: o.Sleep,
		Observe: func(node string, d time.Duration, err error) { bm.ObserveCall("cuzk/"+node, d, err) },
	})
	if err != nil {
		z.Close(context.Background())
		return nil, err
	}
	cm := newCUZKMetrics()
	m.Registry.MustRegister(cm)
	types := map[string]cuzk.AccountType{}
	for acct, t := range c.CUZK.AccountTypes {
		types[acct], _ = cuzk.ParseAccountType(t) // validated by config
	}
	retries := c.CUZK.BusyRetries
	if retries == 0 {
		retries = -1 // the adapter reads 0 as its default
	}
	var waiter cuzk.Waiter
	if o.Sleep != nil {
		waiter = sleepWaiter(o.Sleep)
	}
	z.Upstream, err = cuzk.New(cuzk.Options{
		Now: now, Logger: log, Node: z.Node, Pool: pool, Policy: policy,
		Credentials: z.secrets, AccountTypes: types, Waiter: waiter,
		ReportSpacing: c.CUZK.ReportSpacing.D(), BusyRetries: retries, BusyBackoff: c.CUZK.BusyBackoff.D(),
		Reports: reports, AllowUnverifiableReports: c.CUZK.AllowUnverifiableReports,
		Metrics: cuzkEvents{cm}, AttemptTimeout: c.CUZK.Timeout.D(), RefreshAccount: c.CUZK.RefreshAccount,
		Holds: holds, NodeName: nodeName(),
	})
	if err != nil {
		z.Close(context.Background())
		return nil, err
	}
	upstreams[cuzk.UpstreamName] = z.Upstream

	bg, stop := context.WithCancel(ctx)
	z.stop = stop
	if c.CUZK.RefreshAccount != "" {
		z.every(bg, c.CUZK.RefreshInterval.D(), func(ctx context.Context) {
			if err := z.Upstream.RefreshCodeLists(ctx); err != nil {
				log.Warn("cuzk code list refresh failed", zap.Error(err))
			}
		})
	}
	if c.CUZK.SecretWatch.D() > 0 {
		z.every(bg, c.CUZK.SecretWatch.D(), z.reenableChanged)
	}
	return z, nil
}

// every runs fn every d until ctx ends.
func (z *CUZK) every(ctx context.Context, d time.Duration, fn func(context.Context)) {
	z.wg.Add(1)
	go func() {
		defer z.wg.Done()
		t := time.NewTicker(d)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				fn(ctx)
			}
		}
	}()
}

// startSandbox serves the ČÚZK sandbox on sandbox.cuzk_addr with the dev
// PKI's server certificate (TLS; WSDP authenticates by UsernameToken).
func (z *CUZK) startSandbox(c config.Config, now func() time.Time, accounts []sim.Account, sealer sim.Sealer) error {
	pki := certs.DevPKIPaths(c.PKIDir())
	pair, err := tls.LoadX509KeyPair(pki.Server, pki.ServerKey)
	if err != nil {
		return fmt.Errorf("cuzk sandbox: %w", err)
	}
	tlsConf := &tls.Config{Certificates: []tls.Certificate{pair}, MinVersion: tls.VersionTLS12}
	s, err := sim.New(sim.Options{Now: now, Logger: z.log.Named("sandbox"), Accounts: accounts, Sealer: sealer})
	if err != nil {
		return fmt.Errorf("cuzk sandbox: %w", err)
	}
	ln, err := net.Listen("tcp", c.Sandbox.CUZKAddr)
	if err != nil {
		return fmt.Errorf("cuzk sandbox: %w", err)
	}
	z.Sandbox = s
	z.URL = "https://" + ln.Addr().String()
	z.srv = &http.Server{Handler: s, TLSConfig: tlsConf, ReadHeaderTimeout: 10 * time.Second,
		ErrorLog: zap.NewStdLog(z.log.Named("sandbox.http"))}
	go func() {
		if err := z.srv.Serve(tls.NewListener(ln, tlsConf)); err != nil && !errors.Is(err, http.ErrServerClosed) {
			z.log.Error("ČÚZK sandbox stopped", zap.Error(err))
		}
	}()
	return nil
}

// Close stops the sandbox and the background work.
func (z *CUZK) Close(ctx context.Context) {
	if z.stop != nil {
		z.stop()
	}
	z.wg.Wait()
	if z.srv != nil {
		_ = z.srv.Shutdown(ctx)
	}
}

// Ops returns ops with the cadastre's operator endpoints
// (/ops/cuzk/…) mounted next to it.
func (z *CUZK) Ops(ops http.Handler) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/ops/cuzk/", httpapi.NewCUZKOps(httpapi.CUZKOpsOptions{
		Accounts: func(ctx context.Context) (any, error) { return z.Accounts(ctx) },
		Enable:   z.Enable,
	}))
	mux.Handle("/", ops)
	return mux
}

// AccountView is an account's state as the ops endpoint shows it.
type AccountView struct {
	Account  string    `json:"account"`
	Disabled bool      `json:"disabled"`
	Since    time.Time `json:"since,omitzero"`
	Reason   string    `json:"reason,omitempty"`
	Node     string    `json:"node,omitempty"` // the node that saw the refused login
	Verified bool      `json:"verified"`
}

// Accounts lists the WSDP accounts of the policy and the accounts on
// hold, with their state as this node sees it.
func (z *CUZK) Accounts(ctx context.Context) ([]AccountView, error) {
	states, err := z.Upstream.Accounts(ctx)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var out []AccountView
	for _, s := range states {
		seen[s.Account] = true
		out = append(out, AccountView{Account: s.Account, Disabled: s.Disabled, Since: s.Since, Reason: s.Reason, Node: s.Node, Verified: s.Verified})
	}
	if snap := z.policy(); snap != nil {
		for _, a := range snap.CadastreAccounts() {
			if !seen[a.Account] {
				out = append(out, AccountView{Account: a.Account})
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Account < out[j].Account })
	return out, nil
}

// Enable puts an account back into use on every node sharing the store.
func (z *CUZK) Enable(ctx context.Context, name string) (bool, error) {
	return z.Upstream.EnableAccount(ctx, name)
}

// reenableChanged releases the hold of every account whose password on
// this node differs from the one ČÚZK refused: the operator fixed the
// credential.
func (z *CUZK) reenableChanged(ctx context.Context) {
	if _, err := z.Upstream.ReleaseChangedSecrets(ctx); err != nil {
		z.log.Warn("cuzk secret watch failed", zap.Error(err))
	}
}

// nodeName names this konektor process in the holds it records: the host
// name, the process id and a random tag (two processes on one host, or a
// restarted one, are told apart).
func nodeName() string {
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "konektor"
	}
	var b [3]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("%s/%d/%x", host, os.Getpid(), b)
}

// printBanner adds the cadastre to the start banner.
func (z *CUZK) printBanner(w io.Writer, busURL string) {
	where := z.URL
	if z.Sandbox != nil {
		where += " (sandbox ČÚZK in-process)"
	}
	fmt.Fprintf(w, "  ČÚZK (katastr):          %s/bus/cuzk/{ciselnik|vyhledat|informace|sestavy|ctios} → %s\n\n", busURL, where)
}

// sleepWaiter adapts Options.Sleep to the adapter's Waiter.
type sleepWaiter func(ctx context.Context, d time.Duration) error

func (s sleepWaiter) Wait(ctx context.Context, d time.Duration) error { return s(ctx, d) }

// sandboxAccounts returns the sandbox's WSDP accounts, one per cadastre
// account of the policy, and the credentials konektor uses: the password
// the policy's secret names where it is set, else one made up for this
// run (the sandbox and konektor share it; nobody else needs it).
func sandboxAccounts(snap *policies.Snapshot, secrets cuzk.Credentials) (cuzk.Credentials, []sim.Account, error) {
	made := map[string]string{}
	var out []sim.Account
	for _, a := range snap.CadastreAccounts() {
		pw, err := secrets.Password(a.Account)
		if err != nil {
			if pw, err = randomPassword(); err != nil {
				return nil, nil, err
			}
			made[a.Account] = pw
		}
		out = append(out, sim.Account{User: a.Account, Password: pw, Type: simType(a.Type)})
	}
	return sandboxCredentials{made: made, next: secrets}, out, nil
}

func simType(t string) sim.AccountType {
	switch ty, _ := cuzk.ParseAccountType(t); ty {
	case cuzk.Paying:
		return sim.Paying
	case cuzk.Verifying:
		return sim.Verifying
	}
	return sim.Free
}

// sandboxCredentials give the policy's secret where it is set, else the
// password made up for the sandbox.
type sandboxCredentials struct {
	made map[string]string
	next cuzk.Credentials
}

func (s sandboxCredentials) Password(account string) (string, error) {
	pw, err := s.next.Password(account)
	if err == nil {
		return pw, nil
	}
	if pw, ok := s.made[account]; ok {
		return pw, nil
	}
	return "", err
}

// cuzkMetrics are the adapter's Prometheus metrics.
type cuzkMetrics struct {
	disabled *prometheus.CounterVec
	busy     *prometheus.CounterVec
	reports  *prometheus.CounterVec
}

func newCUZKMetrics() *cuzkMetrics {
	return &cuzkMetrics{
		disabled: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "konektor_cuzk_account_disabled_total",
			Help: "ČÚZK accounts taken out of use after a refused login (alert on any increase)."}, []string{"account"}),
		busy: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "konektor_cuzk_busy_total",
			Help: "ČÚZK answers 477/210 (too many working users), by whether the call was retried."}, []string{"account", "retried"}),
		reports: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "konektor_cuzk_report_signatures_total",
			Help: "Signature checks of relayed XML reports, by result."}, []string{"result"}),
	}
}

func (m *cuzkMetrics) Describe(ch chan<- *prometheus.Desc) {
	m.disabled.Describe(ch)
	m.busy.Describe(ch)
	m.reports.Describe(ch)
}

func (m *cuzkMetrics) Collect(ch chan<- prometheus.Metric) {
	m.disabled.Collect(ch)
	m.busy.Collect(ch)
	m.reports.Collect(ch)
}

// cuzkEvents feed the adapter's events to the metrics.
type cuzkEvents struct {
	m *cuzkMetrics
}

func (e cuzkEvents) AccountDisabled(account string) {
	e.m.disabled.WithLabelValues(account).Inc()
}

func (e cuzkEvents) Busy(account string, retried bool) {
	e.m.busy.WithLabelValues(account, fmt.Sprint(retried)).Inc()
}

func (e cuzkEvents) ReportChecked(result string) { e.m.reports.WithLabelValues(result).Inc() }

var (
	_ cuzk.Metrics     = cuzkEvents{}
	_ cuzk.Credentials = sandboxCredentials{}
	_ cuzk.Waiter      = sleepWaiter(nil)
)

// Dev ČÚZK seal: the key the in-process sandbox seals XML reports with,
// kept apart from konektor's own seal so that a report konektor signed
// itself never passes as ČÚZK's.
const (
	cuzkSealCert = "cuzk-seal.pem"
	cuzkSealKey  = "cuzk-seal-key.pem"
)

// ensureCUZKSeal returns the dev ČÚZK seal in the PKI directory, making a
// self-signed RSA key pair on first use.
func ensureCUZKSeal(dir string, now func() time.Time) (*certs.KeyPair, error) {
	cf, kf := filepath.Join(dir, cuzkSealCert), filepath.Join(dir, cuzkSealKey)
	if kp, err := certs.LoadKeyPair(cf, kf); err == nil {
		if t := now(); t.After(kp.Leaf().NotBefore) && t.Before(kp.Leaf().NotAfter) {
			return kp, nil
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("cuzk sandbox seal: %w", err)
	}
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, fmt.Errorf("cuzk sandbox seal: %w", err)
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 120))
	if err != nil {
		return nil, fmt.Errorf("cuzk sandbox seal: %w", err)
	}
	t := now()
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: "ČÚZK sandbox seal (dev)", Organization: []string{"konektor dev PKI"}, Country: []string{"CZ"}},
		NotBefore:    t.Add(-time.Hour),
		NotAfter:     t.AddDate(2, 0, 0),
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, fmt.Errorf("cuzk sandbox seal: %w", err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, fmt.Errorf("cuzk sandbox seal: %w", err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("cuzk sandbox seal: %w", err)
	}
	if err := writeNew(kf, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		return nil, err
	}
	if err := writeNew(cf, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644); err != nil {
		return nil, err
	}
	return certs.LoadKeyPair(cf, kf)
}

// writeNew writes a file through a temporary name, so that a crash
// leaves no half-written key.
func writeNew(path string, data []byte, perm fs.FileMode) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, perm); err != nil {
		return fmt.Errorf("cuzk sandbox seal: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("cuzk sandbox seal: %w", err)
	}
	return nil
}

// randomPassword makes a sandbox password for one run.
func randomPassword() (string, error) {
	var b [18]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("cuzk sandbox password: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b[:]), nil
}
