//go:build unix

package audit

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// cpuTime is the CPU time this process has used, plus with pg that of the
// local PostgreSQL server's processes (if any are visible in /proc; other
// clients' work on the same server counts too).
func cpuTime(pg bool) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	d := time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	if pg {
		d += serverCPU("postgres")
	}
	return d
}

// serverCPU sums utime and stime of the processes named comm (Linux only;
// 0 elsewhere). Clock ticks are taken as 100 per second.
func serverCPU(comm string) time.Duration {
	dirs, err := os.ReadDir("/proc")
	if err != nil {
		return 0
	}
	var ticks int64
	for _, d := range dirs {
		if d.Name()[0] < '0' || d.Name()[0] > '9' {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", d.Name(), "stat"))
		if err != nil {
			continue
		}
		lp, rp := bytes.IndexByte(stat, '('), bytes.LastIndexByte(stat, ')')
		if lp < 0 || rp < lp || string(stat[lp+1:rp]) != comm {
			continue
		}
		// After the name: state, ppid, …; utime and stime are fields 14
		// and 15 of the line.
		f := strings.Fields(string(stat[rp+1:]))
		if len(f) < 13 {
			continue
		}
		u, _ := strconv.ParseInt(f[11], 10, 64)
		s, _ := strconv.ParseInt(f[12], 10, 64)
		ticks += u + s
	}
	return time.Duration(ticks) * 10 * time.Millisecond
}
