package cuzk_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"konektor/adapters/cuzk"
	"konektor/adapters/relay"
	"konektor/gateway/fault"
	"konektor/gateway/pipeline"
	"konektor/policies"
)

// TestUpstreamDown: ČÚZK unreachable is an Unavailable fault (the Outage
// stage answers it); the account stays usable.
func TestUpstreamDown(t *testing.T) {
	dead := httptest.NewServer(http.NotFoundHandler())
	base := dead.URL
	dead.Close()
	e := newEnv(t, setup{options: func(o *cuzk.Options) {
		o.Node = relay.NewNode(relay.Options{Name: "cuzk", Base: base, Timeout: 2 * time.Second})
	}})
	r := e.do(client999002, "vyhledat", envelope(najdiParcelu))
	var fe *fault.Error
	if !errorsAs(r.err, &fe) || fe.Kind != fault.Unavailable || fe.Code != "upstream-unavailable" {
		t.Fatalf("%v", r.err)
	}
	if st, err := e.up.Accounts(context.Background()); err != nil || len(st) != 1 || st[0].Disabled {
		t.Fatalf("status %+v", st)
	}
	out := e.up.Refuse(r.ex, "NENI K DISPOZICI", "služba je dočasně nedostupná", "unavailable")
	if out.Status != http.StatusServiceUnavailable || !strings.Contains(string(out.Body), "S:Server") || !e.up.Unavailable(out) {
		t.Fatalf("outage answer %d\n%s", out.Status, out.Body)
	}
}

// TestGatewayErrorRelayed: a 502 from ČÚZK's front is passed on as an
// upstream error.
func TestGatewayErrorRelayed(t *testing.T) {
	bad := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "bad gateway", http.StatusBadGateway)
	}))
	t.Cleanup(bad.Close)
	e := newEnv(t, setup{options: func(o *cuzk.Options) {
		o.Node = relay.NewNode(relay.Options{Name: "cuzk", Base: bad.URL, Timeout: 2 * time.Second})
	}})
	r := e.do(client999002, "vyhledat", envelope(najdiParcelu))
	if r.err != nil || r.reply.Status != http.StatusBadGateway || r.reply.Outcome != pipeline.OutcomeUpstreamError || r.reply.UpstreamStatus != "HTTP 502" {
		t.Fatalf("%v %+v", r.err, r.reply)
	}
}

// TestPolicyWithdrawnBeforeCall: Call decides again on the snapshot in
// force; a grant withdrawn since Authorise is refused without sending.
func TestPolicyWithdrawnBeforeCall(t *testing.T) {
	var calls atomic.Int32
	empty, err := policies.LoadYAML(strings.NewReader("ais: []\n"))
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, setup{options: func(o *cuzk.Options) {
		o.Policy = func() cuzk.Policy {
			if calls.Add(1) > 1 {
				return empty
			}
			return policies.Demo()
		}
	}})
	r := e.do(client999002, "vyhledat", envelope(najdiParcelu))
	if r.err != nil || r.reply.Outcome != pipeline.OutcomeDenied || len(e.requests()) != 0 || !strings.Contains(string(r.reply.Body), `kod="207"`) {
		t.Fatalf("%v %+v", r.err, r.reply)
	}
}

func TestUnknownOperation(t *testing.T) {
	e := newEnv(t, setup{})
	r := e.do(client999002, "vyhledat", envelope(najdiParcelu))
	r.ex.Code = "informace" // a route that does not know the element
	if _, err := e.up.Call(context.Background(), r.ex); err == nil {
		t.Fatal("an element of another service was relayed")
	}
}
