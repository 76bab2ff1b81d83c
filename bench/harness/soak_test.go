package harness

import (
	"strings"
	"testing"
	"time"
)

func series(n int, f func(i int) float64) ([]time.Duration, []float64) {
	ats := make([]time.Duration, n)
	vs := make([]float64, n)
	for i := range vs {
		ats[i] = time.Duration(i+1) * 10 * time.Second
		vs[i] = f(i)
	}
	return ats, vs
}

func TestFlatness(t *testing.T) {
	const mbf = 1 << 20
	// Warm-up growth in the first tenth, then flat with noise: flat.
	ats, vs := series(60, func(i int) float64 {
		if i < 6 {
			return float64(20+i*5) * mbf
		}
		return float64(50+i%3) * mbf
	})
	tr, err := Flatness(ats, vs, 0.10, 4*mbf)
	if err != nil || !tr.Flat {
		t.Fatalf("flat series judged %+v %v", tr, err)
	}
	// Steady growth of 1 MB a sample (6 MB a minute): not flat.
	ats, vs = series(60, func(i int) float64 { return float64(50+i) * mbf })
	tr, _ = Flatness(ats, vs, 0.10, 4*mbf)
	if tr.Flat || tr.PerMinute < 5.9*mbf || tr.PerMinute > 6.1*mbf {
		t.Fatalf("growing series judged %+v", tr)
	}
	// Goroutines: 70 ± 3, then a leak of one per sample.
	ats, vs = series(30, func(i int) float64 { return float64(70 + i%4 - 2) })
	if tr, _ := Flatness(ats, vs, 0.10, 10); !tr.Flat {
		t.Fatalf("steady goroutines judged %+v", tr)
	}
	ats, vs = series(30, func(i int) float64 { return float64(70 + i) })
	if tr, _ := Flatness(ats, vs, 0.10, 10); tr.Flat {
		t.Fatalf("leaking goroutines judged %+v", tr)
	}
	if _, err := Flatness(ats[:3], vs[:3], 0.1, 0); err == nil {
		t.Fatal("three samples judged")
	}
	if _, err := Flatness(ats, vs[:5], 0.1, 0); err == nil {
		t.Fatal("mismatched lengths judged")
	}
}

func TestParseMetrics(t *testing.T) {
	text := `# HELP go_goroutines Number of goroutines that currently exist.
# TYPE go_goroutines gauge
go_goroutines 73
go_goroutines_extra{x="1"} 5
process_resident_memory_bytes 4.5056e+07
konektor_requests_total{outcome="ok"} 12
`
	v, err := parseMetrics(strings.NewReader(text), "go_goroutines", "process_resident_memory_bytes")
	if err != nil {
		t.Fatal(err)
	}
	if v["go_goroutines"] != 73 || v["process_resident_memory_bytes"] != 45056000 {
		t.Fatalf("%v", v)
	}
	if _, err := parseMetrics(strings.NewReader("go_goroutines 1\n"), "go_goroutines", "process_resident_memory_bytes"); err == nil {
		t.Fatal("a missing series was not reported")
	}
	if _, err := parseMetrics(strings.NewReader("go_goroutines x\n"), "go_goroutines"); err == nil {
		t.Fatal("a bad value was not reported")
	}
}

func TestSoakMarkdown(t *testing.T) {
	r := &SoakReport{Date: "2026-11-23", Command: "konektor-bench soak -for 1m", Max: 800, MaxConc: 32, Rate: 400, For: time.Minute,
		Run:        Measurement{Throughput: 399, Requests: 23940, ProxyCPU: 0.5, ClientCPU: 0.25},
		Samples:    []SoakSample{{At: 20 * time.Second, RSS: 50 << 20, Goroutines: 70}, {At: 10 * time.Second, RSS: 48 << 20, Goroutines: 69}},
		RSS:        Trend{First: 48 << 20, Last: 60 << 20, Flat: false},
		Goroutines: Trend{First: 69, Last: 70, Flat: true}}
	var b strings.Builder
	if err := r.WriteMarkdown(&b); err != nil {
		t.Fatal(err)
	}
	md := b.String()
	for _, want := range []string{"maximum 800 req/s", "soaked at 400 req/s (50 %) for 1m0s", "| RSS (process_resident_memory_bytes) | 48.0 MB | 60.0 MB |", "NOT flat", "proxy CPU 0.500 s/1k, client CPU 0.250 s/1k (the harness process, i.e. the load generator,", "| goroutines (go_goroutines) | 69 | 70 |", "| 10s | 48.0 | 69 |\n| 20s | 50.0 | 70 |"} {
		if !strings.Contains(md, want) {
			t.Errorf("soak report lacks %q\n%s", want, md)
		}
	}
}
