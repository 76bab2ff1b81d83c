package app

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"konektor/adapters/iszr/sim"
	"konektor/certs"
	"konektor/internal/config"
	"konektor/policies"
)

// testClock is the injected clock that konektor and its sandbox nodes share
// in resilience tests: it moves only when a test steps it, or when a
// sandbox waits out injected latency.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

// newTestClock starts at the current time, so that certificates issued
// by the dev PKI are valid on it.
func newTestClock() *testClock {
	return &testClock{t: time.Now().UTC().Truncate(time.Millisecond)}
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// operatorCN is the certificate the tests' sandbox operator presents at
// the nodes' control endpoint: a client of its own, so that an injected
// TLS failure refuses konektor's handshakes too.
const operatorCN = "sandbox-operator"

// initPKI writes a dev PKI with the default clients and the operator.
func initPKI(tb testing.TB, dir string) {
	tb.Helper()
	if err := certs.InitDevPKI(dir, certs.DevPKIOptions{Clients: append(certs.DefaultDevClients(), operatorCN)}); err != nil {
		tb.Fatal(err)
	}
}

// faultNode is one ISZR sandbox node with fault injection, served over
// mTLS with the dev PKI, counting the calls of services that reach it.
type faultNode struct {
	t       testing.TB
	name    string
	url     string // base URL konektor relays to (…/publikace)
	root    string // https://host:port
	calls   atomic.Int32
	faults  *sim.Faults
	control *http.Client // presents the operator's certificate
}

// startFaultNode serves a sandbox node on a free loopback port. Its
// injected latency steps clk instead of sleeping.
func startFaultNode(t testing.TB, pkiDir, name string, clk *testClock) *faultNode {
	t.Helper()
	f, err := sim.NewFaults(sim.FaultOptions{
		Operators: []string{operatorCN},
		Seed:      1,
		Now:       clk.Now,
		Sleep: func(ctx context.Context, d time.Duration) error {
			clk.Advance(d)
			return ctx.Err()
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	s := sim.New(sim.Options{Now: clk.Now, Policy: policies.Demo(), Connectors: []string{UpstreamCN}, Faults: f})
	n := &faultNode{t: t, name: name, faults: f}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/publikace/") {
			n.calls.Add(1)
		}
		s.ServeHTTP(w, r)
	})
	pki := certs.DevPKIPaths(pkiDir)
	pool, err := certs.LoadPool(pki.CA)
	if err != nil {
		t.Fatal(err)
	}
	conf, err := certs.ServerTLS(pki.Server, pki.ServerKey, pool)
	if err != nil {
		t.Fatal(err)
	}
	conf = f.TLSConfig(conf)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: h, TLSConfig: conf, ErrorLog: log.New(io.Discard, "", 0)}
	go srv.Serve(tls.NewListener(ln, conf))
	t.Cleanup(func() { srv.Close() })
	opCert, opKey := pki.Client(operatorCN)
	cc, err := certs.ClientTLS(opCert, opKey, pool)
	if err != nil {
		t.Fatal(err)
	}
	n.root = "https://" + ln.Addr().String()
	n.url = n.root + "/publikace"
	n.control = &http.Client{Transport: &http.Transport{TLSClientConfig: cc}, Timeout: 10 * time.Second}
	return n
}

// setFaults posts fault settings to the node's control endpoint.
func (n *faultNode) setFaults(settings string) {
	n.t.Helper()
	n.controlDo(http.MethodPost, settings)
}

// clearFaults deletes the node's fault settings.
func (n *faultNode) clearFaults() {
	n.t.Helper()
	n.controlDo(http.MethodDelete, "")
}

func (n *faultNode) controlDo(method, body string) {
	n.t.Helper()
	req, _ := http.NewRequest(method, n.root+sim.ControlPath, strings.NewReader(body))
	resp, err := n.control.Do(req)
	if err != nil {
		n.t.Fatalf("%s control: %v", n.name, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		n.t.Fatalf("%s control %s: HTTP %d %s", n.name, method, resp.StatusCode, b)
	}
}

// startClocked runs konektor on clk with its own data directory (holding
// the dev PKI in dir/pki) and free ports; the start banner goes to in.out.
func startClocked(t *testing.T, dir string, clk func() time.Time, mutate func(*config.Config)) *instance {
	t.Helper()
	env := []string{
		"KONEKTOR_DATA_DIR=" + dir,
		"KONEKTOR_BUS_ADDR=127.0.0.1:0",
		"KONEKTOR_OPS_ADDR=127.0.0.1:0",
		"KONEKTOR_SANDBOX_ISZR_ADDR=127.0.0.1:0",
		"KONEKTOR_SANDBOX_CUZK_ADDR=127.0.0.1:0",
		"KONEKTOR_SANDBOX_ISDS_ADDR=127.0.0.1:0",
	}
	cfg, err := config.Load("", env)
	if err != nil {
		t.Fatal(err)
	}
	if mutate != nil {
		mutate(&cfg)
	}
	core, logs := observer.New(zapcore.DebugLevel)
	in := &instance{t: t, dir: dir, cfg: cfg, out: &bytes.Buffer{}, logs: logs, done: make(chan error, 1), clients: map[string]*http.Client{}}
	ctx, cancel := context.WithCancel(context.Background())
	in.cancel = cancel
	ready := make(chan struct{})
	go func() {
		in.done <- Run(ctx, cfg, Options{Now: clk, Logger: zap.New(core), Out: in.out, Ready: func(bus, ops string) {
			in.bus, in.ops = bus, ops
			close(ready)
		}})
	}()
	select {
	case <-ready:
	case err := <-in.done:
		t.Fatalf("konektor did not start: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("konektor did not start in 30 s")
	}
	t.Cleanup(func() { in.stop() })
	return in
}

// agency is who asks: the AIS certificate and the ZadostInfo it sends.
type agency struct {
	cert, ais, ovm, agenda, role string
}

var (
	// agencyA may read E36 and E256 in agenda X999 (demo policy).
	agencyA = agency{cert: "999002", ais: "999002", ovm: "12345678", agenda: "X999", role: "XR2"}
	// agencyB is another municipality with other permissions (X998).
	agencyB = agency{cert: "999003", ais: "999003", ovm: "87654321", agenda: "X998", role: "XR1"}
)

// e36Request asks for the sandbox's sample address point (RÚIAN E36, a
// cacheable read) as ag, at time now, with request id id.
func e36Request(ag agency, now time.Time, id string) []byte {
	return []byte(fmt.Sprintf(`<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">
  <soapenv:Body>
    <e36:RuianCtiAdresu xmlns:e36="urn:cz:isvs:iszr:schemas:IszrRuianCtiAdresu:v1" xmlns:abs="urn:cz:isvs:iszr:schemas:IszrAbstract:v1" xmlns:reg="urn:cz:isvs:reg:schemas:RegTypy:v1" xmlns:ca="urn:cz:isvs:ruian:schemas:CtiAdresa:v1">
      <abs:ZadostInfo>
        <reg:CasZadosti>%s</reg:CasZadosti>
        <reg:Agenda>%s</reg:Agenda>
        <reg:AgendovaRole>%s</reg:AgendovaRole>
        <reg:Ovm>%s</reg:Ovm>
        <reg:Ais>%s</reg:Ais>
        <reg:AgendaZadostId>%s</reg:AgendaZadostId>
      </abs:ZadostInfo>
      <e36:Zadost>
        <e36:RuianCtiAdresuData>
          <ca:Kod>%d</ca:Kod>
          <ca:FormatAdresy>RADKOVY</ca:FormatAdresy>
        </e36:RuianCtiAdresuData>
      </e36:Zadost>
    </e36:RuianCtiAdresu>
  </soapenv:Body>
</soapenv:Envelope>
`, now.UTC().Format("2006-01-02T15:04:05.000Z"), ag.agenda, ag.role, ag.ovm, ag.ais, id, sim.SampleAddress))
}

var answerIDRE = regexp.MustCompile(`AgendaZadostId[^>]*>([^<]*)<`)

// answerID returns the AgendaZadostId an answer echoes.
func answerID(body []byte) string {
	if m := answerIDRE.FindSubmatch(body); m != nil {
		return string(m[1])
	}
	return ""
}

// metrics scrapes konektor's /metrics.
func (in *instance) metrics() map[string]float64 {
	in.t.Helper()
	resp, err := http.Get("http://" + in.ops + "/metrics")
	if err != nil {
		in.t.Fatal(err)
	}
	defer resp.Body.Close()
	out := map[string]float64{}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			in.t.Fatalf("metrics line %q: %v", line, err)
		}
		out[line[:i]] = v
	}
	return out
}

// metric returns one series of konektor's /metrics, 0 when absent.
func (in *instance) metric(series string) float64 {
	in.t.Helper()
	return in.metrics()[series]
}
