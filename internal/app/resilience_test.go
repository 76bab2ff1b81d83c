package app

import (
	"context"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"go.uber.org/zap"

	"konektor/adapters/iszr"
	"konektor/gateway/pipeline"
	"konektor/internal/config"
	"konektor/internal/store"
	"konektor/internal/store/sqlite"
)

const (
	failuresToOpen = 3
	openTimeout    = 30 * time.Second
)

// twoNodes starts a primary and a secondary sandbox node and konektor in
// front of them, all on one injected clock. Breakers open after
// failuresToOpen consecutive failures and stay open for openTimeout; safe
// reads get one round over the nodes (no retry, whose backoff would wait
// on a real timer).
func twoNodes(t *testing.T, mutate func(*config.Config)) (in *instance, primary, secondary *faultNode, clk *testClock) {
	t.Helper()
	dir := t.TempDir()
	pkiDir := filepath.Join(dir, "pki")
	initPKI(t, pkiDir)
	clk = newTestClock()
	primary = startFaultNode(t, pkiDir, "cms1", clk)
	secondary = startFaultNode(t, pkiDir, "cms2", clk)
	in = startClocked(t, dir, clk.Now, func(c *config.Config) {
		c.Upstreams.ISZR.Nodes = []config.Node{{Name: "cms1", URL: primary.url}, {Name: "cms2", URL: secondary.url}}
		c.Upstreams.ISZR.Breaker = config.Breaker{FailuresToOpen: failuresToOpen, OpenTimeout: config.Duration(openTimeout), HalfOpenRequests: 1}
		c.Upstreams.ISZR.Retry.Attempts = 1
		if mutate != nil {
			mutate(c)
		}
	})
	return in, primary, secondary, clk
}

// readE256 makes one uncacheable read (ROS E256) through konektor and
// returns the HTTP status, the answer's status and its correlation id.
func readE256(t *testing.T, in *instance, clk *testClock) (int, iszr.Status, string) {
	t.Helper()
	req := iszr.FillSample(iszr.SampleRosCtiIco2, clk.Now().Format("2006-01-02T15:04:05.000Z"), newRequestID())
	resp, body := in.post("999002", "/bus/iszr/E256", "IszrRosCtiIco2", req)
	return resp.StatusCode, iszr.ReadStatus(body), resp.Header.Get("X-Konektor-Correlation-Id")
}

// calls is how many calls each node has had.
type calls struct{ primary, secondary int32 }

func countCalls(p, s *faultNode) calls { return calls{p.calls.Load(), s.calls.Load()} }

// TestBreakerFailoverAndFailback drives both nodes through failures with
// the sandboxes' fault injection and steps the clock instead of sleeping:
// the primary's breaker opens and reads fail over; with both open the
// answer is ISZR's own outage answer, made without calling a node and
// logged as unavailable; after the open timeout a failed probe reopens, a
// good one closes, and reads fail back to the primary.
func TestBreakerFailoverAndFailback(t *testing.T) {
	in, primary, secondary, clk := twoNodes(t, nil)
	ok := func(step string, want calls) {
		t.Helper()
		status, st, _ := readE256(t, in, clk)
		if status != 200 || st.Kod != "OK" {
			t.Fatalf("%s: HTTP %d %v, want OK", step, status, st)
		}
		if got := countCalls(primary, secondary); got != want {
			t.Fatalf("%s: node calls %+v, want %+v", step, got, want)
		}
	}
	state := func(step string, node string, want float64) {
		t.Helper()
		if got := in.metric(`konektor_upstream_breaker_state{node="iszr/` + node + `"}`); got != want {
			t.Fatalf("%s: breaker state of %s is %v, want %v (0 closed, 1 half-open, 2 open)", step, node, got, want)
		}
	}

	// Healthy: the primary serves; its injected latency is what konektor
	// measures on its clock.
	primary.setFaults(`{"latency":"250ms"}`)
	ok("healthy", calls{1, 0})
	primary.clearFaults()
	if got := in.metric(`konektor_upstream_call_duration_seconds_sum{node="iszr/cms1",result="ok"}`); got != 0.25 {
		t.Fatalf("primary latency sum %v s, want 0.25", got)
	}
	state("healthy", "cms1", 0)
	state("healthy", "cms2", 0)

	// The primary answers 503: each read fails over to the secondary, and
	// the primary's breaker opens after failuresToOpen failures.
	primary.setFaults(`{"error_rate":1,"error_mode":"http-503"}`)
	for i := 1; i <= failuresToOpen; i++ {
		ok("primary failing", calls{1 + int32(i), int32(i)})
	}
	state("primary open", "cms1", 2)
	state("primary open", "cms2", 0)
	if got := in.metric(`konektor_upstream_call_duration_seconds_count{node="iszr/cms1",result="error"}`); got != failuresToOpen {
		t.Fatalf("primary error calls %v, want %d", got, failuresToOpen)
	}
	// Open: the primary is not even called.
	ok("primary open", calls{1 + failuresToOpen, failuresToOpen + 1})

	// The secondary goes down too (an outage window on its clock): the
	// callers get its 503 until its breaker opens as well.
	now := clk.Now()
	secondary.setFaults(`{"outages":[{"from":"` + now.Format(time.RFC3339Nano) + `","to":"` + now.Add(time.Hour).Format(time.RFC3339Nano) + `"}]}`)
	for i := 1; i <= failuresToOpen; i++ {
		if status, st, _ := readE256(t, in, clk); status != 503 {
			t.Fatalf("secondary failing: HTTP %d %v, want the node's 503", status, st)
		}
	}
	state("both open", "cms2", 2)
	before := countCalls(primary, secondary)

	// Both open: ISZR's own outage answer at once, no node called.
	status, st, unavailableID := readE256(t, in, clk)
	if status != 200 || st.Kod != "CHYBA" || st.SubKod != "NENI K DISPOZICI" {
		t.Fatalf("both open: HTTP %d %v, want CHYBA / NENI K DISPOZICI", status, st)
	}
	clk.Advance(openTimeout - time.Second)
	if _, st, _ := readE256(t, in, clk); st.SubKod != "NENI K DISPOZICI" {
		t.Fatalf("before the open timeout: %v", st)
	}
	if got := countCalls(primary, secondary); got != before {
		t.Fatalf("a node was called while both breakers were open: %+v, before %+v", got, before)
	}

	// Past the open timeout both are half-open; the probes fail and the
	// breakers open again.
	clk.Advance(2 * time.Second)
	if status, _, _ := readE256(t, in, clk); status != 503 {
		t.Fatalf("failed probes: HTTP %d, want 503", status)
	}
	if got := countCalls(primary, secondary); got != (calls{before.primary + 1, before.secondary + 1}) {
		t.Fatalf("half-open: want one probe per node, calls %+v, before %+v", got, before)
	}
	state("probes failed", "cms1", 2)
	state("probes failed", "cms2", 2)
	if got := in.metric(`konektor_upstream_breaker_transitions_total{node="iszr/cms1",to="half-open"}`); got != 1 {
		t.Fatalf("primary half-open transitions %v, want 1", got)
	}

	// The primary recovers: after the next open timeout its probe succeeds,
	// the breaker closes and reads are back on the primary.
	primary.clearFaults()
	clk.Advance(openTimeout + time.Second)
	before = countCalls(primary, secondary)
	ok("failback", calls{before.primary + 1, before.secondary})
	state("failback", "cms1", 0)
	ok("failback", calls{before.primary + 2, before.secondary})
	if got := in.metric(`konektor_upstream_breaker_transitions_total{node="iszr/cms1",to="closed"}`); got != 1 {
		t.Fatalf("primary closed transitions %v, want 1", got)
	}

	// The outage answer is in the access log as unavailable.
	if err := in.stop(); err != nil {
		t.Fatal(err)
	}
	e := accessEntry(t, in.dir, unavailableID)
	if e.Outcome != pipeline.OutcomeUnavailable || e.UpstreamStatus != "CHYBA/NENI K DISPOZICI" {
		t.Fatalf("access log: outcome %q status %q, want unavailable, CHYBA/NENI K DISPOZICI", e.Outcome, e.UpstreamStatus)
	}
}

// accessEntry reads the access-log entry of one exchange after konektor
// stopped.
func accessEntry(t *testing.T, dir, correlationID string) store.AccessEntry {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(dir, "konektor.db"), zap.NewNop())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var found *store.AccessEntry
	err = st.ScanAccess(context.Background(), 1, func(e store.AccessEntry) error {
		if e.CorrelationID == correlationID {
			found = &e
		}
		return nil
	})
	if err != nil || found == nil {
		t.Fatalf("no access-log entry for %s (%v)", correlationID, err)
	}
	return *found
}

// TestDroppedConnectionsFailOver injects a TLS failure and dropped
// connections on the primary: reads fail over to the secondary and the
// primary's breaker opens.
func TestDroppedConnectionsFailOver(t *testing.T) {
	tests := []struct {
		name   string
		faults string
	}{
		{name: "tls-failure", faults: `{"tls_failure":true}`},
		{name: "connection-closed", faults: `{"error_rate":1,"error_mode":"close"}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in, primary, secondary, clk := twoNodes(t, nil)
			if status, _, _ := readE256(t, in, clk); status != 200 { // opens a kept-alive connection to the primary
				t.Fatalf("HTTP %d", status)
			}
			primary.setFaults(tc.faults)
			for i := 1; i <= failuresToOpen; i++ {
				if status, st, _ := readE256(t, in, clk); status != 200 || st.Kod != "OK" {
					t.Fatalf("read %d: HTTP %d %v", i, status, st)
				}
			}
			if got := in.metric(`konektor_upstream_breaker_state{node="iszr/cms1"}`); got != 2 {
				t.Fatalf("primary breaker state %v, want 2 (open)", got)
			}
			if got := secondary.calls.Load(); got != failuresToOpen {
				t.Fatalf("secondary served %d reads, want %d", got, failuresToOpen)
			}
		})
	}
}

// TestUpstreamOutageAnswerPassesThrough: when a node itself answers CHYBA
// / NENI K DISPOZICI (a register behind ISZR is down), that is ISZR's
// answer to the call: konektor relays it unchanged and does not count it
// against the node.
func TestUpstreamOutageAnswerPassesThrough(t *testing.T) {
	in, primary, secondary, clk := twoNodes(t, nil)
	primary.setFaults(`{"error_rate":1,"error_mode":"neni-k-dispozici"}`)
	for range failuresToOpen + 1 {
		status, st, _ := readE256(t, in, clk)
		if status != 200 || st.Kod != "CHYBA" || st.SubKod != "NENI K DISPOZICI" {
			t.Fatalf("HTTP %d %v, want the node's CHYBA / NENI K DISPOZICI", status, st)
		}
	}
	if got := countCalls(primary, secondary); got != (calls{failuresToOpen + 1, 0}) {
		t.Fatalf("node calls %+v: the answer was not relayed from the primary", got)
	}
	if got := in.metric(`konektor_upstream_breaker_state{node="iszr/cms1"}`); got != 0 {
		t.Fatalf("primary breaker state %v, want 0 (closed)", got)
	}
}

// TestStaleIfErrorEndToEnd caches an E36 answer, lets it go stale on the
// clock and takes both nodes down: the caller still gets the answer, with
// its own AgendaZadostId, marked X-Konektor-Cache: stale and counted; past
// the stale window it gets ISZR's outage answer.
func TestStaleIfErrorEndToEnd(t *testing.T) {
	in, primary, secondary, clk := twoNodes(t, nil)
	e36 := func(step, wantCache string) []byte {
		t.Helper()
		id := newRequestID()
		resp, body := in.post(agencyA.cert, "/bus/iszr/E36", "IszrRuianCtiAdresu", e36Request(agencyA, clk.Now(), id))
		if got := resp.Header.Get(pipeline.CacheHeader); got != wantCache {
			t.Fatalf("%s: %s %q, want %q (HTTP %d %v)", step, pipeline.CacheHeader, got, wantCache, resp.StatusCode, iszr.ReadStatus(body))
		}
		if wantCache != "" && (resp.StatusCode != 200 || iszr.ReadStatus(body).Kod != "OK" || answerID(body) != id) {
			t.Fatalf("%s: HTTP %d %v, echoed id %q, want OK for %s", step, resp.StatusCode, iszr.ReadStatus(body), answerID(body), id)
		}
		return body
	}
	e36("first", "miss")
	e36("second", "hit")
	if got := countCalls(primary, secondary); got != (calls{1, 0}) {
		t.Fatalf("node calls %+v, want one", got)
	}
	clk.Advance(11 * time.Minute) // past the 10 min TTL of RÚIAN reads, within the 24 h stale window
	primary.setFaults(`{"error_rate":1}`)
	secondary.setFaults(`{"error_rate":1}`)
	// Failing nodes (503), then open breakers: stale either way.
	for i := range failuresToOpen + 2 {
		e36("upstream down", "stale")
		if i == failuresToOpen-1 && in.metric(`konektor_upstream_breaker_state{node="iszr/cms2"}`) != 2 {
			t.Fatal("the secondary's breaker did not open")
		}
	}
	if got := countCalls(primary, secondary); got != (calls{1 + failuresToOpen, failuresToOpen}) {
		t.Fatalf("node calls %+v: open breakers must not call the nodes", got)
	}
	m := in.metrics()
	for series, want := range map[string]float64{
		`konektor_cache_requests_total{outcome="miss"}`:  1,
		`konektor_cache_requests_total{outcome="hit"}`:   1,
		`konektor_cache_requests_total{outcome="stale"}`: failuresToOpen + 2,
	} {
		if m[series] != want {
			t.Fatalf("%s = %v, want %v", series, m[series], want)
		}
	}
	// Past the stale window the answer is gone: the failed probes' 503,
	// then the outage answer; neither is marked stale.
	clk.Advance(25 * time.Hour)
	for _, want := range []string{"503", "CHYBA/NENI K DISPOZICI"} {
		resp, body := in.post(agencyA.cert, "/bus/iszr/E36", "IszrRuianCtiAdresu", e36Request(agencyA, clk.Now(), newRequestID()))
		got := strconv.Itoa(resp.StatusCode)
		if resp.StatusCode == 200 {
			got = iszr.ReadStatus(body).String()
		}
		if got != want || resp.Header.Get(pipeline.CacheHeader) == "stale" {
			t.Fatalf("past the stale window: %s (cache %q), want %s", got, resp.Header.Get(pipeline.CacheHeader), want)
		}
	}
}
