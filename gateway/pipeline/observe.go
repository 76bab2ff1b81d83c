package pipeline

import (
	"context"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// Observe reports every finished exchange to the metrics observer and
// writes one log line for it: identifiers and outcome, never bodies,
// certificates or personal data.
func Observe(d Deps) Middleware {
	obs, log, now := d.Observer, d.Logger, d.Now
	return func(next Handler) Handler {
		return func(ctx context.Context, ex *Exchange) (*Reply, error) {
			r, err := next(ctx, ex)
			took := now().Sub(ex.Received)
			outcome, status := OutcomeFault, 500
			if r != nil {
				outcome, status = r.Outcome, r.Status
			}
			if obs != nil {
				// Label values come from the catalogue only, so a caller
				// cannot grow the metric space with made-up paths.
				up, svc := "unknown", "unknown"
				if ex.Entry != nil {
					up, svc = ex.Entry.Upstream, ex.Entry.Name()
				}
				obs.Observe(up, svc, outcome, status, took)
			}
			if ce := log.Check(zapcore.InfoLevel, "exchange"); ce != nil {
				ais := ""
				if ex.Client != nil {
					ais = ex.Client.AIS
				}
				ce.Write(
					zap.String("correlation_id", ex.ID),
					zap.String("upstream", ex.Upstream),
					zap.String("service", ex.Code),
					zap.String("ais", ais),
					zap.String("ovm", ex.Call.OVM),
					zap.String("agenda", ex.Call.Agenda),
					zap.String("outcome", outcome),
					zap.Int("status", status),
					zap.Duration("took", took),
				)
			}
			return r, err
		}
	}
}
