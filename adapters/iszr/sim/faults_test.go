package sim_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"konektor/adapters/iszr/sim"
	"konektor/certs"
)

const operatorCN = "konektor"

// faultServer is a sandbox with fault injection on the test clock.
func faultServer(t *testing.T, o sim.FaultOptions) (*sim.Server, *sim.Faults, *clock) {
	t.Helper()
	c := &clock{t: testNow}
	if o.Now == nil {
		o.Now = c.Now
	}
	if o.Operators == nil {
		o.Operators = []string{operatorCN}
	}
	f, err := sim.NewFaults(o)
	if err != nil {
		t.Fatal(err)
	}
	s, _ := newServer(t, func(so *sim.Options) { so.Now = c.Now; so.Faults = f })
	return s, f, c
}

// control sends a request to the control endpoint as cn ("-" = no certificate).
func control(t *testing.T, h http.Handler, cn, method, body string) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(method, sim.ControlPath, strings.NewReader(body))
	if cn != "-" {
		r.TLS = peer(cn)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

var settingsCases = []struct {
	name    string
	json    string
	wantErr string // "" = valid
}{
	{name: "empty", json: `{}`},
	{name: "full", json: `{"latency":"250ms","error_rate":0.25,"error_mode":"neni-k-dispozici","tls_failure":true,
		"outages":[{"from":"2026-03-02T10:00:00+01:00","to":"2026-03-02T10:05:00+01:00","mode":"close"}]}`},
	{name: "rate-one-default-mode", json: `{"error_rate":1}`},
	{name: "rate-above-one", json: `{"error_rate":1.5}`, wantErr: "error_rate"},
	{name: "rate-negative", json: `{"error_rate":-0.1}`, wantErr: "error_rate"},
	{name: "latency-negative", json: `{"latency":"-1s"}`, wantErr: "latency"},
	{name: "latency-too-long", json: `{"latency":"1h"}`, wantErr: "latency"},
	{name: "latency-not-duration", json: `{"latency":"soon"}`, wantErr: "not a duration"},
	{name: "latency-number", json: `{"latency":250}`, wantErr: "duration string"},
	{name: "unknown-mode", json: `{"error_rate":0.5,"error_mode":"http-500"}`, wantErr: "error_mode"},
	{name: "window-reversed", json: `{"outages":[{"from":"2026-03-02T10:05:00Z","to":"2026-03-02T10:00:00Z"}]}`, wantErr: "outages[0]"},
	{name: "window-open-ended", json: `{"outages":[{"from":"2026-03-02T10:05:00Z"}]}`, wantErr: "outages[0]"},
	{name: "window-unknown-mode", json: `{"outages":[{"from":"2026-03-02T10:00:00Z","to":"2026-03-02T10:05:00Z","mode":"x"}]}`, wantErr: "outages[0].mode"},
	{name: "unknown-field", json: `{"error_rat":0.5}`, wantErr: "unknown field"},
	{name: "two-values", json: `{} {}`, wantErr: "more than one"},
	{name: "not-json", json: `latency=1s`, wantErr: "invalid"},
	{name: "too-large", json: `{"outages":[` + strings.Repeat(" ", 70<<10) + `]}`, wantErr: "bytes"},
}

func TestParseFaultSettings(t *testing.T) {
	for _, tc := range settingsCases {
		t.Run(tc.name, func(t *testing.T) {
			s, err := sim.ParseFaultSettings(strings.NewReader(tc.json))
			if tc.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				if err := s.Validate(); err != nil {
					t.Fatalf("parsed settings do not validate: %v", err)
				}
				return
			}
			if err == nil || !errors.Is(err, sim.ErrBadFaults) || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("want an ErrBadFaults error naming %q, got %v", tc.wantErr, err)
			}
		})
	}
}

func TestFaultSettingsListEveryProblem(t *testing.T) {
	err := sim.FaultSettings{Latency: -1, ErrorRate: 2, ErrorMode: "x"}.Validate()
	for _, want := range []string{"latency", "error_rate", "error_mode"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("error lacks %q: %v", want, err)
		}
	}
	if _, err := sim.NewFaults(sim.FaultOptions{Initial: sim.FaultSettings{ErrorRate: 2}}); !errors.Is(err, sim.ErrBadFaults) {
		t.Fatalf("NewFaults accepted invalid initial settings: %v", err)
	}
}

func FuzzParseFaultSettings(f *testing.F) {
	for _, tc := range settingsCases {
		f.Add([]byte(tc.json))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := sim.ParseFaultSettings(bytes.NewReader(data))
		if err != nil {
			if !errors.Is(err, sim.ErrBadFaults) {
				t.Fatalf("error does not wrap ErrBadFaults: %v", err)
			}
			return
		}
		if err := s.Validate(); err != nil {
			t.Fatalf("accepted invalid settings: %v", err)
		}
		// What is accepted round-trips through the control endpoint's JSON.
		b, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		again, err := sim.ParseFaultSettings(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("re-parse of %s: %v", b, err)
		}
		b2, _ := json.Marshal(again)
		if !bytes.Equal(b, b2) {
			t.Fatalf("round trip changed the settings:\n%s\n%s", b, b2)
		}
	})
}

func TestControlEndpointOnlyForOperators(t *testing.T) {
	s, _, _ := faultServer(t, sim.FaultOptions{})
	closed, _, _ := faultServer(t, sim.FaultOptions{Operators: []string{}})
	plain, _ := newServer(t)
	tests := []struct {
		name string
		h    http.Handler
		cn   string
		want int
	}{
		{name: "operator", h: s, cn: operatorCN, want: 200},
		{name: "no-certificate", h: s, cn: "-", want: 403},
		{name: "agenda-system", h: s, cn: "999002", want: 403},
		{name: "auditor", h: s, cn: "auditor", want: 403},
		{name: "connector-is-not-operator", h: s, cn: connectorCN, want: 403},
		{name: "no-operators-listed", h: closed, cn: operatorCN, want: 403},
		{name: "no-fault-injection", h: plain, cn: operatorCN, want: 404},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodDelete} {
				w := control(t, tc.h, tc.cn, m, `{"error_rate":1}`)
				if w.Code != tc.want {
					t.Fatalf("%s: HTTP %d, want %d: %s", m, w.Code, tc.want, w.Body)
				}
			}
		})
	}
	// A refused caller changed nothing.
	h, f, _ := faultServer(t, sim.FaultOptions{})
	control(t, h, "999002", http.MethodPost, `{"error_rate":1}`)
	if got := f.Settings(); got.ErrorRate != 0 {
		t.Fatalf("a refused POST set %+v", got)
	}
}

func TestControlEndpointSetsReadsAndClears(t *testing.T) {
	s, f, _ := faultServer(t, sim.FaultOptions{Initial: sim.FaultSettings{Latency: sim.FaultDuration(time.Second)}})
	w := control(t, s, operatorCN, http.MethodGet, "")
	if w.Code != 200 || !strings.Contains(w.Body.String(), `"latency":"1s"`) {
		t.Fatalf("GET: %d %s", w.Code, w.Body)
	}
	w = control(t, s, operatorCN, http.MethodPost, `{"error_rate":0.5,"error_mode":"close","outages":[{"from":"2026-03-02T10:00:00Z","to":"2026-03-02T11:00:00Z"}]}`)
	if w.Code != 200 || w.Header().Get("Content-Type") != "application/json" {
		t.Fatalf("POST: %d %s", w.Code, w.Body)
	}
	got := f.Settings()
	if got.ErrorRate != 0.5 || got.ErrorMode != sim.FaultClose || got.Latency != 0 || len(got.Outages) != 1 {
		t.Fatalf("POST did not replace the settings: %+v", got)
	}
	w = control(t, s, operatorCN, http.MethodPost, `{"error_rate":7}`)
	if w.Code != 400 || !strings.Contains(w.Body.String(), "error_rate") {
		t.Fatalf("bad POST: %d %s", w.Code, w.Body)
	}
	if f.Settings().ErrorRate != 0.5 {
		t.Fatal("a bad POST changed the settings")
	}
	if w = control(t, s, operatorCN, http.MethodPut, `{}`); w.Code != 405 || w.Header().Get("Allow") == "" {
		t.Fatalf("PUT: %d", w.Code)
	}
	if w = control(t, s, operatorCN, http.MethodDelete, ""); w.Code != 200 || strings.TrimSpace(w.Body.String()) != "{}" {
		t.Fatalf("DELETE: %d %s", w.Code, w.Body)
	}
	if got := f.Settings(); got.ErrorRate != 0 || len(got.Outages) != 0 {
		t.Fatalf("DELETE left %+v", got)
	}
}

func TestInjectedErrors(t *testing.T) {
	tests := []struct {
		name string
		code string
		mode sim.FaultMode
		want int
		sub  string // OdpovedInfo sub-code for 200 answers
	}{
		{name: "http-503", code: "E36", mode: sim.FaultHTTP503, want: 503},
		{name: "default-mode-503", code: "E36", mode: "", want: 503},
		{name: "neni-k-dispozici-e36", code: "E36", mode: sim.FaultUnavailable, want: 200, sub: "NENI K DISPOZICI"},
		{name: "neni-k-dispozici-e03", code: "E03", mode: sim.FaultUnavailable, want: 200, sub: "NENI K DISPOZICI"},
		{name: "neni-k-dispozici-e256", code: "E256", mode: sim.FaultUnavailable, want: 200, sub: "NENI K DISPOZICI"},
		{name: "neni-k-dispozici-not-implemented", code: "E07", mode: sim.FaultUnavailable, want: 200, sub: "NENI K DISPOZICI"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, _, _ := faultServer(t, sim.FaultOptions{Initial: sim.FaultSettings{ErrorRate: 1, ErrorMode: tc.mode}})
			id := "7a7a7a7a-0000-4000-8000-000000000001"
			a := do(t, s, call{code: tc.code, id: id})
			if a.status != tc.want {
				t.Fatalf("HTTP %d, want %d: %s", a.status, tc.want, a.body)
			}
			if tc.want != 200 {
				return
			}
			expect(t, a, tc.code, "CHYBA", tc.sub)
			if got := a.text("OdpovedInfo", "AgendaZadostId"); got != id {
				t.Fatalf("AgendaZadostId %q, want the request's %q", got, id)
			}
		})
	}
}

func TestNoFaultsAnswersNormally(t *testing.T) {
	s, _, _ := faultServer(t, sim.FaultOptions{})
	expect(t, do(t, s, call{code: "E36", payload: e36Question}), "E36", "OK", "")
}

// e36Question asks for the seed's sample address point.
var e36Question = e36Payload(strconv.Itoa(sim.SampleAddress), "RADKOVY")

func TestOutageWindowOnInjectedClock(t *testing.T) {
	from := testNow.Add(time.Minute)
	s, _, c := faultServer(t, sim.FaultOptions{Initial: sim.FaultSettings{
		Outages: []sim.OutageWindow{{From: from, To: from.Add(time.Minute), Mode: sim.FaultUnavailable}},
	}})
	steps := []struct {
		name    string
		advance time.Duration
		sub     string
	}{
		{name: "before", advance: 0, sub: ""},
		{name: "at-from", advance: time.Minute, sub: "NENI K DISPOZICI"},
		{name: "inside", advance: 59 * time.Second, sub: "NENI K DISPOZICI"},
		{name: "at-to", advance: time.Second, sub: ""},
	}
	for _, st := range steps {
		c.Add(st.advance)
		cas := c.Now().Format(timeLayout)
		a := do(t, s, call{code: "E36", cas: cas, payload: e36Question})
		if a.status != 200 || a.sub() != st.sub {
			t.Fatalf("%s: HTTP %d sub-code %q, want %q", st.name, a.status, a.sub(), st.sub)
		}
	}
}

func TestErrorRateIsSeeded(t *testing.T) {
	run := func(seed uint64) string {
		s, _, _ := faultServer(t, sim.FaultOptions{Seed: seed, Initial: sim.FaultSettings{ErrorRate: 0.3}})
		var b strings.Builder
		for range 200 {
			if a := do(t, s, call{code: "E36", payload: e36Question}); a.status == 503 {
				b.WriteByte('x')
			} else {
				b.WriteByte('.')
			}
		}
		return b.String()
	}
	a, b, other := run(7), run(7), run(8)
	if a != b {
		t.Fatalf("same seed, different runs:\n%s\n%s", a, b)
	}
	if a == other {
		t.Fatal("different seeds gave the same run")
	}
	if n := strings.Count(a, "x"); n < 30 || n > 90 {
		t.Fatalf("%d of 200 failed at rate 0.3", n)
	}
	// An injected source decides exactly.
	draws := []float64{0.1, 0.9, 0.29, 0.3}
	i := 0
	s, _, _ := faultServer(t, sim.FaultOptions{Rand: func() float64 { i++; return draws[i-1] }, Initial: sim.FaultSettings{ErrorRate: 0.3}})
	var got []int
	for range draws {
		got = append(got, do(t, s, call{code: "E36", payload: e36Question}).status)
	}
	if want := []int{503, 200, 503, 200}; !equalInts(got, want) {
		t.Fatalf("statuses %v, want %v", got, want)
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestLatencyStepsInjectedSleep(t *testing.T) {
	c := &clock{t: testNow}
	var mu sync.Mutex
	var slept []time.Duration
	f, err := sim.NewFaults(sim.FaultOptions{Now: c.Now, Operators: []string{operatorCN},
		Initial: sim.FaultSettings{Latency: sim.FaultDuration(1500 * time.Millisecond)},
		Sleep: func(ctx context.Context, d time.Duration) error {
			mu.Lock()
			slept = append(slept, d)
			mu.Unlock()
			c.Add(d)
			return ctx.Err()
		}})
	if err != nil {
		t.Fatal(err)
	}
	s, _ := newServer(t, func(o *sim.Options) { o.Now = c.Now; o.Faults = f })
	a := do(t, s, call{code: "E36", payload: e36Question})
	expect(t, a, "E36", "OK", "")
	if got := a.text("OdpovedInfo", "CasOdpovedi"); got != testNow.Add(1500*time.Millisecond).Format(timeLayout) {
		t.Fatalf("CasOdpovedi %s: the answer did not wait out the latency", got)
	}
	// The control endpoint is never delayed.
	control(t, s, operatorCN, http.MethodGet, "")
	if len(slept) != 1 || slept[0] != 1500*time.Millisecond {
		t.Fatalf("slept %v", slept)
	}
	// A caller that gives up gets nothing and the call is not served.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r := httptest.NewRequest(http.MethodPost, "/publikace/E36", bytes.NewReader(call{code: "E36", payload: e36Question}.envelope(t))).WithContext(ctx)
	r.TLS = peer("999002")
	w := httptest.NewRecorder()
	s.ServeHTTP(w, r)
	if w.Body.Len() != 0 {
		t.Fatalf("answered a caller that gave up: %s", w.Body)
	}
}

// tlsSandbox serves a sandbox with faults over mTLS with the dev PKI.
func tlsSandbox(t *testing.T, f *sim.Faults) (url string, client func(cn string) *http.Client) {
	t.Helper()
	dir := t.TempDir()
	if err := certs.InitDevPKI(dir, certs.DevPKIOptions{}); err != nil {
		t.Fatal(err)
	}
	pki := certs.DevPKIPaths(dir)
	pool, err := certs.LoadPool(pki.CA)
	if err != nil {
		t.Fatal(err)
	}
	conf, err := certs.ServerTLS(pki.Server, pki.ServerKey, pool)
	if err != nil {
		t.Fatal(err)
	}
	s, _ := newServer(t, func(o *sim.Options) { o.Now = time.Now; o.Faults = f })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: s, TLSConfig: f.TLSConfig(conf), ErrorLog: log.New(io.Discard, "", 0)}
	go srv.Serve(tls.NewListener(ln, srv.TLSConfig))
	t.Cleanup(func() { srv.Close() })
	client = func(cn string) *http.Client {
		cf, kf := pki.Client(cn)
		if cn == operatorCN {
			cf, kf = pki.Upstream, pki.UpstreamKey
		}
		cc, err := certs.ClientTLS(cf, kf, pool)
		if err != nil {
			t.Fatal(err)
		}
		return &http.Client{Transport: &http.Transport{TLSClientConfig: cc}, Timeout: 10 * time.Second}
	}
	return "https://" + ln.Addr().String(), client
}

func TestTLSFailure(t *testing.T) {
	f, err := sim.NewFaults(sim.FaultOptions{Operators: []string{operatorCN}, Initial: sim.FaultSettings{TLSFailure: true}})
	if err != nil {
		t.Fatal(err)
	}
	url, client := tlsSandbox(t, f)
	post := func(c *http.Client) (int, error) {
		body := call{code: "E36", cas: time.Now().Format(timeLayout), payload: e36Question}.envelope(t)
		req, _ := http.NewRequest(http.MethodPost, url+"/publikace/E36", bytes.NewReader(body))
		req.Header.Set("SOAPAction", "IszrRuianCtiAdresu")
		resp, err := c.Do(req)
		if err != nil {
			return 0, err
		}
		defer resp.Body.Close()
		_, _ = io.ReadAll(resp.Body)
		return resp.StatusCode, nil
	}
	ais, op := client("999002"), client(operatorCN)
	if _, err := post(ais); err == nil {
		t.Fatal("an agenda system got through a TLS failure")
	}
	// The handshake itself is refused: the server sends an alert rather
	// than waiting for a request.
	conf := ais.Transport.(*http.Transport).TLSClientConfig.Clone()
	conn, err := tls.Dial("tcp", strings.TrimPrefix(url, "https://"), conf)
	if err == nil {
		_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
		_, err = conn.Read(make([]byte, 1))
		conn.Close()
	}
	var ne net.Error
	if err == nil || (errors.As(err, &ne) && ne.Timeout()) || !strings.Contains(err.Error(), "tls") {
		t.Fatalf("want a TLS alert, got %v", err)
	}
	// The operator's handshake succeeds, so it can reach the control
	// endpoint; its own calls of services are still dropped.
	resp, err := op.Get(url + sim.ControlPath)
	if err != nil {
		t.Fatalf("operator could not reach the control endpoint: %v", err)
	}
	resp.Body.Close()
	if _, err := post(op); err == nil {
		t.Fatal("a call got through a TLS failure")
	}
	req, _ := http.NewRequest(http.MethodDelete, url+sim.ControlPath, nil)
	if resp, err = op.Do(req); err != nil || resp.StatusCode != 200 {
		t.Fatalf("DELETE: %v", err)
	}
	resp.Body.Close()
	if st, err := post(ais); err != nil || st != 200 {
		t.Fatalf("after clearing: %d %v", st, err)
	}
}

func TestDroppedConnection(t *testing.T) {
	f, err := sim.NewFaults(sim.FaultOptions{Initial: sim.FaultSettings{ErrorRate: 1, ErrorMode: sim.FaultClose}})
	if err != nil {
		t.Fatal(err)
	}
	s, _ := newServer(t, func(o *sim.Options) { o.Faults = f })
	srv := httptest.NewServer(s)
	defer srv.Close()
	resp, err := http.Post(srv.URL+"/publikace/E36", "text/xml", strings.NewReader("<x/>"))
	if err == nil {
		resp.Body.Close()
		t.Fatalf("got HTTP %d, want a dropped connection", resp.StatusCode)
	}
}
