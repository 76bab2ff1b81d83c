package harness

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// SoakOptions configure a soak: konektor pass-through (c) paced at half of
// its measured maximum for a long time, sampled.
type SoakOptions struct {
	Options
	For   time.Duration // length of the paced run (10 minutes)
	Every time.Duration // sampling interval
	// Rate, when positive, is used instead of half the measured maximum.
	Rate float64
	// MaxConc is the closed-loop concurrency that measures the maximum.
	MaxConc int
}

// SoakSample is one reading of konektor's /metrics and /proc.
type SoakSample struct {
	At         time.Duration // since the paced run began
	RSS        int64         // process_resident_memory_bytes
	Goroutines float64       // go_goroutines
}

// Trend compares the start and the end of a series.
type Trend struct {
	First, Last float64 // medians of the first and the last third (after warm-up)
	PerMinute   float64 // least-squares slope
	Flat        bool
}

// Flatness judges whether series (sampled at ats) stays flat: the first
// tenth is warm-up; the median of the last third may exceed the median of
// the first third by at most rel (a share) plus abs.
func Flatness(ats []time.Duration, series []float64, rel, abs float64) (Trend, error) {
	if len(series) != len(ats) {
		return Trend{}, errors.New("flatness: times and values differ in length")
	}
	if len(series) < 6 {
		return Trend{}, fmt.Errorf("flatness: %d samples are too few (at least 6)", len(series))
	}
	skip := len(series) / 10
	ats, series = ats[skip:], series[skip:]
	third := len(series) / 3
	t := Trend{First: Median(series[:third]), Last: Median(series[len(series)-third:])}
	t.Flat = t.Last <= t.First*(1+rel)+abs
	// Least squares over the kept samples.
	var sx, sy, sxx, sxy float64
	n := float64(len(series))
	for i, y := range series {
		x := ats[i].Minutes()
		sx, sy, sxx, sxy = sx+x, sy+y, sxx+x*x, sxy+x*y
	}
	if d := n*sxx - sx*sx; d != 0 {
		t.PerMinute = (n*sxy - sx*sy) / d
	}
	return t, nil
}

// parseMetrics reads the named unlabelled series from a Prometheus text
// exposition.
func parseMetrics(r io.Reader, names ...string) (map[string]float64, error) {
	want := map[string]bool{}
	for _, n := range names {
		want[n] = true
	}
	out := map[string]float64{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' {
			continue
		}
		name, val, ok := strings.Cut(line, " ")
		if !ok || !want[name] {
			continue
		}
		if i := strings.IndexByte(val, ' '); i >= 0 { // a timestamp follows
			val = val[:i]
		}
		v, err := strconv.ParseFloat(val, 64)
		if err != nil {
			return nil, fmt.Errorf("metrics: %s: %w", name, err)
		}
		out[name] = v
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	for _, n := range names {
		if _, ok := out[n]; !ok {
			return nil, fmt.Errorf("metrics: %s missing", n)
		}
	}
	return out, nil
}

// SoakReport is what a soak produced.
type SoakReport struct {
	Date, Command string
	Machine       Machine
	Max           float64 // measured closed-loop maximum; 0 when Rate was given
	MaxConc       int
	Rate          float64
	For           time.Duration
	Run           Measurement
	Samples       []SoakSample
	RSS           Trend
	Goroutines    Trend
	Problem       string // why the trends are missing
}

// Soak runs the soak.
func Soak(ctx context.Context, o SoakOptions) (*SoakReport, error) {
	if o.For <= 0 || o.Every <= 0 {
		return nil, errors.New("soak: duration and interval must be positive")
	}
	if o.MaxConc == 0 {
		o.MaxConc = 32
	}
	e, err := Setup(ctx, o.Options)
	if err != nil {
		return nil, err
	}
	defer e.Close()
	rep := &SoakReport{Machine: DescribeMachine(""), MaxConc: o.MaxConc, For: o.For}
	c, _ := ScenarioByID("c")
	t, _, err := e.start(ctx, c, false)
	if err != nil {
		return nil, err
	}
	defer t.close()
	rate := o.Rate
	if rate <= 0 {
		m, err := e.run(ctx, t, o.MaxConc, 0, e.o.Warmup, max(e.o.Duration, 10*time.Second), 0)
		if err != nil {
			return nil, fmt.Errorf("soak: measuring the maximum: %w", err)
		}
		rep.Max = m.Throughput
		rate = math.Floor(m.Throughput / 2)
		e.logf("soak: maximum %.0f req/s at concurrency %d; soaking at %.0f req/s for %s", m.Throughput, o.MaxConc, rate, o.For)
	}
	rep.Rate = rate
	var mu sync.Mutex
	sctx, stop := context.WithCancel(ctx)
	defer stop()
	var wg sync.WaitGroup
	wg.Add(1)
	start := e.o.Now()
	go func() {
		defer wg.Done()
		tick := time.NewTicker(o.Every)
		defer tick.Stop()
		for {
			select {
			case <-sctx.Done():
				return
			case <-tick.C:
			}
			s, err := scrape(sctx, t.ops)
			if err != nil {
				if sctx.Err() == nil {
					e.logf("soak: %v", err)
				}
				continue
			}
			s.At = e.o.Now().Sub(start)
			mu.Lock()
			rep.Samples = append(rep.Samples, s)
			mu.Unlock()
			e.logf("soak %6s: RSS %6.1f MB  goroutines %4.0f", s.At.Truncate(time.Second), mb(s.RSS), s.Goroutines)
		}
	}()
	m, err := e.run(ctx, t, e.o.PacedConc, rate, 0, o.For, 0)
	stop()
	wg.Wait()
	if err != nil {
		return nil, err
	}
	rep.Run = m
	ats := make([]time.Duration, len(rep.Samples))
	rss := make([]float64, len(rep.Samples))
	gs := make([]float64, len(rep.Samples))
	for i, s := range rep.Samples {
		ats[i], rss[i], gs[i] = s.At, float64(s.RSS), s.Goroutines
	}
	var e1, e2 error
	rep.RSS, e1 = Flatness(ats, rss, 0.10, 4<<20)
	rep.Goroutines, e2 = Flatness(ats, gs, 0.10, 10)
	if err := errors.Join(e1, e2); err != nil {
		rep.Problem = err.Error()
	}
	rep.Machine.LoadAfter = LoadAvg()
	return rep, nil
}

// scrapeMetrics reads the named series from konektor's /metrics.
func scrapeMetrics(ctx context.Context, ops string, names ...string) (map[string]float64, error) {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+ops+"/metrics", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	return parseMetrics(resp.Body, names...)
}

func scrape(ctx context.Context, ops string) (SoakSample, error) {
	v, err := scrapeMetrics(ctx, ops, "go_goroutines", "process_resident_memory_bytes")
	if err != nil {
		return SoakSample{}, err
	}
	return SoakSample{RSS: int64(v["process_resident_memory_bytes"]), Goroutines: v["go_goroutines"]}, nil
}

func flatWord(t Trend) string {
	if t.Flat {
		return "flat"
	}
	return "NOT flat"
}

// WriteMarkdown writes the soak's figures and verdicts.
func (r *SoakReport) WriteMarkdown(w io.Writer) error {
	var b strings.Builder
	p := func(format string, a ...any) { fmt.Fprintf(&b, format, a...) }
	p("# konektor soak: %s\n\nCommand: `%s`\n\nMachine: %s\n\n", r.Date, r.Command, r.Machine.String())
	if r.Max > 0 {
		p("konektor pass-through (c), maximum %.0f req/s (closed loop, concurrency %d); soaked at %.0f req/s (50 %%) for %s.\n\n", r.Max, r.MaxConc, r.Rate, r.For)
	} else {
		p("konektor pass-through (c) soaked at %.0f req/s (given) for %s.\n\n", r.Rate, r.For)
	}
	p("Run: %.0f req/s, p50 %s, p99 %s, p99.9 %s, errors %d of %d, proxy CPU %s s/1k, client CPU %s s/1k (the harness process, i.e. the load generator, over the same window; it shares the machine's cores with konektor).\n\n", r.Run.Throughput,
		fmtMS(r.Run.P50), fmtMS(r.Run.P99), fmtMS(r.Run.P999), r.Run.Errors, r.Run.Requests, fmtCPU(r.Run.ProxyCPU), fmtCPU(r.Run.ClientCPU))
	if r.Problem != "" {
		p("Trends not judged: %s\n\n", r.Problem)
	} else {
		p("| series | first third (median) | last third (median) | slope per minute | verdict |\n| --- | ---: | ---: | ---: | --- |\n")
		p("| RSS (process_resident_memory_bytes) | %.1f MB | %.1f MB | %+.2f MB | %s |\n", r.RSS.First/(1<<20), r.RSS.Last/(1<<20), r.RSS.PerMinute/(1<<20), flatWord(r.RSS))
		p("| goroutines (go_goroutines) | %.0f | %.0f | %+.2f | %s |\n\n", r.Goroutines.First, r.Goroutines.Last, r.Goroutines.PerMinute, flatWord(r.Goroutines))
		p("Flat means the last third's median is at most 10 %% + 4 MB (RSS) or 10 %% + 10 (goroutines, which move with the calls in flight) above the first third's; the first tenth is warm-up.\n\n")
	}
	p("| t | RSS MB | goroutines |\n| ---: | ---: | ---: |\n")
	ss := append([]SoakSample(nil), r.Samples...)
	sort.Slice(ss, func(i, j int) bool { return ss[i].At < ss[j].At })
	for _, s := range ss {
		p("| %s | %.1f | %.0f |\n", s.At.Truncate(time.Second), mb(s.RSS), s.Goroutines)
	}
	_, err := io.WriteString(w, b.String())
	return err
}
