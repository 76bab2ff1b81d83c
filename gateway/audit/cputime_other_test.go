//go:build !unix

package audit

import "time"

// cpuTime is not measured here: the benchmarks report no CPU per entry.
func cpuTime(bool) time.Duration { return 0 }
