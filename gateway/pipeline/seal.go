package pipeline

import (
	"context"

	"go.uber.org/zap"

	"konektor/gateway/fault"
)

// Sealer signs an answer with the technology centre's seal key.
type Sealer interface {
	Seal(envelope []byte) ([]byte, error)
}

// Seal signs the answers konektor hands to clients configured for it
// (WS-Security with the seal key): the caller holds proof of what was
// answered, and the access log keeps the hash of exactly those bytes.
// Refusals konektor makes itself before the call are not sealed.
func Seal(d Deps) Middleware {
	if d.Sealer == nil {
		return identity
	}
	s, log := d.Sealer, d.Logger
	return func(next Handler) Handler {
		return func(ctx context.Context, ex *Exchange) (*Reply, error) {
			r, err := next(ctx, ex)
			if err != nil || !ex.Client.Seal || r.Status != 200 {
				return r, err
			}
			sealed, serr := s.Seal(r.Body)
			if serr != nil {
				log.Error("sealing failed", zap.String("correlation_id", ex.ID), zap.Error(serr))
				return nil, fault.Wrap(fault.Internal, "seal-failed",
					"odpověď nelze zapečetit; bez pečeti ji konektor nevydá",
					"the answer cannot be sealed; konektor does not release it unsealed", serr)
			}
			out := *r
			out.Body, out.Sealed = sealed, true
			return &out, nil
		}
	}
}
