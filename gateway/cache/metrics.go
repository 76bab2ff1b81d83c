package cache

import "github.com/prometheus/client_golang/prometheus"

// Outcome is how the cache stage answered one request. Its string is the
// value of the X-Konektor-Cache response header and of the metric label.
type Outcome string

// Outcomes of the cache stage.
const (
	// OutcomeHit: a fresh entry was served.
	OutcomeHit Outcome = "hit"
	// OutcomeMiss: the upstream was called (and its answer stored if cacheable).
	OutcomeMiss Outcome = "miss"
	// OutcomeStale: the upstream failed and an entry within its stale window
	// was served instead.
	OutcomeStale Outcome = "stale"
	// OutcomeBypass: the operation is not cacheable (cache class never).
	OutcomeBypass Outcome = "bypass"
)

// Metrics counts cache outcomes and backend errors. It implements
// prometheus.Collector and registers nothing by itself: the caller registers
// it on its own registry. A nil *Metrics counts nothing.
type Metrics struct {
	outcomes *prometheus.CounterVec
	errors   *prometheus.CounterVec
	hit      prometheus.Counter
	miss     prometheus.Counter
	stale    prometheus.Counter
	bypass   prometheus.Counter
}

// NewMetrics returns counters konektor_cache_requests_total{outcome} and
// konektor_cache_backend_errors_total{op}.
func NewMetrics() *Metrics {
	m := &Metrics{
		outcomes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "konektor",
			Subsystem: "cache",
			Name:      "requests_total",
			Help:      "Requests seen by the cache stage, by outcome (hit, miss, stale, bypass).",
		}, []string{"outcome"}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "konektor",
			Subsystem: "cache",
			Name:      "backend_errors_total",
			Help:      "Cache backend operations that failed (treated as a miss), by operation.",
		}, []string{"op"}),
	}
	// Resolve the label values once so that counting on the hit path is a
	// single atomic add.
	m.hit = m.outcomes.WithLabelValues(string(OutcomeHit))
	m.miss = m.outcomes.WithLabelValues(string(OutcomeMiss))
	m.stale = m.outcomes.WithLabelValues(string(OutcomeStale))
	m.bypass = m.outcomes.WithLabelValues(string(OutcomeBypass))
	for _, op := range []string{"get", "set"} {
		m.errors.WithLabelValues(op)
	}
	return m
}

// Observe counts one request with outcome o. Unknown outcomes are ignored.
func (m *Metrics) Observe(o Outcome) {
	if m == nil {
		return
	}
	switch o {
	case OutcomeHit:
		m.hit.Inc()
	case OutcomeMiss:
		m.miss.Inc()
	case OutcomeStale:
		m.stale.Inc()
	case OutcomeBypass:
		m.bypass.Inc()
	}
}

// ObserveError counts one failed backend operation; op is "get" or "set".
func (m *Metrics) ObserveError(op string) {
	if m == nil || (op != "get" && op != "set") {
		return
	}
	m.errors.WithLabelValues(op).Inc()
}

// Describe implements prometheus.Collector.
func (m *Metrics) Describe(ch chan<- *prometheus.Desc) {
	m.outcomes.Describe(ch)
	m.errors.Describe(ch)
}

// Collect implements prometheus.Collector.
func (m *Metrics) Collect(ch chan<- prometheus.Metric) {
	m.outcomes.Collect(ch)
	m.errors.Collect(ch)
}

var _ prometheus.Collector = (*Metrics)(nil)
