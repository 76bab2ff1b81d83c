package cuzk_test

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"konektor/adapters/cuzk"
	"konektor/adapters/cuzk/sim"
	"konektor/gateway/fault"
	"konektor/gateway/pipeline"
)

// TestAuthFailureDisablesAccount: one FailedAuthentication takes the
// account out of use (metric, log line, clear fault), so ČÚZK never
// counts the three failures that would lock it; EnableAccount puts it
// back.
func TestAuthFailureDisablesAccount(t *testing.T) {
	e := newEnv(t, setup{simOptions: sim.Options{Accounts: []sim.Account{{User: "DEMO-WSDP", Password: "jine-heslo", Type: sim.Paying}}}})
	first := e.do(client999002, "vyhledat", envelope(najdiParcelu))
	var fe *fault.Error
	if !errorsAs(first.err, &fe) || fe.Code != "cuzk-account-disabled" || fe.Kind != fault.Unavailable ||
		!strings.Contains(fe.CS, "pozastaven") || strings.Contains(fe.CS+fe.EN, "DEMO-WSDP") {
		t.Fatalf("first call: %v", first.err)
	}
	if e.metrics.disabled == nil || !slices.Equal(e.metrics.disabled, []string{"DEMO-WSDP"}) {
		t.Fatalf("metric %v", e.metrics.disabled)
	}
	if logs := e.logs.FilterMessageSnippet("disabled after failed login").All(); len(logs) != 1 || logs[0].ContextMap()["cuzk_account"] != "DEMO-WSDP" {
		t.Fatalf("log lines %v", logs)
	}
	for i := 0; i < 5; i++ {
		if r := e.do(client999002, "ciselnik", envelope(req("ciselnik", "SeznamKrajuRequest", ""))); r.code() != "cuzk-account-disabled" {
			t.Fatalf("call %d while disabled: %v", i, r.err)
		}
	}
	if n := len(e.requests()); n != 1 {
		t.Fatalf("%d requests reached ČÚZK, want only the first", n)
	}
	if _, locked := e.sim.LockedUntil("DEMO-WSDP"); locked {
		t.Fatal("the account got locked at ČÚZK")
	}
	st, err := e.up.Accounts(context.Background())
	if err != nil || len(st) != 1 || !st[0].Disabled || st[0].Since != e.clock.Now() || !strings.Contains(st[0].Reason, "FailedAuthentication") {
		t.Fatalf("status %+v", st)
	}
	// The operator fixes the password at ČÚZK and re-enables the account.
	e.sim.SetPassword("DEMO-WSDP", paidPassword)
	for _, c := range []struct {
		name string
		was  bool
	}{{"DEMO-WSDP", true}, {"DEMO-WSDP", false}, {"NIKDO", false}} {
		if was, err := e.up.EnableAccount(context.Background(), c.name); err != nil || was != c.was {
			t.Fatalf("EnableAccount(%s): %v %v, want %v", c.name, was, err, c.was)
		}
	}
	if r := e.do(client999002, "vyhledat", envelope(najdiParcelu)); r.err != nil || r.reply.UpstreamStatus != "OK 0" {
		t.Fatalf("after enabling: %v", r.err)
	}
	if st, err := e.up.Accounts(context.Background()); err != nil || st[0].Disabled || !st[0].Verified {
		t.Fatalf("status %+v", st)
	}
}

// TestUnverifiedAccountOneAtATime: until ČÚZK has accepted an account's
// login, its calls go one at a time; with a wrong password only one
// request ever reaches ČÚZK, however many calls arrive together.
func TestUnverifiedAccountOneAtATime(t *testing.T) {
	e := newEnv(t, setup{simOptions: sim.Options{Accounts: []sim.Account{{User: "DEMO-WSDP", Password: "jine-heslo", Type: sim.Paying}}}})
	hold := make(chan struct{})
	e.mu.Lock()
	e.hold = hold
	e.mu.Unlock()
	const n = 6
	var wg sync.WaitGroup
	codes := make([]string, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			codes[i] = e.do(client999002, "vyhledat", envelope(najdiParcelu)).code()
		}(i)
	}
	e.awaitArrivals(1)
	if got := len(e.requests()); got != 1 {
		t.Fatalf("%d requests in flight on an unverified account", got)
	}
	close(hold)
	wg.Wait()
	for i, c := range codes {
		if c != "cuzk-account-disabled" {
			t.Errorf("call %d: %q", i, c)
		}
	}
	if got := len(e.requests()); got != 1 {
		t.Fatalf("%d requests reached ČÚZK", got)
	}
}

// TestVerifiedAccountInParallel: once the login is known good, calls run
// side by side.
func TestVerifiedAccountInParallel(t *testing.T) {
	e := newEnv(t, setup{})
	if r := e.do(client999002, "vyhledat", envelope(najdiParcelu)); r.err != nil {
		t.Fatal(r.err)
	}
	e.awaitArrivals(1)
	hold := make(chan struct{})
	e.mu.Lock()
	e.hold = hold
	e.mu.Unlock()
	var wg sync.WaitGroup
	for i := 0; i < 3; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); e.do(client999002, "vyhledat", envelope(najdiParcelu)) }()
	}
	e.awaitArrivals(3) // all three in flight at once
	close(hold)
	wg.Wait()
	if got := len(e.requests()); got != 4 {
		t.Fatalf("%d requests", got)
	}
}

// TestReportSpacing: report requests of one account keep 2 s apart, on
// the injected clock; other calls and other accounts do not wait.
func TestReportSpacing(t *testing.T) {
	e := newEnv(t, setup{})
	gen := envelope(req("sestavy", "GenerujLVRequest", "<v:lvId>"+sim.SampleLV+"</v:lvId><v:format>pdf</v:format>"))
	for i := 0; i < 3; i++ {
		if r := e.do(client999002, "sestavy", gen); r.err != nil || r.reply.UpstreamStatus != "OK 0" {
			t.Fatalf("report %d: %v %+v", i, r.err, r.reply)
		}
	}
	if w := e.waiter.recorded(); !slices.Equal(w, []time.Duration{2 * time.Second, 2 * time.Second}) {
		t.Fatalf("waits %v", w)
	}
	e.do(client999002, "sestavy", envelope(req("sestavy", "SeznamSestavRequest", "")))
	e.do(client999002, "vyhledat", envelope(najdiParcelu))
	if w := e.waiter.recorded(); len(w) != 2 {
		t.Fatalf("a non-report call waited: %v", w)
	}
	e.clock.Advance(time.Minute)
	e.do(client999002, "sestavy", gen)
	if w := e.waiter.recorded(); len(w) != 2 {
		t.Fatalf("a report long after the last one waited: %v", w)
	}
}

// TestBusyBackoff: 477 makes the account back off (2 s, 4 s, …); a safe
// read is tried again and succeeds once ČÚZK has room.
func TestBusyBackoff(t *testing.T) {
	e := newEnv(t, setup{simOptions: sim.Options{MaxActiveUsers: 1, ActiveWindow: 5 * time.Second}})
	e.occupy(t)
	r := e.do(client999002, "vyhledat", envelope(najdiParcelu))
	if r.err != nil || r.reply.UpstreamStatus != "OK 0" {
		t.Fatalf("%v %+v", r.err, r.reply)
	}
	if w := e.waiter.recorded(); !slices.Equal(w, []time.Duration{2 * time.Second, 4 * time.Second}) {
		t.Fatalf("waits %v", w)
	}
	if !slices.Equal(e.metrics.busy, []bool{true, true}) {
		t.Fatalf("busy metric %v", e.metrics.busy)
	}
}

// TestBusyRetriesRunOut: a read that stays busy ends with ČÚZK's 477
// answer after the retries.
func TestBusyRetriesRunOut(t *testing.T) {
	e := newEnv(t, setup{simOptions: sim.Options{MaxActiveUsers: 1, ActiveWindow: time.Hour},
		options: func(o *cuzk.Options) { o.BusyRetries = 2 }})
	e.occupy(t)
	r := e.do(client999002, "vyhledat", envelope(najdiParcelu))
	if r.err != nil || r.reply.UpstreamStatus != "CHYBA 477" || r.reply.Status != 200 {
		t.Fatalf("%v %+v", r.err, r.reply)
	}
	if n := len(e.requests()); n != 3 {
		t.Fatalf("%d attempts, want 1 + 2 retries", n)
	}
	if !e.up.Unavailable(r.reply) || e.up.Storable(r.reply) {
		t.Fatal("a busy answer must allow a stale entry and never be stored")
	}
}

// TestReportGenerationNeverRetried: a report request that meets 477 is
// answered with it at once; the next call of the account waits the
// backoff first.
func TestReportGenerationNeverRetried(t *testing.T) {
	e := newEnv(t, setup{simOptions: sim.Options{MaxActiveUsers: 1, ActiveWindow: 30 * time.Second}})
	e.occupy(t)
	gen := envelope(req("sestavy", "GenerujLVRequest", "<v:lvId>"+sim.SampleLV+"</v:lvId><v:format>pdf</v:format>"))
	r := e.do(client999002, "sestavy", gen)
	if r.err != nil || r.reply.UpstreamStatus != "CHYBA 477" || len(e.requests()) != 1 {
		t.Fatalf("%v %+v, %d requests", r.err, r.reply, len(e.requests()))
	}
	if !slices.Equal(e.metrics.busy, []bool{false}) {
		t.Fatalf("busy metric %v", e.metrics.busy)
	}
	e.do(client999002, "vyhledat", envelope(najdiParcelu))
	if w := e.waiter.recorded(); len(w) == 0 || w[0] != 2*time.Second {
		t.Fatalf("next call did not back off: %v", w)
	}
}

// occupy makes another user work at ČÚZK (the trial account).
func (e *env) occupy(t *testing.T) {
	t.Helper()
	rq := `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Header><wsse:Security xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"><wsse:UsernameToken><wsse:Username>WSTEST</wsse:Username><wsse:Password>WSHESLO</wsse:Password></wsse:UsernameToken></wsse:Security></soapenv:Header><soapenv:Body>` + najdiParcelu + `</soapenv:Body></soapenv:Envelope>`
	code, _ := e.post("/ws/wsdp/2.8/vyhledat", rq)
	if code != 200 {
		t.Fatalf("occupying call: HTTP %d", code)
	}
	e.mu.Lock()
	e.seen = nil
	e.mu.Unlock()
	e.awaitArrivals(1)
}

// TestCredentialsMissing: without a password the call fails clearly and
// nothing is sent.
func TestCredentialsMissing(t *testing.T) {
	e := newEnv(t, setup{options: func(o *cuzk.Options) {
		o.Credentials = cuzk.PolicySecrets{Policy: o.Policy, Getenv: func(string) string { return "" }}
	}})
	r := e.do(client999002, "vyhledat", envelope(najdiParcelu))
	if r.code() != "cuzk-credentials" || len(e.requests()) != 0 || strings.Contains(r.err.Error(), paidPassword) {
		t.Fatalf("%v", r.err)
	}
	if r.reply != nil && r.reply.Outcome != pipeline.OutcomeOK {
		t.Fatal("reply with an error")
	}
}
