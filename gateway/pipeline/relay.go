package pipeline

import (
	"context"
)

// Relay is the innermost handler: the upstream adapter relays the call.
func Relay(d Deps) Handler {
	ups := d.Upstreams
	return func(ctx context.Context, ex *Exchange) (*Reply, error) {
		return ups[ex.Upstream].Call(ctx, ex)
	}
}
