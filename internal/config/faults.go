package config

import (
	"fmt"
	"math"
	"time"
)

// SandboxFaults are the faults the in-process ISZR sandbox injects from
// start, for resilience drills. At run time an operator reads and changes
// them at /control/faults on the sandbox's own listener.
type SandboxFaults struct {
	// Operators are the client certificate CNs allowed at /control/faults;
	// empty means nobody. konektor's own upstream identity (CN konektor) is
	// the one to list: the technology centre holds its key, agenda systems
	// never do.
	Operators []string `yaml:"operators"`
	// Seed seeds the error_rate draws, so that a drill is repeatable.
	Seed       int            `yaml:"seed"`
	Latency    Duration       `yaml:"latency"`     // added to every answer
	ErrorRate  float64        `yaml:"error_rate"`  // share of calls that fail, 0–1
	ErrorMode  string         `yaml:"error_mode"`  // http-503 (default), neni-k-dispozici, close
	TLSFailure bool           `yaml:"tls_failure"` // refuse handshakes, drop connections
	Outages    []OutageWindow `yaml:"outages"`     // periods in which every call fails
}

// OutageWindow is a period in which the sandbox fails every call.
type OutageWindow struct {
	From time.Time `yaml:"from"` // RFC 3339; inclusive
	To   time.Time `yaml:"to"`   // RFC 3339; exclusive
	Mode string    `yaml:"mode"` // as error_mode
}

// maxSandboxLatency bounds the injected latency, as the sandbox does.
const maxSandboxLatency = 5 * time.Minute

// validate returns every problem of the fault settings.
func (f SandboxFaults) validate() []string {
	var p []string
	add := func(format string, a ...any) { p = append(p, fmt.Sprintf(format, a...)) }
	if d := f.Latency.D(); d < 0 || d > maxSandboxLatency {
		add("sandbox.faults.latency: %v must be between 0 and %v", d, maxSandboxLatency)
	}
	if math.IsNaN(f.ErrorRate) || f.ErrorRate < 0 || f.ErrorRate > 1 {
		add("sandbox.faults.error_rate: %v must be between 0 and 1", f.ErrorRate)
	}
	if !faultMode(f.ErrorMode) {
		add("sandbox.faults.error_mode: %q is not http-503, neni-k-dispozici or close", f.ErrorMode)
	}
	for i, w := range f.Outages {
		if w.From.IsZero() || w.To.IsZero() || !w.From.Before(w.To) {
			add("sandbox.faults.outages[%d]: from and to must be set and from before to", i)
		}
		if !faultMode(w.Mode) {
			add("sandbox.faults.outages[%d].mode: %q is not http-503, neni-k-dispozici or close", i, w.Mode)
		}
	}
	for i, cn := range f.Operators {
		if cn == "" {
			add("sandbox.faults.operators[%d]: must not be empty", i)
		}
	}
	return p
}

func faultMode(m string) bool {
	switch m {
	case "", "http-503", "neni-k-dispozici", "close":
		return true
	}
	return false
}
