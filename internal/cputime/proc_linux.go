package cputime

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Of sums the CPU time (utime and stime) of the processes named comm (the
// name in /proc/PID/comm, at most 15 bytes) that are visible in /proc
// now: a process that has exited no longer counts. Clock ticks are taken
// as 100 per second.
func Of(comm string) time.Duration {
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
