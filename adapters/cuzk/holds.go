package cuzk

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"sort"
	"sync"
	"time"

	"go.uber.org/zap"

	"konektor/gateway/fault"
	"konektor/internal/store"
)

// HoldStore keeps the holds of accounts whose login ČÚZK refused where
// every konektor node sees them: the shared store (store.CUZKHoldStore;
// the SQLite and PostgreSQL stores implement it). See store.CUZKHoldStore
// for the semantics every implementation keeps.
type HoldStore interface {
	PutCUZKHold(ctx context.Context, h store.CUZKHold) (store.CUZKHold, bool, error)
	GetCUZKHold(ctx context.Context, account string) (store.CUZKHold, error)
	ListCUZKHolds(ctx context.Context) ([]store.CUZKHold, error)
	ReleaseCUZKHold(ctx context.Context, account, secretFP, by string, at time.Time) (bool, error)
	DeleteCUZKHold(ctx context.Context, account string) (store.CUZKHold, error)
}

var _ HoldStore = store.CUZKHoldStore(nil)

// holdWriteTimeout bounds writing a hold; the write is not cancelled with
// the call that saw the refusal.
const holdWriteTimeout = 10 * time.Second

// SecretFingerprint is what a hold records of the refused secret: the
// SHA-256 of a fixed label, the account name and the secret, so that
// every node computes the same value without sharing a key, and equal
// passwords of two accounts do not look equal. It tells whether a
// node's secret is the refused one; it is not the secret. (ČÚZK requires
// passwords of at least 12 characters with no obvious patterns; the store
// is the operator's own.)
func SecretFingerprint(account, secret string) string {
	h := sha256.New()
	h.Write([]byte("konektor cuzk account secret v1\x00"))
	h.Write([]byte(account))
	h.Write([]byte{0})
	h.Write([]byte(secret))
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}

func isNotFound(err error) bool { return errors.Is(err, store.ErrNotFound) }

// reasonText says a hold's reason in Czech.
func reasonText(code string) string { return "ČÚZK odmítl přihlášení (" + code + ")" }

const staleText = "heslo nastavené na tomto uzlu konektoru ČÚZK už odmítl (na jiném uzlu bylo mezitím změněno)"

// heldFault is the callers' fault for an account on hold.
func heldFault(reason string) error {
	return fault.New(fault.Unavailable, "cuzk-account-disabled",
		"účet katastru pro tuto službu je pozastaven: "+reason+"; správce konektoru jej musí znovu povolit",
		"the cadastre account for this service is suspended after ČÚZK refused its login; konektor's operator must re-enable it")
}

func staleFault() error {
	return fault.New(fault.Unavailable, "cuzk-account-disabled",
		"účet katastru pro tuto službu je pozastaven: "+staleText+"; správce konektoru musí heslo na tomto uzlu opravit",
		"the cadastre account for this service is suspended: ČÚZK has refused the password configured on this konektor node; konektor's operator must fix it")
}

// usable checks, right before a call is sent, whether the account may be
// used: it reads the account's record from the HoldStore (one lookup by
// key), so a hold another node wrote is honoured from the moment it is
// written. A hold this node could not store yet holds the account here
// (and is written again); a released hold holds it on a node whose secret
// is still the refused one (fp); a store that does not answer holds every
// call (nothing is sent that the store could not clear).
func (u *Upstream) usable(ctx context.Context, a *account, fp string) error {
	if p := u.accounts.pendingOf(a); p != nil {
		wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), holdWriteTimeout)
		_, _, err := u.holds.PutCUZKHold(wctx, *p)
		cancel()
		if err == nil && u.accounts.clearPending(a, p) {
			u.log.Info("cuzk account hold stored; every konektor node now sees it", zapAccount(a.name))
		}
		return heldFault(reasonText(p.Reason))
	}
	h, err := u.holds.GetCUZKHold(ctx, a.name)
	switch {
	case isNotFound(err) || (err == nil && !h.Held() && h.SecretFP != fp):
		if prev := u.accounts.observe(a, stateFree); prev != stateFree {
			u.log.Info("cuzk account in use again (its hold ended); the next call checks the login alone", zapAccount(a.name))
		}
		return nil
	case err != nil:
		u.log.Warn("cuzk account state cannot be read; not sending", zapAccount(a.name), zap.Error(err))
		return fault.Wrap(fault.Unavailable, "cuzk-account-state",
			"stav účtu katastru nelze ověřit (úložiště konektoru neodpovídá); požadavek nebyl odeslán",
			"the state of the cadastre account cannot be checked (konektor's store does not answer); the request was not sent", err)
	case h.Held():
		if prev := u.accounts.observe(a, stateHeld); prev != stateHeld {
			u.log.Warn("cuzk account on hold after a refused login; not sending", zapAccount(a.name),
				zap.String("seen_by", h.Node), zap.Time("since", h.Since))
		}
		return heldFault(reasonText(h.Reason))
	default: // released, but this node's secret is the refused one
		if prev := u.accounts.observe(a, stateStale); prev != stateStale {
			u.log.Error("cuzk account secret on this node is the one ČÚZK refused; not sending it (fix the secret here)",
				zapAccount(a.name), zap.String("seen_by", h.Node), zap.String("released_by", h.ReleasedBy))
		}
		return staleFault()
	}
}

// authFailed puts the account on hold after ČÚZK refused its login with
// the secret of fingerprint fp: three refusals would lock it for 15
// minutes for every agency. The hold is written to the HoldStore before
// the call returns, so no node sends the account after this; when the
// store does not answer, this node holds the account and keeps trying.
func (u *Upstream) authFailed(ctx context.Context, a *account, ans answer, fp string) error {
	h := store.CUZKHold{Account: a.name, Since: u.now(), Reason: ans.fault, Node: u.nodeName, SecretFP: fp}
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), holdWriteTimeout)
	got, created, err := u.holds.PutCUZKHold(wctx, h)
	cancel()
	switch {
	case err != nil:
		u.accounts.setPending(a, h)
		u.log.Error("cuzk account disabled after failed login; the hold cannot be stored yet, so other konektor nodes do not see it (retried at every call)",
			zapAccount(a.name), zap.String("faultcode", ans.fault), zap.Error(err))
		got = h
	case created:
		u.accounts.observe(a, stateHeld)
		u.log.Error("cuzk account disabled after failed login; re-enable it once the credential is fixed",
			zapAccount(a.name), zap.String("faultcode", ans.fault), zap.String("node", u.nodeName))
	default:
		u.accounts.observe(a, stateHeld)
		u.log.Warn("cuzk login refused on an account already on hold (a call in flight when the hold was written)",
			zapAccount(a.name), zap.String("faultcode", ans.fault), zap.String("seen_by", got.Node))
		return heldFault(reasonText(got.Reason))
	}
	if u.metrics != nil {
		u.metrics.AccountDisabled(a.name)
	}
	return heldFault(reasonText(got.Reason))
}

// ReleaseChangedSecrets releases the hold of every account whose secret
// on this node differs from the one ČÚZK refused (the operator fixed it),
// and drops this node's unstored holds of such accounts. A hold is
// released only if it is still the one compared (store.ReleaseCUZKHold),
// and its refused fingerprint stays, so a node still configured with the
// refused secret does not send it. It returns the accounts it released.
func (u *Upstream) ReleaseChangedSecrets(ctx context.Context) ([]string, error) {
	var released []string
	for n, l := range u.accounts.snapshot() {
		if p := l.pending; p != nil {
			if fp := u.currentFP(n); fp != "" && fp != p.SecretFP {
				if a := u.accounts.lookup(n); a != nil && u.accounts.clearPending(a, nil) {
					u.accounts.reset(a)
					u.log.Info("cuzk account password changed; enabling the account", zapAccount(n))
					released = append(released, n)
				}
			}
		}
	}
	holds, err := u.holds.ListCUZKHolds(ctx)
	if err != nil {
		return released, err
	}
	var errs []error
	for _, h := range holds {
		if !h.Held() {
			continue
		}
		fp := u.currentFP(h.Account)
		if fp == "" || fp == h.SecretFP {
			continue
		}
		ok, err := u.holds.ReleaseCUZKHold(ctx, h.Account, h.SecretFP, u.nodeName, u.now())
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if ok {
			u.log.Info("cuzk account password changed; enabling the account on every node", zapAccount(h.Account),
				zap.String("node", u.nodeName))
			released = append(released, h.Account)
		}
	}
	sort.Strings(released)
	return released, errors.Join(errs...)
}

// memHolds is the HoldStore of an adapter without a shared store: holds
// kept in memory, for this node only, with the semantics of
// store.CUZKHoldStore.
type memHolds struct {
	mu sync.Mutex
	m  map[string]store.CUZKHold
}

func newMemHolds() *memHolds { return &memHolds{m: map[string]store.CUZKHold{}} }

func (s *memHolds) PutCUZKHold(_ context.Context, h store.CUZKHold) (store.CUZKHold, bool, error) {
	if err := store.CheckCUZKHold(h); err != nil {
		return store.CUZKHold{}, false, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if old, ok := s.m[h.Account]; ok && old.Held() {
		return old, false, nil
	}
	h.Since, h.ReleasedAt, h.ReleasedBy = store.StoredTime(h.Since), time.Time{}, ""
	s.m[h.Account] = h
	return h, true, nil
}

func (s *memHolds) GetCUZKHold(_ context.Context, account string) (store.CUZKHold, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	h, ok := s.m[account]
	if !ok {
		return h, store.ErrNotFound
	}
	return h, nil
}

func (s *memHolds) ListCUZKHolds(context.Context) ([]store.CUZKHold, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]store.CUZKHold, 0, len(s.m))
	for _, h := range s.m {
		out = append(out, h)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Account < out[j].Account })
	return out, nil
}

func (s *memHolds) ReleaseCUZKHold(_ context.Context, account, secretFP, by string, at time.Time) (bool, error) {
	if err := store.CheckCUZKHoldRelease(account, secretFP, by, at); err != nil {
		return false, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	h, ok := s.m[account]
	if !ok || !h.Held() || h.SecretFP != secretFP {
		return false, nil
	}
	h.ReleasedAt, h.ReleasedBy = store.StoredTime(at), by
	s.m[account] = h
	return true, nil
}

func (s *memHolds) DeleteCUZKHold(_ context.Context, account string) (store.CUZKHold, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	h, ok := s.m[account]
	if !ok {
		return h, store.ErrNotFound
	}
	delete(s.m, account)
	return h, nil
}
