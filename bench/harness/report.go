package harness

import (
	"fmt"
	"io"
	"math"
	"sort"
	"strings"
	"time"
)

// Measurement is one run of one scenario at one concurrency.
type Measurement struct {
	Scenario   string
	Conc       int
	Rep        int
	Throughput float64 // successful calls per second
	P50        time.Duration
	P99        time.Duration
	P999       time.Duration
	Requests   int64
	Errors     int64
	FirstError string
	// ProxyCPU and SandboxCPU are CPU seconds per 1 000 successful calls
	// of the proxy (konektor or nginx with its workers) and of the
	// sandbox; NaN when there is no such process.
	ProxyCPU   float64
	SandboxCPU float64
	// ClientCPU is the same for the harness process itself, i.e. the load
	// generator (getrusage RUSAGE_SELF over the same window; the proxy and
	// the sandbox are separate processes, not counted); NaN when it could
	// not be read. It shares the machine's cores with the systems measured.
	ClientCPU float64
	// PeakRSS is the proxy's peak resident set during the run (VmHWM,
	// reset at its start), bytes; 0 without a proxy.
	PeakRSS int64
	// InlineSigned counts signatures the client made during the run
	// (scenario g, when the pre-signed pool ran dry).
	InlineSigned int64
}

// Row is the median of a scenario's repeated runs at one concurrency.
type Row struct {
	Scenario   string
	Conc       int
	Runs       int
	Throughput float64
	P50        time.Duration
	P99        time.Duration
	P999       time.Duration
	ProxyCPU   float64
	SandboxCPU float64
	ClientCPU  float64
	PeakRSS    int64
	Errors     int64 // summed over the runs
	Requests   int64
	FirstError string
	// VsDirect and VsNginx are the median over the repetitions of this
	// scenario's throughput over that of scenario a (b) at the same
	// concurrency in the same repetition (paired, so that slow drifts of a
	// noisy machine cancel); NaN when a (b) is missing.
	VsDirect float64
	VsNginx  float64
}

// Median returns the median of xs (NaN when empty); NaNs are ignored.
func Median(xs []float64) float64 {
	v := make([]float64, 0, len(xs))
	for _, x := range xs {
		if !math.IsNaN(x) {
			v = append(v, x)
		}
	}
	if len(v) == 0 {
		return math.NaN()
	}
	sort.Float64s(v)
	n := len(v)
	if n%2 == 1 {
		return v[n/2]
	}
	return (v[n/2-1] + v[n/2]) / 2
}

// Ratio is a/b, NaN when either is missing or b is zero.
func Ratio(a, b float64) float64 {
	if math.IsNaN(a) || math.IsNaN(b) || b == 0 {
		return math.NaN()
	}
	return a / b
}

func medianDur(ms []Measurement, f func(Measurement) time.Duration) time.Duration {
	xs := make([]float64, len(ms))
	for i, m := range ms {
		xs[i] = float64(f(m))
	}
	return time.Duration(Median(xs))
}

func medianF(ms []Measurement, f func(Measurement) float64) float64 {
	xs := make([]float64, len(ms))
	for i, m := range ms {
		xs[i] = f(m)
	}
	return Median(xs)
}

// Aggregate turns measurements into rows (medians per scenario and
// concurrency), ordered by scenario then concurrency, with the ratios to
// scenarios a and b at the same concurrency.
func Aggregate(ms []Measurement) []Row {
	type key struct {
		s string
		c int
	}
	groups := map[key][]Measurement{}
	var keys []key
	for _, m := range ms {
		k := key{m.Scenario, m.Conc}
		if _, ok := groups[k]; !ok {
			keys = append(keys, k)
		}
		groups[k] = append(groups[k], m)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].s != keys[j].s {
			return keys[i].s < keys[j].s
		}
		return keys[i].c < keys[j].c
	})
	rows := make([]Row, 0, len(keys))
	for _, k := range keys {
		g := groups[k]
		r := Row{Scenario: k.s, Conc: k.c, Runs: len(g),
			Throughput: medianF(g, func(m Measurement) float64 { return m.Throughput }),
			P50:        medianDur(g, func(m Measurement) time.Duration { return m.P50 }),
			P99:        medianDur(g, func(m Measurement) time.Duration { return m.P99 }),
			P999:       medianDur(g, func(m Measurement) time.Duration { return m.P999 }),
			ProxyCPU:   medianF(g, func(m Measurement) float64 { return m.ProxyCPU }),
			SandboxCPU: medianF(g, func(m Measurement) float64 { return m.SandboxCPU }),
			ClientCPU:  medianF(g, func(m Measurement) float64 { return m.ClientCPU }),
			PeakRSS:    int64(medianF(g, func(m Measurement) float64 { return float64(m.PeakRSS) })),
		}
		for _, m := range g {
			r.Errors += m.Errors
			r.Requests += m.Requests
			if r.FirstError == "" {
				r.FirstError = m.FirstError
			}
		}
		r.VsDirect = pairedRatio(ms, k.s, "a", func(m Measurement) bool { return m.Conc == k.c })
		r.VsNginx = pairedRatio(ms, k.s, "b", func(m Measurement) bool { return m.Conc == k.c })
		rows = append(rows, r)
	}
	return rows
}

// pairedRatio is the median over the repetitions of num's best throughput
// over den's, both among the measurements that keep selects, within the
// same repetition. NaN when no repetition has both.
func pairedRatio(ms []Measurement, num, den string, keep func(Measurement) bool) float64 {
	best := map[string]map[int]float64{num: {}, den: {}}
	for _, m := range ms {
		by, ok := best[m.Scenario]
		if !ok || !keep(m) {
			continue
		}
		if v, seen := by[m.Rep]; !seen || m.Throughput > v {
			by[m.Rep] = m.Throughput
		}
	}
	var rs []float64
	for rep, n := range best[num] {
		if d, ok := best[den][rep]; ok {
			rs = append(rs, Ratio(n, d))
		}
	}
	return Median(rs)
}

// PeakRatio is the median over the repetitions of num's peak throughput
// (the best over the sweep) over den's peak in the same repetition.
func PeakRatio(ms []Measurement, num, den string) float64 {
	return pairedRatio(ms, num, den, func(Measurement) bool { return true })
}

// Peak is a scenario's best row: the highest median throughput over the
// sweep.
func Peak(rows []Row, scenario string) (Row, bool) {
	var best Row
	found := false
	for _, r := range rows {
		if r.Scenario == scenario && (!found || r.Throughput > best.Throughput) {
			best, found = r, true
		}
	}
	return best, found
}

// HalfLoad is one paced run pair: the direct call and konektor
// pass-through at the same rate (half of konektor's peak).
type HalfLoad struct {
	Rep       int
	Rate      float64
	DirectP99 time.Duration
	KonP99    time.Duration
	DirectOK  bool // the direct run kept the rate without errors
	KonOK     bool
}

// AddedP99 is the median over the pairs of konektor's p99 minus the direct
// call's.
func AddedP99(hs []HalfLoad) time.Duration {
	xs := make([]float64, 0, len(hs))
	for _, h := range hs {
		xs = append(xs, float64(h.KonP99-h.DirectP99))
	}
	return time.Duration(Median(xs))
}

// Goal is one target of issue 9 (or issue 5's cache goals) with its outcome.
type Goal struct {
	Name   string
	Target string
	Value  string
	// Met is nil when the goal could not be measured.
	Met *bool
	// Profile names what to profile when the goal is missed.
	Profile ProfileSpec
}

// ProfileSpec says how to reproduce the load under which a goal is
// missed: a scenario at a concurrency (closed loop) or at a rate (paced).
type ProfileSpec struct {
	Scenario string
	Conc     int
	Rate     float64
	Heap     bool // a heap profile (memory goal) instead of CPU
}

func boolp(b bool) *bool { return &b }

// Goals evaluates the targets from the measurements (throughput
// ratios of peaks, paired by repetition), the half-load pairs and the peak
// RSS at many connections (nil: not measured).
func Goals(ms []Measurement, half []HalfLoad, many *Measurement, manyConns int) []Goal {
	rows := Aggregate(ms)
	ratioGoal := func(name, target, numID, denID string, min float64) Goal {
		num, okNum := Peak(rows, numID)
		den, okDen := Peak(rows, denID)
		g := Goal{Name: name, Target: target, Profile: ProfileSpec{Scenario: numID, Conc: num.Conc}}
		r := PeakRatio(ms, numID, denID)
		if !okNum || !okDen || math.IsNaN(r) {
			g.Value = "not measured"
			return g
		}
		g.Value = fmt.Sprintf("%.2f× (median of per-repetition peak ratios; median peaks %s %.0f req/s at %d, %s %.0f req/s at %d)",
			r, numID, num.Throughput, num.Conc, denID, den.Throughput, den.Conc)
		g.Met = boolp(r >= min)
		return g
	}
	var gs []Goal
	gs = append(gs, ratioGoal("(c) throughput vs nginx (b)", "≥ 0.5×", "c", "b", 0.5))
	lat := Goal{Name: "(c) p99 added latency at half load", Target: "< 2 ms"}
	if len(half) > 0 {
		add := AddedP99(half)
		lat.Value = fmt.Sprintf("%s (p99 konektor %s, direct %s, at %.0f req/s; median of %d pairs)",
			fmtMS(add), fmtMS(time.Duration(medianF(halfAsM(half, true), func(m Measurement) float64 { return float64(m.P99) }))),
			fmtMS(time.Duration(medianF(halfAsM(half, false), func(m Measurement) float64 { return float64(m.P99) }))), half[0].Rate, len(half))
		lat.Met = boolp(add < 2*time.Millisecond)
		lat.Profile = ProfileSpec{Scenario: "c", Rate: half[0].Rate, Conc: 64}
	} else {
		lat.Value = "not measured"
	}
	gs = append(gs, lat)
	gs = append(gs, ratioGoal("(d) memory cache hit vs nginx (b)", "≥ 1×", "d", "b", 1))
	gs = append(gs, ratioGoal("(f) sealed vs pass-through (c)", "≥ 0.33×", "f", "c", 0.33))
	// Issue 5's speed goals, against the direct call.
	gs = append(gs, ratioGoal("(d) memory cache hit vs direct (a), issue 5", "≥ 2×", "d", "a", 2))
	gs = append(gs, ratioGoal("(e) Redis cache hit vs direct (a), issue 5", "≥ 1×", "e", "a", 1))
	if manyConns <= 0 {
		manyConns = 1000 // the figure, when the check was skipped
	}
	rss := Goal{Name: fmt.Sprintf("konektor peak RSS at %d connections", manyConns), Target: "< 150 MB",
		Profile: ProfileSpec{Scenario: "c", Conc: manyConns, Heap: true}}
	if many != nil && many.PeakRSS > 0 {
		rss.Value = fmt.Sprintf("%.1f MB (%.0f req/s, p99 %s)", mb(many.PeakRSS), many.Throughput, fmtMS(many.P99))
		rss.Met = boolp(many.PeakRSS < 150<<20)
	} else {
		rss.Value = "not measured"
	}
	gs = append(gs, rss)
	return gs
}

func halfAsM(hs []HalfLoad, kon bool) []Measurement {
	out := make([]Measurement, len(hs))
	for i, h := range hs {
		out[i].P99 = h.DirectP99
		if kon {
			out[i].P99 = h.KonP99
		}
	}
	return out
}

func mb(b int64) float64 { return float64(b) / (1 << 20) }

// fmtMS renders a duration in milliseconds.
func fmtMS(d time.Duration) string {
	ms := float64(d) / float64(time.Millisecond)
	switch {
	case math.Abs(ms) < 10:
		return fmt.Sprintf("%.2f ms", ms)
	case math.Abs(ms) < 100:
		return fmt.Sprintf("%.1f ms", ms)
	default:
		return fmt.Sprintf("%.0f ms", ms)
	}
}

func fmtRatio(r float64) string {
	if math.IsNaN(r) {
		return "–"
	}
	return fmt.Sprintf("%.2f×", r)
}

func fmtCPU(s float64) string {
	if math.IsNaN(s) {
		return "–"
	}
	return fmt.Sprintf("%.3f", s)
}

func fmtRSS(b int64) string {
	if b <= 0 {
		return "–"
	}
	return fmt.Sprintf("%.1f", mb(b))
}

// Report is everything one `make bench` run produced.
type Report struct {
	Date         string
	Command      string
	Machine      Machine
	Settings     string
	RequestBytes int
	AnswerBytes  map[string]int // scenario → size of the answer
	Scenarios    []Scenario
	Measurements []Measurement // every run; Rows are their medians
	Rows         []Row
	Half         []HalfLoad
	ManyConns    int
	Many         *Measurement
	// ManyRuntime is konektor's /metrics (Go runtime memory) during the
	// many-connection run.
	ManyRuntime map[string]float64
	Goals       []Goal
	Skipped     map[string]string // scenario → why
	Notes       []string
	Profiles    []ProfileResult
}

// ProfileResult is the pprof top of a missed goal.
type ProfileResult struct {
	Goal    string
	How     string
	Top     string
	Problem string
}

// WriteMarkdown writes the report as Markdown.
func (r *Report) WriteMarkdown(w io.Writer) error {
	var b strings.Builder
	p := func(format string, a ...any) { fmt.Fprintf(&b, format, a...) }
	p("# konektor load harness: %s\n\n", r.Date)
	p("Command: `%s`\n\n", r.Command)
	p("Machine: %s\n\n", r.Machine.String())
	p("Settings: %s\n\n", r.Settings)
	p("Request: the same %d-byte ISZR E36 (RÚIAN address) question in every scenario, WS-Security-signed form, mTLS on every hop; ", r.RequestBytes)
	p("answers: %s.\n\n", r.answerSizes())
	p("## Scenarios\n\n")
	for _, s := range r.Scenarios {
		line := fmt.Sprintf("- (%s) %s", s.ID, s.Name)
		if why, ok := r.Skipped[s.ID]; ok {
			line += " — **skipped**: " + why
		}
		p("%s\n", line)
	}
	p("\n## Results (medians)\n\n")
	p("Throughput in successful calls/s; latency measured by the client from send to the last byte; CPU is seconds of CPU time per 1 000 calls (proxy: konektor, or nginx master + workers; sandbox: the ISZR sandbox process); client CPU is that of the harness process, i.e. the load generator, over the same window, which shares the machine's cores with the systems measured; peak RSS is the proxy's VmHWM during the run (nginx: sum over its processes); ratios are throughput over (a) and (b) at the same concurrency in the same repetition, median over the repetitions (at each concurrency every scenario runs once, one after another, so that paired runs are close in time).\n\n")
	p("| scenario | conc | req/s | p50 | p99 | p99.9 | proxy CPU s/1k | sandbox CPU s/1k | client CPU s/1k | proxy peak RSS MB | ×(a) | ×(b) | errors |\n")
	p("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n")
	for _, row := range r.Rows {
		errs := "0"
		if row.Errors > 0 {
			errs = fmt.Sprintf("%d of %d", row.Errors, row.Requests)
		}
		p("| (%s) | %d | %.0f | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", row.Scenario, row.Conc, row.Throughput,
			fmtMS(row.P50), fmtMS(row.P99), fmtMS(row.P999), fmtCPU(row.ProxyCPU), fmtCPU(row.SandboxCPU), fmtCPU(row.ClientCPU), fmtRSS(row.PeakRSS),
			fmtRatio(row.VsDirect), fmtRatio(row.VsNginx), errs)
	}
	p("\n## Peak throughput per scenario\n\n")
	p("Best concurrency by median throughput; the ratios are medians over the repetitions of this scenario's peak over the peak of (a) or (b) in the same repetition.\n\n")
	p("| scenario | best conc | req/s | p99 | proxy CPU s/1k | ×(a) peak | ×(b) peak |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n")
	for _, s := range r.Scenarios {
		pk, ok := Peak(r.Rows, s.ID)
		if !ok {
			continue
		}
		p("| (%s) %s | %d | %.0f | %s | %s | %s | %s |\n", s.ID, s.Name, pk.Conc, pk.Throughput, fmtMS(pk.P99), fmtCPU(pk.ProxyCPU),
			fmtRatio(PeakRatio(r.Measurements, s.ID, "a")), fmtRatio(PeakRatio(r.Measurements, s.ID, "b")))
	}
	if len(r.Half) > 0 {
		p("\n## Half load\n\nThe direct call (a) and konektor pass-through (c), paced at half of (c)'s peak, latency from each call's scheduled start:\n\n")
		p("| pair | rate req/s | p99 direct | p99 konektor | added |\n| ---: | ---: | ---: | ---: | ---: |\n")
		for _, h := range r.Half {
			p("| %d | %.0f | %s | %s | %s |\n", h.Rep, h.Rate, fmtMS(h.DirectP99), fmtMS(h.KonP99), fmtMS(h.KonP99-h.DirectP99))
		}
	}
	if r.Many != nil {
		p("\n## %d concurrent connections\n\nkonektor pass-through (c), closed loop, one kept-alive connection per caller: %.0f req/s, p50 %s, p99 %s, peak RSS %.1f MB, errors %d of %d.\n",
			r.ManyConns, r.Many.Throughput, fmtMS(r.Many.P50), fmtMS(r.Many.P99), mb(r.Many.PeakRSS), r.Many.Errors, r.Many.Requests)
		if v := r.ManyRuntime; v != nil {
			p("\nkonektor's /metrics three quarters into the run: RSS %.1f MB, %.0f goroutines, heap in use %.1f MB (next GC at %.1f MB), goroutine stacks %.1f MB, all memory the Go runtime holds %.1f MB.\n",
				v["process_resident_memory_bytes"]/(1<<20), v["go_goroutines"], v["go_memstats_heap_inuse_bytes"]/(1<<20),
				v["go_memstats_next_gc_bytes"]/(1<<20), v["go_memstats_stack_inuse_bytes"]/(1<<20), v["go_memstats_sys_bytes"]/(1<<20))
			if n, ok := v[upstreamConns]; ok {
				p("At the same moment konektor held %.0f established connections to the sandbox.\n", n)
			}
		}
	}
	p("\n## Goals (issues 9 and 5)\n\n| goal | target | measured | |\n| --- | --- | --- | --- |\n")
	for _, g := range r.Goals {
		verdict := "not measured"
		if g.Met != nil {
			verdict = "**missed**"
			if *g.Met {
				verdict = "met"
			}
		}
		p("| %s | %s | %s | %s |\n", g.Name, g.Target, g.Value, verdict)
	}
	var withErr []string
	for _, row := range r.Rows {
		if row.FirstError != "" {
			withErr = append(withErr, fmt.Sprintf("(%s) at %d: %s", row.Scenario, row.Conc, oneLine(row.FirstError, 200)))
		}
	}
	if len(withErr) > 0 {
		p("\n## First errors\n\n")
		for _, e := range withErr {
			p("- %s\n", e)
		}
	}
	if len(r.Notes) > 0 {
		p("\n## Notes\n\n")
		for _, n := range r.Notes {
			p("- %s\n", n)
		}
	}
	for _, pr := range r.Profiles {
		p("\n## Profile: %s\n\n%s\n\n", pr.Goal, pr.How)
		if pr.Problem != "" {
			p("Profile not taken: %s\n", pr.Problem)
			continue
		}
		p("```\n%s\n```\n", strings.TrimRight(pr.Top, "\n"))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func (r *Report) answerSizes() string {
	if len(r.AnswerBytes) == 0 {
		return "–"
	}
	var parts []string
	for _, s := range r.Scenarios {
		if n, ok := r.AnswerBytes[s.ID]; ok {
			parts = append(parts, fmt.Sprintf("(%s) %d B", s.ID, n))
		}
	}
	return strings.Join(parts, ", ")
}

func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > n {
		s = s[:n] + "…"
	}
	return s
}
