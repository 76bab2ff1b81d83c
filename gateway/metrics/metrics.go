// Package metrics holds konektor's Prometheus collectors, registered on a
// registry of konektor's own (never the global one).
package metrics

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics are the collectors konektor exports.
type Metrics struct {
	Registry *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	// Ready is 1 when every readiness check passes.
	Ready prometheus.Gauge
	// CertExpiry is the NotAfter of each configured certificate (Unix seconds).
	CertExpiry    *prometheus.GaugeVec
	policyReloads *prometheus.CounterVec
}

// New registers konektor's collectors and the Go runtime's.
func New() *Metrics {
	r := prometheus.NewRegistry()
	m := &Metrics{
		Registry: r,
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "konektor_requests_total",
			Help: "Exchanges handled, by upstream, service, outcome and HTTP status.",
		}, []string{"upstream", "service", "outcome", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "konektor_request_duration_seconds",
			Help:    "Time from receiving a request to the answer, by upstream, service and outcome.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}, []string{"upstream", "service", "outcome"}),
		Ready: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "konektor_ready", Help: "1 when every readiness check passes.",
		}),
		CertExpiry: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "konektor_certificate_not_after_seconds",
			Help: "Expiry (NotAfter, Unix time) of each configured certificate.",
		}, []string{"name", "subject"}),
		policyReloads: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "konektor_policy_reloads_total",
			Help: "Policy reload attempts by result (ok, failed); a failed reload keeps the previous policy.",
		}, []string{"result"}),
	}
	r.MustRegister(m.requests, m.latency, m.Ready, m.CertExpiry, m.policyReloads,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Observe records one finished exchange.
func (m *Metrics) Observe(upstream, service, outcome string, status int, d time.Duration) {
	m.requests.WithLabelValues(upstream, service, outcome, strconv.Itoa(status)).Inc()
	m.latency.WithLabelValues(upstream, service, outcome).Observe(d.Seconds())
}

// PolicyReloaded counts a policy reload attempt.
func (m *Metrics) PolicyReloaded(ok bool, _ error) {
	if ok {
		m.policyReloads.WithLabelValues("ok").Inc()
	} else {
		m.policyReloads.WithLabelValues("failed").Inc()
	}
}

// Handler serves the registry in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{Registry: m.Registry})
}
