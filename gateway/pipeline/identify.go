package pipeline

import (
	"context"

	"konektor/gateway/fault"
)

// Identify maps the verified client certificate to a known AIS. A caller
// without a certificate, or with one konektor does not know, goes no
// further.
func Identify(d Deps) Middleware {
	reg := d.Clients
	return func(next Handler) Handler {
		return func(ctx context.Context, ex *Exchange) (*Reply, error) {
			if ex.PeerCert == nil {
				return nil, fault.New(fault.Unauthenticated, "no-client-certificate",
					"chybí klientský certifikát AIS", "no AIS client certificate was presented")
			}
			c, ok := reg.Lookup(ex.PeerCert)
			if !ok {
				return nil, fault.New(fault.Forbidden, "unknown-client",
					"certifikát "+ex.PeerCert.Subject.CommonName+" nepatří žádnému registrovanému AIS",
					"certificate "+ex.PeerCert.Subject.CommonName+" belongs to no registered AIS")
			}
			if c.AIS == "" {
				return nil, fault.New(fault.Forbidden, "not-an-ais",
					"klient "+c.Name+" není AIS a nesmí volat sběrnici",
					"client "+c.Name+" is not an AIS and may not call the bus")
			}
			ex.Client = c
			return next(ctx, ex)
		}
	}
}
