package cuzk

import (
	"context"
	"sort"
	"sync"
	"time"
)

// account is the adapter's state of one WSDP account.
type account struct {
	name string
	// gate admits one call at a time while the account is unverified (no
	// answer since it was enabled), so that a wrong password costs ČÚZK's
	// lockout count one failure, never three.
	gate       chan struct{}
	verified   bool
	disabled   bool
	reason     string
	since      time.Time
	lastReport time.Time // reserved start of the latest report request
	busyUntil  time.Time // no call before this (after 477/210)
}

// AccountStatus is what an operator sees of an account.
type AccountStatus struct {
	Account  string
	Disabled bool
	Since    time.Time // when it was disabled
	Reason   string    // why, in Czech
	Verified bool      // ČÚZK accepted its login since it was enabled
}

// accounts holds the state of every account the adapter used.
type accounts struct {
	mu sync.Mutex
	m  map[string]*account
}

func (as *accounts) get(name string) *account {
	as.mu.Lock()
	defer as.mu.Unlock()
	a := as.m[name]
	if a == nil {
		a = &account{name: name, gate: make(chan struct{}, 1)}
		as.m[name] = a
	}
	return a
}

// disable takes an account out of use; it reports whether it was in use.
func (as *accounts) disable(a *account, reason string, now time.Time) bool {
	as.mu.Lock()
	defer as.mu.Unlock()
	if a.disabled {
		return false
	}
	a.disabled, a.reason, a.since, a.verified = true, reason, now, false
	return true
}

// state returns whether an account is disabled, and why.
func (as *accounts) state(a *account) (bool, string) {
	as.mu.Lock()
	defer as.mu.Unlock()
	return a.disabled, a.reason
}

func (as *accounts) markVerified(a *account) {
	as.mu.Lock()
	defer as.mu.Unlock()
	if !a.disabled {
		a.verified = true
	}
}

func (as *accounts) isVerified(a *account) bool {
	as.mu.Lock()
	defer as.mu.Unlock()
	return a.verified
}

// EnableAccount puts an account disabled after a failed login back into
// use (an operator has fixed the credential); the next call is sent alone
// to check the login. It reports whether the account was disabled.
func (u *Upstream) EnableAccount(name string) bool {
	as := u.accounts
	as.mu.Lock()
	defer as.mu.Unlock()
	a := as.m[name]
	if a == nil || !a.disabled {
		return false
	}
	a.disabled, a.reason, a.since, a.verified = false, "", time.Time{}, false
	u.log.Info("cuzk account enabled by operator", zapAccount(name))
	return true
}

// Accounts lists the state of the accounts used so far, by name.
func (u *Upstream) Accounts() []AccountStatus {
	as := u.accounts
	as.mu.Lock()
	defer as.mu.Unlock()
	out := make([]AccountStatus, 0, len(as.m))
	for _, a := range as.m {
		out = append(out, AccountStatus{Account: a.name, Disabled: a.disabled, Since: a.since, Reason: a.reason, Verified: a.verified})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Account < out[j].Account })
	return out
}

// enter admits a call on an account: while the account is unverified only
// one call runs at a time. The returned function releases it.
func (u *Upstream) enter(ctx context.Context, a *account) (func(), error) {
	if u.accounts.isVerified(a) {
		return func() {}, nil
	}
	select {
	case a.gate <- struct{}{}:
		return func() { <-a.gate }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// reserveReport reserves the account's next report slot, at least
// ReportSpacing after the previous one, and returns how long to wait.
func (u *Upstream) reserveReport(a *account) time.Duration {
	as := u.accounts
	as.mu.Lock()
	defer as.mu.Unlock()
	now := u.now()
	next := now
	if !a.lastReport.IsZero() && a.lastReport.Add(u.spacing).After(next) {
		next = a.lastReport.Add(u.spacing)
	}
	a.lastReport = next
	return next.Sub(now)
}

// busyWait returns how long the account must still wait after a 477.
func (u *Upstream) busyWait(a *account) time.Duration {
	as := u.accounts
	as.mu.Lock()
	defer as.mu.Unlock()
	if d := a.busyUntil.Sub(u.now()); d > 0 {
		return d
	}
	return 0
}

// setBusy makes the account wait d before its next call.
func (u *Upstream) setBusy(a *account, d time.Duration) {
	as := u.accounts
	as.mu.Lock()
	defer as.mu.Unlock()
	if until := u.now().Add(d); until.After(a.busyUntil) {
		a.busyUntil = until
	}
}
