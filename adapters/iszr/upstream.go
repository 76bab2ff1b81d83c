package iszr

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"konektor/adapters/relay"
	"konektor/gateway/breaker"
	"konektor/gateway/catalogue"
	"konektor/gateway/fault"
	"konektor/gateway/pipeline"
)

// Upstream relays eGON calls to ISZR nodes through a breaker pool: a node
// whose breaker is open is skipped at once; reads fail over to the next
// node and are retried with jittered backoff; writes move on only when the
// request provably never left (a failed dial, an open breaker).
type Upstream struct {
	pool    *breaker.Pool
	nodes   map[string]*relay.Node
	now     func() time.Time
	timeout time.Duration
}

// Options configure the ISZR adapter.
type Options struct {
	Now   func() time.Time
	Nodes []*relay.Node // primary first
	// Pool holds one breaker per node, named as the nodes; nil builds one
	// with default breaker settings and no retries.
	Pool *breaker.Pool
	// AttemptTimeout bounds one attempt on one node; 0 leaves it to the
	// node's own timeout.
	AttemptTimeout time.Duration
}

// New returns the ISZR adapter.
func New(o Options) (*Upstream, error) {
	if len(o.Nodes) == 0 {
		return nil, errors.New("iszr: no upstream node configured")
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	u := &Upstream{pool: o.Pool, nodes: map[string]*relay.Node{}, now: o.Now, timeout: o.AttemptTimeout}
	var bn []breaker.Node
	for _, n := range o.Nodes {
		if _, dup := u.nodes[n.Name]; dup {
			return nil, fmt.Errorf("iszr: node %s listed twice", n.Name)
		}
		u.nodes[n.Name] = n
		if o.Pool == nil {
			b, err := breaker.New(breaker.Settings{Name: "iszr/" + n.Name, Now: o.Now, IsFailure: IsNodeFailure})
			if err != nil {
				return nil, err
			}
			bn = append(bn, breaker.Node{Name: n.Name, Addr: n.Base, Breaker: b})
		}
	}
	if o.Pool == nil {
		p, err := breaker.NewPool(bn, breaker.PoolOptions{Now: o.Now})
		if err != nil {
			return nil, err
		}
		u.pool = p
	}
	for _, n := range u.pool.Nodes() {
		if _, ok := u.nodes[n.Name]; !ok {
			return nil, fmt.Errorf("iszr: breaker pool names node %s, which is not configured", n.Name)
		}
	}
	return u, nil
}

// errNodeStatus marks an answer with a gateway-level HTTP error (502, 503,
// 504): the node is in trouble, so it counts against its breaker and a read
// moves on to the next node.
var errNodeStatus = errors.New("iszr: node answered with a gateway error")

// IsNodeFailure reports whether an error counts against a node's breaker:
// transport failures and gateway-level HTTP errors do; the caller giving up
// does not.
func IsNodeFailure(err error) bool {
	return err != nil && !errors.Is(err, context.Canceled)
}

// Describe reads ZadostInfo and AutorizaceInfo into ex.Call.
func (u *Upstream) Describe(ex *pipeline.Exchange) error {
	var r Request
	var err error
	if ex.Entry.Cache == catalogue.CacheTTL && !ex.Async {
		r, ex.Canonical, err = ReadEnvelopeCanonical(ex.Envelope)
	} else {
		r, err = ReadEnvelope(ex.Envelope)
	}
	if err != nil {
		if errors.Is(err, ErrNoZadostInfo) {
			return fault.Wrap(fault.BadRequest, "no-zadostinfo",
				"požadavek eGON nemá ZadostInfo (Agenda, AgendovaRole, Ovm, AgendaZadostId)",
				"the eGON request has no ZadostInfo (Agenda, AgendovaRole, Ovm, AgendaZadostId)", err)
		}
		return fault.Wrap(fault.BadRequest, "bad-zadostinfo",
			"ZadostInfo nebo AutorizaceInfo nelze přečíst: "+err.Error(),
			"ZadostInfo or AutorizaceInfo cannot be read: "+err.Error(), err)
	}
	var missing []string
	for _, f := range []struct{ name, v string }{
		{"Agenda", r.Agenda}, {"AgendovaRole", r.AgendovaRole}, {"Ovm", r.Ovm}, {"AgendaZadostId", r.AgendaZadostId},
	} {
		if f.v == "" {
			missing = append(missing, f.name)
		}
	}
	if len(missing) > 0 {
		return fault.New(fault.BadRequest, "incomplete-zadostinfo",
			fmt.Sprintf("v ZadostInfo chybí %v", missing), fmt.Sprintf("ZadostInfo lacks %v", missing))
	}
	ex.Call = pipeline.Call{
		AIS: r.Ais, OVM: r.Ovm, Agenda: r.Agenda, Role: r.AgendovaRole,
		User: r.Uzivatel, Purpose: r.DuvodUcel, Subject: r.Subjekt,
		RequestID: r.AgendaZadostId, MaxRecords: r.MaximalniPocetZaznamu,
		SubjectKind: r.SubjectKind, SubjectID: r.SubjectID,
	}
	if r.HasAutorizace {
		ex.Call.Items = r.SeznamUdaju
	}
	return nil
}

// Refuse answers like ISZR: HTTP 200, OdpovedInfo/Status CHYBA with the
// sub-code and a Czech description of what is missing. RPP's own texts
// (PUSOBNOST NEEXISTUJE, ...) are not ISZR sub-codes: they are reported as
// NENI OPRAVNENI EGON with the RPP text leading VysledekPopis, so the
// answer stays valid against the service's schema.
func (u *Upstream) Refuse(ex *pipeline.Exchange, subCode, cs, _ string) *pipeline.Reply {
	if !subCodes[subCode] {
		cs = subCode + ": " + cs
		subCode = "NENI OPRAVNENI EGON"
	}
	var body []byte
	if ex.Entry.Code == "E100" {
		r, _ := ReadEnvelope(ex.Envelope)
		body = AnswerAsync(ex.Entry.Response, r.KodAsyncSluzby, "CHYBA", subCode, cs, ex.Call.RequestID, u.now())
	} else {
		body = Answer(ex.Entry.Response, "CHYBA", subCode, cs, ex.Call.RequestID, u.now())
	}
	return &pipeline.Reply{Status: http.StatusOK, ContentType: "text/xml; charset=utf-8", Body: body,
		UpstreamStatus: "CHYBA/" + subCode}
}

// Call relays the request bytes unchanged and returns the answer bytes
// unchanged.
func (u *Upstream) Call(ctx context.Context, ex *pipeline.Exchange) (*pipeline.Reply, error) {
	path := "/" + ex.Code
	if ex.Async {
		path += "?async"
	}
	h := http.Header{
		"Content-Type": {"text/xml; charset=utf-8"},
		"Soapaction":   {`"` + ex.Entry.Operation + `"`},
	}
	var resp *relay.Response
	call := breaker.Call{SafeRead: ex.Entry.SideEffect == catalogue.Read && !ex.Async, AttemptTimeout: u.timeout}
	err := u.pool.Do(ctx, call, func(ctx context.Context, n breaker.Node) error {
		r, err := u.nodes[n.Name].Post(ctx, path, h, ex.Body)
		if err != nil {
			return err
		}
		resp = r
		switch r.Status {
		case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
			return errNodeStatus
		}
		return nil
	})
	if err != nil {
		switch {
		case errors.Is(err, errNodeStatus) && resp != nil:
			// Every node answered with a gateway error: pass the last one on.
		case errors.Is(err, breaker.ErrOpen):
			return nil, fault.Wrap(fault.Unavailable, "circuit-open",
				"ISZR je nedostupné (jistič otevřen po opakovaných chybách)",
				"ISZR is unavailable (circuit open after repeated failures)", err)
		default:
			var fe *fault.Error
			if errors.As(err, &fe) {
				return nil, err
			}
			return nil, fault.Wrap(fault.Unavailable, "upstream-unavailable",
				"ISZR je nedostupné", "ISZR is unavailable", err)
		}
	}
	r := &pipeline.Reply{Status: resp.Status, ContentType: resp.ContentType, Body: resp.Body, Outcome: pipeline.OutcomeOK}
	if st := ReadStatus(resp.Body); st.Kod != "" {
		r.UpstreamStatus = st.String()
	} else {
		r.UpstreamStatus = fmt.Sprintf("HTTP %d", resp.Status)
	}
	if resp.Status != http.StatusOK {
		r.Outcome = pipeline.OutcomeUpstreamError
	}
	return r, nil
}

var (
	_ pipeline.Upstream  = (*Upstream)(nil)
	_ pipeline.Cacheable = (*Upstream)(nil)
)
