package breaker

import (
	"errors"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

func TestMetrics(t *testing.T) {
	m := NewMetrics()
	reg := prometheus.NewPedanticRegistry()
	if err := reg.Register(m); err != nil {
		t.Fatal(err)
	}
	m.AddNode("iszr/cms2")
	clk := newClock()
	b, err := New(Settings{Name: "iszr/cms1", FailuresToOpen: 1, OpenTimeout: time.Second, Now: clk.Now, OnStateChange: m.OnStateChange})
	if err != nil {
		t.Fatal(err)
	}
	run(t, b, fail, 1)
	clk.Advance(time.Second)
	b.State()
	m.ObserveCall("iszr/cms1", 20*time.Millisecond, errors.New("x"))
	m.ObserveCall("iszr/cms1", 10*time.Millisecond, nil)

	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, mf := range mfs {
		for _, mt := range mf.GetMetric() {
			name := mf.GetName()
			for _, l := range mt.GetLabel() {
				name += "," + l.GetName() + "=" + l.GetValue()
			}
			switch {
			case mt.Gauge != nil:
				got[name] = mt.GetGauge().GetValue()
			case mt.Counter != nil:
				got[name] = mt.GetCounter().GetValue()
			case mt.Histogram != nil:
				got[name] = float64(mt.GetHistogram().GetSampleCount())
			}
		}
	}
	want := map[string]float64{
		"konektor_upstream_breaker_state,node=iszr/cms1":                          float64(HalfOpen),
		"konektor_upstream_breaker_state,node=iszr/cms2":                          float64(Closed),
		"konektor_upstream_breaker_transitions_total,node=iszr/cms1,to=open":      1,
		"konektor_upstream_breaker_transitions_total,node=iszr/cms1,to=half-open": 1,
		"konektor_upstream_call_duration_seconds,node=iszr/cms1,result=error":     1,
		"konektor_upstream_call_duration_seconds,node=iszr/cms1,result=ok":        1,
	}
	if len(got) != len(want) {
		t.Errorf("gathered %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %v, want %v", k, got[k], v)
		}
	}
}

func TestNilMetricsRecordsNothing(t *testing.T) {
	var m *Metrics
	m.AddNode("n")
	m.OnStateChange("n", Closed, Open)
	m.ObserveCall("n", time.Second, nil)
}
