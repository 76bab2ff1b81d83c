package pipeline

import (
	"context"
	"errors"

	"go.uber.org/zap"

	"konektor/gateway/fault"
	"konektor/gateway/soap"
)

// Render turns an error from any inner stage into the SOAP fault the caller
// receives: classified once (fault.From) and rendered once (here). The
// internal cause goes to the log under the correlation id, never to the
// caller.
func Render(d Deps) Middleware {
	log := d.Logger
	return func(next Handler) Handler {
		return func(ctx context.Context, ex *Exchange) (*Reply, error) {
			r, err := next(ctx, ex)
			if err == nil {
				return r, nil
			}
			f, status := fault.SOAP(err, ex.ID)
			if status >= 500 {
				log.Warn("exchange failed", zap.String("correlation_id", ex.ID), zap.String("code", f.Code), zap.Error(err))
			}
			outcome := OutcomeFault
			var fe *fault.Error
			if errors.As(err, &fe) && (fe.Kind == fault.Unavailable || fe.Kind == fault.Timeout || fe.Kind == fault.BadGateway) {
				outcome = OutcomeUpstreamError
			}
			return &Reply{
				Status:      status,
				ContentType: soap.ContentType(ex.Version),
				Body:        soap.WriteFault(ex.Version, f),
				Outcome:     outcome,
				Reason:      f.Code + ": " + f.EN,
			}, nil
		}
	}
}
