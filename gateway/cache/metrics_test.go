package cache

import (
	"testing"

	"github.com/prometheus/client_golang/prometheus"
)

// gather returns every sample of reg as "name{label=value} count".
func gather(t *testing.T, reg *prometheus.Registry) map[string]float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	out := make(map[string]float64)
	for _, mf := range mfs {
		for _, m := range mf.GetMetric() {
			name := mf.GetName()
			for _, l := range m.GetLabel() {
				name += "{" + l.GetName() + "=" + l.GetValue() + "}"
			}
			out[name] = m.GetCounter().GetValue()
		}
	}
	return out
}

func TestMetrics(t *testing.T) {
	m := NewMetrics()
	reg := prometheus.NewPedanticRegistry()
	if err := reg.Register(m); err != nil {
		t.Fatal(err)
	}
	for _, o := range []Outcome{OutcomeHit, OutcomeHit, OutcomeMiss, OutcomeStale, OutcomeBypass, "bogus"} {
		m.Observe(o)
	}
	m.ObserveError("get")
	m.ObserveError("bogus")
	want := map[string]float64{
		"konektor_cache_requests_total{outcome=hit}":    2,
		"konektor_cache_requests_total{outcome=miss}":   1,
		"konektor_cache_requests_total{outcome=stale}":  1,
		"konektor_cache_requests_total{outcome=bypass}": 1,
		"konektor_cache_backend_errors_total{op=get}":   1,
		"konektor_cache_backend_errors_total{op=set}":   0,
	}
	got := gather(t, reg)
	if len(got) != len(want) {
		t.Errorf("gathered %d samples, want %d: %v", len(got), len(want), got)
	}
	for name, v := range want {
		if got[name] != v {
			t.Errorf("%s = %v, want %v", name, got[name], v)
		}
	}
}

func TestNilMetricsCountsNothing(t *testing.T) {
	var m *Metrics
	m.Observe(OutcomeHit)
	m.ObserveError("get")
}

func TestMetricsObserveDoesNotAllocate(t *testing.T) {
	m := NewMetrics()
	if n := testing.AllocsPerRun(100, func() { m.Observe(OutcomeHit) }); n != 0 {
		t.Fatalf("Observe allocates %.1f times, want 0", n)
	}
}
