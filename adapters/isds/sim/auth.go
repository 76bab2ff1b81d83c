package sim

import (
	"crypto/x509"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"
)

// Login kinds, by path prefix.
const (
	pathBasic  = "/DS/"        // name and password
	pathCert   = "/cert/DS/"   // system certificate
	pathCertDS = "/certds/DS/" // user certificate and name and password
	pathHosted = "/hspis/DS/"  // hosted records service: provider certificate, box ID as user name
)

// authError is a refused login: the HTTP status and a page.
type authError struct {
	status int
	page   string
}

// maxTracked bounds the failure counters kept.
const maxTracked = 10000

// failures counts failed logins per user name and per client address, and
// blocks both for a while after too many.
type failures struct {
	mu    sync.Mutex
	count map[string]int
	until map[string]time.Time
	max   map[string]int // threshold by key kind
	block time.Duration
}

func newFailures(perUser, perIP int, block time.Duration) *failures {
	return &failures{count: map[string]int{}, until: map[string]time.Time{},
		max: map[string]int{"user": perUser, "ip": perIP}, block: block}
}

// blocked returns the end of the block on any of keys, or the zero time.
func (f *failures) blocked(now time.Time, keys ...string) time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	var latest time.Time
	for _, k := range keys {
		if u, ok := f.until[k]; ok {
			if now.Before(u) && u.After(latest) {
				latest = u
			} else if !now.Before(u) {
				delete(f.until, k)
			}
		}
	}
	return latest
}

func (f *failures) fail(now time.Time, kind, key string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	k := kind + ":" + key
	if len(f.count) >= maxTracked {
		clear(f.count) // bounded memory: names guessed at random must not grow the map
	}
	f.count[k]++
	if f.count[k] >= f.max[kind] {
		f.until[k] = now.Add(f.block)
		delete(f.count, k)
	}
}

func (f *failures) succeed(kind, key string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.count, kind+":"+key)
}

func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func peerCert(r *http.Request) *x509.Certificate {
	if r.TLS == nil || len(r.TLS.PeerCertificates) == 0 {
		return nil
	}
	return r.TLS.PeerCertificates[0]
}

func unauthorized(page string) *authError { return &authError{http.StatusUnauthorized, page} }

// authenticate logs the caller in the way the path asks for.
func (s *Server) authenticate(r *http.Request, prefix string, now time.Time) (*login, *authError) {
	switch prefix {
	case pathCert:
		c := peerCert(r)
		if c == nil {
			return nil, &authError{http.StatusForbidden, "Chybí klientský certifikát (client certificate required)."}
		}
		sc, ok := s.systemCerts[fingerprint(c)]
		if !ok {
			return nil, &authError{http.StatusForbidden, "Certifikát není registrován jako systémový certifikát datové schránky."}
		}
		return s.virtual("cert:"+fingerprint(c), sc.Box, sc.Throttled)
	case pathHosted:
		c := peerCert(r)
		if c == nil {
			return nil, &authError{http.StatusForbidden, "Chybí certifikát poskytovatele spisové služby."}
		}
		hs, ok := s.hosted[fingerprint(c)]
		user, pass, basic := r.BasicAuth()
		if !ok || !basic || pass != "" || !hs.boxes[user] {
			return nil, unauthorized("Poskytovatel nemá přístup do této datové schránky.")
		}
		return s.virtual("hspis:"+fingerprint(c)+":"+user, user, hs.throttled)
	}
	ip := clientIP(r)
	user, pass, basic := r.BasicAuth()
	if until := s.failures.blocked(now, "user:"+user, "ip:"+ip); !until.IsZero() {
		return nil, unauthorized(fmt.Sprintf("Přihlášení blokováno do %s.", until.In(prague).Format("02.01.2006 15:04:05")))
	}
	a, known := s.accounts[user]
	good := basic && known && a.Password == pass
	if good && a.Certificate != nil {
		c := peerCert(r)
		good = prefix == pathCertDS && c != nil && c.Equal(a.Certificate)
	} else if good && prefix == pathCertDS {
		good = false // no certificate registered for this user
	}
	if !good {
		s.failures.fail(now, "user", user)
		s.failures.fail(now, "ip", ip)
		return nil, unauthorized("Přihlášení se nezdařilo (chybné jméno, heslo nebo certifikát).")
	}
	s.failures.succeed("user", user)
	s.failures.succeed("ip", ip)
	box := s.store.boxes[a.Box]
	if box == nil {
		return nil, unauthorized("Datová schránka účtu neexistuje.")
	}
	return &login{account: "basic:" + user, box: box, privileges: a.Privileges, kind: a.Kind, throttled: a.Throttled}, nil
}

func (s *Server) virtual(key, boxID string, throttled bool) (*login, *authError) {
	box := s.store.boxes[boxID]
	if box == nil {
		return nil, unauthorized("Datová schránka neexistuje.")
	}
	return &login{account: key, box: box, privileges: PrivVirtual, kind: KindVirtual, throttled: throttled}, nil
}
