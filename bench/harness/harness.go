// Package harness is konektor's load harness (issue 9): it starts the ISZR
// sandbox, konektor and nginx as child processes on loopback, drives them
// with the load generator in konektor/bench/load, reads each proxy's CPU
// time and peak RSS from /proc, and writes the figures and the goals of the
// issue as Markdown. `make bench` and `make soak` run it.
package harness

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"konektor/adapters/iszr"
	"konektor/bench/load"
	"konektor/certs"
	"konektor/certs/wssec"
	"konektor/internal/cputime"
)

// Scenario is one way of reaching the sandbox.
type Scenario struct {
	ID   string
	Name string
	Via  string // direct, nginx or konektor
	// Cache is "", "memory" or "redis": answers are cache hits.
	Cache  string
	Seal   bool // konektor seals the answers
	Signed bool // the client signs, konektor verifies
}

// Scenarios are (a)–(g) of issue 9.
var Scenarios = []Scenario{
	{ID: "a", Name: "sandbox directly", Via: "direct"},
	{ID: "b", Name: "nginx → sandbox (plain TLS reverse proxy)", Via: "nginx"},
	{ID: "c", Name: "konektor pass-through (policy, access log)", Via: "konektor"},
	{ID: "d", Name: "konektor, memory cache hit", Via: "konektor", Cache: "memory"},
	{ID: "e", Name: "konektor, Redis cache hit", Via: "konektor", Cache: "redis"},
	{ID: "f", Name: "konektor, answers sealed", Via: "konektor", Seal: true},
	{ID: "g", Name: "konektor, signed request verified, answer sealed", Via: "konektor", Seal: true, Signed: true},
}

// ScenarioByID returns the scenario with that id.
func ScenarioByID(id string) (Scenario, bool) {
	for _, s := range Scenarios {
		if s.ID == id {
			return s, true
		}
	}
	return Scenario{}, false
}

// Options configure the processes and the load.
type Options struct {
	Now func() time.Time
	Out io.Writer // progress lines
	// WorkDir receives a temporary directory with the PKI, configurations,
	// data and logs of the children; removed afterwards unless Keep.
	WorkDir  string
	Keep     bool
	Konektor string // konektor binary
	// Self is this program's binary; it runs konektor with pprof for
	// profiles (the konektor-pprof command). Empty: no profiles.
	Self     string
	GoTool   string // go command, for `go tool pprof -top`
	Nginx    string // nginx binary; empty skips scenario b
	RedisURL string // empty skips scenario e
	Sweep    []int
	Warmup   time.Duration
	Duration time.Duration
	Repeat   int
	Only     string // scenario ids to run (e.g. "acd"); empty: all
	// ManyConns is the connection count of the memory check; 0 skips it.
	ManyConns int
	HalfLoad  bool
	Profile   bool
	// ProfileFor is the length of a CPU profile.
	ProfileFor time.Duration
	// PacedConc is the number of workers of paced runs.
	PacedConc int
}

// Env is the running sandbox and what every scenario shares.
type Env struct {
	o           Options
	dir         string
	pkiDir      string
	pki         certs.DevPKIFiles
	signingCert string
	reqs        *Requests
	clientTLS   *tls.Config
	sealTrust   wssec.Trust
	sandbox     *Process
	sandboxAddr string
	n           int // children started, for unique names
}

// Setup makes the work directory, the dev PKI, the signing identity, and
// starts the ISZR sandbox.
func Setup(ctx context.Context, o Options) (*Env, error) {
	if o.Now == nil {
		return nil, errors.New("harness: Options.Now is required")
	}
	if o.Out == nil {
		o.Out = io.Discard
	}
	if o.PacedConc == 0 {
		o.PacedConc = 64
	}
	dir, err := os.MkdirTemp(o.WorkDir, "konektor-bench-")
	if err != nil {
		return nil, err
	}
	e := &Env{o: o, dir: dir, pkiDir: filepath.Join(dir, "pki")}
	ok := false
	defer func() {
		if !ok {
			e.Close()
		}
	}()
	if err := certs.InitDevPKI(e.pkiDir, certs.DevPKIOptions{Now: o.Now}); err != nil {
		return nil, err
	}
	e.pki = certs.DevPKIPaths(e.pkiDir)
	e.signingCert = filepath.Join(dir, "signing-999002.pem")
	signer, err := NewSigningIdentity(e.signingCert, o.Now)
	if err != nil {
		return nil, fmt.Errorf("signing identity: %w", err)
	}
	if e.reqs, err = NewRequests(o.Now, signer); err != nil {
		return nil, err
	}
	pool, err := certs.LoadPool(e.pki.CA)
	if err != nil {
		return nil, err
	}
	cf, kf := e.pki.Client("999002")
	if e.clientTLS, err = certs.ClientTLS(cf, kf, pool); err != nil {
		return nil, err
	}
	if e.sealTrust, err = wssec.LoadTrust(e.pki.Seal); err != nil {
		return nil, err
	}
	if err := e.startSandbox(ctx); err != nil {
		return nil, err
	}
	ok = true
	return e, nil
}

// Dir is the work directory.
func (e *Env) Dir() string { return e.dir }

// RequestBytes is the size of the question.
func (e *Env) RequestBytes() int { return e.reqs.Size() }

// Close stops the sandbox and removes the work directory (unless Keep).
func (e *Env) Close() {
	if e.sandbox != nil {
		_ = e.sandbox.Stop(10 * time.Second)
		e.sandbox = nil
	}
	if !e.o.Keep {
		_ = os.RemoveAll(e.dir)
	}
}

func (e *Env) logf(format string, a ...any) {
	fmt.Fprintf(e.o.Out, format+"\n", a...)
}

// copyPKI copies the dev PKI into dataDir/pki, where konektor looks for it.
func (e *Env) copyPKI(dataDir string) error {
	return filepath.WalkDir(e.pkiDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(e.pkiDir, path)
		dst := filepath.Join(dataDir, "pki", rel)
		if d.IsDir() {
			return os.MkdirAll(dst, 0o755)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		return os.WriteFile(dst, b, info.Mode().Perm())
	})
}

func (e *Env) startSandbox(ctx context.Context) error {
	addr, err := FreeAddr()
	if err != nil {
		return err
	}
	data := filepath.Join(e.dir, "sandbox")
	if err := e.copyPKI(data); err != nil {
		return err
	}
	y, err := SandboxYAML(data, addr)
	if err != nil {
		return err
	}
	conf := filepath.Join(e.dir, "sandbox.yaml")
	if err := os.WriteFile(conf, y, 0o600); err != nil {
		return err
	}
	p, err := StartProcess("sandbox", filepath.Join(e.dir, "sandbox.log"), e.o.Konektor, "sandbox", "--config", conf)
	if err != nil {
		return err
	}
	e.sandbox, e.sandboxAddr = p, addr
	direct := &target{sc: Scenarios[0], url: "https://" + addr + "/publikace/" + Service}
	return p.WaitReady(ctx, 60*time.Second, func(ctx context.Context) error {
		_, err := e.probe(ctx, direct)
		return err
	})
}

// target is a started scenario.
type target struct {
	sc        Scenario
	url       string
	proc      *Process // measured proxy; nil for the direct call
	tree      bool     // measure the proxy with its children (nginx)
	ops       string   // konektor's ops address
	pprofAddr string   // profiled konektor only
	cleanup   func()
}

func (t *target) close() {
	if t.proc != nil {
		if err := t.proc.Stop(60 * time.Second); err != nil {
			fmt.Fprintln(os.Stderr, err)
		}
	}
	if t.cleanup != nil {
		t.cleanup()
	}
}

// ErrSkip marks a scenario that cannot run here (no nginx, no Redis).
var ErrSkip = errors.New("skipped")

// start starts the proxy of a scenario and checks it with probe calls.
func (e *Env) start(ctx context.Context, sc Scenario, profiled bool) (*target, int, error) {
	var t *target
	var err error
	switch sc.Via {
	case "direct":
		t = &target{sc: sc, url: "https://" + e.sandboxAddr + "/publikace/" + Service}
	case "nginx":
		if e.o.Nginx == "" {
			return nil, 0, fmt.Errorf("%w: nginx is not installed", ErrSkip)
		}
		t, err = e.startNginx(ctx, sc)
	case "konektor":
		if sc.Cache == "redis" && e.o.RedisURL == "" {
			return nil, 0, fmt.Errorf("%w: no Redis (set KONEKTOR_REDIS_URL or -redis)", ErrSkip)
		}
		t, err = e.startKonektor(ctx, sc, profiled)
	default:
		err = fmt.Errorf("unknown scenario kind %q", sc.Via)
	}
	if err != nil {
		return nil, 0, err
	}
	size, err := e.probe(ctx, t)
	if err != nil {
		t.close()
		return nil, 0, fmt.Errorf("(%s) probe: %w", sc.ID, err)
	}
	return t, size, nil
}

func (e *Env) startNginx(ctx context.Context, sc Scenario) (*target, error) {
	e.n++
	prefix := filepath.Join(e.dir, fmt.Sprintf("nginx-%d", e.n))
	if err := os.MkdirAll(prefix, 0o755); err != nil {
		return nil, err
	}
	addr, err := FreeAddr()
	if err != nil {
		return nil, err
	}
	conf, err := NginxConfig{Prefix: prefix, Listen: addr, Upstream: e.sandboxAddr, PKI: e.pki}.Render()
	if err != nil {
		return nil, err
	}
	confFile := filepath.Join(prefix, "nginx.conf")
	if err := os.WriteFile(confFile, conf, 0o644); err != nil {
		return nil, err
	}
	p, err := StartProcess("nginx", filepath.Join(prefix, "stderr.log"), e.o.Nginx, "-p", prefix, "-c", confFile, "-e", filepath.Join(prefix, "error.log"))
	if err != nil {
		return nil, err
	}
	if err := p.WaitReady(ctx, 30*time.Second, func(ctx context.Context) error { return dial(ctx, addr) }); err != nil {
		_ = p.Stop(5 * time.Second)
		return nil, fmt.Errorf("%w\n%s", err, readTail(filepath.Join(prefix, "error.log")))
	}
	return &target{sc: sc, url: "https://" + addr + "/bus/iszr/" + Service, proc: p, tree: true}, nil
}

func readTail(file string) string {
	b, _ := os.ReadFile(file)
	if len(b) > 2000 {
		b = b[len(b)-2000:]
	}
	return string(b)
}

func dial(ctx context.Context, addr string) error {
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return err
	}
	return c.Close()
}

func (e *Env) startKonektor(ctx context.Context, sc Scenario, profiled bool) (*target, error) {
	e.n++
	data := filepath.Join(e.dir, fmt.Sprintf("konektor-%s-%d", sc.ID, e.n))
	if err := e.copyPKI(data); err != nil {
		return nil, err
	}
	bus, err := FreeAddr()
	if err != nil {
		return nil, err
	}
	ops, err := FreeAddr()
	if err != nil {
		return nil, err
	}
	kc := KonektorConfig{DataDir: data, BusAddr: bus, OpsAddr: ops,
		UpstreamURL: "https://" + e.sandboxAddr + "/publikace",
		Cache:       sc.Cache != "", Seal: sc.Seal, RequireSig: sc.Signed, SigningCert: e.signingCert}
	if sc.Cache == "redis" {
		kc.RedisURL = e.o.RedisURL
		kc.RedisPrefix = fmt.Sprintf("konektor-bench:%s:%d:", e.reqs.ids.prefix, e.n)
	}
	y, err := kc.YAML()
	if err != nil {
		return nil, err
	}
	conf := filepath.Join(data, "konektor.yaml")
	if err := os.WriteFile(conf, y, 0o600); err != nil {
		return nil, err
	}
	logFile := filepath.Join(data, "konektor.log")
	var p *Process
	var pprofAddr string
	if profiled {
		if e.o.Self == "" {
			return nil, errors.New("no harness binary to run the profiled konektor")
		}
		if pprofAddr, err = FreeAddr(); err != nil {
			return nil, err
		}
		p, err = StartProcess("konektor (pprof)", logFile, e.o.Self, "konektor-pprof", "-config", conf, "-pprof", pprofAddr)
	} else {
		p, err = StartProcess("konektor", logFile, e.o.Konektor, "serve", "--config", conf)
	}
	if err != nil {
		return nil, err
	}
	readyz := "http://" + ops + "/readyz"
	err = p.WaitReady(ctx, 90*time.Second, func(ctx context.Context) error {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, readyz, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return err
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("readyz %d: %s", resp.StatusCode, oneLine(string(b), 300))
		}
		return nil
	})
	if err != nil {
		_ = p.Stop(10 * time.Second)
		if sc.Cache == "redis" && strings.Contains(err.Error(), "cache") {
			return nil, fmt.Errorf("%w: Redis at the given URL does not answer (%v)", ErrSkip, oneLine(err.Error(), 300))
		}
		return nil, err
	}
	t := &target{sc: sc, url: "https://" + bus + "/bus/iszr/" + Service, proc: p, ops: ops, pprofAddr: pprofAddr}
	if sc.Cache == "redis" {
		url, prefix := kc.RedisURL, kc.RedisPrefix
		t.cleanup = func() {
			if err := dropRedisPrefix(url, prefix); err != nil {
				e.logf("(%s) Redis keys under %s not removed: %v", sc.ID, prefix, err)
			}
		}
	}
	return t, nil
}

// okMarker is in every answer with OdpovedInfo/Status/VysledekKod OK,
// whatever prefix the namespace has.
var okMarker = []byte("VysledekKod>OK<")

// check returns the answer check of a scenario: HTTP 200, VysledekKod OK,
// the caller's AgendaZadostId echoed, a cache hit where the scenario
// measures hits, a signature where answers are sealed.
func check(sc Scenario) load.Check {
	return func(status int, h http.Header, body []byte, id string) error {
		if status != http.StatusOK {
			return fmt.Errorf("HTTP %d: %s", status, oneLine(string(body), 300))
		}
		if !bytes.Contains(body, okMarker) {
			return fmt.Errorf("status %s, not OK: %s", iszr.ReadStatus(body), oneLine(string(body), 300))
		}
		if id != "" && !bytes.Contains(body, []byte(id)) {
			return errors.New("the answer does not echo the request's AgendaZadostId")
		}
		if sc.Cache != "" {
			if got := h.Get("X-Konektor-Cache"); got != "hit" {
				return fmt.Errorf("X-Konektor-Cache %q, want hit", got)
			}
		}
		if sc.Seal && !bytes.Contains(body, []byte("SignatureValue")) {
			return errors.New("the answer is not sealed")
		}
		return nil
	}
}

// post sends one question with the agency's certificate.
func (e *Env) post(ctx context.Context, url string, body []byte) (int, http.Header, []byte, error) {
	c := &http.Client{Transport: &http.Transport{TLSClientConfig: e.clientTLS.Clone()}, Timeout: 30 * time.Second}
	defer c.CloseIdleConnections()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, nil, nil, err
	}
	req.Header = Header()
	resp, err := c.Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, b, err
}

// probe checks a started target before it is measured: the answer is
// right for the scenario (a cache hit after a miss, a valid seal, an
// unsigned call refused where signing is required). It returns the size
// of the answer.
func (e *Env) probe(ctx context.Context, t *target) (int, error) {
	sc := t.sc
	if sc.Signed {
		body, _ := e.reqs.Unsigned()
		st, _, b, err := e.post(ctx, t.url, body)
		if err != nil {
			return 0, err
		}
		if st != http.StatusForbidden || !bytes.Contains(b, []byte("signature-missing")) {
			return 0, fmt.Errorf("an unsigned call was not refused: HTTP %d %s", st, oneLine(string(b), 300))
		}
	}
	next := func() ([]byte, string, error) {
		if sc.Signed {
			return e.reqs.SignFresh()
		}
		return e.reqs.Next()
	}
	calls := 1
	if sc.Cache != "" {
		calls = 3 // miss, then hits
	}
	var last []byte
	var lastErr error
	for i := 0; i < calls; i++ {
		body, id, err := next()
		if err != nil {
			return 0, err
		}
		st, h, b, err := e.post(ctx, t.url, body)
		if err != nil {
			return 0, err
		}
		last, lastErr = b, check(sc)(st, h, b, id)
		if lastErr == nil {
			break
		}
	}
	if lastErr != nil {
		return 0, lastErr
	}
	if sc.Seal {
		if rep := wssec.Check(last, e.sealTrust, time.Time{}); !rep.Valid {
			return 0, fmt.Errorf("the sealed answer does not verify: %s", rep.ReasonEN)
		}
	}
	return len(last), nil
}

// procReading is the proxy, sandbox and client CPU at one moment.
type procReading struct {
	proxy, sandbox ProcStat
	ok             bool
	// client is this (the harness) process's CPU time, the load
	// generator's; 0 when it cannot be read.
	client time.Duration
}

func (e *Env) read(t *target) procReading {
	var r procReading
	var err error
	if e.sandbox != nil {
		r.sandbox, err = ReadProc(e.sandbox.PID())
		r.ok = err == nil
	}
	if t.proc != nil {
		if t.tree {
			r.proxy, err = ReadTree(t.proc.PID())
		} else {
			r.proxy, err = ReadProc(t.proc.PID())
		}
		r.ok = r.ok && err == nil
	}
	return r
}

// run measures one target at one concurrency (closed loop) or rate
// (paced).
func (e *Env) run(ctx context.Context, t *target, conc int, rate float64, warmup, dur time.Duration, pool int) (Measurement, error) {
	m := Measurement{Scenario: t.sc.ID, Conc: conc, ProxyCPU: math.NaN(), SandboxCPU: math.NaN(), ClientCPU: math.NaN()}
	var src load.Source = e.reqs
	var sp *SignedPool
	if t.sc.Signed {
		var err error
		if sp, err = e.reqs.NewSignedPool(pool); err != nil {
			return m, err
		}
		src = sp
	}
	if t.proc != nil {
		if err := ResetPeak(t.proc.PID(), t.tree); err != nil {
			return m, fmt.Errorf("resetting the peak RSS: %w", err)
		}
	}
	var before, after procReading
	res, err := load.Run(ctx, load.Options{
		URL: t.url, Header: Header(), TLS: e.clientTLS, Source: src, Check: check(t.sc),
		Concurrency: conc, Rate: rate, Warmup: warmup, Duration: dur, Now: e.o.Now,
		Window: func(start bool) {
			// The client's own CPU is read inside the /proc readings, so
			// that their cost stays out of the window.
			if start {
				before = e.read(t)
				before.client = cputime.Process()
			} else {
				c := cputime.Process()
				after = e.read(t)
				after.client = c
			}
		},
	})
	if err != nil {
		return m, err
	}
	ok := res.Requests - res.Errors
	m.Throughput = res.Throughput()
	m.P50, m.P99, m.P999 = res.Latency.Quantile(0.5), res.Latency.Quantile(0.99), res.Latency.Quantile(0.999)
	m.Requests, m.Errors, m.FirstError = res.Requests, res.Errors, res.FirstError
	if ok > 0 && before.ok && after.ok {
		if t.proc != nil {
			m.ProxyCPU = (after.proxy.CPU - before.proxy.CPU).Seconds() / float64(ok) * 1000
		}
		if e.sandbox != nil {
			m.SandboxCPU = (after.sandbox.CPU - before.sandbox.CPU).Seconds() / float64(ok) * 1000
		}
	}
	if ok > 0 && before.client > 0 && after.client > 0 {
		m.ClientCPU = (after.client - before.client).Seconds() / float64(ok) * 1000
	}
	if t.proc != nil {
		m.PeakRSS = after.proxy.HWM
	}
	if sp != nil {
		m.InlineSigned = sp.Inline()
	}
	return m, nil
}
