package app

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sync"
	"syscall"
	"testing"
	"time"

	"go.uber.org/zap"

	"konektor/certs"
	"konektor/gateway/audit"
	"konektor/internal/store"
	"konektor/internal/store/sqlite"
)

// moduleRoot is the directory of go.mod, found from this file.
func moduleRoot(t *testing.T) string {
	t.Helper()
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("no caller information")
	}
	dir := filepath.Dir(file)
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found")
		}
		dir = parent
	}
}

// buildKonektor builds the konektor binary into a temporary directory.
func buildKonektor(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "konektor")
	goCmd := filepath.Join(runtime.GOROOT(), "bin", "go")
	cmd := exec.Command(goCmd, "build", "-o", bin, "./cmd/konektor")
	cmd.Dir = moduleRoot(t)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// process is `konektor serve` running as a child process.
type process struct {
	cmd  *exec.Cmd
	bus  string
	done chan error
}

var busURL = regexp.MustCompile(`https://(127\.0\.0\.1:\d+)/bus/iszr/`)

// startServe runs `konektor serve` on free ports with data in dir and
// waits for its banner.
func startServe(t *testing.T, bin, dir string) *process {
	t.Helper()
	cmd := exec.Command(bin, "serve")
	cmd.Env = append(os.Environ(),
		"KONEKTOR_DATA_DIR="+dir,
		"KONEKTOR_BUS_ADDR=127.0.0.1:0",
		"KONEKTOR_OPS_ADDR=127.0.0.1:0",
		"KONEKTOR_SANDBOX_ISZR_ADDR=127.0.0.1:0",
		"KONEKTOR_SANDBOX_ISDS_ADDR=127.0.0.1:0",
		"KONEKTOR_LOG_LEVEL=warn",
	)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &process{cmd: cmd, done: make(chan error, 1)}
	t.Cleanup(func() { _ = cmd.Process.Kill(); <-p.done })
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if m := busURL.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case found <- m[1]:
				default:
				}
			}
		}
		_, _ = io.Copy(io.Discard, stdout)
		p.done <- cmd.Wait()
	}()
	select {
	case p.bus = <-found:
	case err := <-p.done:
		p.done <- err
		t.Fatalf("konektor serve exited: %v\n%s", err, stderr.String())
	case <-time.After(60 * time.Second):
		t.Fatalf("konektor serve printed no banner in 60 s\n%s", stderr.String())
	}
	return p
}

func (p *process) client(t *testing.T, dir string) *http.Client {
	t.Helper()
	pki := certs.DevPKIPaths(filepath.Join(dir, "pki"))
	pool, err := certs.LoadPool(pki.CA)
	if err != nil {
		t.Fatal(err)
	}
	cf, kf := pki.Client("999002")
	pair, err := tls.LoadX509KeyPair(cf, kf)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 64,
		TLSClientConfig: &tls.Config{RootCAs: pool, Certificates: []tls.Certificate{pair}, MinVersion: tls.VersionTLS12}}}
}

// call sends one sample E256 request and returns the correlation id of
// the answer, once the whole answer has arrived.
func (p *process) call(c *http.Client) (string, error) {
	req, _ := http.NewRequest(http.MethodPost, "https://"+p.bus+"/bus/iszr/E256", bytes.NewReader(sampleE256()))
	req.Header.Set("Content-Type", "text/xml; charset=utf-8")
	req.Header.Set("SOAPAction", `"IszrRosCtiIco2"`)
	resp, err := c.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	if _, err := io.ReadAll(resp.Body); err != nil {
		return "", err
	}
	return resp.Header.Get("X-Konektor-Correlation-Id"), nil
}

// Issue 6 §2: konektor killed with SIGKILL under load loses no entry of an
// exchange it answered, and the chain still verifies after the restart.
func TestSIGKILLUnderLoadLosesNoAcknowledgedEntry(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the konektor binary")
	}
	bin := buildKonektor(t)
	dir := t.TempDir()
	p := startServe(t, bin, dir)
	c := p.client(t, dir)

	const workers, killAfter = 16, 400
	var (
		mu    sync.Mutex
		acked []string
		wg    sync.WaitGroup
	)
	ctx, stop := context.WithCancel(context.Background())
	enough := make(chan struct{})
	var once sync.Once
	for range workers {
		wg.Go(func() {
			for ctx.Err() == nil {
				id, err := p.call(c)
				if err != nil {
					return // the process is gone
				}
				mu.Lock()
				acked = append(acked, id)
				if len(acked) >= killAfter {
					once.Do(func() { close(enough) })
				}
				mu.Unlock()
			}
		})
	}
	select {
	case <-enough:
	case err := <-p.done:
		t.Fatalf("konektor exited under load: %v", err)
	case <-time.After(120 * time.Second):
		t.Fatal("too slow: fewer than 400 answers in 120 s")
	}
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	err := <-p.done
	p.done <- err
	stop()
	wg.Wait()
	mu.Lock()
	killed := append([]string(nil), acked...)
	mu.Unlock()
	t.Logf("killed after %d answers", len(killed))

	// Restart on the same data: it starts, answers and extends the chain.
	p2 := startServe(t, bin, dir)
	after, err := p2.call(p2.client(t, dir))
	if err != nil || after == "" {
		t.Fatalf("call after the restart: %q, %v", after, err)
	}
	if err := p2.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := <-p2.done; err != nil {
		t.Fatalf("konektor serve after SIGTERM: %v", err)
	}
	p2.done <- nil

	st, err := sqlite.Open(context.Background(), filepath.Join(dir, "konektor.db"), zap.NewNop())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	logged := map[string]bool{}
	if err := st.ScanAccess(context.Background(), 1, func(e store.AccessEntry) error {
		logged[e.CorrelationID] = true
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	for _, id := range append(killed, after) {
		if id == "" || !logged[id] {
			t.Fatalf("answered exchange %q has no access-log entry (of %d answered, %d logged)", id, len(killed), len(logged))
		}
	}
	rep, err := audit.Verify(context.Background(), st)
	if err != nil || !rep.OK {
		t.Fatalf("chain after SIGKILL and restart: %+v, %v", rep, err)
	}
	t.Logf("%d answered before SIGKILL, %d entries logged, chain intact", len(killed), rep.Entries)
}
