package app

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"konektor/adapters/iszr"
	"konektor/certs"
	"konektor/gateway/audit"
	"konektor/internal/config"
	"konektor/internal/store/sqlite"
)

// instance is konektor running in-process on free ports with its own
// data directory, the in-process sandbox as upstream.
type instance struct {
	t       *testing.T
	dir     string
	cfg     config.Config
	bus     string
	ops     string
	out     *bytes.Buffer
	logs    *observer.ObservedLogs
	cancel  context.CancelFunc
	done    chan error
	mu      sync.Mutex
	clients map[string]*http.Client
}

func startInstance(t *testing.T, mutate func(*config.Config)) *instance {
	t.Helper()
	return startInstanceIn(t, t.TempDir(), mutate)
}

func startInstanceIn(t *testing.T, dir string, mutate func(*config.Config)) *instance {
	t.Helper()
	return startClocked(t, dir, time.Now, mutate)
}

func (in *instance) stop() error {
	in.cancel()
	select {
	case err := <-in.done:
		in.done <- err
		return err
	case <-time.After(30 * time.Second):
		in.t.Fatal("konektor did not stop in 30 s")
	}
	return nil
}

// client returns an HTTPS client presenting the named dev client certificate.
func (in *instance) client(name string) *http.Client {
	in.t.Helper()
	in.mu.Lock()
	defer in.mu.Unlock()
	if c, ok := in.clients[name]; ok {
		return c
	}
	pki := certs.DevPKIPaths(in.cfg.PKIDir())
	pool, err := certs.LoadPool(pki.CA)
	if err != nil {
		in.t.Fatal(err)
	}
	conf := &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	if name != "" {
		cf, kf := pki.Client(name)
		pair, err := tls.LoadX509KeyPair(cf, kf)
		if err != nil {
			in.t.Fatal(err)
		}
		conf.Certificates = []tls.Certificate{pair}
	}
	c := &http.Client{Transport: &http.Transport{TLSClientConfig: conf}, Timeout: 30 * time.Second}
	in.clients[name] = c
	return c
}

func (in *instance) post(client, path, action string, body []byte) (*http.Response, []byte) {
	in.t.Helper()
	resp, b, err := in.tryPost(client, path, action, body)
	if err != nil {
		in.t.Fatal(err)
	}
	return resp, b
}

// tryPost is post for goroutines other than the test's own.
func (in *instance) tryPost(client, path, action string, body []byte) (*http.Response, []byte, error) {
	req, _ := http.NewRequest(http.MethodPost, "https://"+in.bus+path, bytes.NewReader(body))
	req.Header.Set("Content-Type", "text/xml; charset=utf-8")
	if action != "" {
		req.Header.Set("SOAPAction", `"`+action+`"`)
	}
	resp, err := in.client(client).Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp, b, err
}

// newRequestID returns a random UUID v4, as an agenda system makes one
// AgendaZadostId per call.
func newRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

func sampleE256() []byte {
	return iszr.FillSample(iszr.SampleRosCtiIco2, time.Now().UTC().Format("2006-01-02T15:04:05.000Z"), newRequestID())
}

func TestServeRelaysSampleRequest(t *testing.T) {
	in := startInstance(t, nil)
	resp, body := in.post("999002", "/bus/iszr/E256", "IszrRosCtiIco2", sampleE256())
	if resp.StatusCode != 200 || !bytes.Contains(body, []byte("<")) {
		t.Fatalf("status %d body %s", resp.StatusCode, body)
	}
	if st := iszr.ReadStatus(body); st.Kod != "OK" {
		t.Fatalf("status %v, body %s", st, body)
	}
	if resp.Header.Get("X-Konektor-Correlation-Id") == "" {
		t.Fatal("no correlation id header")
	}
	// Policy refusal answers like ISZR.
	req := bytes.Replace(sampleE256(), []byte("<reg:Ovm>12345678"), []byte("<reg:Ovm>87654321"), 1)
	resp, body = in.post("999002", "/bus/iszr/E256", "IszrRosCtiIco2", req)
	if st := iszr.ReadStatus(body); resp.StatusCode != 200 || st.Kod != "CHYBA" || st.SubKod != "NENI OPRAVNENI EGON" {
		t.Fatalf("want CHYBA/NENI OPRAVNENI EGON, got %d %v", resp.StatusCode, st)
	}
	// Bad input is a fault.
	resp, body = in.post("999002", "/bus/iszr/E256", "IszrRosCtiIco2", []byte(`<!DOCTYPE x><x/>`))
	if resp.StatusCode != 400 || !bytes.Contains(body, []byte("envelope-doctype")) {
		t.Fatalf("got %d %s", resp.StatusCode, body)
	}
	// Ops endpoints.
	for _, p := range []string{"/healthz", "/readyz", "/metrics"} {
		r, err := http.Get("http://" + in.ops + p)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(r.Body)
		r.Body.Close()
		if r.StatusCode != 200 {
			t.Fatalf("%s: %d %s", p, r.StatusCode, b)
		}
		if p == "/metrics" && !bytes.Contains(b, []byte(`konektor_requests_total{outcome="ok",service="E256",status="200",upstream="iszr"} 1`)) {
			t.Fatalf("metrics lack the request: %s", b)
		}
	}
	if err := in.stop(); err != nil {
		t.Fatal(err)
	}
	// Three exchanges, three entries, the chain verifies.
	st, err := sqlite.Open(context.Background(), filepath.Join(in.dir, "konektor.db"), zap.NewNop())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	rep, err := audit.Verify(context.Background(), st)
	if err != nil || !rep.OK || rep.Entries != 3 {
		t.Fatalf("verify: %+v %v", rep, err)
	}
	// No personal data or bodies in the log lines.
	for _, e := range in.logs.All() {
		line := fmt.Sprint(e.Message, e.ContextMap())
		for _, secret := range []string{"novak", "overeni dodavatele", "00838420", "BEGIN", "PRIVATE"} {
			if strings.Contains(line, secret) {
				t.Fatalf("log line holds %q: %s", secret, line)
			}
		}
	}
}

func TestBannerCurlWorks(t *testing.T) {
	if _, err := exec.LookPath("curl"); err != nil {
		t.Skip("curl not installed")
	}
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("bash not installed")
	}
	in := startInstance(t, nil)
	banner := in.out.String()
	i := strings.Index(banner, "curl ")
	j := strings.LastIndex(banner, "\nEOF")
	if i < 0 || j < i {
		t.Fatalf("banner has no curl command:\n%s", banner)
	}
	if !strings.Contains(banner, "https://"+in.bus) || !strings.Contains(banner, "http://"+in.ops) {
		t.Fatalf("banner lacks the URLs:\n%s", banner)
	}
	script := banner[i : j+4]
	// The banner names PKI paths relative to the working directory konektor
	// runs in; the test runs it from the same one.
	cmd := exec.Command("bash", "-c", script)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("banner curl failed: %v\n%s\n%s", err, script, out)
	}
	if st := iszr.ReadStatus(out); st.Kod != "OK" {
		t.Fatalf("banner curl got %v:\n%s", st, out)
	}
}
