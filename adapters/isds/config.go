package isds

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.uber.org/zap"

	"konektor/adapters/relay"
	"konektor/gateway/breaker"
	"konektor/policies"
	wsdl "konektor/wsdl/isds"
)

// Login kinds of an account.
const (
	// LoginBasic: name and password on every request, at {base}/DS/{svc}.
	LoginBasic = "basic"
	// LoginCert: the node's TLS client certificate is the box's system
	// certificate, at {base}/cert/DS/{svc}.
	LoginCert = "cert"
	// LoginHosted: hosted records service: the node's TLS client
	// certificate is the provider's, the box ID is the Basic user name
	// with an empty password, at {base}/hspis/DS/{svc}.
	LoginHosted = "hspis"
)

// ISDS privileges (userPrivils), as policies names them.
const (
	privRead = policies.PrivReadNonPersonal | policies.PrivReadAll
)

// Account is how konektor logs into one data box.
type Account struct {
	Box   string // dbID
	Login string // LoginBasic, LoginCert or LoginHosted
	// Username and Password for LoginBasic. The password is a secret: it
	// never reaches a log line.
	Username string
	Password string
	// Node reaches ISDS: its Base is the host part ("https://ws1.datovka.gov.cz"
	// for LoginBasic, "https://ws1c.datovka.gov.cz" for the certificate
	// logins, whose Node carries the client certificate).
	Node *relay.Node
	// Privileges the ISDS login holds; 0 means a full login (system
	// certificates and hosted services are virtual users with 159). An
	// account without read privileges lets konektor list received
	// messages without delivering them.
	Privileges policies.Privilege
	// Throttled: the ISDS account is in restricted mode; konektor sends
	// one request of it at a time.
	Throttled bool
	// Guard is the circuit breaker of the ISDS node the account reaches
	// (accounts on one base URL share it); nil = none.
	Guard Guard
}

// Guard runs calls to one ISDS node through its circuit breaker;
// *breaker.Pool (one node) implements it. A call it refuses fails with an
// error wrapping breaker.ErrOpen, and nothing was sent.
type Guard interface {
	Do(ctx context.Context, call breaker.Call, fn func(ctx context.Context, n breaker.Node) error) error
}

// Route assigns a data box to a client (AIS), acting for an OVM.
type Route struct {
	AIS string
	Box string
	OVM string // the OVM the policy grant names (dataBoxes[].ovm)
}

// BoxPolicy decides data-box calls; *policies.Snapshot implements it, and
// BoxPolicyFunc adapts a holder: BoxPolicyFunc(func(r) { return
// holder.Current().DecideDataBox(r) }).
type BoxPolicy interface {
	DecideDataBox(policies.DataBoxRequest) policies.Decision
}

// BoxPolicyFunc is a BoxPolicy.
type BoxPolicyFunc func(policies.DataBoxRequest) policies.Decision

// DecideDataBox implements BoxPolicy.
func (f BoxPolicyFunc) DecideDataBox(r policies.DataBoxRequest) policies.Decision { return f(r) }

var (
	_ BoxPolicy = BoxPolicyFunc(nil)
	_ BoxPolicy = (*policies.Snapshot)(nil)
)

// Verifier checks a ZFO and returns the evidence to record; the default
// uses certs/zfo with Options.Roots.
type Verifier func(zfo []byte) Evidence

// RetryPolicy says how often and how long konektor waits before asking
// ISDS again after a status that invites it.
type RetryPolicy struct {
	Attempts int           // in total; default 3
	Delay    time.Duration // before the first retry, doubled after; default 3 s (ISDS's restricted-mode delay)
	// Sleep waits d or returns ctx's error; nil = a timer. Tests inject it.
	Sleep func(ctx context.Context, d time.Duration) error
}

// Options configure the adapter.
type Options struct {
	Logger   *zap.Logger
	Accounts []Account
	Routes   []Route
	Policy   BoxPolicy
	Retry    RetryPolicy
	// Verify checks signed downloads (see NewVerifier); nil records the
	// download without a verification result.
	Verify Verifier
	// Drafts keeps the drafts of clients that may prepare but not send
	// messages (KONEKTOR_DRAFT); nil = such clients are refused.
	Drafts DraftStore
	// Now is the clock of drafts; nil = time.Now.
	Now func() time.Time
}

// config errors.
var (
	ErrNoPolicy   = errors.New("isds: no data-box policy")
	ErrNoAccounts = errors.New("isds: no data-box account configured")
)

func (o *Options) validate() error {
	var errs []error
	if o.Policy == nil {
		errs = append(errs, ErrNoPolicy)
	}
	if len(o.Accounts) == 0 {
		errs = append(errs, ErrNoAccounts)
	}
	boxes := map[string]bool{}
	for i, a := range o.Accounts {
		at := fmt.Sprintf("accounts[%d] (%s)", i, a.Box)
		if err := wsdl.CheckBoxID(a.Box); err != nil {
			errs = append(errs, fmt.Errorf("isds: %s: %w", at, err))
		}
		switch a.Login {
		case LoginBasic:
			if a.Username == "" || a.Password == "" {
				errs = append(errs, fmt.Errorf("isds: %s: a basic login needs a user name and a password", at))
			}
		case LoginCert, LoginHosted:
		default:
			errs = append(errs, fmt.Errorf("isds: %s: login %q is not basic, cert or hspis", at, a.Login))
		}
		if a.Node == nil {
			errs = append(errs, fmt.Errorf("isds: %s: no node (base URL and TLS)", at))
		}
		boxes[a.Box] = true
	}
	seen := map[string]bool{}
	for i, r := range o.Routes {
		at := fmt.Sprintf("routes[%d] (AIS %s)", i, r.AIS)
		if seen[r.AIS] {
			errs = append(errs, fmt.Errorf("isds: %s: the AIS has two routes", at))
		}
		seen[r.AIS] = true
		if !boxes[r.Box] {
			errs = append(errs, fmt.Errorf("isds: %s: box %s has no account", at, r.Box))
		}
		if r.OVM == "" {
			errs = append(errs, fmt.Errorf("isds: %s: no OVM", at))
		}
	}
	return errors.Join(errs...)
}
