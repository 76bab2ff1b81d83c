package httpapi

import (
	"context"
	"crypto"
	"crypto/tls"
	"crypto/x509"
	"database/sql"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zaptest"

	"konektor/certs"
	"konektor/certs/tsa"
	"konektor/gateway/audit"
	"konektor/gateway/subject"
	"konektor/internal/store"
	"konektor/internal/store/sqlite"
)

// at is the time of the first seeded entry.
var at = time.Date(2026, time.March, 2, 9, 0, 0, 0, time.UTC)

// testIČO is the subject of every seventh seeded entry.
const testIČO = "00064581"

// clock is a settable fake clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

// auditEnv is an auditor's endpoint over a seeded SQLite log, served over
// TLS that requests (does not require) client certificates.
type auditEnv struct {
	st       *sqlite.Store
	path     string
	rec      *audit.Recorder
	mon      *audit.Monitor
	srv      *httptest.Server
	pki      certs.DevPKIFiles
	clock    *clock
	subjects *subject.Hasher
	bodies   *audit.BodyCipher
	entries  []store.AccessEntry
	trust    audit.Trust
}

var (
	devPKIOnce sync.Once
	devPKIDir  string
	devPKIErr  error
)

// sharedDevPKI makes one development PKI for the package's tests.
func sharedDevPKI(t testing.TB) certs.DevPKIFiles {
	t.Helper()
	devPKIOnce.Do(func() {
		dir, err := os.MkdirTemp("", "konektor-audit-pki-")
		if err != nil {
			devPKIErr = err
			return
		}
		devPKIDir = dir
		devPKIErr = certs.InitDevPKI(dir, certs.DevPKIOptions{Now: func() time.Time { return at.Add(-24 * time.Hour) }})
	})
	if devPKIErr != nil {
		t.Fatal(devPKIErr)
	}
	return certs.DevPKIPaths(devPKIDir)
}

func TestMain(m *testing.M) {
	code := m.Run()
	if devPKIDir != "" {
		_ = os.RemoveAll(devPKIDir)
	}
	os.Exit(code)
}

func newAuditEnv(t *testing.T, mutate func(*AuditOptions)) *auditEnv {
	t.Helper()
	p := sharedDevPKI(t)
	path := filepath.Join(t.TempDir(), "konektor.db")
	st, err := sqlite.Open(context.Background(), path, zap.NewNop())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	env := &auditEnv{st: st, path: path, pki: p, clock: &clock{t: at.Add(10 * time.Hour)}}
	key := []byte(strings.Repeat("k", 32))
	env.subjects, _ = subject.New(key)
	env.bodies, _ = audit.NewBodyCipher(key)
	env.rec = audit.NewRecorder(st, audit.Options{Now: env.clock.Now, Logger: zaptest.NewLogger(t), Bodies: env.bodies})
	t.Cleanup(func() { _ = env.rec.Close(context.Background()) })

	ca, err := certs.LoadKeyPair(p.CA, p.CAKey)
	if err != nil {
		t.Fatal(err)
	}
	auth, err := tsa.NewSandbox(ca, tsa.Options{Now: env.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	seal, err := certs.LoadKeyPair(p.Seal, p.SealKey)
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AddCert(ca.Leaf())
	env.trust = audit.Trust{SealCerts: []*x509.Certificate{seal.Leaf()}, TSARoots: roots}
	cp, err := audit.NewCheckpointer(st, audit.CheckpointOptions{Seal: seal, Now: env.clock.Now,
		TSA: audit.TimestamperFunc(func(_ context.Context, d []byte) ([]byte, error) { return auth.Stamp(crypto.SHA256, d) })})
	if err != nil {
		t.Fatal(err)
	}
	icoHash, _ := env.subjects.Hash(subject.KindICO, testIČO)
	for i := range 120 {
		e := store.AccessEntry{
			Time: at.Add(time.Duration(i) * time.Minute), CorrelationID: fmt.Sprintf("c-%03d", i),
			Upstream: "iszr", Service: "E03", AIS: []string{"1234", "5678"}[i%2], OVM: "00064581",
			Agenda: "A121", Role: "CR1234", User: fmt.Sprintf("referent%d", i%3), Purpose: "ověření údajů",
			Outcome: "ok", UpstreamStatus: "OK", LatencyMicros: 1500,
		}
		if i%7 == 0 {
			e.Subject = icoHash
		}
		if i%10 == 9 {
			e.Outcome, e.Reason = "denied", "role CR1234 nemá přístup ke službě"
		}
		var got store.AccessEntry
		if i < 3 {
			got, err = env.rec.RecordBodies(context.Background(), e, []byte(fmt.Sprintf("<request n=\"%d\"/>", i)), []byte(fmt.Sprintf("<sealed n=\"%d\"/>", i)))
		} else {
			got, err = env.rec.Record(context.Background(), e)
		}
		if err != nil {
			t.Fatal(err)
		}
		env.entries = append(env.entries, got)
		if i == 49 || i == 99 {
			if _, _, err := cp.Checkpoint(context.Background()); err != nil {
				t.Fatal(err)
			}
		}
	}
	env.mon = audit.NewMonitor(st, env.trust, env.clock.Now)
	hash, err := HashPassword("tajné heslo")
	if err != nil {
		t.Fatal(err)
	}
	o := AuditOptions{Store: st, Status: env.mon, Recorder: env.rec, TSARoots: roots, Subjects: env.subjects,
		Bodies: env.bodies, Users: map[string]string{"novakova": hash}, Now: env.clock.Now, Logger: zaptest.NewLogger(t)}
	if mutate != nil {
		mutate(&o)
	}
	h, err := NewAudit(o)
	if err != nil {
		t.Fatal(err)
	}
	env.srv = httptest.NewUnstartedServer(h)
	env.srv.TLS = env.tlsConfig(t, tls.VerifyClientCertIfGiven)
	env.srv.StartTLS()
	t.Cleanup(env.srv.Close)
	return env
}

// tlsConfig is the server side of the bus listener as konektor runs it
// for auditors: client certificates from the dev CA verified if given.
func (env *auditEnv) tlsConfig(t *testing.T, auth tls.ClientAuthType) *tls.Config {
	t.Helper()
	server, err := certs.LoadKeyPair(env.pki.Server, env.pki.ServerKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, err := certs.LoadCertificates(env.pki.CA)
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AddCert(ca[0])
	return &tls.Config{Certificates: []tls.Certificate{server.TLSCertificate()},
		ClientAuth: auth, ClientCAs: roots, MinVersion: tls.VersionTLS12}
}

// client returns an HTTPS client that presents the named dev client
// certificate ("" for none), keeps cookies and does not follow redirects.
func (env *auditEnv) client(t *testing.T, cert string) *http.Client {
	t.Helper()
	roots := x509.NewCertPool()
	ca, err := certs.LoadCertificates(env.pki.CA)
	if err != nil {
		t.Fatal(err)
	}
	roots.AddCert(ca[0])
	cfg := &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}
	if cert != "" {
		cf, kf := env.pki.Client(cert)
		kp, err := certs.LoadKeyPair(cf, kf)
		if err != nil {
			t.Fatal(err)
		}
		cfg.Certificates = []tls.Certificate{kp.TLSCertificate()}
	}
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, Transport: &http.Transport{TLSClientConfig: cfg},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// get fetches path and returns the status, headers and body.
func get(t *testing.T, c *http.Client, url string) (int, http.Header, string) {
	t.Helper()
	resp, err := c.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}

// trailEntries returns the access-log entries of auditors' actions.
func (env *auditEnv) trailEntries(t *testing.T) []store.AccessEntry {
	t.Helper()
	var out []store.AccessEntry
	err := env.st.ScanAccess(context.Background(), 1, func(e store.AccessEntry) error {
		if e.Upstream == AuditUpstream {
			out = append(out, e)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// tamper changes the SQLite file as an attacker with file access would.
func tamper(t *testing.T, path, change string) {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range []string{"DROP TRIGGER access_log_no_update", change} {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}
