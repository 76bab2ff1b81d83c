package pipeline

import (
	"context"
	"time"

	"go.uber.org/zap"

	"konektor/gateway/cache"
	"konektor/gateway/catalogue"
	"konektor/gateway/clients"
	"konektor/gateway/soap"
	"konektor/internal/store"
	"konektor/policies"
)

// Upstream is what the pipeline needs of an upstream adapter.
type Upstream interface {
	// Describe reads the call's authorisation context from the envelope
	// into ex.Call.
	Describe(ex *Exchange) error
	// Refuse answers the way the upstream answers a refused call.
	Refuse(ex *Exchange, subCode, cs, en string) *Reply
	// Call relays the exchange and returns the upstream's answer as sent.
	Call(ctx context.Context, ex *Exchange) (*Reply, error)
}

// Policy decides whether a call may leave the region.
type Policy interface {
	Decide(policies.Request) policies.Decision
}

// Recorder appends an exchange to the access log and returns once it is
// durable.
type Recorder interface {
	Record(ctx context.Context, e store.AccessEntry) (store.AccessEntry, error)
}

// BodyRecorder is a Recorder that can also keep the exchange's bodies
// (encrypted, when konektor is configured to store them).
type BodyRecorder interface {
	RecordBodies(ctx context.Context, e store.AccessEntry, req, resp []byte) (store.AccessEntry, error)
}

// SubjectHasher turns a data subject into the keyed hash the access log
// keeps instead of the identifier.
type SubjectHasher interface {
	Hash(kind, id string) (string, error)
}

// Observer receives one call per finished exchange (metrics).
type Observer interface {
	Observe(upstream, code, outcome string, status int, d time.Duration)
}

// Deps are what the stages are built from. Each stage reads what it needs
// once, when the stack is built.
type Deps struct {
	Now       func() time.Time
	Logger    *zap.Logger
	Limits    soap.Limits
	Catalogue *catalogue.Catalogue
	Clients   *clients.Registry
	Upstreams map[string]Upstream
	Policy    Policy
	Recorder  Recorder
	Observer  Observer
	// Cache is nil when caching is off; CacheRules override the catalogue.
	Cache        cache.Cache
	CacheRules   []CacheRule
	CacheMetrics CacheMetrics
	// Verifiers check the signatures of clients that must sign, by client
	// name; Sealer seals answers for clients that want them. Both optional.
	Verifiers map[string]Verifier
	Sealer    Sealer
	// Subjects hashes data subjects for the access log; nil records none.
	Subjects SubjectHasher
}
