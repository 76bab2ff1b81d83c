package app

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"go.uber.org/zap"

	"konektor/adapters/isds"
	"konektor/adapters/isds/sim"
	"konektor/adapters/relay"
	"konektor/certs"
	"konektor/certs/zfo"
	"konektor/gateway/breaker"
	"konektor/gateway/catalogue"
	"konektor/gateway/httpapi"
	"konektor/gateway/pipeline"
	"konektor/internal/config"
	"konektor/internal/store"
	"konektor/policies"
)

// ISDS is the assembled data-box relay: the adapter and, when no ISDS URL
// is configured, the in-process ISDS sandbox it talks to.
type ISDS struct {
	Adapter *isds.Adapter
	// URL is ISDS's base URL (the sandbox's in sandbox mode; in production
	// the first account's).
	URL string
	// TSAURL is the sandbox's RFC 3161 time-stamping authority
	// ({sandbox}/tsa), for the access log's checkpoints; empty in
	// production.
	TSAURL  string
	Sandbox *sim.Server // nil unless sandbox mode
	Nodes   []*relay.Node
	// Breakers guard the ISDS nodes: one per base URL, shared by the
	// accounts that reach it, in the order the nodes were first named.
	Breakers []*isdsNode

	srv *http.Server
	log *zap.Logger
	// made are the passwords of the sandbox's own users that the default
	// sandbox accounts log in with (by user name).
	made map[string]string
}

// isdsSandboxRoutes send the demo clients to the sandbox's demo boxes when
// isds.routes is empty (the OVMs are those of the demo policy's grants).
var isdsSandboxRoutes = []config.ISDSRoute{
	{AIS: "999002", Box: sim.BoxDemoOVM, OVM: "12345678"},
	{AIS: "999003", Box: sim.BoxRegion, OVM: "87654321"},
}

// maxSecretBytes bounds a password file.
const maxSecretBytes = 4096

// isdsNode is one ISDS node (base URL) with its circuit breaker, shared
// by the accounts that reach it.
type isdsNode struct {
	name    string // metrics: isds/{host}
	host    string
	base    string
	breaker breaker.Breaker
	pool    *breaker.Pool
	relay   *relay.Node // the first account's, for the reachability check
}

// addISDS builds the ISDS adapter from the isds section (one relay node
// per account; one circuit breaker per ISDS node, i.e. base URL; the
// adapter serialises throttled accounts and retries itself), registers its
// catalogue entries and its upstream, and with no ISDS URL starts the ISDS
// sandbox on sandbox.isds_addr (TLS, client certificates requested,
// konektor's upstream identity registered as hosted records service of
// every routed box, the sandbox TSA at /tsa). Close stops what it started.
//
// drafts keeps the drafts of clients that may prepare but not send
// messages (KONEKTOR_DRAFT); nil refuses them.
func addISDS(c config.Config, o Options, cat *catalogue.Catalogue, upstreams map[string]pipeline.Upstream,
	pol *policies.Holder, drafts store.DraftStore, bm *breaker.Metrics, log *zap.Logger) (*ISDS, error) {
	log = log.Named("isds")
	now := o.Now
	if now == nil {
		now = time.Now
	}
	z := c.ISDS
	x := &ISDS{log: log}
	pki := certs.DevPKIPaths(c.PKIDir())
	sandbox := c.UsesISDSSandbox()
	routes, accounts := z.Routes, z.Accounts
	if sandbox && len(routes) == 0 {
		routes = isdsSandboxRoutes
	}
	if sandbox && len(accounts) == 0 {
		accounts, x.made = sandboxISDSAccounts(routes)
	}

	var serverRoots *x509.CertPool
	var zo zfo.Options
	var err error
	if sandbox {
		if err := x.startSandbox(c, now, routes, accounts); err != nil {
			return nil, err
		}
		if serverRoots, err = certs.LoadPool(pki.CA); err != nil {
			x.Close(context.Background())
			return nil, fmt.Errorf("isds sandbox: %w", err)
		}
		zo.Roots = x509.NewCertPool()
		for _, r := range x.Sandbox.Roots() {
			zo.Roots.AddCert(r)
		}
	} else if z.CA != "" {
		if serverRoots, err = certs.LoadPool(z.CA); err != nil {
			return nil, fmt.Errorf("isds.ca: %w", err)
		}
	}
	fail := func(err error) (*ISDS, error) {
		x.Close(context.Background())
		return nil, err
	}
	if len(z.Roots) > 0 {
		if zo.Roots, err = certs.LoadPool(z.Roots...); err != nil {
			return fail(fmt.Errorf("isds.roots: %w", err))
		}
	}
	if len(z.Intermediates) > 0 {
		if zo.Intermediates, err = certs.LoadPoolCertificates(z.Intermediates...); err != nil {
			return fail(fmt.Errorf("isds.intermediates: %w", err))
		}
	}
	if len(z.TSACerts) > 0 {
		if zo.TSACertificates, err = certs.LoadPoolCertificates(z.TSACerts...); err != nil {
			return fail(fmt.Errorf("isds.tsa_certs: %w", err))
		}
	}
	zo.Now = now

	var accts []isds.Account
	var problems []error
	for i, a := range accounts {
		acc, err := x.account(c, i, a, serverRoots, pki)
		if err != nil {
			problems = append(problems, err)
			continue
		}
		if acc.Guard, err = x.guard(c, acc.Node, now, o.Sleep, bm, log); err != nil {
			problems = append(problems, err)
			continue
		}
		accts = append(accts, acc)
	}
	if len(problems) > 0 {
		return fail(errors.Join(problems...))
	}
	var rs []isds.Route
	for _, r := range routes {
		rs = append(rs, isds.Route{AIS: r.AIS, Box: r.Box, OVM: r.OVM})
	}
	if x.URL == "" && len(accts) > 0 {
		x.URL = accts[0].Node.Base
	}
	x.Adapter, err = isds.New(isds.Options{
		Logger: log, Accounts: accts, Routes: rs,
		Policy: isds.BoxPolicyFunc(func(r policies.DataBoxRequest) policies.Decision { return pol.Current().DecideDataBox(r) }),
		Retry:  isds.RetryPolicy{Attempts: z.Retry.Attempts, Delay: z.Retry.Delay.D(), Sleep: o.Sleep},
		Verify: isds.NewVerifier(zo),
		Drafts: drafts,
		Now:    now,
	})
	if err != nil {
		return fail(err)
	}
	if err := cat.Add(isds.CatalogueEntries()...); err != nil {
		return fail(err)
	}
	upstreams[isds.Upstream] = x.Adapter
	return x, nil
}

// account turns the i-th configured account into the adapter's, with its
// own relay node: the account's base URL (or isds.url, or the sandbox's),
// ISDS's server roots, and for certificate logins the client certificate.
func (x *ISDS) account(c config.Config, i int, a config.ISDSAccount, roots *x509.CertPool, pki certs.DevPKIFiles) (isds.Account, error) {
	at := fmt.Sprintf("isds.accounts[%d] (%s)", i, a.Box)
	base := firstNonEmpty(a.URL, firstNonEmpty(c.ISDS.URL, x.URL))
	conf := &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}
	acc := isds.Account{Box: a.Box, Login: a.Login, Username: a.User, Throttled: a.Throttled}
	switch a.Login {
	case isds.LoginBasic:
		pw, ok := x.made[a.User]
		if !ok {
			var err error
			if pw, err = readSecret(a.Password); err != nil {
				return acc, fmt.Errorf("%s.password: %w", at, err)
			}
		}
		acc.Password = pw
	case isds.LoginCert, isds.LoginHosted:
		cert, key := a.Cert, a.Key
		if cert == "" {
			cert, key = pki.Upstream, pki.UpstreamKey
		}
		kp, err := certs.LoadKeyPair(cert, key)
		if err != nil {
			return acc, fmt.Errorf("%s: client certificate: %w", at, err)
		}
		conf.Certificates = []tls.Certificate{kp.TLSCertificate()}
	}
	for _, p := range a.Privileges {
		acc.Privileges |= policies.Privilege(config.ISDSPrivileges[p])
	}
	name := fmt.Sprintf("%s-%s-%d", a.Box, a.Login, i)
	acc.Node = relay.NewNode(relay.Options{Name: name, Base: strings.TrimSuffix(base, "/"), TLS: conf, Timeout: c.ISDS.Timeout.D()})
	x.Nodes = append(x.Nodes, acc.Node)
	return acc, nil
}

// guard returns the breaker pool of the ISDS node n reaches, made on first
// use: accounts on one base URL share the node's breaker.
func (x *ISDS) guard(c config.Config, n *relay.Node, now func() time.Time, sleep func(context.Context, time.Duration) error,
	bm *breaker.Metrics, log *zap.Logger) (*breaker.Pool, error) {
	for _, b := range x.Breakers {
		if b.base == n.Base {
			return b.pool, nil
		}
	}
	host := n.Base
	if u, err := url.Parse(n.Base); err == nil && u.Host != "" {
		host = u.Host
	}
	name := "isds/" + host
	br := c.ISDS.Breaker
	b, err := breaker.New(breaker.Settings{
		Name: name, FailuresToOpen: uint32(br.FailuresToOpen), OpenTimeout: br.OpenTimeout.D(),
		HalfOpenMaxRequests: uint32(br.HalfOpenRequests), Now: now,
		IsFailure: func(err error) bool { return err != nil && !errors.Is(err, context.Canceled) },
		OnStateChange: func(node string, from, to breaker.State) {
			if bm != nil {
				bm.OnStateChange(node, from, to)
			}
			log.Warn("upstream breaker changed state", zap.String("node", node), zap.Stringer("from", from), zap.Stringer("to", to))
		},
	})
	if err != nil {
		return nil, fmt.Errorf("isds.breaker: %w", err)
	}
	if bm != nil {
		bm.AddNode(name)
	}
	pool, err := breaker.NewPool([]breaker.Node{{Name: host, Addr: n.Base, Breaker: b}}, breaker.PoolOptions{
		Now: now, Sleep: sleep,
		Observe: func(node string, d time.Duration, err error) {
			if bm != nil {
				bm.ObserveCall("isds/"+node, d, err)
			}
		},
	})
	if err != nil {
		return nil, err
	}
	x.Breakers = append(x.Breakers, &isdsNode{name: name, host: host, base: n.Base, breaker: b, pool: pool, relay: n})
	return pool, nil
}

// ReadyChecks are the /readyz checks of the ISDS nodes, one per base URL
// ("upstream:isds:{host}"): not ready while the node's breaker is open,
// else when a TLS connection with konektor's identity cannot be made.
func (x *ISDS) ReadyChecks() []httpapi.Check {
	if x == nil {
		return nil
	}
	var out []httpapi.Check
	for _, n := range x.Breakers {
		out = append(out, httpapi.Check{Name: "upstream:isds:" + n.host, Run: func(ctx context.Context) error {
			if n.breaker.State() == breaker.Open {
				return fmt.Errorf("ISDS node %s: circuit open after repeated failures (jistič otevřen)", n.base)
			}
			return n.relay.Reachable(ctx)
		}})
	}
	return out
}

// readSecret resolves a password reference: env:NAME or file:PATH. The
// value never reaches a log line or an error.
func readSecret(ref string) (string, error) {
	kind, name, _ := strings.Cut(ref, ":")
	var v string
	switch kind {
	case "env":
		v = os.Getenv(name)
		if v == "" {
			return "", fmt.Errorf("environment variable %s is not set", name)
		}
	case "file":
		f, err := os.Open(name)
		if err != nil {
			return "", err
		}
		defer f.Close()
		b, err := io.ReadAll(io.LimitReader(f, maxSecretBytes+1))
		if err != nil {
			return "", err
		}
		if len(b) > maxSecretBytes {
			return "", fmt.Errorf("%s is larger than %d bytes", name, maxSecretBytes)
		}
		v = strings.TrimRight(string(b), "\r\n")
		if v == "" {
			return "", fmt.Errorf("%s is empty", name)
		}
	default:
		return "", fmt.Errorf("%q is not env:NAME or file:PATH", kind+":…")
	}
	return v, nil
}

// sandboxISDSAccounts are the accounts konektor uses with the sandbox when
// none are configured: the hosted-records-service login (konektor's
// upstream certificate) for every routed box, and for the demo boxes the
// sandbox's view-only user, so that a client that may only view lists
// received messages without delivering them.
func sandboxISDSAccounts(routes []config.ISDSRoute) ([]config.ISDSAccount, map[string]string) {
	seed := map[string]sim.Account{}
	for _, a := range sim.SeedAccounts() {
		seed[a.Username] = a
	}
	var out []config.ISDSAccount
	made := map[string]string{}
	seen := map[string]bool{}
	for _, r := range routes {
		if seen[r.Box] {
			continue
		}
		seen[r.Box] = true
		out = append(out, config.ISDSAccount{Box: r.Box, Login: isds.LoginHosted})
		if v, ok := seed[r.Box+".prehled"]; ok {
			out = append(out, config.ISDSAccount{Box: r.Box, Login: isds.LoginBasic, User: v.Username,
				Privileges: []string{"PRIVIL_VIEW_INFO", "PRIVIL_SEARCH_DB"}})
			made[v.Username] = v.Password
		}
	}
	return out, made
}

// startSandbox serves the ISDS sandbox on sandbox.isds_addr: TLS with the
// dev PKI's server certificate, client certificates requested (not
// required: basic logins have none), konektor's upstream certificate
// registered as hosted records service of the boxes konektor uses and as
// system certificate where an account logs in by cert, sample messages,
// ZFO seal and TSA certificates issued by the dev CA, the TSA at /tsa.
func (x *ISDS) startSandbox(c config.Config, now func() time.Time, routes []config.ISDSRoute, accounts []config.ISDSAccount) error {
	pki := certs.DevPKIPaths(c.PKIDir())
	pair, err := tls.LoadX509KeyPair(pki.Server, pki.ServerKey)
	if err != nil {
		return fmt.Errorf("isds sandbox: %w", err)
	}
	ca, err := certs.LoadKeyPair(pki.CA, pki.CAKey)
	if err != nil {
		return fmt.Errorf("isds sandbox: %w", err)
	}
	up, err := certs.LoadKeyPair(pki.Upstream, pki.UpstreamKey)
	if err != nil {
		return fmt.Errorf("isds sandbox: %w", err)
	}
	known := map[string]bool{}
	for _, b := range sim.SeedBoxes() {
		known[b.ID] = true
	}
	hosted := map[string]bool{}
	var boxes []string
	var system []sim.SystemCertificate
	addHosted := func(box string) {
		if known[box] && !hosted[box] {
			hosted[box] = true
			boxes = append(boxes, box)
		}
	}
	for _, r := range routes {
		addHosted(r.Box)
	}
	for _, a := range accounts {
		switch {
		case a.Login == isds.LoginHosted && a.Cert == "":
			addHosted(a.Box)
		case a.Login == isds.LoginCert && a.Cert == "" && known[a.Box]:
			system = append(system, sim.SystemCertificate{Box: a.Box, Certificate: up.Leaf(), Throttled: a.Throttled})
		}
	}
	s, err := sim.New(sim.Options{Now: now, Logger: x.log.Named("sandbox"), CA: ca, SeedMessages: true,
		HostedServices:     []sim.HostedService{{Certificate: up.Leaf(), Boxes: boxes}},
		SystemCertificates: system})
	if err != nil {
		return fmt.Errorf("isds sandbox: %w", err)
	}
	ln, err := net.Listen("tcp", c.Sandbox.ISDSAddr)
	if err != nil {
		return fmt.Errorf("isds sandbox: %w", err)
	}
	mux := http.NewServeMux()
	mux.Handle("/tsa", s.TSA())
	mux.Handle("/", s)
	tlsConf := &tls.Config{Certificates: []tls.Certificate{pair}, ClientAuth: tls.RequestClientCert, MinVersion: tls.VersionTLS12}
	x.Sandbox = s
	x.URL = "https://" + ln.Addr().String()
	x.TSAURL = x.URL + "/tsa"
	x.srv = &http.Server{Handler: mux, TLSConfig: tlsConf, ReadHeaderTimeout: 10 * time.Second,
		ErrorLog: zap.NewStdLog(x.log.Named("sandbox.http"))}
	go func() {
		if err := x.srv.Serve(tls.NewListener(ln, tlsConf)); err != nil && !errors.Is(err, http.ErrServerClosed) {
			x.log.Error("ISDS sandbox stopped", zap.Error(err))
		}
	}()
	return nil
}

// Close stops the sandbox.
func (x *ISDS) Close(ctx context.Context) {
	if x != nil && x.srv != nil {
		_ = x.srv.Shutdown(ctx)
	}
}

// printBanner adds the data boxes to the start banner.
func (x *ISDS) printBanner(w io.Writer, busURL string) {
	where := x.URL
	if x.Sandbox != nil {
		where += " (sandbox ISDS in-process, TSA " + x.TSAURL + ")"
	}
	fmt.Fprintf(w, "  ISDS (datové schránky):  %s/bus/isds/{dz|dx|df|DsManage} → %s\n\n", busURL, where)
}
