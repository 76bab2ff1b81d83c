package audit

import (
	"cmp"
	"context"
	"sync"
	"time"

	"go.uber.org/zap"
)

// Status is the chain status an auditor's page shows.
type Status struct {
	Report
	// CheckedAt is when the log was last checked; FullAt when it was last
	// verified from its start (a check in between covers only what was
	// appended since, which is cheap).
	CheckedAt time.Time
	FullAt    time.Time
}

// Monitor keeps the chain status of a log cheaply: after one full
// verification it checks only what was appended since. A problem once
// found stays reported until a full verification finds the log whole.
// Entries already checked are re-read only by Full (run it periodically:
// a change to old entries is found then).
type Monitor struct {
	src   Source
	trust Trust
	now   func() time.Time

	mu     sync.Mutex
	v      *chainVerifier // nil: the next check is a full one
	status Status
}

// NewMonitor returns a Monitor of src; nil now means time.Now.
func NewMonitor(src Source, trust Trust, now func() time.Time) *Monitor {
	if now == nil {
		now = time.Now
	}
	return &Monitor{src: src, trust: trust, now: now}
}

// Check brings the status up to date: incrementally after a good full
// verification, fully otherwise.
func (m *Monitor) Check(ctx context.Context) (Status, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.v == nil {
		return m.full(ctx)
	}
	if !m.v.rep.OK {
		return m.status, nil
	}
	start, err := m.src.AccessStart(ctx)
	if err != nil {
		return m.status, err
	}
	if start != m.v.rep.Start {
		return m.full(ctx) // pruned since: the log starts elsewhere now
	}
	if err := m.v.drive(ctx, m.src); err != nil {
		m.v = nil // the state may be half-advanced
		return m.status, err
	}
	m.status.Report, m.status.CheckedAt = m.v.finish(), m.now()
	return m.status, nil
}

// Full verifies the whole log again.
func (m *Monitor) Full(ctx context.Context) (Status, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.full(ctx)
}

func (m *Monitor) full(ctx context.Context) (Status, error) {
	start, err := m.src.AccessStart(ctx)
	if err != nil {
		return m.status, err
	}
	v := newChainVerifier(m.trust, start, false)
	if err := v.drive(ctx, m.src); err != nil {
		return m.status, err
	}
	now := m.now()
	m.v = v
	m.status = Status{Report: v.finish(), CheckedAt: now, FullAt: now}
	return m.status, nil
}

// Last returns the last status without checking; zero before the first check.
func (m *Monitor) Last() Status {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.status
}

// MonitorOptions configure RunMonitor.
type MonitorOptions struct {
	// CheckEvery is how often new entries are checked; default 30 s.
	CheckEvery time.Duration
	// FullEvery is how often the whole log is verified again; default 24 h.
	FullEvery time.Duration
	// Logger receives failures to read the log and a broken chain.
	Logger *zap.Logger
	// Checks and Fulls, if set, replace the timers (tests drive them).
	Checks, Fulls <-chan time.Time
}

// RunMonitor verifies the whole log once, then checks new entries every
// CheckEvery and everything again every FullEvery, until ctx ends. A
// broken chain is logged as an error each time it is seen.
func RunMonitor(ctx context.Context, m *Monitor, o MonitorOptions) {
	if o.Logger == nil {
		o.Logger = zap.NewNop()
	}
	checks, fulls := o.Checks, o.Fulls
	if checks == nil {
		t := time.NewTicker(cmp.Or(o.CheckEvery, 30*time.Second))
		defer t.Stop()
		checks = t.C
	}
	if fulls == nil {
		t := time.NewTicker(cmp.Or(o.FullEvery, 24*time.Hour))
		defer t.Stop()
		fulls = t.C
	}
	report := func(st Status, err error) {
		switch {
		case err != nil && ctx.Err() == nil:
			o.Logger.Error("access log verification could not read the log", zap.Error(err))
		case err == nil && !st.OK:
			o.Logger.Error("access log chain is broken", zap.Int64("first_bad", st.FirstBad),
				zap.String("problem", string(st.Problem)), zap.String("detail", st.ProblemEN))
		}
	}
	report(m.Full(ctx))
	for {
		select {
		case <-ctx.Done():
			return
		case <-checks:
			report(m.Check(ctx))
		case <-fulls:
			report(m.Full(ctx))
		}
	}
}
