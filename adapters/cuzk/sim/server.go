package sim

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"go.uber.org/zap"

	"konektor/wsdl/cuzk"
)

// Sealer seals an XML report: it returns the report with an enveloped
// ds:Signature in its root element; *docsig.Signer implements it.
type Sealer interface {
	Sign(report []byte) ([]byte, error)
}

// Notice is an operational notice (kod > 9000) ČÚZK adds to every answer
// of the services it names while it is valid.
type Notice struct {
	Kod      int
	Uroven   string // INFORMACE, VAROVANI, CHYBA
	Text     string
	Services []string  // empty: every service
	From, To time.Time // zero: unbounded
}

// TrialNotices are the sample notices every answer of ČÚZK's trial
// environment carries: 9002 and 9001 for every service, and 9003 for
// sestavy (user guide §7).
func TrialNotices() []Notice {
	return []Notice{
		{Kod: 9002, Uroven: Varovani, Text: "Příklad varování: Aplikace WSDP má omezení ve funkci XXX z důvodu YYY."},
		{Kod: 9001, Uroven: Informace, Text: "Toto je příklad provozní informace, která bude v ostré verzi aplikace WSDP vkládána v případě potřeby. Cílem je upozornit na plánované odstávky nebo informovat o dočasných omezeních aplikace. Podobné informace se pro interaktivní aplikaci DP zobrazují na úvodní stránce (https://katastr.cuzk.cz/uvod/)."},
		{Kod: 9003, Uroven: Chyba, Services: []string{cuzk.Sestavy}, Text: "Příklad oznámení o chybném chování: Sestava XXX neobsahuje správnou značku YYY."},
	}
}

// Options configure the sandbox.
type Options struct {
	Now    func() time.Time // injected clock; nil = time.Now
	Logger *zap.Logger      // nil = no logging
	// Accounts are the WSDP users; nil = TrialAccounts().
	Accounts []Account
	// Territory holds the territorial code lists; nil = BuiltinTerritory().
	Territory *Territory
	// Cadastre is the data searched and reported; nil = Seed().
	Cadastre *Cadastre
	// Notices are added to every answer of the services they name.
	Notices []Notice
	// MaxActiveUsers caps the users working at once (error 477); 0 = no cap.
	MaxActiveUsers int
	// ActiveWindow is how long after its last request a user still counts
	// as working.
	ActiveWindow time.Duration
	// ReportDelay is how long a report takes to generate, on the injected
	// clock; default 3 s.
	ReportDelay time.Duration
	// Sealer signs XML reports; nil leaves them unsealed (elZnacka n and
	// message 316 when downloaded).
	Sealer Sealer
	// POSIdentKey is the 32-byte key of the pseudonymous owner identifiers
	// (ctios); nil = a random key per sandbox.
	POSIdentKey []byte
	// CodeListDate is the last-change date of every code list until
	// TouchCodeList moves one; default 2024-01-01.
	CodeListDate time.Time
	// MaxBodyBytes caps a request body; default 1 MiB.
	MaxBodyBytes int64
	// MaxResults is the record cap of searches and code lists (error
	// 310); default 20 000.
	MaxResults int
}

// Defaults.
const (
	DefaultReportDelay  = 3 * time.Second
	DefaultMaxBodyBytes = 1 << 20
	DefaultMaxResults   = 20000
	// MaxPOSIdents is how many POSIdents one ctios call may carry (524).
	MaxPOSIdents = 100
	// ClockSkew is the tolerance of a UsernameToken's wsu:Created.
	ClockSkew = 5 * time.Minute
)

// Server is the ČÚZK WSDP 2.8 sandbox, an http.Handler for
// POST /ws/wsdp/2.8/{ciselnik|vyhledat|informace|sestavy|ucet},
// POST /ws/ctios/2.8/ctios and GET …?wsdl.
type Server struct {
	now        func() time.Time
	log        *zap.Logger
	auth       *authState
	busy       *busy
	terr       *Territory
	data       *index
	notices    []Notice
	sealer     Sealer
	posKey     []byte
	maxBody    int64
	maxResults int
	reports    *reports

	mu       sync.Mutex
	listDate map[string]time.Time // code list name → last change
	defDate  time.Time
}

// New returns a sandbox configured by o.
func New(o Options) (*Server, error) {
	s := &Server{now: o.Now, log: o.Logger, notices: o.Notices, sealer: o.Sealer,
		maxBody: o.MaxBodyBytes, maxResults: o.MaxResults, listDate: map[string]time.Time{}, defDate: o.CodeListDate}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = zap.NewNop()
	}
	accts := o.Accounts
	if accts == nil {
		accts = TrialAccounts()
	}
	seen := map[string]bool{}
	for _, a := range accts {
		if a.User == "" || a.Password == "" {
			return nil, errors.New("cuzk sandbox: an account needs a user name and a password")
		}
		if seen[a.User] {
			return nil, fmt.Errorf("cuzk sandbox: account %s listed twice", a.User)
		}
		seen[a.User] = true
	}
	s.auth = newAuthState(accts)
	s.busy = newBusy(o.MaxActiveUsers, o.ActiveWindow)
	s.terr = o.Territory
	if s.terr == nil {
		s.terr = BuiltinTerritory()
	}
	if len(s.terr.Obce) == 0 {
		return nil, errors.New("cuzk sandbox: the territory has no municipalities")
	}
	c := o.Cadastre
	if c == nil {
		c = Seed()
	}
	s.data = newIndex(c)
	switch len(o.POSIdentKey) {
	case 0:
		s.posKey = make([]byte, 32)
		if _, err := rand.Read(s.posKey); err != nil {
			return nil, err
		}
	case 32:
		s.posKey = append([]byte(nil), o.POSIdentKey...)
	default:
		return nil, errors.New("cuzk sandbox: POSIdentKey must be 32 bytes")
	}
	if s.maxBody <= 0 {
		s.maxBody = DefaultMaxBodyBytes
	}
	if s.maxResults <= 0 {
		s.maxResults = DefaultMaxResults
	}
	if s.defDate.IsZero() {
		s.defDate = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	delay := o.ReportDelay
	if delay <= 0 {
		delay = DefaultReportDelay
	}
	s.reports = newReports(delay)
	return s, nil
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	service, ok := serviceOf(r.URL.Path)
	if !ok {
		http.Error(w, "Služba neexistuje (no such WSDP service).", http.StatusNotFound)
		return
	}
	if r.Method == http.MethodGet && hasKeyFold(r.URL.Query(), "wsdl") {
		s.serveWSDL(w, r, service)
		return
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", "POST")
		http.Error(w, "Metoda není povolena (use POST, or GET ?wsdl).", http.StatusMethodNotAllowed)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.maxBody))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			http.Error(w, fmt.Sprintf("Zpráva je větší než %d bajtů (request too large).", s.maxBody), http.StatusRequestEntityTooLarge)
			return
		}
		http.Error(w, "Zprávu nelze přečíst (cannot read request).", http.StatusBadRequest)
		return
	}
	out, f := s.handle(service, r.Header.Get("Content-Type"), r.Header.Values("SOAPAction"), body)
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	if f != nil {
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = w.Write(f.envelope())
		s.log.Debug("cuzk sandbox fault", zap.String("service", service), zap.String("faultcode", f.code))
		return
	}
	_, _ = w.Write(out)
}

// serviceOf maps a request path to a service.
func serviceOf(path string) (string, bool) {
	if path == cuzk.Path(cuzk.CtiOS) {
		return cuzk.CtiOS, true
	}
	svc, ok := strings.CutPrefix(path, "/ws/wsdp/2.8/")
	switch {
	case !ok:
		return "", false
	case svc == cuzk.Ciselnik, svc == cuzk.Vyhledat, svc == cuzk.Informace, svc == cuzk.Sestavy, svc == cuzk.Ucet:
		return svc, true
	}
	return "", false
}

// serveWSDL answers GET ?wsdl with konektor's contract for the service,
// its soap:address pointing at this sandbox.
func (s *Server) serveWSDL(w http.ResponseWriter, r *http.Request, service string) {
	scheme := "https"
	if r.TLS == nil {
		scheme = "http"
	}
	b, ok := cuzk.WSDLAt(service, scheme+"://"+r.Host+cuzk.Path(service))
	if !ok {
		http.Error(w, fmt.Sprintf("Služba %s nemá v sandboxu WSDL (no contract).", service), http.StatusNotFound)
		return
	}
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	_, _ = w.Write(b)
}

func hasKeyFold(q url.Values, key string) bool {
	for k := range q {
		if strings.EqualFold(k, key) {
			return true
		}
	}
	return false
}

// SetPassword changes a user's password, as an operator would after
// fixing a credential; it reports false for an unknown user.
func (s *Server) SetPassword(user, password string) bool { return s.auth.setPassword(user, password) }

// LockedUntil reports when a locked user's lock ends.
func (s *Server) LockedUntil(user string) (time.Time, bool) { return s.auth.lockedUntil(user, s.now()) }

// TouchCodeList records that a code list (named as its operation, e.g.
// seznamKU) changed at t.
func (s *Server) TouchCodeList(name string, t time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.listDate[name] = t
}

// codeListDate returns a code list's last-change date.
func (s *Server) codeListDate(name string) time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t, ok := s.listDate[name]; ok {
		return t
	}
	return s.defDate
}

var _ http.Handler = (*Server)(nil)

// logError records a sandbox failure (never personal data).
func (s *Server) logError(msg string, err error) { s.log.Error("cuzk sandbox: "+msg, zap.Error(err)) }
