package pipeline

import (
	"context"
	"fmt"

	"konektor/gateway/fault"
)

// Describe asks the upstream adapter to read the call's authorisation
// context (for ISZR: ZadostInfo and AutorizaceInfo).
func Describe(d Deps) Middleware {
	ups := d.Upstreams
	return func(next Handler) Handler {
		return func(ctx context.Context, ex *Exchange) (*Reply, error) {
			u, ok := ups[ex.Upstream]
			if !ok {
				return nil, fault.New(fault.NotFound, "upstream-not-configured",
					fmt.Sprintf("nadřazená služba %s není nakonfigurována", ex.Upstream),
					fmt.Sprintf("upstream %s is not configured", ex.Upstream))
			}
			if err := u.Describe(ex); err != nil {
				return nil, err
			}
			return next(ctx, ex)
		}
	}
}
