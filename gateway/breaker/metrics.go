package breaker

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics exports breaker state and upstream latency per node. It
// implements prometheus.Collector and registers nothing by itself: the
// caller registers it on its own registry. Wire OnStateChange into
// Settings.OnStateChange and ObserveCall into PoolOptions.Observe. A nil
// *Metrics records nothing.
type Metrics struct {
	state       *prometheus.GaugeVec
	transitions *prometheus.CounterVec
	latency     *prometheus.HistogramVec
}

// NewMetrics returns the gauge konektor_upstream_breaker_state{node}
// (0 closed, 1 half-open, 2 open), the counter
// konektor_upstream_breaker_transitions_total{node,to} and the histogram
// konektor_upstream_call_duration_seconds{node,result} (result ok or error).
func NewMetrics() *Metrics {
	return &Metrics{
		state: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Namespace: "konektor",
			Subsystem: "upstream",
			Name:      "breaker_state",
			Help:      "Circuit breaker state per upstream node: 0 closed, 1 half-open, 2 open.",
		}, []string{"node"}),
		transitions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "konektor",
			Subsystem: "upstream",
			Name:      "breaker_transitions_total",
			Help:      "Circuit breaker state changes per upstream node, by the state entered.",
		}, []string{"node", "to"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: "konektor",
			Subsystem: "upstream",
			Name:      "call_duration_seconds",
			Help:      "Duration of calls that reached an upstream node, by result.",
			Buckets:   prometheus.ExponentialBuckets(0.005, 2, 12), // 5 ms … ~10 s
		}, []string{"node", "result"}),
	}
}

// AddNode publishes node as closed before its first state change.
func (m *Metrics) AddNode(node string) {
	if m == nil {
		return
	}
	m.state.WithLabelValues(node).Set(float64(Closed))
}

// OnStateChange records a state change; it has the signature of
// Settings.OnStateChange.
func (m *Metrics) OnStateChange(node string, _, to State) {
	if m == nil {
		return
	}
	m.state.WithLabelValues(node).Set(float64(to))
	m.transitions.WithLabelValues(node, to.String()).Inc()
}

// ObserveCall records one call that reached a node; it has the signature of
// PoolOptions.Observe.
func (m *Metrics) ObserveCall(node string, d time.Duration, err error) {
	if m == nil {
		return
	}
	result := "ok"
	if err != nil {
		result = "error"
	}
	m.latency.WithLabelValues(node, result).Observe(d.Seconds())
}

// Describe implements prometheus.Collector.
func (m *Metrics) Describe(ch chan<- *prometheus.Desc) {
	m.state.Describe(ch)
	m.transitions.Describe(ch)
	m.latency.Describe(ch)
}

// Collect implements prometheus.Collector.
func (m *Metrics) Collect(ch chan<- prometheus.Metric) {
	m.state.Collect(ch)
	m.transitions.Collect(ch)
	m.latency.Collect(ch)
}

var _ prometheus.Collector = (*Metrics)(nil)
