package cuzk

import (
	"context"
	"sort"
	"sync"
	"time"

	"go.uber.org/zap"

	"konektor/internal/store"
)

// account is this node's state of one WSDP account. Whether the account
// is on hold is not kept here but in the HoldStore, which every node
// shares; see usable.
type account struct {
	name string
	// gate admits one call at a time while the account is unverified (ČÚZK
	// has not accepted the secret in use since the account was last held),
	// so that a wrong password costs ČÚZK's lockout count one failure on
	// this node, never three.
	gate chan struct{}
	// verifiedFP is the fingerprint of the secret ČÚZK last accepted, ""
	// after a hold: a changed secret is unverified again.
	verifiedFP string
	// pending is a hold this node could not write to the HoldStore yet;
	// it holds the account here until written (retried at every call).
	pending *store.CUZKHold
	// seen is what the last check found, to log changes once.
	seen       holdState
	lastReport time.Time // reserved start of the latest report request
	busyUntil  time.Time // no call before this (after 477/210)
}

// holdState is what a check of the HoldStore found for an account.
type holdState int

const (
	stateFree  holdState = iota // no hold: the account may be used
	stateHeld                   // a hold is in force
	stateStale                  // released, but this node's secret is the refused one
)

// AccountStatus is what an operator sees of an account on this node.
type AccountStatus struct {
	Account  string
	Disabled bool
	Since    time.Time // when ČÚZK refused the login
	Reason   string    // why, in Czech
	Node     string    // the konektor node that saw the refusal
	Verified bool      // ČÚZK accepted this node's secret since the account was last held
}

// accounts holds this node's state of every account the adapter used.
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

func (as *accounts) lookup(name string) *account {
	as.mu.Lock()
	defer as.mu.Unlock()
	return as.m[name]
}

// markVerified records that ČÚZK accepted the secret with fingerprint fp.
func (as *accounts) markVerified(a *account, fp string) {
	as.mu.Lock()
	defer as.mu.Unlock()
	if a.pending == nil && a.seen == stateFree {
		a.verifiedFP = fp
	}
}

func (as *accounts) isVerified(a *account, fp string) bool {
	as.mu.Lock()
	defer as.mu.Unlock()
	return a.verifiedFP != "" && a.verifiedFP == fp
}

// observe records what a check found and returns what the previous one
// had found. A hold makes the account unverified.
func (as *accounts) observe(a *account, s holdState) holdState {
	as.mu.Lock()
	defer as.mu.Unlock()
	prev := a.seen
	a.seen = s
	if s != stateFree {
		a.verifiedFP = ""
	}
	return prev
}

func (as *accounts) setPending(a *account, h store.CUZKHold) {
	as.mu.Lock()
	defer as.mu.Unlock()
	a.pending, a.seen, a.verifiedFP = &h, stateHeld, ""
}

func (as *accounts) pendingOf(a *account) *store.CUZKHold {
	as.mu.Lock()
	defer as.mu.Unlock()
	return a.pending
}

// clearPending drops the pending hold p (not a newer one) and reports
// whether it did.
func (as *accounts) clearPending(a *account, p *store.CUZKHold) bool {
	as.mu.Lock()
	defer as.mu.Unlock()
	if a.pending == nil || (p != nil && a.pending != p) {
		return false
	}
	a.pending = nil
	return true
}

// reset forgets an account's verification after an operator enabled it:
// the next call goes alone.
func (as *accounts) reset(a *account) {
	as.mu.Lock()
	defer as.mu.Unlock()
	a.verifiedFP, a.seen = "", stateFree
}

// local is one account's state as Accounts shows it.
type local struct {
	verified bool
	pending  *store.CUZKHold
}

func (as *accounts) snapshot() map[string]local {
	as.mu.Lock()
	defer as.mu.Unlock()
	out := make(map[string]local, len(as.m))
	for n, a := range as.m {
		var p *store.CUZKHold
		if a.pending != nil {
			c := *a.pending
			p = &c
		}
		out[n] = local{verified: a.verifiedFP != "", pending: p}
	}
	return out
}

// EnableAccount puts an account on hold after a refused login back into
// use on every node (an operator has fixed the credential): it deletes the
// account's record from the HoldStore, refused fingerprint included, and
// any hold this node could not store yet. The next call of each node is
// sent alone to check the login. It reports whether the account was
// disabled here (a hold in force, or a released one on this node's refused
// secret).
func (u *Upstream) EnableAccount(ctx context.Context, name string) (bool, error) {
	h, err := u.holds.DeleteCUZKHold(ctx, name)
	found := err == nil
	if err != nil && !isNotFound(err) {
		return false, err
	}
	was := found && (h.Held() || u.currentFP(name) == h.SecretFP)
	if a := u.accounts.lookup(name); a != nil {
		if u.accounts.clearPending(a, nil) {
			was = true
		}
		u.accounts.reset(a)
	}
	if found || was {
		u.log.Info("cuzk account enabled by operator", zapAccount(name), zap.Bool("was_disabled", was))
	}
	return was, nil
}

// currentFP returns the fingerprint of this node's secret of an account,
// or "" when it has none.
func (u *Upstream) currentFP(name string) string {
	pw, err := u.creds.Password(name)
	if err != nil {
		return ""
	}
	return SecretFingerprint(name, pw)
}

// Accounts lists the state of the accounts this node used or the
// HoldStore holds, by name.
func (u *Upstream) Accounts(ctx context.Context) ([]AccountStatus, error) {
	holds, err := u.holds.ListCUZKHolds(ctx)
	if err != nil {
		return nil, err
	}
	locals := u.accounts.snapshot()
	byName := map[string]AccountStatus{}
	for n, l := range locals {
		st := AccountStatus{Account: n, Verified: l.verified}
		if p := l.pending; p != nil {
			st.Disabled, st.Since, st.Node = true, p.Since, p.Node
			st.Reason = reasonText(p.Reason) + " (záznam zatím jen na tomto uzlu, úložiště neodpovídá)"
			st.Verified = false
		}
		byName[n] = st
	}
	for _, h := range holds {
		st := byName[h.Account]
		st.Account = h.Account
		if st.Disabled { // pending here: this node's own view wins
			byName[h.Account] = st
			continue
		}
		switch {
		case h.Held():
			st.Disabled, st.Since, st.Node, st.Reason, st.Verified = true, h.Since, h.Node, reasonText(h.Reason), false
		case u.currentFP(h.Account) == h.SecretFP:
			st.Disabled, st.Since, st.Node, st.Reason, st.Verified = true, h.Since, h.Node, staleText, false
		}
		byName[h.Account] = st
	}
	out := make([]AccountStatus, 0, len(byName))
	for _, st := range byName {
		out = append(out, st)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Account < out[j].Account })
	return out, nil
}

// enter admits a call on an account: while the account is unverified for
// the secret in use only one call runs at a time. The returned function
// releases it.
func (u *Upstream) enter(ctx context.Context, a *account, fp string) (func(), error) {
	if u.accounts.isVerified(a, fp) {
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
