package store

import (
	"context"
	"fmt"
	"time"
)

// MaxCUZKHoldText bounds each text field of a CUZKHold (account names,
// node names, fingerprints and reason codes are short).
const MaxCUZKHoldText = 512

// CUZKHold is a ČÚZK WSDP account that konektor keeps out of use because
// ČÚZK refused its login: three refused logins lock the account for 15
// minutes for every agency that shares it, so after one refusal no konektor
// node may try the account again. Kept in the shared store, a hold is seen
// by every node and survives a restart.
//
// A hold is released, not forgotten, when a node's secret watch sees a
// password other than the refused one (the operator fixed it): the
// refused secret's fingerprint stays, so that a node still configured with
// that secret does not send it again. An operator's enable-account deletes
// the record altogether.
type CUZKHold struct {
	Account  string
	Since    time.Time // when ČÚZK refused the login; kept in UTC, truncated to TimePrecision
	Reason   string    // why, as a code (e.g. ČÚZK's faultcode "FailedAuthentication")
	Node     string    // the konektor node that saw the refusal
	SecretFP string    // fingerprint of the refused secret (never the secret itself)
	// ReleasedAt is when a node with another secret released the hold;
	// zero while the hold is in force.
	ReleasedAt time.Time
	ReleasedBy string // the node that released it
}

// Held reports whether the hold is in force (not released).
func (h CUZKHold) Held() bool { return h.ReleasedAt.IsZero() }

// CUZKHoldStore keeps the holds of ČÚZK accounts, shared by every konektor
// node of the store. Every method is one atomic step: of concurrent calls
// on one account, each sees the other's effect entirely or not at all.
type CUZKHoldStore interface {
	// PutCUZKHold puts an account on hold (ReleasedAt and ReleasedBy of h
	// are ignored). When the account already has a hold in force, that
	// hold stays and is returned with false; otherwise h replaces any
	// released record and is returned (as stored) with true. ErrInvalid
	// for values a backend cannot keep (see CheckCUZKHold).
	PutCUZKHold(ctx context.Context, h CUZKHold) (CUZKHold, bool, error)
	// GetCUZKHold returns the account's record, in force or released, or
	// ErrNotFound.
	GetCUZKHold(ctx context.Context, account string) (CUZKHold, error)
	// ListCUZKHolds returns every record, in force or released, by
	// account name.
	ListCUZKHolds(ctx context.Context) ([]CUZKHold, error)
	// ReleaseCUZKHold releases the account's hold, by node by at time at,
	// if it is in force and its SecretFP is secretFP (the fingerprint the
	// caller compared its own secret with: a newer hold on another secret
	// stays). It reports whether it released one.
	ReleaseCUZKHold(ctx context.Context, account, secretFP, by string, at time.Time) (bool, error)
	// DeleteCUZKHold removes the account's record (an operator re-enabled
	// the account) and returns what it was, or ErrNotFound.
	DeleteCUZKHold(ctx context.Context, account string) (CUZKHold, error)
}

// CheckCUZKHold checks what a backend can check of a new hold without the
// database: a non-empty account, reason and fingerprint, text fields
// valid UTF-8 without NUL and at most MaxCUZKHoldText bytes, a time within
// years 1–9999.
func CheckCUZKHold(h CUZKHold) error {
	if h.Account == "" || h.Reason == "" || h.SecretFP == "" {
		return fmt.Errorf("%w: a ČÚZK account hold needs an account, a reason and a secret fingerprint", ErrInvalid)
	}
	for _, f := range []struct{ name, value string }{
		{"account", h.Account}, {"reason", h.Reason}, {"node", h.Node}, {"secret fingerprint", h.SecretFP},
	} {
		if err := checkHoldText(f.value); err != nil {
			return fmt.Errorf("%w: ČÚZK account hold %s %s", ErrInvalid, f.name, err.Error())
		}
	}
	return checkHoldTime(h.Since)
}

// CheckCUZKHoldRelease checks the values of a release.
func CheckCUZKHoldRelease(account, secretFP, by string, at time.Time) error {
	for _, v := range []string{account, secretFP, by} {
		if err := checkHoldText(v); err != nil {
			return fmt.Errorf("%w: ČÚZK account hold release %s", ErrInvalid, err.Error())
		}
	}
	return checkHoldTime(at)
}

func checkHoldText(s string) error {
	if len(s) > MaxCUZKHoldText {
		return errText(fmt.Sprintf("is longer than %d bytes", MaxCUZKHoldText))
	}
	return checkText(s)
}

func checkHoldTime(t time.Time) error {
	if y := t.UTC().Year(); y < minYear || y > maxYear {
		return fmt.Errorf("%w: ČÚZK account hold time %v outside years %d–%d", ErrInvalid, t, minYear, maxYear)
	}
	return nil
}
