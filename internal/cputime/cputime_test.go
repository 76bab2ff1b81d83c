package cputime

import (
	"flag"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"
)

var sink uint64

// burn spins on this goroutine until Process has grown by at least d, or
// until 3 s of wall time have passed.
func burn(d time.Duration) {
	start, deadline := Process(), time.Now().Add(3*time.Second)
	x := sink
	for Process()-start < d && time.Now().Before(deadline) {
		for range 100_000 {
			x = x*6364136223846793005 + 1442695040888963407
		}
	}
	sink = x
}

func TestProcessGrows(t *testing.T) {
	if runtime.GOOS == "windows" || runtime.GOOS == "plan9" || runtime.GOOS == "js" || runtime.GOOS == "wasip1" {
		t.Skip("Process is not measured on " + runtime.GOOS)
	}
	before := Process()
	if before <= 0 {
		t.Fatalf("Process() = %v at start, want > 0", before)
	}
	burn(50 * time.Millisecond)
	if d := Process() - before; d < 50*time.Millisecond {
		t.Fatalf("Process() grew by %v after burning CPU, want >= 50ms", d)
	}
}

func TestOfUnknown(t *testing.T) {
	if d := Of("no-such-process-xyz"); d != 0 {
		t.Fatalf(`Of("no-such-process-xyz") = %v, want 0`, d)
	}
}

func TestOfSelf(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("Of reads /proc (Linux only)")
	}
	comm, err := os.ReadFile("/proc/self/comm")
	if err != nil {
		t.Skip(err)
	}
	name := strings.TrimSuffix(string(comm), "\n")
	burn(100 * time.Millisecond)
	// Other processes of the same name (another run of this test) only add.
	if d := Of(name); d < 50*time.Millisecond {
		t.Fatalf("Of(%q) = %v after burning 100ms of CPU, want >= 50ms", name, d)
	}
}

func TestClockElapsed(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("Clock with comms needs Process and Of (Linux)")
	}
	c := Start()
	burn(50 * time.Millisecond)
	if d := c.Elapsed(); d < 50*time.Millisecond {
		t.Fatalf("Elapsed() = %v after burning 50ms of CPU, want >= 50ms", d)
	}
	comm, err := os.ReadFile("/proc/self/comm")
	if err != nil {
		t.Skip(err)
	}
	// With its own name added the clock counts this process twice (ticks
	// are 10 ms, so allow for rounding).
	c = Start(strings.TrimSuffix(string(comm), "\n"))
	burn(100 * time.Millisecond)
	if d := c.Elapsed(); d < 170*time.Millisecond {
		t.Fatalf("Elapsed() with own name = %v after burning 100ms of CPU, want >= 170ms", d)
	}
}

// TestReport runs a one-iteration benchmark and checks the metric name
// the benchmarks quote (BENCHMARKS.md).
func TestReport(t *testing.T) {
	if runtime.GOOS == "windows" || runtime.GOOS == "plan9" || runtime.GOOS == "js" || runtime.GOOS == "wasip1" {
		t.Skip("Process is not measured on " + runtime.GOOS)
	}
	f := flag.Lookup("test.benchtime")
	if f == nil {
		t.Skip("no -test.benchtime flag")
	}
	old := f.Value.String()
	if err := f.Value.Set("1x"); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = f.Value.Set(old) }()

	r := testing.Benchmark(func(b *testing.B) {
		defer Start().ReportPerOp(b)
		for range b.N {
			burn(20 * time.Millisecond)
		}
	})
	if r.N != 1 {
		t.Fatalf("benchmark ran %d times, want 1", r.N)
	}
	if got := r.Extra["cpu-ns/op"]; got < float64(20*time.Millisecond) {
		t.Fatalf("cpu-ns/op = %v, want >= %v (extra: %v)", got, float64(20*time.Millisecond), r.Extra)
	}

	r = testing.Benchmark(func(b *testing.B) {
		c := Start()
		for range b.N {
			burn(20 * time.Millisecond)
		}
		c.Report(b, 0)
	})
	if v, ok := r.Extra["cpu-ns/op"]; ok {
		t.Fatalf("Report(b, 0) reported cpu-ns/op = %v, want nothing", v)
	}
}
