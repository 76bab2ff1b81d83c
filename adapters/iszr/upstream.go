package iszr

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"konektor/adapters/relay"
	"konektor/gateway/catalogue"
	"konektor/gateway/fault"
	"konektor/gateway/pipeline"
)

// Upstream relays eGON calls to ISZR nodes, in order: the first node that
// answers serves the call; reads move on to the next node when one is
// unreachable, writes never do.
type Upstream struct {
	nodes []*relay.Node
	now   func() time.Time
}

// New returns the ISZR adapter over the given nodes (primary first).
func New(now func() time.Time, nodes ...*relay.Node) (*Upstream, error) {
	if len(nodes) == 0 {
		return nil, errors.New("iszr: no upstream node configured")
	}
	return &Upstream{nodes: nodes, now: now}, nil
}

// Describe reads ZadostInfo and AutorizaceInfo into ex.Call.
func (u *Upstream) Describe(ex *pipeline.Exchange) error {
	r, err := ReadRequest(ex.Envelope.PayloadDocument())
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
	}
	if r.HasAutorizace {
		ex.Call.Items = r.SeznamUdaju
	}
	return nil
}

// Refuse answers like ISZR: HTTP 200, OdpovedInfo/Status CHYBA with the
// sub-code and a Czech description of what is missing.
func (u *Upstream) Refuse(ex *pipeline.Exchange, subCode, cs, _ string) *pipeline.Reply {
	var body []byte
	if ex.Entry.Code == "E100" {
		r, _ := ReadRequest(ex.Envelope.PayloadDocument())
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
	var lastErr error
	for i, n := range u.nodes {
		resp, err := n.Post(ctx, path, h, ex.Body)
		if err != nil {
			lastErr = err
			var fe *fault.Error
			failover := errors.As(err, &fe) && fe.Kind == fault.Unavailable && ex.Entry.SideEffect == catalogue.Read
			if failover && i+1 < len(u.nodes) {
				continue
			}
			return nil, err
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
	return nil, lastErr
}

var _ pipeline.Upstream = (*Upstream)(nil)
