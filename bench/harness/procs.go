package harness

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// userHZ is the unit of the CPU times in /proc/<pid>/stat (USER_HZ, 100
// on every Linux architecture the kernel exports to user space).
const userHZ = 100

// Process is a child the harness started (sandbox, konektor, nginx).
type Process struct {
	Name string
	Cmd  *exec.Cmd
	Log  string // file with its stdout and stderr
	done chan struct{}
	err  error // how it ended; set before done closes
}

// childEnv is the harness's environment without KONEKTOR_ variables:
// konektor reads those as configuration (and refuses unknown ones), so a
// developer's KONEKTOR_REDIS_URL or test variables must not leak into the
// children.
func childEnv(env []string) []string {
	out := make([]string, 0, len(env))
	for _, e := range env {
		if strings.HasPrefix(e, "KONEKTOR_") {
			continue
		}
		out = append(out, e)
	}
	return out
}

// StartProcess runs name with args, output to logFile.
func StartProcess(name, logFile string, bin string, args ...string) (*Process, error) {
	f, err := os.Create(logFile)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, args...)
	cmd.Env = childEnv(os.Environ())
	cmd.Stdout, cmd.Stderr = f, f
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		f.Close()
		return nil, fmt.Errorf("starting %s: %w", name, err)
	}
	p := &Process{Name: name, Cmd: cmd, Log: logFile, done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		f.Close()
		close(p.done)
	}()
	return p, nil
}

// PID is the child's process id.
func (p *Process) PID() int { return p.Cmd.Process.Pid }

// Exited reports whether the child has ended (and how).
func (p *Process) Exited() (bool, error) {
	select {
	case <-p.done:
		return true, p.err
	default:
		return false, nil
	}
}

// Stop sends SIGTERM and waits up to grace, then kills the child's group.
func (p *Process) Stop(grace time.Duration) error {
	if p == nil {
		return nil
	}
	_ = p.Cmd.Process.Signal(syscall.SIGTERM)
	t := time.NewTimer(grace)
	defer t.Stop()
	select {
	case <-p.done:
		var ee *exec.ExitError
		if errors.As(p.err, &ee) && ee.ExitCode() == -1 { // ended by the signal
			return nil
		}
		return p.err
	case <-t.C:
		_ = syscall.Kill(-p.PID(), syscall.SIGKILL)
		<-p.done
		return fmt.Errorf("%s did not stop within %s; killed", p.Name, grace)
	}
}

// Tail returns the last n bytes of the child's log, for error messages.
func (p *Process) Tail(n int) string {
	b, err := os.ReadFile(p.Log)
	if err != nil {
		return ""
	}
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return string(b)
}

// WaitReady polls ready every 100 ms until it succeeds, the child exits or
// timeout passes.
func (p *Process) WaitReady(ctx context.Context, timeout time.Duration, ready func(context.Context) error) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var last error
	for {
		if exited, err := p.Exited(); exited {
			return fmt.Errorf("%s exited (%v) before it was ready:\n%s", p.Name, err, p.Tail(4000))
		}
		if last = ready(ctx); last == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s not ready in %s: %v\n%s", p.Name, timeout, last, p.Tail(4000))
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// FreeAddr returns a loopback address with a port free at the moment.
func FreeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// ProcStat is one reading of a process (or a process and its children).
type ProcStat struct {
	CPU time.Duration // user + system time so far
	HWM int64         // peak resident set (VmHWM), bytes
	RSS int64         // current resident set (VmRSS), bytes
}

// parseStatCPU reads utime and stime from a /proc/<pid>/stat line. The
// command name (field 2) may hold spaces and parentheses, so fields are
// counted after the last ')'.
func parseStatCPU(line string) (time.Duration, error) {
	i := strings.LastIndexByte(line, ')')
	if i < 0 {
		return 0, errors.New("stat: no command field")
	}
	f := strings.Fields(line[i+1:])
	// f[0] is field 3 (state); utime is field 14, stime field 15.
	if len(f) < 13 {
		return 0, errors.New("stat: too few fields")
	}
	ut, err1 := strconv.ParseInt(f[11], 10, 64)
	st, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("stat: utime %q stime %q", f[11], f[12])
	}
	return time.Duration(ut+st) * time.Second / userHZ, nil
}

// parseStatPPID reads the parent pid (field 4) from a stat line.
func parseStatPPID(line string) int {
	i := strings.LastIndexByte(line, ')')
	if i < 0 {
		return -1
	}
	f := strings.Fields(line[i+1:])
	if len(f) < 2 {
		return -1
	}
	n, _ := strconv.Atoi(f[1])
	return n
}

// parseStatus reads VmHWM and VmRSS (kB) from /proc/<pid>/status.
func parseStatus(b []byte) (hwm, rss int64) {
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		line := sc.Text()
		var dst *int64
		switch {
		case strings.HasPrefix(line, "VmHWM:"):
			dst = &hwm
		case strings.HasPrefix(line, "VmRSS:"):
			dst = &rss
		default:
			continue
		}
		f := strings.Fields(line)
		if len(f) >= 2 {
			n, _ := strconv.ParseInt(f[1], 10, 64)
			*dst = n * 1024
		}
	}
	return hwm, rss
}

// procRoot is /proc; tests point it elsewhere.
var procRoot = "/proc"

// ReadProc reads one process.
func ReadProc(pid int) (ProcStat, error) {
	b, err := os.ReadFile(filepath.Join(procRoot, strconv.Itoa(pid), "stat"))
	if err != nil {
		return ProcStat{}, err
	}
	cpu, err := parseStatCPU(string(b))
	if err != nil {
		return ProcStat{}, err
	}
	st, err := os.ReadFile(filepath.Join(procRoot, strconv.Itoa(pid), "status"))
	if err != nil {
		return ProcStat{}, err
	}
	hwm, rss := parseStatus(st)
	return ProcStat{CPU: cpu, HWM: hwm, RSS: rss}, nil
}

// Children returns the pids whose parent is pid.
func Children(pid int) []int {
	ents, err := os.ReadDir(procRoot)
	if err != nil {
		return nil
	}
	var out []int
	for _, e := range ents {
		n, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile(filepath.Join(procRoot, e.Name(), "stat"))
		if err != nil {
			continue
		}
		if parseStatPPID(string(b)) == pid {
			out = append(out, n)
		}
	}
	return out
}

// ReadTree reads pid and its children (nginx: master and workers) and
// sums them. Peak RSS is the sum of the processes' peaks, which counts
// shared pages more than once: an upper bound.
func ReadTree(pid int) (ProcStat, error) {
	sum, err := ReadProc(pid)
	if err != nil {
		return sum, err
	}
	for _, c := range Children(pid) {
		s, err := ReadProc(c)
		if err != nil {
			continue // a worker that just ended
		}
		sum.CPU += s.CPU
		sum.HWM += s.HWM
		sum.RSS += s.RSS
	}
	return sum, nil
}

// ResetPeak resets VmHWM of pid and its children to their current RSS
// (writing 5 to clear_refs), so that a peak belongs to one run.
func ResetPeak(pid int, tree bool) error {
	pids := []int{pid}
	if tree {
		pids = append(pids, Children(pid)...)
	}
	var errs []error
	for _, p := range pids {
		if err := os.WriteFile(filepath.Join(procRoot, strconv.Itoa(p), "clear_refs"), []byte("5"), 0); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// EstablishedTo counts established TCP connections whose remote port is
// port (from /proc/net/tcp and tcp6, the whole network namespace): with
// only konektor calling the sandbox, its upstream connections.
func EstablishedTo(port int) (int, error) {
	n := 0
	found := false
	for _, f := range []string{"tcp", "tcp6"} {
		b, err := os.ReadFile(filepath.Join(procRoot, "net", f))
		if err != nil {
			continue
		}
		found = true
		n += countEstablished(b, port)
	}
	if !found {
		return 0, errors.New("no /proc/net/tcp")
	}
	return n, nil
}

// countEstablished reads a /proc/net/tcp table: fields are sl,
// local_address, rem_address (hex addr:port), st (01 = ESTABLISHED), ….
func countEstablished(table []byte, port int) int {
	want := fmt.Sprintf(":%04X", port)
	n := 0
	sc := bufio.NewScanner(bytes.NewReader(table))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 4 || f[3] != "01" {
			continue
		}
		if strings.HasSuffix(f[2], want) {
			n++
		}
	}
	return n
}
