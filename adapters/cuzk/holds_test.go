package cuzk_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"konektor/adapters/cuzk"
	"konektor/adapters/cuzk/sim"
	"konektor/adapters/relay"
	"konektor/gateway/fault"
	"konektor/gateway/pipeline"
	"konektor/gateway/soap"
	"konektor/internal/store"
	"konektor/internal/store/postgres/pgtest"
	"konektor/internal/store/sqlite"
	"konektor/policies"
)

// secrets are passwords an operator can change while the adapter runs.
type secrets struct {
	mu sync.Mutex
	pw map[string]string
}

func newSecrets(pw string) *secrets {
	return &secrets{pw: map[string]string{"DEMO-WSDP": pw, "DEMO-WSDP-FREE": freePassword}}
}

func (s *secrets) set(account, pw string) {
	s.mu.Lock()
	s.pw[account] = pw
	s.mu.Unlock()
}

func (s *secrets) Password(account string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if pw := s.pw[account]; pw != "" {
		return pw, nil
	}
	return "", cuzk.ErrNoSecret
}

// flakyHolds is a HoldStore that fails while down is set.
type flakyHolds struct {
	cuzk.HoldStore
	down atomic.Bool
}

var errDown = errors.New("store down")

func (f *flakyHolds) PutCUZKHold(ctx context.Context, h store.CUZKHold) (store.CUZKHold, bool, error) {
	if f.down.Load() {
		return store.CUZKHold{}, false, errDown
	}
	return f.HoldStore.PutCUZKHold(ctx, h)
}

func (f *flakyHolds) GetCUZKHold(ctx context.Context, account string) (store.CUZKHold, error) {
	if f.down.Load() {
		return store.CUZKHold{}, errDown
	}
	return f.HoldStore.GetCUZKHold(ctx, account)
}

// cluster is two adapters (konektor nodes A and B) in front of one ČÚZK
// sandbox, sharing one store and each with its own secrets.
type cluster struct {
	*env
	holds      cuzk.HoldStore
	a, b       *cuzk.Upstream
	secA, secB *secrets
	logsB      *observer.ObservedLogs
	opts       cuzk.Options // node A's
}

func newCluster(t *testing.T, holds cuzk.HoldStore, so ...sim.Options) *cluster {
	t.Helper()
	if holds == nil {
		st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "konektor.db"), zap.NewNop())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		holds = st
	}
	c := &cluster{holds: holds, secA: newSecrets(paidPassword), secB: newSecrets(paidPassword)}
	var opts cuzk.Options
	var simOptions sim.Options
	if len(so) > 0 {
		simOptions = so[0]
	}
	c.env = newEnv(t, setup{simOptions: simOptions, options: func(o *cuzk.Options) {
		o.Holds, o.NodeName, o.Credentials = holds, "uzel-a", c.secA
		opts = *o
	}})
	c.a, c.opts = c.up, opts
	core, logs := observer.New(zap.InfoLevel)
	c.logsB = logs
	c.b = c.node("uzel-b", holds, c.secB, zap.New(core))
	return c
}

// node makes another adapter in front of the same sandbox, on the same
// clock, with its own name, store, secrets and logger.
func (c *cluster) node(name string, holds cuzk.HoldStore, sec *secrets, log *zap.Logger) *cuzk.Upstream {
	c.t.Helper()
	o := c.opts
	o.NodeName, o.Holds, o.Credentials, o.Logger = name, holds, sec, log
	up, err := cuzk.New(o)
	if err != nil {
		c.t.Fatal(err)
	}
	return up
}

// call runs najdiParcelu through node up, as the pipeline does.
func (c *cluster) call(up *cuzk.Upstream) result {
	c.t.Helper()
	parsed, err := soap.Parse([]byte(envelope(najdiParcelu)), soap.Limits{MaxBytes: 1 << 20, MaxDepth: 64, MaxElements: 10000})
	if err != nil {
		c.t.Fatal(err)
	}
	entry, _ := cuzk.EntryFor("vyhledat", parsed.Payload)
	ex := &pipeline.Exchange{ID: "test-1", Received: c.clock.Now(), Upstream: cuzk.UpstreamName, Code: "vyhledat",
		Body: []byte(envelope(najdiParcelu)), Envelope: parsed, Version: parsed.Version, Client: client999002, Entry: entry}
	if err := up.Describe(ex); err != nil {
		return result{err: err, ex: ex}
	}
	r, err := up.Call(context.Background(), ex)
	return result{reply: r, err: err, ex: ex}
}

// csText is the Czech text of a result's fault.
func csText(r result) string {
	var fe *fault.Error
	if errors.As(r.err, &fe) {
		return fe.CS
	}
	return ""
}

func (c *cluster) status(up *cuzk.Upstream, account string) cuzk.AccountStatus {
	c.t.Helper()
	all, err := up.Accounts(context.Background())
	if err != nil {
		c.t.Fatal(err)
	}
	for _, s := range all {
		if s.Account == account {
			return s
		}
	}
	return cuzk.AccountStatus{Account: account}
}

// TestHoldSharedBetweenNodes: after node A's refused login, node B sends
// nothing for the account (its first call included), and an operator's
// enable on B puts the account back into use on A too.
func TestHoldSharedBetweenNodes(t *testing.T) {
	c := newCluster(t, nil)
	c.secA.set("DEMO-WSDP", "spatne-heslo-1")
	c.secB.set("DEMO-WSDP", "spatne-heslo-1")
	if r := c.call(c.a); r.code() != "cuzk-account-disabled" {
		t.Fatalf("A's refused login: %v", r.err)
	}
	for i := 0; i < 3; i++ {
		if r := c.call(c.b); r.code() != "cuzk-account-disabled" || !strings.Contains(csText(r), "FailedAuthentication") {
			t.Fatalf("B's call %d: %v", i, r.err)
		}
	}
	if n := len(c.requests()); n != 1 {
		t.Fatalf("%d requests reached ČÚZK, want A's one", n)
	}
	if _, locked := c.sim.LockedUntil("DEMO-WSDP"); locked {
		t.Fatal("ČÚZK locked the account")
	}
	if st := c.status(c.b, "DEMO-WSDP"); !st.Disabled || st.Node != "uzel-a" || !st.Since.Equal(c.clock.Now()) {
		t.Fatalf("B's view: %+v", st)
	}
	if c.logsB.FilterMessageSnippet("on hold after a refused login").Len() != 1 {
		t.Fatal("B did not log the hold it found (once)")
	}
	h, err := c.holds.GetCUZKHold(context.Background(), "DEMO-WSDP")
	if err != nil || h.SecretFP != cuzk.SecretFingerprint("DEMO-WSDP", "spatne-heslo-1") || strings.Contains(h.SecretFP, "spatne") {
		t.Fatalf("stored hold %+v %v", h, err)
	}
	// The operator fixes the password on both nodes and enables on B.
	c.secA.set("DEMO-WSDP", paidPassword)
	c.secB.set("DEMO-WSDP", paidPassword)
	if was, err := c.b.EnableAccount(context.Background(), "DEMO-WSDP"); err != nil || !was {
		t.Fatalf("enable on B: %v %v", was, err)
	}
	if r := c.call(c.a); r.err != nil || r.reply.UpstreamStatus != "OK 0" {
		t.Fatalf("A after B's enable: %v", r.err)
	}
	if r := c.call(c.b); r.err != nil {
		t.Fatalf("B after its enable: %v", r.err)
	}
	if st := c.status(c.a, "DEMO-WSDP"); st.Disabled || !st.Verified {
		t.Fatalf("A's view: %+v", st)
	}
}

// TestSecretWatchReleasesOnlyAChangedSecret: a node whose secret is still
// the refused one releases nothing; a node with a changed secret releases
// the hold, and a node still configured with the refused secret does not
// send it after the release.
func TestSecretWatchReleasesOnlyAChangedSecret(t *testing.T) {
	c := newCluster(t, nil)
	ctx := context.Background()
	c.secA.set("DEMO-WSDP", "spatne-heslo-1")
	c.secB.set("DEMO-WSDP", "spatne-heslo-1")
	if r := c.call(c.a); r.code() != "cuzk-account-disabled" {
		t.Fatalf("A's refused login: %v", r.err)
	}
	for _, up := range []*cuzk.Upstream{c.a, c.b} {
		if rel, err := up.ReleaseChangedSecrets(ctx); err != nil || len(rel) != 0 {
			t.Fatalf("released with the refused secret unchanged: %v %v", rel, err)
		}
	}
	// The operator fixes the secret on B only.
	c.secB.set("DEMO-WSDP", paidPassword)
	if rel, err := c.a.ReleaseChangedSecrets(ctx); err != nil || len(rel) != 0 {
		t.Fatalf("A released: %v %v", rel, err)
	}
	if rel, err := c.b.ReleaseChangedSecrets(ctx); err != nil || len(rel) != 1 || rel[0] != "DEMO-WSDP" {
		t.Fatalf("B's release: %v %v", rel, err)
	}
	if r := c.call(c.b); r.err != nil || r.reply.UpstreamStatus != "OK 0" {
		t.Fatalf("B after the release: %v", r.err)
	}
	// A still has the refused secret: it does not send it.
	r := c.call(c.a)
	if r.code() != "cuzk-account-disabled" || !strings.Contains(csText(r), "tomto uzlu") {
		t.Fatalf("A with the refused secret: %v", r.err)
	}
	if st := c.status(c.a, "DEMO-WSDP"); !st.Disabled {
		t.Fatalf("A's view: %+v", st)
	}
	if st := c.status(c.b, "DEMO-WSDP"); st.Disabled {
		t.Fatalf("B's view: %+v", st)
	}
	if n := len(c.requests()); n != 2 {
		t.Fatalf("%d requests reached ČÚZK, want A's refused one and B's", n)
	}
	c.secA.set("DEMO-WSDP", paidPassword)
	if r := c.call(c.a); r.err != nil {
		t.Fatalf("A with the fixed secret: %v", r.err)
	}
}

// TestReleaseComparesTheHoldItRead: a secret watch never releases a hold
// on another secret than the one it compared (a newer refusal).
func TestReleaseComparesTheHoldItRead(t *testing.T) {
	c := newCluster(t, nil)
	ctx := context.Background()
	c.secA.set("DEMO-WSDP", "spatne-heslo-1")
	c.call(c.a)
	// A fixes its secret and releases; then B, with another wrong secret,
	// is refused: a new hold on B's secret.
	c.secA.set("DEMO-WSDP", "spatne-heslo-2")
	if rel, _ := c.a.ReleaseChangedSecrets(ctx); len(rel) != 1 {
		t.Fatalf("A's release: %v", rel)
	}
	c.secB.set("DEMO-WSDP", "spatne-heslo-2")
	if r := c.call(c.b); r.code() != "cuzk-account-disabled" {
		t.Fatalf("B: %v", r.err)
	}
	// A's secret is the newly refused one: nothing to release.
	if rel, err := c.a.ReleaseChangedSecrets(ctx); err != nil || len(rel) != 0 {
		t.Fatalf("A released the new hold: %v %v", rel, err)
	}
	if r := c.call(c.a); r.code() != "cuzk-account-disabled" {
		t.Fatalf("A: %v", r.err)
	}
	if n := len(c.requests()); n != 2 {
		t.Fatalf("%d requests reached ČÚZK", n)
	}
	if _, locked := c.sim.LockedUntil("DEMO-WSDP"); locked {
		t.Fatal("ČÚZK locked the account")
	}
}

// TestHoldStoreDown: a store that does not answer lets nothing through
// (the hold could be there); a refusal seen while the store cannot take
// the hold holds the account on this node and is written once the store
// answers, so the other node sees it.
func TestHoldStoreDown(t *testing.T) {
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "konektor.db"), zap.NewNop())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	flaky := &flakyHolds{HoldStore: st}
	c := newCluster(t, flaky)

	flaky.down.Store(true)
	if r := c.call(c.a); r.code() != "cuzk-account-state" || len(c.requests()) != 0 {
		t.Fatalf("store down: %v, %d requests", r.err, len(c.requests()))
	}

	// The store fails only the hold's write: the refusal still holds A.
	c.secA.set("DEMO-WSDP", "spatne-heslo-1")
	c.secB.set("DEMO-WSDP", "spatne-heslo-1")
	flaky.down.Store(false)
	writes := &failPut{flakyHolds: flaky}
	c.a = c.node("uzel-a", writes, c.secA, zap.NewNop())
	if r := c.call(c.a); r.code() != "cuzk-account-disabled" {
		t.Fatalf("refused: %v", r.err)
	}
	if c.metrics.disabled == nil || len(c.metrics.disabled) != 1 {
		t.Fatalf("metric %v", c.metrics.disabled)
	}
	if st := c.status(c.a, "DEMO-WSDP"); !st.Disabled || !strings.Contains(st.Reason, "jen na tomto uzlu") {
		t.Fatalf("A's view: %+v", st)
	}
	if r := c.call(c.a); r.code() != "cuzk-account-disabled" {
		t.Fatalf("A while its hold is unstored: %v", r.err)
	}
	if n := len(c.requests()); n != 1 {
		t.Fatalf("%d requests", n)
	}
	// The store takes writes again: A's next call stores the hold (and
	// still sends nothing); B then sees it.
	writes.ok.Store(true)
	if r := c.call(c.a); r.code() != "cuzk-account-disabled" {
		t.Fatalf("A: %v", r.err)
	}
	if h, err := st.GetCUZKHold(context.Background(), "DEMO-WSDP"); err != nil || !h.Held() || h.Node != "uzel-a" {
		t.Fatalf("stored: %+v %v", h, err)
	}
	if r := c.call(c.b); r.code() != "cuzk-account-disabled" {
		t.Fatalf("B: %v", r.err)
	}
	if n := len(c.requests()); n != 1 {
		t.Fatalf("%d requests reached ČÚZK", n)
	}
}

// failPut fails PutCUZKHold until ok is set.
type failPut struct {
	*flakyHolds
	ok atomic.Bool
}

func (f *failPut) PutCUZKHold(ctx context.Context, h store.CUZKHold) (store.CUZKHold, bool, error) {
	if !f.ok.Load() {
		return store.CUZKHold{}, false, errDown
	}
	return f.flakyHolds.PutCUZKHold(ctx, h)
}

// TestChangedSecretIsUnverified: a verified account whose secret changes
// is unverified again, so with a wrong new secret only one call reaches
// ČÚZK however many arrive together.
func TestChangedSecretIsUnverified(t *testing.T) {
	c := newCluster(t, nil)
	if r := c.call(c.a); r.err != nil {
		t.Fatal(r.err)
	}
	c.awaitArrivals(1)
	c.secA.set("DEMO-WSDP", "spatne-heslo-1")
	hold := make(chan struct{})
	c.mu.Lock()
	c.hold = hold
	c.seen = nil
	c.mu.Unlock()
	const n = 5
	var wg sync.WaitGroup
	codes := make([]string, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			codes[i] = c.call(c.a).code()
		}(i)
	}
	c.awaitArrivals(1)
	time.Sleep(50 * time.Millisecond) // let the others reach the gate
	if got := len(c.requests()); got != 1 {
		t.Fatalf("%d requests in flight with a changed secret", got)
	}
	close(hold)
	wg.Wait()
	for i, code := range codes {
		if code != "cuzk-account-disabled" {
			t.Errorf("call %d: %q", i, code)
		}
	}
	if got := len(c.requests()); got != 1 {
		t.Fatalf("%d requests reached ČÚZK", got)
	}
}

// holdingWaiter is a backoff during which another node puts the account
// on hold.
type holdingWaiter struct {
	c    *cluster
	once sync.Once
}

func (w *holdingWaiter) Wait(ctx context.Context, d time.Duration) error {
	w.once.Do(func() {
		_, _, err := w.c.holds.PutCUZKHold(ctx, store.CUZKHold{Account: "DEMO-WSDP", Since: w.c.clock.Now(),
			Reason: "FailedAuthentication", Node: "uzel-b", SecretFP: cuzk.SecretFingerprint("DEMO-WSDP", "jine-heslo")})
		if err != nil {
			w.c.t.Error(err)
		}
	})
	w.c.clock.Advance(d)
	return ctx.Err()
}

// TestHoldSeenDuringBusyBackoff: a read retried after 477 is not sent
// again once another node has put the account on hold meanwhile.
func TestHoldSeenDuringBusyBackoff(t *testing.T) {
	c := newCluster(t, nil, sim.Options{MaxActiveUsers: 1, ActiveWindow: time.Hour})
	c.occupy(t)
	c.opts.Waiter = &holdingWaiter{c: c}
	a := c.node("uzel-a", c.holds, c.secA, zap.NewNop())
	if r := c.call(a); r.code() != "cuzk-account-disabled" {
		status := ""
		if r.reply != nil {
			status = r.reply.UpstreamStatus
		}
		t.Fatalf("retry after the hold: %v, answer %q", r.err, status)
	}
	if n := len(c.requests()); n != 1 {
		t.Fatalf("%d requests reached ČÚZK, want the first (busy) one", n)
	}
}

// BenchmarkRelayHolds: BenchmarkRelay's najdiParcelu with the account's
// hold read from each kind of HoldStore before the call is sent (memory:
// no shared store; sqlite: the embedded default; postgres: the shared
// store of several nodes, when KONEKTOR_TEST_DATABASE_URL is set).
func BenchmarkRelayHolds(b *testing.B) {
	stores := []struct {
		name string
		open func(b *testing.B) cuzk.HoldStore
	}{
		{"memory", func(*testing.B) cuzk.HoldStore { return nil }},
		{"sqlite", func(b *testing.B) cuzk.HoldStore {
			st, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "konektor.db"), zap.NewNop())
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { st.Close() })
			return st
		}},
		{"postgres", func(b *testing.B) cuzk.HoldStore { return pgtest.Open(b) }},
	}
	for _, s := range stores {
		b.Run(s.name, func(b *testing.B) {
			x := newBench(b)
			holds := s.open(b)
			up, err := cuzk.New(cuzk.Options{Node: relay.NewNode(relay.Options{Name: "cuzk", Base: x.srv.URL}),
				Policy: func() cuzk.Policy { return policies.Demo() },
				Credentials: cuzk.PolicySecrets{Policy: func() cuzk.Policy { return policies.Demo() },
					Getenv: func(string) string { return paidPassword }},
				AccountTypes: map[string]cuzk.AccountType{"DEMO-WSDP": cuzk.Paying}, Holds: holds})
			if err != nil {
				b.Fatal(err)
			}
			env := envelope(najdiParcelu, kontext("12345678"))
			b.ReportAllocs()
			for b.Loop() {
				r, err := up.Call(context.Background(), x.exchange(b, "vyhledat", env))
				if err != nil || r.Status != 200 {
					b.Fatal(err)
				}
			}
		})
	}
}
