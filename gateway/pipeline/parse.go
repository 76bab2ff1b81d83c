package pipeline

import (
	"context"

	"konektor/gateway/soap"
)

// Parse reads the envelope under the configured limits. Only what passes
// goes on; the original bytes are kept for relaying.
func Parse(d Deps) Middleware {
	lim := d.Limits
	return func(next Handler) Handler {
		return func(ctx context.Context, ex *Exchange) (*Reply, error) {
			_, v := soap.Action(ex.ContentType, ex.SOAPAction)
			ex.Version = v
			env, err := soap.Parse(ex.Body, lim)
			if err != nil {
				return nil, err
			}
			ex.Envelope = env
			ex.Version = env.Version
			return next(ctx, ex)
		}
	}
}
