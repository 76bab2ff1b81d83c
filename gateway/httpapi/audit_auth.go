package httpapi

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/bcrypt"

	"konektor/certs"
)

// sessionCookie names the auditor's session cookie.
const sessionCookie = "konektor_audit"

// Login throttling: after maxLoginFailures failed logins of one name, that
// name is refused for loginLockout.
const (
	maxLoginFailures = 5
	loginLockout     = 15 * time.Minute
	maxTrackedNames  = 10000
	maxNameLen       = 64
)

// auditor is who is signed in.
type auditor struct {
	Name     string // "cert:<CN>" for a certificate, else the configured user name
	Via      string // "certificate" or "password"
	Evidence string // for the audit trail: how they proved it
}

// authOutcome is what authenticate found.
type authOutcome int

const (
	authNone      authOutcome = iota // nobody: log in
	authOK                           // an auditor
	authForbidden                    // a client certificate without the auditor role
)

// authenticator checks client certificates, sessions and passwords.
type authenticator struct {
	users map[string]string // name → bcrypt hash
	key   []byte            // session MAC key
	ttl   time.Duration
	now   func() time.Time
	dummy []byte // a bcrypt hash compared against for unknown names (even timing)

	mu    sync.Mutex
	fails map[string]failures
}

type failures struct {
	n     int
	until time.Time
}

func newAuthenticator(users map[string]string, key []byte, ttl time.Duration, now func() time.Time) (*authenticator, error) {
	for name, h := range users {
		if name == "" || len(name) > maxNameLen || strings.ContainsAny(name, ":\x00") {
			return nil, fmt.Errorf("audit user %q: a name has 1–%d characters without ':'", name, maxNameLen)
		}
		if _, err := bcrypt.Cost([]byte(h)); err != nil {
			return nil, fmt.Errorf("audit user %q: the password must be given as a bcrypt hash: %v", name, err)
		}
	}
	if len(key) == 0 {
		key = make([]byte, 32)
		if _, err := rand.Read(key); err != nil {
			return nil, err
		}
	} else if len(key) < 32 {
		return nil, fmt.Errorf("audit session key: %d bytes, want at least 32", len(key))
	}
	dummy, err := bcrypt.GenerateFromPassword([]byte("konektor dummy password"), bcrypt.MinCost)
	if err != nil {
		return nil, err
	}
	return &authenticator{users: users, key: key, ttl: ttl, now: now, dummy: dummy, fails: map[string]failures{}}, nil
}

// HashPassword returns the bcrypt hash to configure for an auditor's
// password (audit.users in the configuration).
func HashPassword(password string) (string, error) {
	h, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.DefaultCost)
	if err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	return string(h), nil
}

// authenticate identifies the caller of r. A verified client certificate
// decides alone: with the auditor role it lets in, without it refuses
// (an agenda system's certificate never reaches the auditor's pages, even
// with a password). Otherwise a session cookie, or on the API HTTP Basic
// credentials, let a configured user in.
func (a *authenticator) authenticate(r *http.Request, api bool) (auditor, authOutcome) {
	if cert := verifiedPeer(r); cert != nil {
		if !certs.IsAuditor(cert) {
			return auditor{Name: "cert:" + cert.Subject.CommonName, Via: "certificate", Evidence: certEvidence(cert)}, authForbidden
		}
		return auditor{Name: "cert:" + cert.Subject.CommonName, Via: "certificate", Evidence: certEvidence(cert)}, authOK
	}
	if c, err := r.Cookie(sessionCookie); err == nil {
		if name, ok := a.openSession(c.Value); ok {
			return auditor{Name: name, Via: "password", Evidence: "session after a password login"}, authOK
		}
	}
	if api {
		if name, pw, ok := r.BasicAuth(); ok {
			if err := a.checkPassword(name, pw); err == nil {
				return auditor{Name: name, Via: "password", Evidence: "HTTP Basic password"}, authOK
			}
		}
	}
	return auditor{}, authNone
}

// verifiedPeer returns the client certificate of r if it was verified
// against the client CA.
func verifiedPeer(r *http.Request) *x509.Certificate {
	if r.TLS == nil || len(r.TLS.PeerCertificates) == 0 || len(r.TLS.VerifiedChains) == 0 {
		return nil
	}
	return r.TLS.PeerCertificates[0]
}

func certEvidence(c *x509.Certificate) string {
	sum := sha256.Sum256(c.Raw)
	return "client certificate " + c.Subject.String() + ", SHA-256 " + hex.EncodeToString(sum[:])
}

// errLocked and errBadPassword are the two ways a login fails.
var (
	errLocked      = errors.New("too many failed logins")
	errBadPassword = errors.New("wrong name or password")
)

// checkPassword checks a name and password, throttling failures per name.
func (a *authenticator) checkPassword(name, password string) error {
	if len(name) > maxNameLen {
		name = name[:maxNameLen]
	}
	now := a.now()
	a.mu.Lock()
	f := a.fails[name]
	if f.n >= maxLoginFailures && now.Before(f.until) {
		a.mu.Unlock()
		return errLocked
	}
	a.mu.Unlock()
	hash, known := a.users[name]
	if !known {
		hash = string(a.dummy)
	}
	err := bcrypt.CompareHashAndPassword([]byte(hash), []byte(password))
	a.mu.Lock()
	defer a.mu.Unlock()
	if err == nil && known {
		delete(a.fails, name)
		return nil
	}
	f = a.fails[name]
	if now.After(f.until) {
		f = failures{}
	}
	f.n++
	f.until = now.Add(loginLockout)
	if len(a.fails) >= maxTrackedNames {
		for k, v := range a.fails {
			if now.After(v.until) {
				delete(a.fails, k)
			}
		}
	}
	if len(a.fails) < maxTrackedNames {
		a.fails[name] = f
	}
	return errBadPassword
}

// session is the signed content of the session cookie.
type session struct {
	Name    string `json:"u"`
	Expires int64  `json:"e"`
}

// newSession returns a cookie value for name: base64url(JSON) "." base64url(HMAC).
func (a *authenticator) newSession(name string) string {
	payload, _ := json.Marshal(session{Name: name, Expires: a.now().Add(a.ttl).Unix()})
	p := base64.RawURLEncoding.EncodeToString(payload)
	return p + "." + base64.RawURLEncoding.EncodeToString(a.mac(p))
}

func (a *authenticator) mac(p string) []byte {
	m := hmac.New(sha256.New, a.key)
	m.Write([]byte("konektor-audit-session-v1\x00" + p))
	return m.Sum(nil)
}

// openSession checks a cookie value and returns the user it names, if the
// session is still valid and the user still configured.
func (a *authenticator) openSession(v string) (string, bool) {
	if len(v) > 1024 {
		return "", false
	}
	p, m, ok := strings.Cut(v, ".")
	if !ok {
		return "", false
	}
	got, err := base64.RawURLEncoding.DecodeString(m)
	if err != nil || !hmac.Equal(got, a.mac(p)) {
		return "", false
	}
	raw, err := base64.RawURLEncoding.DecodeString(p)
	if err != nil {
		return "", false
	}
	var s session
	if err := json.Unmarshal(raw, &s); err != nil || a.now().Unix() >= s.Expires {
		return "", false
	}
	if _, ok := a.users[s.Name]; !ok {
		return "", false
	}
	return s.Name, true
}
