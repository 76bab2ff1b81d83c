package pipeline

import (
	"context"
	"fmt"

	"konektor/policies"
)

// Authorise decides whether the call may leave the region: the AIS named
// in the message must be the caller's own, the caller must be allowed to
// act for the claimed OVM, and the RPP policy must permit the agenda, role,
// service and data items. A refusal is answered the way the upstream would
// answer it, with a reason an operator can act on.
func Authorise(d Deps) Middleware {
	pol := d.Policy
	return func(next Handler) Handler {
		return func(ctx context.Context, ex *Exchange) (*Reply, error) {
			c, call := ex.Client, ex.Call
			if call.AIS != "" && call.AIS != c.AIS {
				return refuse(d, ex, "NENI OPRAVNENI EGON",
					fmt.Sprintf("AIS %s se prokázal certifikátem, ve zprávě uvádí AIS %s", c.AIS, call.AIS),
					fmt.Sprintf("AIS %s authenticated with its certificate but the message names AIS %s", c.AIS, call.AIS)), nil
			}
			if !c.MayActFor(call.OVM) {
				return refuse(d, ex, "NENI OPRAVNENI EGON",
					fmt.Sprintf("AIS %s nesmí jednat za OVM %s (registr klientů konektoru)", c.AIS, call.OVM),
					fmt.Sprintf("AIS %s may not act for OVM %s (konektor's client registry)", c.AIS, call.OVM)), nil
			}
			var dec policies.Decision
			if a, ok := d.Upstreams[ex.Upstream].(Authoriser); ok {
				dec = a.Authorise(ex) // the upstream's own rules (cadastre accounts, data boxes)
			} else {
				dec = pol.Decide(policies.Request{
					AIS: c.AIS, OVM: call.OVM, Agenda: call.Agenda, Role: call.Role,
					Service: ex.Entry.Code, Items: call.Items, MaxRecords: call.MaxRecords,
				})
			}
			ex.Decision = dec
			if !dec.Permit {
				cs, en := lastReason(dec)
				sub := dec.SubCode
				if sub == "" {
					sub = "NENI OPRAVNENI EGON"
				}
				return refuse(d, ex, sub, cs, en), nil
			}
			return next(ctx, ex)
		}
	}
}

// Authoriser is implemented by upstream adapters whose calls are decided
// by their own section of the policy (ČÚZK accounts, ISDS data boxes)
// rather than by the RPP rules of eGON services.
type Authoriser interface {
	Authorise(ex *Exchange) policies.Decision
}

func refuse(d Deps, ex *Exchange, sub, cs, en string) *Reply {
	r := d.Upstreams[ex.Upstream].Refuse(ex, sub, cs, en)
	r.Outcome = OutcomeDenied
	r.Reason = sub + ": " + en
	return r
}

func lastReason(d policies.Decision) (cs, en string) {
	for i := len(d.Reasons) - 1; i >= 0; i-- {
		if !d.Reasons[i].OK {
			return d.Reasons[i].CS, d.Reasons[i].EN
		}
	}
	return "politika konektoru volání nepovoluje", "konektor's policy does not permit the call"
}
