package harness

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
)

// Machine describes where the figures were taken.
type Machine struct {
	CPU        string
	Cores      int
	MemoryMB   int64
	Kernel     string
	Go         string
	Nginx      string
	LoadBefore string // /proc/loadavg before the runs
	LoadAfter  string
}

// String renders the description in one line.
func (m Machine) String() string {
	s := fmt.Sprintf("%s, %d cores, %d MiB RAM, Linux %s, %s", m.CPU, m.Cores, m.MemoryMB, m.Kernel, m.Go)
	if m.Nginx != "" {
		s += ", " + m.Nginx
	}
	if m.LoadBefore != "" {
		s += fmt.Sprintf("; load average before %s, after %s", m.LoadBefore, m.LoadAfter)
	}
	return s
}

// DescribeMachine reads /proc and asks nginx (when given) for its version.
func DescribeMachine(nginx string) Machine {
	m := Machine{Cores: runtime.NumCPU(), Go: runtime.Version(), CPU: "unknown CPU"}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		m.CPU = cpuModel(b)
	}
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		m.MemoryMB = memTotalMB(b)
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.Kernel = strings.TrimSpace(string(b))
	}
	if nginx != "" {
		if out, err := exec.Command(nginx, "-v").CombinedOutput(); err == nil {
			m.Nginx = strings.TrimPrefix(strings.TrimSpace(string(out)), "nginx version: ")
		}
	}
	m.LoadBefore = LoadAvg()
	return m
}

// LoadAvg returns the 1, 5 and 15 minute load averages.
func LoadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

func cpuModel(cpuinfo []byte) string {
	sc := bufio.NewScanner(bytes.NewReader(cpuinfo))
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown CPU"
}

func memTotalMB(meminfo []byte) int64 {
	sc := bufio.NewScanner(bytes.NewReader(meminfo))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) >= 2 && f[0] == "MemTotal:" {
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			return kb / 1024
		}
	}
	return 0
}
