package sim

import (
	"crypto/subtle"
	"sync"
	"time"
)

// AccountType is the type of a ČÚZK customer account.
type AccountType int

// Account types (user guide §4.3).
const (
	// Paying is the ordinary (paid) account: reports are invoiced.
	Paying AccountType = iota
	// Free is the bezúplatný account of municipalities, regions and state
	// bodies: amounts are registered but not invoiced, and every report
	// request needs cisloJednaci and ucelKod.
	Free
	// Verifying is the ověřující account of CzechPOINT points: a subset of
	// reports, PDF only, poradoveCislo mandatory, present state only.
	Verifying
)

func (t AccountType) String() string {
	switch t {
	case Free:
		return "free"
	case Verifying:
		return "verifying"
	}
	return "paying"
}

// Account is a WSDP user.
type Account struct {
	User     string
	Password string
	Type     AccountType
}

// TrialAccounts are the public accounts of ČÚZK's trial environment.
func TrialAccounts() []Account {
	return []Account{
		{User: "WSTEST", Password: "WSHESLO", Type: Paying},
		{User: "WSTESTB", Password: "WSHESLOB", Type: Free},
		{User: "WSTESTO", Password: "WSHESLOO", Type: Verifying},
	}
}

// Lockout rules (user guide §4.1): three consecutive failed logins lock
// the account for 15 minutes; a successful login resets the count.
const (
	LockAfter    = 3
	LockDuration = 15 * time.Minute
)

// authState tracks failed logins per user.
type authState struct {
	mu       sync.Mutex
	accounts map[string]Account
	failures map[string]int
	locked   map[string]time.Time // until
}

func newAuthState(accts []Account) *authState {
	a := &authState{accounts: map[string]Account{}, failures: map[string]int{}, locked: map[string]time.Time{}}
	for _, ac := range accts {
		a.accounts[ac.User] = ac
	}
	return a
}

// login checks a user name and password at now. While an account is
// locked every attempt fails without counting; the lock ends by itself.
func (a *authState) login(user, password string, now time.Time) (Account, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if until, ok := a.locked[user]; ok {
		if now.Before(until) {
			return Account{}, false
		}
		delete(a.locked, user)
		a.failures[user] = 0
	}
	ac, known := a.accounts[user]
	if known && subtle.ConstantTimeCompare([]byte(ac.Password), []byte(password)) == 1 {
		a.failures[user] = 0
		return ac, true
	}
	if known {
		a.failures[user]++
		if a.failures[user] >= LockAfter {
			a.locked[user] = now.Add(LockDuration)
		}
	}
	return Account{}, false
}

// lockedUntil reports the end of a user's lock, if locked at now.
func (a *authState) lockedUntil(user string, now time.Time) (time.Time, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	until, ok := a.locked[user]
	return until, ok && now.Before(until)
}

// setPassword changes a user's password (the sandbox's stand-in for
// zmenHeslo and for the operator fixing a credential).
func (a *authState) setPassword(user, password string) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	ac, ok := a.accounts[user]
	if ok {
		ac.Password = password
		a.accounts[user] = ac
	}
	return ok
}

// busy implements ČÚZK's cap on concurrently working users (error 477): a
// user counts as working while it has a request in flight or made one
// within the window.
type busy struct {
	mu     sync.Mutex
	max    int
	window time.Duration
	flight map[string]int
	last   map[string]time.Time
}

func newBusy(max int, window time.Duration) *busy {
	return &busy{max: max, window: window, flight: map[string]int{}, last: map[string]time.Time{}}
}

// enter admits user at now unless max other users are working; the
// returned function ends the request.
func (b *busy) enter(user string, now time.Time) (func(time.Time), bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.max > 0 && !b.working(user, now) {
		n := 0
		for u := range b.users(now) {
			if u != user {
				n++
			}
		}
		if n >= b.max {
			return nil, false
		}
	}
	b.flight[user]++
	b.last[user] = now
	return func(end time.Time) {
		b.mu.Lock()
		defer b.mu.Unlock()
		b.flight[user]--
		if b.flight[user] <= 0 {
			delete(b.flight, user)
		}
		b.last[user] = end
	}, true
}

func (b *busy) working(user string, now time.Time) bool {
	if b.flight[user] > 0 {
		return true
	}
	t, ok := b.last[user]
	return ok && now.Sub(t) < b.window
}

func (b *busy) users(now time.Time) map[string]bool {
	out := map[string]bool{}
	for u := range b.flight {
		out[u] = true
	}
	for u, t := range b.last {
		if now.Sub(t) < b.window {
			out[u] = true
		} else if b.flight[u] == 0 {
			delete(b.last, u) // forget idle users
		}
	}
	return out
}
