package harness

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// selected returns the scenarios to run, in order.
func (o Options) selected() []Scenario {
	if o.Only == "" {
		return Scenarios
	}
	var out []Scenario
	for _, s := range Scenarios {
		if strings.Contains(o.Only, s.ID) {
			out = append(out, s)
		}
	}
	return out
}

// poolSize estimates how many signed questions a run of scenario g needs:
// g is at most as fast as f (it seals too, and verifies), so f's
// throughput at the same concurrency, with a margin.
func poolSize(ms []Measurement, conc int, rate float64, total time.Duration) int {
	est := rate
	if est <= 0 {
		var fs, gs []float64
		for _, m := range ms {
			if m.Conc != conc {
				continue
			}
			switch m.Scenario {
			case "f":
				fs = append(fs, m.Throughput)
			case "g":
				gs = append(gs, m.Throughput)
			}
		}
		est = max(Median(fs), Median(gs)) // NaN when either was not run yet
		if math.IsNaN(est) {
			est = Median(append(fs, gs...))
		}
		if math.IsNaN(est) {
			est = 400
		}
	}
	n := int(est*2*total.Seconds()) + 200
	return min(n, 500_000)
}

// Bench runs every selected scenario over the sweep, Repeat times
// (scenarios interleaved, so that a noisy moment does not hit one scenario
// only), then the half-load pairs, the many-connection memory check and,
// for missed goals, profiles.
func Bench(ctx context.Context, o Options) (*Report, error) {
	if o.Repeat < 1 || len(o.Sweep) == 0 || o.Duration <= 0 {
		return nil, errors.New("harness: repeat, sweep and duration must be set")
	}
	e, err := Setup(ctx, o)
	if err != nil {
		return nil, err
	}
	defer e.Close()
	o = e.o
	rep := &Report{Machine: DescribeMachine(o.Nginx), RequestBytes: e.RequestBytes(), AnswerBytes: map[string]int{},
		Scenarios: o.selected(), Skipped: map[string]string{}, ManyConns: o.ManyConns}
	rep.Settings = fmt.Sprintf("concurrency sweep %v; each point %s measured after %s warm-up, repeated %d× (medians); HTTP/1.1 keep-alive, one connection per caller",
		o.Sweep, o.Duration, o.Warmup, o.Repeat)
	e.logf("work directory %s; request %d bytes", e.dir, e.RequestBytes())
	var ms []Measurement
	for r := 1; r <= o.Repeat; r++ {
		// Every scenario's process runs for the whole repetition, and the
		// scenarios take turns at each concurrency: the runs compared in a
		// ratio lie within a minute or two of each other on a noisy machine.
		targets := map[string]*target{}
		for _, sc := range rep.Scenarios {
			if _, skip := rep.Skipped[sc.ID]; skip {
				continue
			}
			t, size, err := e.start(ctx, sc, false)
			if err != nil {
				if errors.Is(err, ErrSkip) {
					rep.Skipped[sc.ID] = strings.TrimPrefix(err.Error(), ErrSkip.Error()+": ")
					e.logf("(%s) skipped: %s", sc.ID, rep.Skipped[sc.ID])
					continue
				}
				if ctx.Err() != nil {
					closeAll(targets)
					return nil, ctx.Err()
				}
				// One failed start must not lose the whole run's figures.
				rep.Notes = append(rep.Notes, fmt.Sprintf("(%s) rep %d did not start: %s", sc.ID, r, oneLine(err.Error(), 400)))
				e.logf("(%s) rep %d did not start: %v", sc.ID, r, err)
				continue
			}
			rep.AnswerBytes[sc.ID] = size
			targets[sc.ID] = t
		}
		for _, conc := range o.Sweep {
			for _, sc := range rep.Scenarios {
				t, ok := targets[sc.ID]
				if !ok {
					continue
				}
				m, err := e.run(ctx, t, conc, 0, o.Warmup, o.Duration, poolSize(ms, conc, 0, o.Warmup+o.Duration))
				if err != nil {
					if ctx.Err() != nil {
						closeAll(targets)
						return nil, ctx.Err()
					}
					rep.Notes = append(rep.Notes, fmt.Sprintf("(%s) rep %d at %d failed: %s", sc.ID, r, conc, oneLine(err.Error(), 400)))
					e.logf("(%s) rep %d at %d failed: %v", sc.ID, r, conc, err)
					continue
				}
				m.Rep = r
				ms = append(ms, m)
				e.logf("rep %d/%d (%s) conc %4d: %7.0f req/s  p50 %s  p99 %s  p99.9 %s  proxy CPU %s s/1k  client CPU %s s/1k  RSS %s MB  errors %d%s",
					r, o.Repeat, sc.ID, conc, m.Throughput, fmtMS(m.P50), fmtMS(m.P99), fmtMS(m.P999), fmtCPU(m.ProxyCPU), fmtCPU(m.ClientCPU), fmtRSS(m.PeakRSS), m.Errors, inlineNote(m))
				if m.InlineSigned > 0 {
					rep.Notes = append(rep.Notes, fmt.Sprintf("(g) rep %d at %d: %d of %d requests were signed during the run (the pre-signed pool ran dry); that client CPU competed with konektor",
						r, conc, m.InlineSigned, m.Requests))
				}
			}
		}
		closeAll(targets)
	}
	rep.Measurements = ms
	rep.Rows = Aggregate(ms)

	for _, phase := range []struct {
		on  bool
		run func(context.Context, *Report) error
	}{{o.HalfLoad, e.halfLoad}, {o.ManyConns > 0, e.manyConns}} {
		if !phase.on {
			continue
		}
		if err := phase.run(ctx, rep); err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			rep.Notes = append(rep.Notes, oneLine(err.Error(), 400))
			e.logf("%v", err)
		}
	}
	rep.Goals = Goals(ms, rep.Half, rep.Many, o.ManyConns)
	if o.Profile {
		e.profileMissed(ctx, rep)
	}
	rep.Machine.LoadAfter = LoadAvg()
	rep.Notes = append(rep.Notes,
		"The load generator, the sandbox and the proxy share the machine's cores; every figure is a ratio measured in the same run, not an absolute capacity.",
		"konektor runs on its defaults apart from the scenario's settings: durable SQLite access log (fsync before each answer leaves), demo policy, info-level JSON log to a file; cache off in (c), (f), (g); the seal key is the dev PKI's RSA-3072 key.",
		"nginx: worker_processes auto, access log on (a plain reverse proxy's defaults), upstream keepalive 256, proxy_ssl_verify with konektor's upstream identity as client certificate.",
		"In (a)–(f) the question carries a WS-Security header that nobody checks (its AgendaZadostId and CasZadosti change per call after signing); in (g) every call is signed afresh before the run starts, and konektor verifies it (pinned RSA-2048 certificate).")
	return rep, nil
}

func closeAll(ts map[string]*target) {
	for _, t := range ts {
		t.close()
	}
}

func inlineNote(m Measurement) string {
	if m.InlineSigned > 0 {
		return fmt.Sprintf("  (%d signed inline)", m.InlineSigned)
	}
	return ""
}

// halfLoad paces (a) and (c) at half of (c)'s peak, Repeat pairs.
func (e *Env) halfLoad(ctx context.Context, rep *Report) error {
	pc, ok := Peak(rep.Rows, "c")
	if !ok {
		rep.Notes = append(rep.Notes, "Half load not measured: scenario (c) was not run.")
		return nil
	}
	if _, okA := Peak(rep.Rows, "a"); !okA {
		rep.Notes = append(rep.Notes, "Half load not measured: scenario (a) was not run.")
		return nil
	}
	rate := math.Floor(pc.Throughput / 2)
	a, _ := ScenarioByID("a")
	c, _ := ScenarioByID("c")
	for r := 1; r <= e.o.Repeat; r++ {
		h := HalfLoad{Rep: r, Rate: rate}
		for _, sc := range []Scenario{a, c} {
			t, _, err := e.start(ctx, sc, false)
			if err != nil {
				return fmt.Errorf("half load (%s): %w", sc.ID, err)
			}
			m, err := e.run(ctx, t, e.o.PacedConc, rate, e.o.Warmup, e.o.Duration, 0)
			t.close()
			if err != nil {
				return fmt.Errorf("half load (%s): %w", sc.ID, err)
			}
			kept := m.Errors == 0 && m.Throughput >= 0.95*rate
			if sc.ID == "a" {
				h.DirectP99, h.DirectOK = m.P99, kept
			} else {
				h.KonP99, h.KonOK = m.P99, kept
			}
			e.logf("half load %d/%d (%s) at %.0f req/s: %.0f req/s  p50 %s  p99 %s  p99.9 %s  errors %d",
				r, e.o.Repeat, sc.ID, rate, m.Throughput, fmtMS(m.P50), fmtMS(m.P99), fmtMS(m.P999), m.Errors)
		}
		if !h.DirectOK || !h.KonOK {
			rep.Notes = append(rep.Notes, fmt.Sprintf("Half load pair %d did not keep %.0f req/s without errors (direct %v, konektor %v).", r, rate, h.DirectOK, h.KonOK))
		}
		rep.Half = append(rep.Half, h)
	}
	return nil
}

// manyConns measures konektor pass-through with ManyConns callers, each
// on its own connection, in a fresh process.
func (e *Env) manyConns(ctx context.Context, rep *Report) error {
	c, _ := ScenarioByID("c")
	t, _, err := e.start(ctx, c, false)
	if err != nil {
		return fmt.Errorf("many connections: %w", err)
	}
	defer t.close()
	warm := max(e.o.Warmup, 5*time.Second) // every caller's TLS handshake
	// konektor's own view of its memory, three quarters into the window.
	runtimeStats := make(chan map[string]float64, 1)
	go func() {
		select {
		case <-time.After(warm + e.o.Duration*3/4):
		case <-ctx.Done():
			runtimeStats <- nil
			return
		}
		v, err := scrapeMetrics(ctx, t.ops, manyMetrics...)
		if err != nil {
			e.logf("many connections: %v", err)
		}
		if _, port, err := net.SplitHostPort(e.sandboxAddr); err == nil && v != nil {
			p, _ := strconv.Atoi(port)
			if n, err := EstablishedTo(p); err == nil {
				v[upstreamConns] = float64(n)
			}
		}
		runtimeStats <- v
	}()
	m, err := e.run(ctx, t, e.o.ManyConns, 0, warm, e.o.Duration, 0)
	if err != nil {
		return fmt.Errorf("many connections: %w", err)
	}
	rep.ManyRuntime = <-runtimeStats
	e.logf("(c) with %d connections: %.0f req/s  p99 %s  peak RSS %s MB  errors %d", e.o.ManyConns, m.Throughput, fmtMS(m.P99), fmtRSS(m.PeakRSS), m.Errors)
	rep.Many = &m
	return nil
}

// upstreamConns is the key of the upstream connection count in
// Report.ManyRuntime.
const upstreamConns = "upstream_connections"

// manyMetrics are the Go runtime's memory figures read during the
// many-connection run: they tell heap from goroutine stacks in the RSS.
var manyMetrics = []string{"process_resident_memory_bytes", "go_goroutines", "go_memstats_heap_inuse_bytes",
	"go_memstats_stack_inuse_bytes", "go_memstats_sys_bytes", "go_memstats_next_gc_bytes"}

// profileMissed takes a pprof profile of konektor under the load of each
// missed goal. konektor's ops listener serves no pprof, so the profiled
// konektor is this harness's konektor-pprof command: konektor's app.Run
// with the same configuration, plus net/http/pprof on its own loopback
// port.
func (e *Env) profileMissed(ctx context.Context, rep *Report) {
	for _, g := range rep.Goals {
		if g.Met == nil || *g.Met {
			continue
		}
		pr := ProfileResult{Goal: g.Name}
		sc, ok := ScenarioByID(g.Profile.Scenario)
		if !ok {
			continue
		}
		kind := "CPU"
		if g.Profile.Heap {
			kind = "heap (inuse_space)"
		}
		load := fmt.Sprintf("closed loop at concurrency %d", g.Profile.Conc)
		if g.Profile.Rate > 0 {
			load = fmt.Sprintf("paced at %.0f req/s with %d callers", g.Profile.Rate, e.o.PacedConc)
		}
		pr.How = fmt.Sprintf("%s profile of konektor in scenario (%s), %s, taken over %s with `konektor-bench konektor-pprof` (konektor's app.Run with the same configuration plus net/http/pprof on a separate loopback port; konektor's ops listener has no pprof); shown with `go tool pprof -top` (flat, then cumulative).",
			kind, sc.ID, load, e.o.ProfileFor)
		top, err := e.profile(ctx, sc, g.Profile)
		if err != nil {
			pr.Problem = err.Error()
		}
		pr.Top = top
		e.logf("profile for %q: %v", g.Name, errString(err))
		rep.Profiles = append(rep.Profiles, pr)
	}
}

func errString(err error) string {
	if err == nil {
		return "taken"
	}
	return err.Error()
}

func (e *Env) profile(ctx context.Context, sc Scenario, spec ProfileSpec) (string, error) {
	if e.o.Self == "" {
		return "", errors.New("no harness binary to run the profiled konektor")
	}
	t, _, err := e.start(ctx, sc, true)
	if err != nil {
		return "", err
	}
	defer t.close()
	conc := spec.Conc
	if spec.Rate > 0 {
		conc = e.o.PacedConc
	}
	warm := max(e.o.Warmup, 3*time.Second)
	if conc >= 500 {
		warm = max(warm, 5*time.Second)
	}
	secs := int(e.o.ProfileFor.Seconds())
	if secs < 1 {
		secs = 1
	}
	url := "http://" + t.pprofAddr + fmt.Sprintf("/debug/pprof/profile?seconds=%d", secs)
	wait := warm + time.Second
	if spec.Heap {
		url = "http://" + t.pprofAddr + "/debug/pprof/heap?gc=1"
		wait = warm + e.o.ProfileFor*3/4
	}
	type got struct {
		b   []byte
		err error
	}
	done := make(chan got, 1)
	go func() {
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			done <- got{err: ctx.Err()}
			return
		}
		resp, err := http.Get(url)
		if err != nil {
			done <- got{err: err}
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err == nil && resp.StatusCode != http.StatusOK {
			err = fmt.Errorf("pprof: HTTP %d: %s", resp.StatusCode, oneLine(string(b), 200))
		}
		done <- got{b: b, err: err}
	}()
	if _, err := e.run(ctx, t, conc, spec.Rate, warm, e.o.ProfileFor+2*time.Second, poolSize(nil, conc, 0, warm+e.o.ProfileFor+2*time.Second)); err != nil {
		return "", err
	}
	g := <-done
	if g.err != nil {
		return "", g.err
	}
	file := filepath.Join(e.dir, fmt.Sprintf("profile-%s-%d.pb.gz", sc.ID, conc))
	if err := os.WriteFile(file, g.b, 0o644); err != nil {
		return "", err
	}
	if e.o.GoTool == "" {
		return "", fmt.Errorf("profile saved to %s; no go command for pprof -top", file)
	}
	var tops []string
	for _, order := range [][]string{{"-top", "-nodecount=30"}, {"-top", "-cum", "-nodecount=40"}} {
		args := append([]string{"tool", "pprof"}, order...)
		if spec.Heap {
			args = append(args, "-sample_index=inuse_space")
		}
		out, err := exec.CommandContext(ctx, e.o.GoTool, append(args, file)...).CombinedOutput()
		if err != nil {
			return "", fmt.Errorf("go tool pprof: %v: %s", err, oneLine(string(out), 300))
		}
		tops = append(tops, "$ go tool pprof "+strings.Join(order, " ")+" profile\n"+string(out))
	}
	return strings.Join(tops, "\n"), nil
}
