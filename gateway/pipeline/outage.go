package pipeline

import (
	"context"
	"errors"

	"konektor/gateway/fault"
)

// OutcomeUnavailable marks an exchange answered with the upstream's own
// outage answer because every node was down or its breaker open.
const OutcomeUnavailable = "unavailable"

// Outage answers a call the upstream cannot serve (every node down or its
// breaker open, timeouts) the way the upstream reports its own outage; for
// ISZR that is CHYBA with NENI K DISPOZICI. An agenda system already
// handles that answer.
func Outage(d Deps) Middleware {
	ups := d.Upstreams
	return func(next Handler) Handler {
		return func(ctx context.Context, ex *Exchange) (*Reply, error) {
			r, err := next(ctx, ex)
			if err == nil || !upstreamDown(err) {
				return r, err
			}
			var fe *fault.Error
			errors.As(err, &fe)
			out := ups[ex.Upstream].Refuse(ex, "NENI K DISPOZICI",
				"služba je dočasně nedostupná: "+fe.CS, "the service is temporarily unavailable: "+fe.EN)
			out.Outcome = OutcomeUnavailable
			out.Reason = fe.Code + ": " + fe.EN
			d.Logger.Debug("upstream outage answered")
			return out, nil
		}
	}
}

// upstreamDown reports whether err means the upstream could not serve the
// call (as opposed to a refusal or a bug).
func upstreamDown(err error) bool {
	var fe *fault.Error
	return errors.As(err, &fe) && (fe.Kind == fault.Unavailable || fe.Kind == fault.Timeout)
}
