package sim

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"time"

	"go.uber.org/zap"

	"konektor/certs"
	"konektor/certs/tsa"
	"konektor/certs/zfo"
	"konektor/wsdl/isds"
)

// Options configure the sandbox.
type Options struct {
	Now    func() time.Time // injected clock; nil = time.Now
	Logger *zap.Logger      // nil = no logging
	// Boxes and Accounts; nil = SeedBoxes() and SeedAccounts().
	Boxes    []Box
	Accounts []Account
	// SystemCertificates and HostedServices log in with TLS client
	// certificates (/cert/DS/ and /hspis/DS/).
	SystemCertificates []SystemCertificate
	HostedServices     []HostedService
	// SeedMessages creates the sample messages of SeedMessages at start.
	SeedMessages bool
	// CA issues the sandbox's "ISDS" seal and TSA certificates (for
	// example konektor's development CA); nil = a CA of the sandbox's own.
	// Verify ZFOs of the sandbox against Roots().
	CA *certs.KeyPair
	// Seal is the "ISDS" seal key and certificate (issued by CA); nil =
	// issue one with a fresh RSA-2048 key at start.
	Seal *certs.KeyPair
	// PSS seals with RSA-PSS instead of PKCS #1 v1.5.
	PSS bool
	// MaxAttachmentBytes bounds the documents of a message (1200 above);
	// default DefaultMaxAttachmentBytes.
	MaxAttachmentBytes int
	// MaxBodyBytes caps a request; default 32 MiB (a 20 MB message in
	// base64 with its envelope).
	MaxBodyBytes int64
	// Login blocking: after MaxLoginFailures failed logins of a user name
	// (MaxIPFailures from one address) logins are refused for LoginBlock.
	// Defaults 5, 20 and 30 minutes.
	MaxLoginFailures int
	MaxIPFailures    int
	LoginBlock       time.Duration
	// MaxParallel bounds the monitored requests of one box at once
	// (3008); default 4, negative = no bound.
	MaxParallel int
	// Maintenance reports whether ISDS is down for maintenance at a time
	// (HTTP 503 with a SOAP Fault); nil = never. See FridayMaintenance.
	Maintenance func(time.Time) bool
	// OnRequest, for tests, runs after a request is admitted and before it
	// is handled, with the operation name.
	OnRequest func(op string)
}

// Defaults.
const (
	DefaultMaxBodyBytes     = 32 << 20
	DefaultMaxLoginFailures = 5
	DefaultMaxIPFailures    = 20
	DefaultLoginBlock       = 30 * time.Minute
	DefaultMaxParallel      = 4
)

type hostedService struct {
	boxes     map[string]bool
	throttled bool
}

// Server is the ISDS sandbox, an http.Handler for POST
// /{DS,cert/DS,certds/DS,hspis/DS}/{dz,dx,df,DsManage}.
type Server struct {
	now           func() time.Time
	log           *zap.Logger
	store         *store
	accounts      map[string]Account
	systemCerts   map[string]SystemCertificate
	hosted        map[string]hostedService
	failures      *failures
	limiter       *limiter
	maxBody       int64
	maxAttachment int
	maintenance   func(time.Time) bool
	onRequest     func(string)
	ca            *certs.KeyPair
	tsa           *tsa.Authority
	sealer        *zfo.Sealer
	handlers      map[string]func(*Server, *call) ([]byte, error)
}

// call is one request being handled.
type call struct {
	login  *login
	now    time.Time
	decode func(v any) error
	nils   map[string]bool // paths of xsi:nil elements
}

// isNil reports whether the element at path (below the operation element)
// was sent as xsi:nil.
func (x *call) isNil(path string) bool { return x.nils[path] }

// New returns a sandbox configured by o.
func New(o Options) (*Server, error) {
	s := &Server{now: o.Now, log: o.Logger, maxBody: o.MaxBodyBytes, maintenance: o.Maintenance, onRequest: o.OnRequest,
		accounts: map[string]Account{}, systemCerts: map[string]SystemCertificate{}, hosted: map[string]hostedService{}}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = zap.NewNop()
	}
	if s.maxBody <= 0 {
		s.maxBody = DefaultMaxBodyBytes
	}
	if s.maxAttachment = o.MaxAttachmentBytes; s.maxAttachment <= 0 {
		s.maxAttachment = DefaultMaxAttachmentBytes
	}
	boxes := o.Boxes
	if boxes == nil {
		boxes = SeedBoxes()
	}
	for _, b := range boxes {
		if b.Type != "" && !isds.ValidBoxID(b.ID) || b.Type == "" && b.ID != isds.BoxAdministrator && b.ID != isds.BoxOperator {
			return nil, fmt.Errorf("sim: box %q: %w", b.ID, isds.ErrBoxID)
		}
	}
	s.store = newStore(boxes)
	accounts := o.Accounts
	if accounts == nil {
		accounts = SeedAccounts()
	}
	for _, a := range accounts {
		if s.store.boxes[a.Box] == nil {
			return nil, fmt.Errorf("sim: account %s: unknown box %s", a.Username, a.Box)
		}
		if _, dup := s.accounts[a.Username]; dup || a.Username == "" {
			return nil, fmt.Errorf("sim: account name %q empty or listed twice", a.Username)
		}
		s.accounts[a.Username] = a
	}
	for _, c := range o.SystemCertificates {
		if s.store.boxes[c.Box] == nil || c.Certificate == nil {
			return nil, fmt.Errorf("sim: system certificate for unknown box %s or without certificate", c.Box)
		}
		s.systemCerts[fingerprint(c.Certificate)] = c
	}
	for _, h := range o.HostedServices {
		if h.Certificate == nil {
			return nil, errors.New("sim: hosted service without a certificate")
		}
		hs := hostedService{boxes: map[string]bool{}, throttled: h.Throttled}
		for _, b := range h.Boxes {
			if s.store.boxes[b] == nil {
				return nil, fmt.Errorf("sim: hosted service for unknown box %s", b)
			}
			hs.boxes[b] = true
		}
		s.hosted[fingerprint(h.Certificate)] = hs
	}
	perUser, perIP, block := o.MaxLoginFailures, o.MaxIPFailures, o.LoginBlock
	if perUser <= 0 {
		perUser = DefaultMaxLoginFailures
	}
	if perIP <= 0 {
		perIP = DefaultMaxIPFailures
	}
	if block <= 0 {
		block = DefaultLoginBlock
	}
	s.failures = newFailures(perUser, perIP, block)
	parallel := o.MaxParallel
	if parallel == 0 {
		parallel = DefaultMaxParallel
	}
	s.limiter = newLimiter(parallel)
	if err := s.pki(o); err != nil {
		return nil, err
	}
	s.handlers = map[string]func(*Server, *call) ([]byte, error){
		"CreateMessage":             (*Server).createMessageCall,
		"MessageDownload":           (*Server).messageDownload,
		"SignedMessageDownload":     (*Server).signedMessageDownload,
		"SignedSentMessageDownload": (*Server).signedSentMessageDownload,
		"DummyOperation":            (*Server).dummyOperation,
		"MessageEnvelopeDownload":   (*Server).messageEnvelopeDownload,
		"GetListOfReceivedMessages": (*Server).getListOfReceivedMessages,
		"GetListOfSentMessages":     (*Server).getListOfSentMessages,
		"MarkMessageAsDownloaded":   (*Server).markMessageAsDownloaded,
		"GetDeliveryInfo":           (*Server).getDeliveryInfo,
		"GetSignedDeliveryInfo":     (*Server).getSignedDeliveryInfo,
		"GetMessageStateChanges":    (*Server).getMessageStateChanges,
		"FindDataBox2":              (*Server).findDataBox2,
		"CheckDataBox":              (*Server).checkDataBox,
		"GetOwnerInfoFromLogin2":    (*Server).getOwnerInfoFromLogin2,
	}
	if o.SeedMessages {
		if err := s.seedMessages(); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// backdate is how far before the start the sandbox's own CA, seal and TSA
// certificates become valid, so that seeded messages dated in the past
// verify (a given CA limits it to its own validity).
const backdate = 60 * 24 * time.Hour

// pki sets up the seal and the TSA.
func (s *Server) pki(o Options) error {
	since := s.now().Add(-backdate)
	ca := o.CA
	if ca == nil {
		var err error
		if ca, err = tsa.NewSandboxCA(pkix.Name{CommonName: "ISDS sandbox CA (konektor)", Country: []string{"CZ"},
			Organization: []string{"konektor sandbox (nepoužívat v provozu / not for production)"}}, since); err != nil {
			return fmt.Errorf("sim: sandbox CA: %w", err)
		}
	}
	a, err := tsa.NewSandbox(ca, tsa.Options{Now: s.now, Logger: s.log, IssuedAt: since})
	if err != nil {
		return fmt.Errorf("sim: sandbox TSA: %w", err)
	}
	seal := o.Seal
	if seal == nil {
		if seal, err = zfo.IssueSealCertificate(ca, zfo.SandboxSealSubject, 0, since); err != nil {
			return fmt.Errorf("sim: sandbox seal: %w", err)
		}
	}
	s.ca, s.tsa = ca, a
	s.sealer = &zfo.Sealer{Key: seal.Key, Chain: seal.Chain, Stamper: a, Now: s.now, PSS: o.PSS}
	return nil
}

// Roots returns the certificates a verifier of the sandbox's ZFOs and time
// stamps must trust: the root of the CA that issued the seal and the TSA.
func (s *Server) Roots() []*x509.Certificate {
	return []*x509.Certificate{s.ca.Chain[len(s.ca.Chain)-1]}
}

// TSA returns the sandbox's time-stamping authority (an http.Handler too).
func (s *Server) TSA() *tsa.Authority { return s.tsa }

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	prefix, svc, ok := splitPath(r.URL.Path)
	if !ok {
		http.Error(w, "Služba neexistuje (no such service).", http.StatusNotFound)
		return
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "Metoda není povolena (use POST).", http.StatusMethodNotAllowed)
		return
	}
	now := s.now()
	if s.maintenance != nil && s.maintenance(now) {
		writeXML(w, http.StatusServiceUnavailable, soapFault("Probíhá plánovaná údržba",
			"Omlouváme se všem uživatelům datových schránek za dočasné omezení přístupu do systému datových schránek z důvodu plánované údržby systému. Děkujeme za pochopení."))
		return
	}
	l, aerr := s.authenticate(r, prefix, now)
	if aerr != nil {
		if aerr.status == http.StatusUnauthorized {
			w.Header().Set("WWW-Authenticate", `Basic realm="ISDS"`)
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(aerr.status)
		_, _ = io.WriteString(w, "<html><body><h1>"+escapeText(aerr.page)+"</h1></body></html>")
		s.log.Info("isds sandbox: login refused", zap.String("path", prefix), zap.Int("status", aerr.status))
		return
	}
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "text/xml" {
		writeXML(w, http.StatusInternalServerError, soapFault("SOAP-ENV:Client", "Služby ws1 používají SOAP 1.1 (Content-Type text/xml)."))
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
	out, op, code := s.handle(l, svc, body, now)
	switch code {
	case 0:
		writeXML(w, http.StatusOK, soapEnvelope(out))
	default:
		writeXML(w, code, out)
	}
	// Identifiers and codes only: no content, no credentials.
	s.log.Debug("isds sandbox answer", zap.String("service", svc), zap.String("operation", op),
		zap.String("box", l.box.ID), zap.Int("http", code))
}

// handle dispatches a request body: the answer element and the operation,
// or a complete fault envelope with its HTTP status.
func (s *Server) handle(l *login, svc string, body []byte, now time.Time) ([]byte, string, int) {
	d := xml.NewDecoder(strings.NewReader(string(body)))
	start, err := bodyElement(d)
	if err != nil {
		return soapFault("SOAP-ENV:Client", "Požadavek není platná zpráva SOAP 1.1: "+err.Error()), "", http.StatusInternalServerError
	}
	op := start.Name.Local
	if start.Name.Space != nsV20 {
		return soapFault("SOAP-ENV:Client", "Prvek "+op+" není ve jmenném prostoru "+nsV20+"."), op, http.StatusInternalServerError
	}
	if _, known := isds.Lookup(svc, op); !known {
		// ISDS answers an unknown operation with status 2006, not a fault.
		return statusAnswer(op, stf(codeUnknownOp, "Neznámá operace: "+op)), op, 0
	}
	release, code := s.limiter.enter(l, op)
	if code != "" {
		return statusAnswer(op, st(code)), op, 0
	}
	defer release()
	if s.onRequest != nil {
		s.onRequest(op)
	}
	x := &call{login: l, now: now, nils: nilPaths(body), decode: func(v any) error {
		if err := d.DecodeElement(v, &start); err != nil {
			return bad("%s cannot be read: %v", op, err)
		}
		return nil
	}}
	s.store.mu.Lock()
	s.store.tick(now)
	out, err := s.handlers[op](s, x)
	s.store.mu.Unlock()
	var br *badRequest
	switch {
	case errors.As(err, &br):
		return soapFault("SOAP-ENV:Client", br.msg), op, http.StatusInternalServerError
	case err != nil:
		s.log.Error("isds sandbox failure", zap.String("operation", op), zap.Error(err))
		if o, _ := isds.Lookup(svc, op); o.Box {
			return dbStatusAnswer(op, st(codeFailure)), op, 0
		}
		return statusAnswer(op, st(codeFailure)), op, 0
	}
	return out, op, 0
}

// bodyElement reads an envelope up to the first element inside the Body.
func bodyElement(d *xml.Decoder) (xml.StartElement, error) {
	depth := 0
	for {
		tok, err := d.Token()
		if err != nil {
			return xml.StartElement{}, err
		}
		switch t := tok.(type) {
		case xml.Directive:
			return xml.StartElement{}, errors.New("DOCTYPE is not allowed")
		case xml.StartElement:
			switch depth {
			case 0:
				if t.Name.Space != nsSOAP || t.Name.Local != "Envelope" {
					return xml.StartElement{}, fmt.Errorf("root {%s}%s is not a SOAP 1.1 Envelope", t.Name.Space, t.Name.Local)
				}
			case 1:
				if t.Name.Space == nsSOAP && t.Name.Local == "Header" {
					if err := d.Skip(); err != nil {
						return xml.StartElement{}, err
					}
					continue
				}
				if t.Name.Space != nsSOAP || t.Name.Local != "Body" {
					return xml.StartElement{}, fmt.Errorf("unexpected %s in the Envelope", t.Name.Local)
				}
			case 2:
				return t, nil
			}
			depth++
		case xml.EndElement:
			if depth == 2 {
				return xml.StartElement{}, errors.New("the SOAP Body is empty")
			}
			depth--
		}
	}
}

// splitPath reads /{prefix}/{service}.
func splitPath(p string) (prefix, svc string, ok bool) {
	for _, pre := range []string{pathBasic, pathCert, pathCertDS, pathHosted} {
		if rest, found := strings.CutPrefix(p, pre); found && isds.IsService(rest) {
			return pre, rest, true
		}
	}
	return "", "", false
}

func writeXML(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// FridayMaintenance is the usual maintenance window of ISDS: Fridays
// 00:00–01:00 Prague time.
func FridayMaintenance(t time.Time) bool {
	p := t.In(prague)
	return p.Weekday() == time.Friday && p.Hour() == 0
}

var _ http.Handler = (*Server)(nil)

// SetBoxState changes the state (dbState) of a box at the injected clock's
// now, as the ISDS administrator does. Making a box inaccessible
// retroactively (any state but StateAccessible) turns the messages
// delivered into it since the given time and not yet delivered by login
// (4, 5) undeliverable (8, event EV3); 90 days later their content is
// deleted. A zero since affects every such message.
func (s *Server) SetBoxState(box string, state int, since time.Time) error {
	if state < StateAccessible || state > StateDeleted {
		return fmt.Errorf("sim: box state %d is not 1–5", state)
	}
	s.store.mu.Lock()
	defer s.store.mu.Unlock()
	b := s.store.boxes[box]
	if b == nil {
		return fmt.Errorf("sim: unknown box %s", box)
	}
	b.State = state
	if state != StateAccessible {
		s.store.makeUndeliverable(box, since, s.now())
	}
	return nil
}
