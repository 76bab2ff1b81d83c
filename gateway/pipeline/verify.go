package pipeline

import (
	"context"
	"fmt"

	"konektor/gateway/fault"
	"konektor/gateway/soap"
)

// Verified is what a valid request signature vouches for.
type Verified struct {
	// Body is the canonical soap:Body the signature covers; the only bytes
	// of the request used after verification.
	Body        []byte
	Signer      string // subject of the signing certificate
	SignatureID string // hex SHA-256 of the SignatureValue
}

// Verifier checks a signed request.
type Verifier interface {
	// VerifyRequest returns what the signature covers, or an error saying
	// why it is refused.
	VerifyRequest(ctx context.Context, envelope []byte) (Verified, error)
}

// Verify checks the WS-Security signature of clients that must sign. From
// here on the exchange carries only the verified canonical Body, rebuilt
// into a plain envelope: what was outside the signature (other headers,
// wrappers) never reaches routing, policy or the upstream.
func Verify(d Deps) Middleware {
	if len(d.Verifiers) == 0 {
		return identity
	}
	vs, lim := d.Verifiers, d.Limits
	return func(next Handler) Handler {
		return func(ctx context.Context, ex *Exchange) (*Reply, error) {
			if !ex.Client.RequireSigned {
				return next(ctx, ex)
			}
			v, ok := vs[ex.Client.Name]
			if !ok {
				return nil, fault.New(fault.Internal, "no-signing-trust",
					"pro klienta není nastavena důvěra v podpisové certifikáty", "no signing trust is configured for the client")
			}
			res, err := v.VerifyRequest(ctx, ex.Body)
			if err != nil {
				return nil, err // already classified by the verifier adapter
			}
			env := rebuild(ex.Envelope.Version, res.Body)
			parsed, err := soap.Parse(env, lim)
			if err != nil {
				return nil, fault.Wrap(fault.BadRequest, "signed-body",
					"podepsané tělo zprávy nelze zpracovat", "the signed body cannot be processed", err)
			}
			ex.Body, ex.Envelope, ex.Signature = env, parsed, &res
			return next(ctx, ex)
		}
	}
}

// rebuild wraps a canonical soap:Body (which declares every prefix it
// uses) into a minimal envelope of the same version.
func rebuild(v soap.Version, body []byte) []byte {
	prefix := fmt.Sprintf(`<kenv:Envelope xmlns:kenv="%s">`, v.Namespace())
	out := make([]byte, 0, len(prefix)+len(body)+16)
	out = append(out, prefix...)
	out = append(out, body...)
	return append(out, "</kenv:Envelope>"...)
}
