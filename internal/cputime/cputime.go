// Package cputime measures CPU time for benchmarks: this process's (user
// and system, all threads, the garbage collector's included) and that of
// other local processes by name, such as a database server's. Unlike wall
// time, CPU time does not grow when other processes share the machine's
// cores, so on a loaded machine it is the figure to compare.
//
// Only tests and benchmarks import this package; it imports "testing" for
// Clock.Report.
package cputime

import (
	"testing"
	"time"
)

// Clock counts CPU time from the moment Start returned it.
type Clock struct {
	comms []string
	start time.Duration
}

// Start starts a Clock counting this process's CPU time plus that of the
// processes named comms (see Of).
func Start(comms ...string) Clock {
	return Clock{comms: comms, start: now(comms)}
}

// Elapsed is the CPU time used since Start.
func (c Clock) Elapsed() time.Duration { return now(c.comms) - c.start }

// Report reports the CPU time since Start per each of n operations as the
// metric cpu-ns/op; with n <= 0 it reports nothing.
func (c Clock) Report(b *testing.B, n int) {
	if n > 0 {
		b.ReportMetric(float64(c.Elapsed().Nanoseconds())/float64(n), "cpu-ns/op")
	}
}

// ReportPerOp is Report(b, b.N), b.N read when it is called, so that
//
//	defer cputime.Start().ReportPerOp(b)
//
// measures the rest of a benchmark function.
func (c Clock) ReportPerOp(b *testing.B) { c.Report(b, b.N) }

// now is Process plus Of each of comms.
func now(comms []string) time.Duration {
	d := Process()
	for _, comm := range comms {
		d += Of(comm)
	}
	return d
}
