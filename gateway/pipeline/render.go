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
		return func(ctx context.Context, ex *Exchange) (r *Reply, err error) {
			defer func() {
				// A panic in a stage is a bug; the caller gets a fault and
				// the exchange is still recorded.
				if p := recover(); p != nil {
					log.Error("panic in pipeline", zap.String("correlation_id", ex.ID), zap.Any("panic", p), zap.Stack("stack"))
					r, err = render(log, ex, fault.New(fault.Internal, "internal",
						"vnitřní chyba konektoru; uveďte identifikátor korelace správci",
						"internal konektor error; quote the correlation id to the operator"))
				}
			}()
			r, err = next(ctx, ex)
			if err == nil {
				return r, nil
			}
			return render(log, ex, err)
		}
	}
}

// render classifies err and writes the fault reply.
func render(log *zap.Logger, ex *Exchange, err error) (*Reply, error) {
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
