package httpapi

import (
	"context"
	"crypto/x509"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"time"
	_ "time/tzdata" // Europe/Prague wherever konektor runs

	"go.uber.org/zap"

	"konektor/gateway/audit"
	"konektor/gateway/subject"
	"konektor/internal/store"
)

// AuditStore is what the auditor's pages read.
type AuditStore interface {
	QueryAccess(ctx context.Context, q store.AccessQuery) ([]store.AccessEntry, error)
	GetAccess(ctx context.Context, seq int64) (store.AccessEntry, error)
	CheckpointCovering(ctx context.Context, seq int64) (store.Checkpoint, error)
	AccessBodies(ctx context.Context, seq int64) ([]store.AccessBody, error)
}

// AuditRecorder writes the auditors' own actions to the access log.
type AuditRecorder interface {
	Record(ctx context.Context, e store.AccessEntry) (store.AccessEntry, error)
}

// AuditStatus reports the chain status (an *audit.Monitor). Pages show
// Last; keep it fresh with audit.RunMonitor.
type AuditStatus interface {
	Check(ctx context.Context) (audit.Status, error)
	Full(ctx context.Context) (audit.Status, error)
	Last() audit.Status
}

// AuditOptions configure the auditor's pages and API.
type AuditOptions struct {
	Store    AuditStore
	Status   AuditStatus
	Recorder AuditRecorder
	// TSARoots verify checkpoints' time stamps shown on an entry's page.
	TSARoots *x509.CertPool
	// Subjects hashes the subject an auditor searches for; nil turns
	// subject search off (with a message saying so).
	Subjects *subject.Hasher
	// Bodies decrypts stored bodies for download; nil offers none.
	Bodies *audit.BodyCipher
	// Users are the auditors who sign in with a password: name → bcrypt
	// hash (see HashPassword).
	Users map[string]string
	// SessionKey signs session cookies (at least 32 bytes); empty makes a
	// random key, so sessions end when konektor restarts.
	SessionKey []byte
	// SessionTTL is how long a password session lasts; default 8 hours.
	SessionTTL time.Duration
	// Location is the time zone of times shown and typed in the form;
	// default Europe/Prague.
	Location *time.Location
	Now      func() time.Time
	Logger   *zap.Logger
}

//go:embed templates/audit_*.html
var auditTemplates embed.FS

//go:embed static/audit.css
var auditStatic embed.FS

// auditApp serves /audit/.
type auditApp struct {
	o    AuditOptions
	auth *authenticator
	tmpl *template.Template
	log  *zap.Logger
}

// NewAudit returns the handler of the auditor's pages and API, to be
// mounted at /audit/ on the bus listener (which must request, not require,
// client certificates: see the README). Every route but the login form
// and the stylesheet needs an auditor; every search, export, entry view,
// body download and verification is itself written to the access log as
// an exchange of upstream "audit" before anything is shown.
func NewAudit(o AuditOptions) (http.Handler, error) {
	if o.Store == nil || o.Status == nil || o.Recorder == nil {
		return nil, errors.New("httpapi: audit: Store, Status and Recorder are required")
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = zap.NewNop()
	}
	if o.SessionTTL <= 0 {
		o.SessionTTL = 8 * time.Hour
	}
	if o.Location == nil {
		loc, err := time.LoadLocation("Europe/Prague")
		if err != nil {
			return nil, fmt.Errorf("httpapi: audit: %w", err)
		}
		o.Location = loc
	}
	auth, err := newAuthenticator(o.Users, o.SessionKey, o.SessionTTL, o.Now)
	if err != nil {
		return nil, fmt.Errorf("httpapi: audit: %w", err)
	}
	tmpl, err := template.ParseFS(auditTemplates, "templates/audit_*.html")
	if err != nil {
		return nil, fmt.Errorf("httpapi: audit: templates: %w", err)
	}
	a := &auditApp{o: o, auth: auth, tmpl: tmpl, log: o.Logger}
	static, _ := fs.Sub(auditStatic, "static")
	mux := http.NewServeMux()
	mux.Handle("GET /audit/static/", http.StripPrefix("/audit/static/", http.FileServerFS(static)))
	mux.HandleFunc("GET /audit/login", a.loginForm)
	mux.HandleFunc("POST /audit/login", a.login)
	mux.HandleFunc("POST /audit/logout", a.logout)
	mux.HandleFunc("GET /audit/{$}", a.page(a.search))
	mux.HandleFunc("POST /audit/search", a.page(a.searchForm))
	mux.HandleFunc("GET /audit/entry/{seq}", a.page(a.entry))
	mux.HandleFunc("GET /audit/entry/{seq}/body/{kind}", a.page(a.body))
	mux.HandleFunc("GET /audit/export", a.page(a.export))
	mux.HandleFunc("GET /audit/api/entries", a.api(a.apiEntries))
	mux.HandleFunc("GET /audit/api/entries/{seq}", a.api(a.apiEntry))
	mux.HandleFunc("GET /audit/api/verify", a.api(a.apiVerify))
	mux.HandleFunc("/audit/", func(w http.ResponseWriter, r *http.Request) {
		a.message(w, r, auditor{}, http.StatusNotFound, "not-found", "not-found-text")
	})
	return securityHeaders(mux), nil
}

// securityHeaders sets what every auditor's page and answer carries: no
// caching, no framing, no scripts, no referrer to other sites.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Cache-Control", "no-store")
		h.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin") // not no-referrer: browsers then send "Origin: null" on our own form posts
		h.Set("X-Frame-Options", "DENY")
		next.ServeHTTP(w, r)
	})
}

// handler is a route that needs an auditor.
type handler func(w http.ResponseWriter, r *http.Request, who auditor)

// page guards an HTML route: nobody → the login form; a certificate
// without the auditor role → 403 (recorded).
func (a *auditApp) page(h handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		who, out := a.auth.authenticate(r, false)
		switch out {
		case authOK:
			h(w, r, who)
		case authForbidden:
			a.refuse(r, who)
			a.message(w, r, auditor{}, http.StatusForbidden, "forbidden", "forbidden-text")
		default:
			http.Redirect(w, r, "/audit/login", http.StatusSeeOther)
		}
	}
}

// api guards a JSON route: nobody → 401 with a Basic challenge; a
// certificate without the auditor role → 403 (recorded).
func (a *auditApp) api(h handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		who, out := a.auth.authenticate(r, true)
		switch out {
		case authOK:
			h(w, r, who)
		case authForbidden:
			a.refuse(r, who)
			writeAPIError(w, http.StatusForbidden, "forbidden", tr("cs", "forbidden-text"), tr("en", "forbidden-text"))
		default:
			w.Header().Set("WWW-Authenticate", `Basic realm="konektor audit", charset="UTF-8"`)
			writeAPIError(w, http.StatusUnauthorized, "unauthenticated",
				"přihlaste se klientským certifikátem auditora nebo jménem a heslem",
				"authenticate with an auditor's client certificate or a name and password")
		}
	}
}

// lang is the language of a request: ?lang=, then the cookie, then Czech.
func lang(r *http.Request) string {
	switch l := r.URL.Query().Get("lang"); l {
	case "cs", "en":
		return l
	}
	if c, err := r.Cookie("konektor_lang"); err == nil && (c.Value == "en" || c.Value == "cs") {
		return c.Value
	}
	return "cs"
}

// rememberLang keeps an explicit ?lang= choice in a cookie.
func rememberLang(w http.ResponseWriter, r *http.Request) {
	if l := r.URL.Query().Get("lang"); l == "cs" || l == "en" {
		http.SetCookie(w, &http.Cookie{Name: "konektor_lang", Value: l, Path: "/audit/", HttpOnly: true,
			Secure: r.TLS != nil, SameSite: http.SameSiteStrictMode, MaxAge: 365 * 24 * 3600})
	}
}
