package cuzk

import (
	"context"
	"time"

	"go.uber.org/zap"

	"konektor/adapters/relay"
	"konektor/gateway/breaker"
	"konektor/policies"
)

// Policy is what the adapter needs of the policy engine: the cadastre
// decision (which WSDP account an AIS acting for an OVM uses for a
// service) and the account's entry. *policies.Snapshot implements it.
type Policy interface {
	DecideCadastre(policies.CadastreRequest) (string, policies.Decision)
	CadastreAccountOf(name string) (policies.CadastreAccount, bool)
}

// Credentials give the password of a WSDP account. Implementations must
// never log it.
type Credentials interface {
	Password(account string) (string, error)
}

// Waiter waits d or until ctx ends (returning ctx.Err()). Tests inject one
// that steps a clock instead of sleeping.
type Waiter interface {
	Wait(ctx context.Context, d time.Duration) error
}

// Metrics receive the adapter's events; every method must be cheap and
// safe for concurrent use. A nil Metrics is allowed.
type Metrics interface {
	// AccountDisabled: ČÚZK refused the account's login; the account is
	// not used again until re-enabled.
	AccountDisabled(account string)
	// Busy: ČÚZK answered 477/210 (too many working users); retried
	// reports whether the call is tried again after the backoff.
	Busy(account string, retried bool)
	// ReportChecked: the signature check of a relayed XML report, with
	// its result (valid, invalid, unsigned, unverifiable).
	ReportChecked(result string)
}

// AccountType is the type of a ČÚZK customer account, which decides the
// parameters a report request must carry.
type AccountType int

// Account types (user guide §4.3).
const (
	// Free is the bezúplatný account of municipalities, regions and state
	// bodies: report requests need cisloJednaci and ucelKod. The default,
	// as the strictest type a municipality's account has.
	Free AccountType = iota
	// Paying is the ordinary account; reports are invoiced.
	Paying
	// Verifying is the ověřující account of CzechPOINT points: PDF only,
	// present state only, poradoveCislo mandatory.
	Verifying
)

// ParseAccountType reads "free", "paying" or "verifying" (also the Czech
// bezuplatny, placeny, overujici).
func ParseAccountType(s string) (AccountType, bool) {
	switch s {
	case "free", "bezuplatny", "bezúplatný":
		return Free, true
	case "paying", "placeny", "placený", "bezny", "běžný":
		return Paying, true
	case "verifying", "overujici", "ověřující":
		return Verifying, true
	}
	return Free, false
}

func (t AccountType) String() string {
	switch t {
	case Paying:
		return "paying"
	case Verifying:
		return "verifying"
	}
	return "free"
}

// Options configure the adapter.
type Options struct {
	Now    func() time.Time // nil = time.Now
	Logger *zap.Logger      // nil = no logging
	// Node is the WSDP endpoint (e.g. https://katastr.cuzk.cz); the path of
	// each service is appended (Path).
	Node *relay.Node
	// Pool guards Node with a breaker; nil builds one with default
	// settings and no retries. Its node must be named as Node.
	Pool *breaker.Pool
	// Path returns the endpoint path of a service below Node.Base; nil =
	// the WSDP 2.8 paths (/ws/wsdp/2.8/{service}, /ws/ctios/2.8/ctios).
	Path func(service string) string
	// Policy returns the policy snapshot in force (policies.Holder.Current).
	Policy func() Policy
	// Credentials give the accounts' passwords.
	Credentials Credentials
	// AccountTypes are the types of the accounts by name, for accounts
	// whose policy entry names no type; an account in neither is Free.
	AccountTypes map[string]AccountType
	// Waiter waits for report spacing and busy backoff; nil = a timer.
	Waiter Waiter
	// ReportSpacing is the least time between two report requests of one
	// account; default 2 s (ČÚZK's request, user guide §3.9).
	ReportSpacing time.Duration
	// BusyRetries is how often a safe read is tried again after 477 or
	// 210: 0 means the default 3, a negative number none. Report
	// generation and download are never retried.
	BusyRetries int
	// BusyBackoff is the first wait after 477/210; it doubles per retry up
	// to 16 times; default 2 s.
	BusyBackoff time.Duration
	// Reports verifies the XML reports vratSestavu returns; nil refuses to
	// relay any XML report.
	Reports ReportVerifier
	// AllowUnverifiableReports relays XML reports whose signature
	// konektor's verifier cannot check (ErrReportUnverifiable), marked so
	// in the access log; default false (refused). A signature that fails
	// is always refused.
	AllowUnverifiableReports bool
	// Metrics receive the adapter's events; optional.
	Metrics Metrics
	// AttemptTimeout bounds one attempt; 0 leaves it to the node.
	AttemptTimeout time.Duration
	// RefreshAccount is the account RefreshCodeLists uses; "" disables it.
	RefreshAccount string
	// Holds keep the accounts on hold after a refused login where every
	// konektor node sees them (the shared store); nil keeps them in memory,
	// for this node only, until it stops.
	Holds HoldStore
	// NodeName names this konektor node in the holds it records; "" = the
	// host name.
	NodeName string
}

// Defaults.
const (
	DefaultReportSpacing = 2 * time.Second
	DefaultBusyRetries   = 3
	DefaultBusyBackoff   = 2 * time.Second
)

// timerWaiter waits with a real timer.
type timerWaiter struct{}

func (timerWaiter) Wait(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
