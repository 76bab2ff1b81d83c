package pipeline

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/zap"

	"konektor/gateway/cache"
	"konektor/gateway/cache/memory"
	"konektor/gateway/catalogue"
	"konektor/gateway/clients"
	"konektor/gateway/fault"
	"konektor/gateway/soap"
	"konektor/policies"
)

// cacheUpstream answers with a body naming the call number and implements
// Cacheable with a canonical form that drops the request id, as the ISZR
// adapter does.
type cacheUpstream struct {
	fakeUpstream
	n      atomic.Int32
	gate   chan struct{} // when set, calls wait for it
	fail   atomic.Bool
	outage atomic.Bool // answer like ISZR when a register is down
}

func (u *cacheUpstream) Call(ctx context.Context, ex *Exchange) (*Reply, error) {
	if u.gate != nil {
		<-u.gate
	}
	if u.fail.Load() {
		return nil, fault.New(fault.Unavailable, "upstream-unavailable", "nedostupné", "down")
	}
	if u.outage.Load() {
		return &Reply{Status: 200, Outcome: OutcomeOK, UpstreamStatus: "CHYBA/NENI K DISPOZICI", Body: []byte("<down/>")}, nil
	}
	n := u.n.Add(1)
	return &Reply{Status: 200, ContentType: "text/xml", Outcome: OutcomeOK, UpstreamStatus: "OK",
		Body: []byte("<answer call=\"" + string(rune('0'+n)) + "\" id=\"" + ex.Call.RequestID + "\"/>")}, nil
}

func (u *cacheUpstream) CanonicalRequest(ex *Exchange) ([]byte, error) {
	doc := ex.Envelope.PayloadDocument()
	i, j := bytes.Index(doc, []byte("<reg:AgendaZadostId>")), bytes.Index(doc, []byte("</reg:AgendaZadostId>"))
	k, l := bytes.Index(doc, []byte("<reg:CasZadosti>")), bytes.Index(doc, []byte("</reg:CasZadosti>"))
	out := append([]byte{}, doc[:k]...)
	out = append(out, doc[l:i]...)
	return append(out, doc[j:]...), nil
}

func (u *cacheUpstream) Storable(r *Reply) bool { return r.Status == 200 && r.UpstreamStatus == "OK" }

func (u *cacheUpstream) Unavailable(r *Reply) bool {
	return r.UpstreamStatus == "CHYBA/NENI K DISPOZICI"
}

func (u *cacheUpstream) Refresh(ex *Exchange, body []byte) []byte {
	s := string(body)
	i := strings.Index(s, `id="`)
	j := strings.Index(s[i+4:], `"`)
	return []byte(s[:i+4] + ex.Call.RequestID + s[i+4+j:])
}

func (u *cacheUpstream) Describe(ex *Exchange) error {
	if err := u.fakeUpstream.Describe(ex); err != nil {
		return err
	}
	return nil
}

type countMetrics struct {
	mu sync.Mutex
	n  map[cache.Outcome]int
}

func (m *countMetrics) Observe(o cache.Outcome) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.n == nil {
		m.n = map[cache.Outcome]int{}
	}
	m.n[o]++
}
func (m *countMetrics) ObserveError(string) {}

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time          { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

func newCachePipeline(t *testing.T, up *cacheUpstream, rules []CacheRule) (Handler, *clock, *countMetrics) {
	t.Helper()
	clk := &clock{t: time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)}
	c, err := memory.New(memory.Options{Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	cat, _ := catalogue.Load()
	reg, _ := clients.New([]clients.Client{
		{Name: "999002", AIS: "999002", ActsFor: []string{"12345678"}},
		{Name: "999003", AIS: "999003", ActsFor: []string{"87654321"}},
	})
	m := &countMetrics{}
	h, err := New(Deps{Now: clk.Now, Logger: zap.NewNop(), Limits: soap.DefaultLimits, Catalogue: cat, Clients: reg,
		Upstreams: map[string]Upstream{"iszr": up}, Policy: policies.Demo(), Recorder: &fakeRecorder{},
		Cache: c, CacheRules: rules, CacheMetrics: m})
	if err != nil {
		t.Fatal(err)
	}
	return h, clk, m
}

func e36Call(t *testing.T, h Handler, cn, id string, mutate func(string) string) *Reply {
	t.Helper()
	body := string(readTestdata(t, "e36-999002.xml"))
	body = strings.Replace(body, "0b5e7d4c-1f2a-4c3b-8d9e-0a1b2c3d4e5f", id, 1)
	if mutate != nil {
		body = mutate(body)
	}
	r, err := h(context.Background(), &Exchange{ID: id, Received: time.Now(), Upstream: "iszr", Code: "E36",
		ContentType: "text/xml", Body: []byte(body), PeerCert: cert(cn)})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func as999003(s string) string {
	return strings.NewReplacer("<reg:Ais>999002", "<reg:Ais>999003", "<reg:Ovm>12345678", "<reg:Ovm>87654321",
		"X999", "X998", "XR2", "XR1").Replace(s)
}

func TestCacheHitRefreshesEchoedFields(t *testing.T) {
	up := &cacheUpstream{}
	h, _, m := newCachePipeline(t, up, nil)
	r1 := e36Call(t, h, "999002", "11111111-1111-4111-8111-111111111111", nil)
	r2 := e36Call(t, h, "999002", "22222222-2222-4222-8222-222222222222", func(s string) string {
		return strings.Replace(s, "2026-11-23T10:00:00.000Z", "2026-11-23T10:00:07.000Z", 1) // another time, same question
	})
	if got := r1.Header[CacheHeader]; len(got) != 1 || got[0] != "miss" {
		t.Fatalf("first: %v", r1.Header)
	}
	if got := r2.Header[CacheHeader]; len(got) != 1 || got[0] != "hit" {
		t.Fatalf("second: %v", r2.Header)
	}
	if up.n.Load() != 1 {
		t.Fatalf("upstream called %d times", up.n.Load())
	}
	if string(r2.Body) != `<answer call="1" id="22222222-2222-4222-8222-222222222222"/>` {
		t.Fatalf("hit body %s", r2.Body)
	}
	if m.n[cache.OutcomeHit] != 1 || m.n[cache.OutcomeMiss] != 1 {
		t.Fatalf("metrics %v", m.n)
	}
}

func TestCacheNeverSharedAcrossScopes(t *testing.T) {
	up := &cacheUpstream{}
	h, _, _ := newCachePipeline(t, up, nil)
	e36Call(t, h, "999002", "11111111-1111-4111-8111-111111111111", nil)
	r := e36Call(t, h, "999003", "33333333-3333-4333-8333-333333333333", as999003)
	if up.n.Load() != 2 || r.Header[CacheHeader][0] != "miss" {
		t.Fatalf("another agency with other permissions got a shared entry: calls %d header %v", up.n.Load(), r.Header)
	}
}

func TestCacheBypassForPersonalData(t *testing.T) {
	up := &cacheUpstream{}
	h, _, _ := newCachePipeline(t, up, nil)
	for i := 0; i < 2; i++ {
		r, _ := h(context.Background(), &Exchange{ID: "x", Received: time.Now(), Upstream: "iszr", Code: "E03",
			ContentType: "text/xml", Body: readTestdata(t, "e03-999002.xml"), PeerCert: cert("999002")})
		if r.Header[CacheHeader][0] != "bypass" {
			t.Fatalf("E03 must bypass: %v", r.Header)
		}
	}
	if up.n.Load() != 2 {
		t.Fatalf("calls %d", up.n.Load())
	}
}

func TestCacheOverridePerAgency(t *testing.T) {
	up := &cacheUpstream{}
	h, _, _ := newCachePipeline(t, up, []CacheRule{{Upstream: "iszr", Code: "E36", OVM: "12345678", Class: catalogue.CacheNever}})
	e36Call(t, h, "999002", "11111111-1111-4111-8111-111111111111", nil)
	r := e36Call(t, h, "999002", "22222222-2222-4222-8222-222222222222", nil)
	if up.n.Load() != 2 || r.Header[CacheHeader][0] != "bypass" {
		t.Fatalf("override ignored: calls %d %v", up.n.Load(), r.Header)
	}
}

func TestCacheSingleFlight(t *testing.T) {
	up := &cacheUpstream{gate: make(chan struct{})}
	h, _, _ := newCachePipeline(t, up, nil)
	const n = 8
	var wg sync.WaitGroup
	bodies := make([]string, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			id := strings.Replace("00000000-0000-4000-8000-00000000000X", "X", string(rune('a'+i)), 1)
			bodies[i] = string(e36Call(t, h, "999002", id, nil).Body)
		}()
	}
	time.Sleep(50 * time.Millisecond) // let them pile up on the gate (not a timing assertion)
	close(up.gate)
	wg.Wait()
	if up.n.Load() != 1 {
		t.Fatalf("%d concurrent identical misses made %d upstream calls", n, up.n.Load())
	}
	for i, b := range bodies {
		if !strings.Contains(b, string(rune('a'+i))+`"`) {
			t.Fatalf("caller %d got another caller's request id: %s", i, b)
		}
	}
}

func TestCacheStaleIfError(t *testing.T) {
	up := &cacheUpstream{}
	h, clk, m := newCachePipeline(t, up, nil)
	e36Call(t, h, "999002", "11111111-1111-4111-8111-111111111111", nil)
	clk.Advance(11 * time.Minute) // past the fresh TTL (10 min), within the stale window
	up.fail.Store(true)
	r := e36Call(t, h, "999002", "22222222-2222-4222-8222-222222222222", nil)
	if r.Header[CacheHeader][0] != "stale" || !strings.Contains(string(r.Body), "22222222") || m.n[cache.OutcomeStale] != 1 {
		t.Fatalf("got %v %s", r.Header, r.Body)
	}
	clk.Advance(25 * time.Hour) // past the stale window: the outage answer
	r = e36Call(t, h, "999002", "33333333-3333-4333-8333-333333333333", nil)
	if r.Outcome != OutcomeUnavailable || r.Header[CacheHeader][0] != "miss" {
		t.Fatalf("got %q %v %s", r.Outcome, r.Header, r.Body)
	}
}

func TestCacheStaleWhenUpstreamSaysUnavailable(t *testing.T) {
	up := &cacheUpstream{}
	h, clk, _ := newCachePipeline(t, up, nil)
	e36Call(t, h, "999002", "11111111-1111-4111-8111-111111111111", nil)
	clk.Advance(11 * time.Minute)
	up.outage.Store(true)
	r := e36Call(t, h, "999002", "22222222-2222-4222-8222-222222222222", nil)
	if r.Header[CacheHeader][0] != "stale" || !strings.Contains(string(r.Body), "22222222") {
		t.Fatalf("got %v %s", r.Header, r.Body)
	}
}

func TestCacheDoesNotStoreRefusals(t *testing.T) {
	up := &cacheUpstream{}
	h, _, _ := newCachePipeline(t, up, nil)
	up.fail.Store(true)
	e36Call(t, h, "999002", "11111111-1111-4111-8111-111111111111", nil)
	up.fail.Store(false)
	r := e36Call(t, h, "999002", "22222222-2222-4222-8222-222222222222", nil)
	if r.Header[CacheHeader][0] != "miss" {
		t.Fatalf("an outage was cached: %v", r.Header)
	}
	_ = errors.New
}
