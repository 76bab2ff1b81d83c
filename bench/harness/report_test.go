package harness

import (
	"math"
	"strings"
	"testing"
	"time"
)

func TestMedianAndRatio(t *testing.T) {
	for _, c := range []struct {
		in   []float64
		want float64
	}{
		{[]float64{3, 1, 2}, 2},
		{[]float64{4, 1, 3, 2}, 2.5},
		{[]float64{math.NaN(), 5, 1}, 3},
		{[]float64{7}, 7},
	} {
		if got := Median(c.in); got != c.want {
			t.Errorf("Median(%v) = %v, want %v", c.in, got, c.want)
		}
	}
	if !math.IsNaN(Median(nil)) || !math.IsNaN(Median([]float64{math.NaN()})) {
		t.Error("median of nothing must be NaN")
	}
	if Ratio(3, 2) != 1.5 || !math.IsNaN(Ratio(1, 0)) || !math.IsNaN(Ratio(math.NaN(), 1)) {
		t.Error("Ratio")
	}
}

func meas(s string, conc, rep int, tput float64, p99ms float64, rss int64) Measurement {
	return Measurement{Scenario: s, Conc: conc, Rep: rep, Throughput: tput,
		P50: time.Duration(p99ms / 4 * float64(time.Millisecond)), P99: time.Duration(p99ms * float64(time.Millisecond)),
		P999: time.Duration(p99ms * 2 * float64(time.Millisecond)), Requests: int64(tput), ProxyCPU: 0.5, SandboxCPU: 0.2,
		ClientCPU: clientCPU[rep-1], PeakRSS: rss}
}

// clientCPU is the client's CPU per repetition: the median (0.3) differs
// from the mean and from every other CPU figure.
var clientCPU = []float64{0.3, 0.1, 0.9}

// sample is three repetitions of a, b, c, d, f at two concurrencies.
func sample() []Measurement {
	var ms []Measurement
	for rep := 1; rep <= 3; rep++ {
		noise := float64(rep-2) * 10 // -10, 0, +10: the median is the middle run
		for _, conc := range []int{1, 8} {
			k := float64(conc)
			ms = append(ms,
				meas("a", conc, rep, 1000*k+noise, 2, 0),
				meas("b", conc, rep, 800*k+noise, 3, 20<<20),
				meas("c", conc, rep, 400*k+noise, 5, 40<<20),
				meas("d", conc, rep, 900*k+noise, 4, 41<<20),
				meas("f", conc, rep, 100*k+noise, 20, 42<<20),
			)
		}
	}
	return ms
}

func TestAggregateMediansAndRatios(t *testing.T) {
	rows := Aggregate(sample())
	if len(rows) != 10 {
		t.Fatalf("%d rows", len(rows))
	}
	if rows[0].Scenario != "a" || rows[0].Conc != 1 || rows[9].Scenario != "f" || rows[9].Conc != 8 {
		t.Fatalf("order: %+v … %+v", rows[0], rows[9])
	}
	var c8 Row
	for _, r := range rows {
		if r.Scenario == "c" && r.Conc == 8 {
			c8 = r
		}
	}
	if c8.Runs != 3 || c8.Throughput != 3200 {
		t.Fatalf("c at 8: %+v", c8)
	}
	if math.Abs(c8.VsDirect-3200.0/8000) > 1e-9 || math.Abs(c8.VsNginx-3200.0/6400) > 1e-9 {
		t.Fatalf("ratios %v %v", c8.VsDirect, c8.VsNginx)
	}
	if c8.PeakRSS != 40<<20 || c8.P99 != 5*time.Millisecond || c8.ProxyCPU != 0.5 || c8.ClientCPU != 0.3 {
		t.Fatalf("medians: %+v", c8)
	}
	pk, ok := Peak(rows, "d")
	if !ok || pk.Conc != 8 || pk.Throughput != 7200 {
		t.Fatalf("peak d: %+v", pk)
	}
	if _, ok := Peak(rows, "g"); ok {
		t.Fatal("peak of a scenario never run")
	}
	// Without scenario b the ratio to it is missing, not zero.
	var noB []Measurement
	for _, m := range sample() {
		if m.Scenario != "b" {
			noB = append(noB, m)
		}
	}
	for _, r := range Aggregate(noB) {
		if !math.IsNaN(r.VsNginx) {
			t.Fatalf("ratio to a missing b: %v", r.VsNginx)
		}
	}
}

func TestGoals(t *testing.T) {
	half := []HalfLoad{
		{Rep: 1, Rate: 1600, DirectP99: 2 * time.Millisecond, KonP99: 3 * time.Millisecond},
		{Rep: 2, Rate: 1600, DirectP99: 2 * time.Millisecond, KonP99: 5 * time.Millisecond},
		{Rep: 3, Rate: 1600, DirectP99: 2 * time.Millisecond, KonP99: 3500 * time.Microsecond},
	}
	if AddedP99(half) != 1500*time.Microsecond {
		t.Fatalf("added p99 %v", AddedP99(half))
	}
	many := &Measurement{PeakRSS: 160 << 20, Throughput: 900}
	gs := Goals(sample(), half, many, 1000)
	want := map[string]bool{
		"(c) throughput vs nginx (b)":                 true, // 3200/6400 = 0.5, the bound itself
		"(c) p99 added latency at half load":          true, // median of 1, 3, 1.5 ms
		"(d) memory cache hit vs nginx (b)":           true, // 7200/6400
		"(f) sealed vs pass-through (c)":              false,
		"konektor peak RSS at 1000 connections":       false,
		"(d) memory cache hit vs direct (a), issue 5": false, // 7200/8000
	}
	// (e) is not in the sample: reported, not judged.
	const redisGoal = "(e) Redis cache hit vs direct (a), issue 5"
	if len(gs) != len(want)+1 {
		t.Fatalf("%d goals", len(gs))
	}
	for _, g := range gs {
		if g.Name == redisGoal {
			if g.Met != nil || g.Value != "not measured" {
				t.Errorf("%s: %+v", g.Name, g)
			}
			continue
		}
		w, ok := want[g.Name]
		if !ok || g.Met == nil || *g.Met != w {
			t.Errorf("%s: met %v, want %v (%s)", g.Name, g.Met, w, g.Value)
		}
	}
	// f at 800 of c at 3200 is 0.25: missed, and the profile spec points at f's peak.
	for _, g := range gs {
		if g.Name == "(f) sealed vs pass-through (c)" && (g.Profile.Scenario != "f" || g.Profile.Conc != 8) {
			t.Errorf("profile spec %+v", g.Profile)
		}
		if strings.HasPrefix(g.Name, "konektor peak RSS") && !g.Profile.Heap {
			t.Error("the memory goal needs a heap profile")
		}
	}
	// Nothing measured: every goal says so.
	for _, g := range Goals(nil, nil, nil, 0) {
		if g.Met != nil || g.Value != "not measured" || strings.Contains(g.Name, " 0 connections") {
			t.Errorf("%s: %+v", g.Name, g)
		}
	}
}

func TestWriteMarkdown(t *testing.T) {
	rows := Aggregate(sample())
	rep := &Report{Date: "2026-11-23", Command: "konektor-bench run", Machine: Machine{CPU: "Test CPU", Cores: 2, Go: "go1.27"},
		Settings: "sweep", RequestBytes: 5100, AnswerBytes: map[string]int{"a": 1574}, Scenarios: Scenarios, Rows: rows,
		ManyConns: 1000, Many: &Measurement{PeakRSS: 60 << 20, Throughput: 700},
		ManyRuntime: map[string]float64{"process_resident_memory_bytes": 58 << 20, "go_goroutines": 2040, "go_memstats_heap_inuse_bytes": 30 << 20,
			"go_memstats_next_gc_bytes": 40 << 20, "go_memstats_stack_inuse_bytes": 16 << 20, "go_memstats_sys_bytes": 70 << 20, upstreamConns: 64},
		Skipped:  map[string]string{"e": "no Redis"},
		Profiles: []ProfileResult{{Goal: "(f) sealed vs pass-through (c)", How: "CPU profile", Top: "flat  flat%\n 1s 50% crypto/rsa"}}}
	rep.Measurements = sample()
	rep.Goals = Goals(rep.Measurements, nil, rep.Many, 1000)
	var b strings.Builder
	if err := rep.WriteMarkdown(&b); err != nil {
		t.Fatal(err)
	}
	md := b.String()
	for _, want := range []string{
		"# konektor load harness: 2026-11-23",
		"5100-byte ISZR E36",
		"| (c) | 8 | 3200 | 1.25 ms | 5.00 ms | 10.0 ms | 0.500 | 0.200 | 0.300 | 40.0 | 0.40× | 0.50× | 0 |",
		"| proxy CPU s/1k | sandbox CPU s/1k | client CPU s/1k | proxy peak RSS MB |",
		"client CPU is that of the harness process, i.e. the load generator, over the same window",
		"| (a) | 1 | 1000 |",
		"(e) konektor, Redis cache hit — **skipped**: no Redis",
		"| (d) konektor, memory cache hit | 8 | 7200 |",
		"| (f) sealed vs pass-through (c) | ≥ 0.33× | 0.25× (median of per-repetition peak ratios; median peaks f 800 req/s at 8, c 3200 req/s at 8) | **missed** |",
		"| (d) konektor, memory cache hit | 8 | 7200 | 4.00 ms | 0.500 | 0.90× | 1.12× |",
		"| (c) p99 added latency at half load | < 2 ms | not measured | not measured |",
		"| konektor peak RSS at 1000 connections | < 150 MB | 60.0 MB",
		"RSS 58.0 MB, 2040 goroutines, heap in use 30.0 MB (next GC at 40.0 MB), goroutine stacks 16.0 MB, all memory the Go runtime holds 70.0 MB",
		"konektor held 64 established connections to the sandbox",
		"## Profile: (f) sealed vs pass-through (c)",
		"crypto/rsa",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("report lacks %q\n%s", want, md)
		}
	}
	// Every table row has the header's column count.
	for _, line := range strings.Split(md, "\n") {
		if strings.HasPrefix(line, "| (") && strings.Count(line, "|") != 14 && strings.Count(line, "|") != 8 && strings.Count(line, "|") != 5 {
			t.Errorf("odd row: %s", line)
		}
	}
}

// TestClientCPU checks that the client's CPU is a median over the
// repetitions that ignores runs where it could not be read, and that a
// missing figure shows as a dash, not as zero.
func TestClientCPU(t *testing.T) {
	ms := []Measurement{
		{Scenario: "c", Conc: 8, Rep: 1, ClientCPU: 0.4},
		{Scenario: "c", Conc: 8, Rep: 2, ClientCPU: math.NaN()},
		{Scenario: "c", Conc: 8, Rep: 3, ClientCPU: 0.2},
		{Scenario: "c", Conc: 8, Rep: 4, ClientCPU: 1.6},
		{Scenario: "a", Conc: 8, Rep: 1, ClientCPU: math.NaN()},
	}
	rows := Aggregate(ms)
	if len(rows) != 2 || rows[1].Scenario != "c" || rows[1].ClientCPU != 0.4 {
		t.Fatalf("rows %+v", rows)
	}
	if !math.IsNaN(rows[0].ClientCPU) {
		t.Fatalf("client CPU never read: %v", rows[0].ClientCPU)
	}
	var b strings.Builder
	if err := (&Report{Rows: rows}).WriteMarkdown(&b); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"| 0.000 | 0.000 | – | – | – | – | 0 |", "| 0.000 | 0.000 | 0.400 | – | – | – | 0 |"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("report lacks %q\n%s", want, b.String())
		}
	}
}

// TestRatiosArePaired checks that ratios pair runs of the same
// repetition: a noisy repetition slows both scenarios, and the median of
// the paired ratios differs from the ratio of the medians.
func TestRatiosArePaired(t *testing.T) {
	var ms []Measurement
	for i, v := range [][2]float64{{100, 90}, {1000, 300}, {400, 380}} {
		ms = append(ms, Measurement{Scenario: "a", Conc: 4, Rep: i + 1, Throughput: v[0]},
			Measurement{Scenario: "c", Conc: 4, Rep: i + 1, Throughput: v[1]},
			Measurement{Scenario: "c", Conc: 1, Rep: i + 1, Throughput: v[1] / 2})
	}
	rows := Aggregate(ms)
	for _, r := range rows {
		if r.Scenario == "c" && r.Conc == 4 && r.VsDirect != 0.9 {
			t.Fatalf("paired ratio %v, want 0.9 (the ratio of medians would be 0.75)", r.VsDirect)
		}
	}
	if r := PeakRatio(ms, "c", "a"); r != 0.9 {
		t.Fatalf("peak ratio %v", r)
	}
	if !math.IsNaN(PeakRatio(ms, "c", "b")) {
		t.Fatal("a ratio to a scenario never run")
	}
	// A repetition without the denominator is left out.
	ms = append(ms, Measurement{Scenario: "c", Conc: 4, Rep: 4, Throughput: 5})
	if r := PeakRatio(ms, "c", "a"); r != 0.9 {
		t.Fatalf("unpaired repetition counted: %v", r)
	}
}

func TestPoolSize(t *testing.T) {
	ms := []Measurement{{Scenario: "f", Conc: 8, Throughput: 100}, {Scenario: "f", Conc: 8, Throughput: 120}}
	if n := poolSize(ms, 8, 0, 10*time.Second); n != 110*2*10+200 {
		t.Fatalf("from f: %d", n)
	}
	// g faster than f in an earlier repetition: the larger one counts.
	ms = append(ms, Measurement{Scenario: "g", Conc: 8, Throughput: 150})
	if n := poolSize(ms, 8, 0, 10*time.Second); n != 150*2*10+200 {
		t.Fatalf("from g: %d", n)
	}
	if n := poolSize([]Measurement{{Scenario: "g", Conc: 1, Throughput: 50}}, 1, 0, 10*time.Second); n != 50*2*10+200 {
		t.Fatalf("from g alone: %d", n)
	}
	if n := poolSize(nil, 1, 0, 10*time.Second); n != 400*2*10+200 {
		t.Fatalf("default: %d", n)
	}
	if n := poolSize(nil, 1, 1e9, time.Hour); n != 500_000 {
		t.Fatalf("cap: %d", n)
	}
}
