package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.uber.org/zap"

	"konektor/certs"
	"konektor/certs/opensslsign"
	"konektor/certs/wssec"
	"konektor/gateway/fault"
	"konektor/gateway/pipeline"
	"konektor/internal/config"
)

// requestVerifier adapts a wssec.Verifier to the pipeline and classifies
// its refusals, once, into faults.
type requestVerifier struct{ v *wssec.Verifier }

func (r requestVerifier) VerifyRequest(ctx context.Context, envelope []byte) (pipeline.Verified, error) {
	res, err := r.v.Verify(ctx, envelope)
	if err != nil {
		var we *wssec.Error
		if errors.As(err, &we) {
			kind := fault.Forbidden
			switch we.Code {
			case wssec.CodeInternal:
				kind = fault.Internal
			case wssec.CodeTooLarge:
				kind = fault.TooLarge
			case wssec.CodeMalformed, wssec.CodeForbidden, wssec.CodeStructure:
				kind = fault.BadRequest
			}
			return pipeline.Verified{}, fault.Wrap(kind, "signature-"+string(we.Code),
				"podpis požadavku nelze přijmout: "+we.Message(), "the request signature is refused: "+we.MessageEN(), err)
		}
		return pipeline.Verified{}, fault.Wrap(fault.Internal, "signature-internal", "ověření podpisu selhalo", "signature verification failed", err)
	}
	return pipeline.Verified{Body: res.Body, Signer: res.Signer.Subject.String(), SignatureID: res.SignatureID}, nil
}

// buildVerifiers returns a verifier for every client that must sign, with
// one replay cache shared by all of them.
func buildVerifiers(c config.Config, now func() time.Time) (map[string]pipeline.Verifier, error) {
	out := map[string]pipeline.Verifier{}
	replay := wssec.NewMemoryReplayCache(wssec.DefaultReplayCapacity, now)
	for _, cl := range c.Clients {
		if !cl.RequireSignedRequests {
			continue
		}
		trust, err := wssec.LoadTrust(cl.SigningTrust...)
		if err != nil {
			return nil, fmt.Errorf("clients %s: signing_trust: %w", cl.Name, err)
		}
		v, err := wssec.NewVerifier(wssec.VerifierOptions{Trust: trust, Now: now, Replay: replay,
			Skew: c.Signatures.Skew.D(), MaxTimestampTTL: c.Signatures.MaxTimestampTTL.D()})
		if err != nil {
			return nil, fmt.Errorf("clients %s: %w", cl.Name, err)
		}
		out[cl.Name] = requestVerifier{v}
	}
	return out, nil
}

// sealer adapts a wssec.Signer to the pipeline.
type sealer struct{ s *wssec.Signer }

func (s sealer) Seal(envelope []byte) ([]byte, error) { return s.s.Sign(envelope) }

// buildSealer loads the seal key when some client wants sealed answers,
// hands it to the RSA engine seal.rsa_engine selects (under auto OpenSSL's
// libcrypto 3 where it loads, else crypto/rsa) and logs which one signs.
func buildSealer(c config.Config, now func() time.Time, log *zap.Logger) (pipeline.Sealer, error) {
	want := false
	for _, cl := range c.Clients {
		want = want || cl.SealResponses
	}
	if !want {
		return nil, nil
	}
	kp, err := certs.LoadKeyPair(c.Seal.Cert, c.Seal.Key)
	if err != nil {
		return nil, fmt.Errorf("seal: %w", err)
	}
	key, engine, err := opensslsign.Select(kp.Key, c.Seal.RSAEngine)
	if err != nil {
		return nil, fmt.Errorf("seal.rsa_engine: %w", err)
	}
	s, err := wssec.NewSigner(key, kp.Leaf(), wssec.SignerOptions{Now: now, TTL: c.Seal.TTL.D()})
	if err != nil {
		return nil, fmt.Errorf("seal: %w", err)
	}
	log.Info("seal: RSA engine", zap.String("engine", engine))
	return sealer{s}, nil
}
