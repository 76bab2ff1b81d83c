package harness

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestParseStat(t *testing.T) {
	// comm may contain spaces and parentheses.
	line := "4242 (my (odd) proc) S 1 4242 4242 0 -1 4194560 1000 0 0 0 250 130 0 0 20 0 9 0 12345 1000000 500 18446744073709551615"
	cpu, err := parseStatCPU(line)
	if err != nil {
		t.Fatal(err)
	}
	if cpu != 3800*time.Millisecond {
		t.Fatalf("cpu %v, want 3.8s (250+130 ticks)", cpu)
	}
	if parseStatPPID(line) != 1 {
		t.Fatalf("ppid %d", parseStatPPID(line))
	}
	for _, bad := range []string{"", "1 (x) S 1 2", "1 (x) S 1 2 3 4 5 6 7 8 9 10 a b"} {
		if _, err := parseStatCPU(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestParseStatus(t *testing.T) {
	hwm, rss := parseStatus([]byte("Name:\tkonektor\nVmPeak:\t  900 kB\nVmHWM:\t   51200 kB\nVmRSS:\t   40960 kB\n"))
	if hwm != 50<<20 || rss != 40<<20 {
		t.Fatalf("hwm %d rss %d", hwm, rss)
	}
}

func TestReadProcAndTree(t *testing.T) {
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("no /proc")
	}
	cmd := exec.Command("sleep", "30")
	if err := cmd.Start(); err != nil {
		t.Skip("no sleep command")
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	self := os.Getpid()
	// Burn a little CPU so that it shows.
	deadline := time.Now().Add(50 * time.Millisecond)
	for x := 0; time.Now().Before(deadline); x++ {
		_ = x * x
	}
	s, err := ReadProc(self)
	if err != nil {
		t.Fatal(err)
	}
	if s.CPU <= 0 || s.HWM <= 0 || s.RSS <= 0 || s.RSS > s.HWM {
		t.Fatalf("%+v", s)
	}
	if !slices.Contains(Children(self), cmd.Process.Pid) {
		t.Fatalf("children of %d lack %d: %v", self, cmd.Process.Pid, Children(self))
	}
	tree, err := ReadTree(self)
	if err != nil {
		t.Fatal(err)
	}
	if tree.HWM <= s.HWM {
		t.Fatalf("tree peak %d not above own %d", tree.HWM, s.HWM)
	}
	// A 64 MB peak that is given back must leave VmHWM on reset (without
	// a reset VmHWM never decreases).
	buf := make([]byte, 64<<20)
	for i := 0; i < len(buf); i += 4096 {
		buf[i] = 1
	}
	high, _ := ReadProc(self)
	buf = nil
	debug.FreeOSMemory()
	if err := ResetPeak(self, true); err != nil {
		t.Skipf("clear_refs not writable here: %v", err)
	}
	after, _ := ReadProc(self)
	if after.HWM >= high.HWM {
		t.Fatalf("peak after reset %d, before %d", after.HWM, high.HWM)
	}
}

func TestChildEnvDropsKonektorVariables(t *testing.T) {
	got := childEnv([]string{"PATH=/bin", "KONEKTOR_REDIS_URL=redis://x", "KONEKTOR_TEST_DATABASE_URL=y", "HOME=/root"})
	if strings.Join(got, " ") != "PATH=/bin HOME=/root" {
		t.Fatalf("%v", got)
	}
}

func TestProcessStartReadyStop(t *testing.T) {
	dir := t.TempDir()
	p, err := StartProcess("sleeper", filepath.Join(dir, "log"), "sh", "-c", "echo started; exec sleep 30")
	if err != nil {
		t.Skip(err)
	}
	log := filepath.Join(dir, "log")
	err = p.WaitReady(t.Context(), 5*time.Second, func(context.Context) error {
		if b, _ := os.ReadFile(log); !strings.Contains(string(b), "started") {
			return errors.New("not yet")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if exited, _ := p.Exited(); exited {
		t.Fatal("exited early")
	}
	if err := p.Stop(5 * time.Second); err != nil {
		t.Fatal(err)
	}
	if exited, _ := p.Exited(); !exited {
		t.Fatal("still running after Stop")
	}
	// A child that ends before it is ready is reported with its output.
	q, err := StartProcess("failing", filepath.Join(dir, "log2"), "sh", "-c", "echo boom >&2; exit 3")
	if err != nil {
		t.Fatal(err)
	}
	err = q.WaitReady(t.Context(), 5*time.Second, func(context.Context) error { return os.ErrNotExist })
	if err == nil || !strings.Contains(err.Error(), "boom") {
		t.Fatalf("%v", err)
	}
}

func TestCountEstablished(t *testing.T) {
	table := []byte(`  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1 0000000000000000 100 0 0 10 0
   1: 0100007F:C350 0100007F:1F90 01 00000000:00000000 00:00000000 00000000     0        0 2 1 0000000000000000 20 4 30 10 -1
   2: 0100007F:C351 0100007F:1F90 01 00000000:00000000 00:00000000 00000000     0        0 3 1 0000000000000000 20 4 30 10 -1
   3: 0100007F:C352 0100007F:1F90 06 00000000:00000000 00:00000000 00000000     0        0 0 3 0000000000000000
   4: 0100007F:1F90 0100007F:C350 01 00000000:00000000 00:00000000 00000000     0        0 4 1 0000000000000000 20 4 30 10 -1
`)
	if n := countEstablished(table, 0x1F90); n != 2 {
		t.Fatalf("%d established to :8080, want 2 (listening, TIME_WAIT and the server side excluded)", n)
	}
	if n := countEstablished(table, 443); n != 0 {
		t.Fatalf("%d to :443", n)
	}
}
