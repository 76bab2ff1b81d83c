package sim

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"

	"go.uber.org/zap"

	"konektor/wsdl/iszr/egon"
)

// ControlPath is where an operator reads (GET), replaces (POST, JSON
// FaultSettings) and clears (DELETE) the injected faults.
const ControlPath = "/control/faults"

// injectFault serves the control endpoint and injects the configured faults
// into calls of the services. It reports whether it answered the request
// (or dropped it); false lets the sandbox answer normally.
func (s *Server) injectFault(w http.ResponseWriter, r *http.Request) bool {
	f := s.faults
	if r.URL.Path == ControlPath {
		s.serveControl(w, r)
		return true
	}
	code, ok := strings.CutPrefix(r.URL.Path, pathPrefix)
	if !ok {
		return false
	}
	in := f.decide(s.now())
	if in.latency > 0 {
		if err := f.sleep(r.Context(), in.latency); err != nil {
			return true // the caller gave up; nobody is left to answer
		}
	}
	switch in.mode {
	case "":
		return false
	case FaultClose:
		s.log.Debug("iszr sandbox fault: connection dropped", zap.String("code", code))
		dropConnection(w)
	case FaultUnavailable:
		if _, known := catalogue()[code]; known && r.Method == http.MethodPost {
			s.log.Debug("iszr sandbox fault: NENI K DISPOZICI", zap.String("code", code))
			s.answerUnavailable(w, r, code)
			return true
		}
		fallthrough
	default:
		s.log.Debug("iszr sandbox fault: HTTP 503", zap.String("code", code))
		w.Header().Set("Retry-After", "30")
		http.Error(w, "Služba ISZR je dočasně nedostupná (service temporarily unavailable).", http.StatusServiceUnavailable)
	}
	return true
}

// dropConnection closes the connection without an answer.
func dropConnection(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if c, _, err := hj.Hijack(); err == nil {
			_ = c.Close()
			return
		}
	}
	// No hijacking (HTTP/2, recorders): abort the response, which net/http
	// does by resetting the stream or closing the connection.
	panic(http.ErrAbortHandler)
}

// answerUnavailable answers like ISZR when a register behind it is down:
// HTTP 200, the service's answer with CHYBA / NENI K DISPOZICI, echoing the
// request's AgendaZadostId.
func (s *Server) answerUnavailable(w http.ResponseWriter, r *http.Request, code string) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.maxBody))
	if err != nil {
		http.Error(w, "Zprávu nelze přečíst (cannot read request).", http.StatusBadRequest)
		return
	}
	out, f := s.unavailable(code, body)
	reply(w, out, f)
}

// unavailable is the NENI K DISPOZICI answer to body.
func (s *Server) unavailable(code string, body []byte) ([]byte, *fault) {
	root, f := readEnvelope(body)
	if f != nil {
		return nil, f
	}
	x := &exchange{code: code, now: s.now(), iszrID: s.newID()}
	x.peekAgendaZadostID(root)
	return s.answer(x, chyba(egon.VysledekSubKodTypeNENIKDISPOZICI, "Služba %s je dočasně nedostupná (the service is temporarily unavailable).", code))
}

// serveControl is the control endpoint. Only a client certificate whose CN
// is listed in FaultOptions.Operators may use it; everyone else gets 403.
func (s *Server) serveControl(w http.ResponseWriter, r *http.Request) {
	f := s.faults
	cn, _ := peerCN(r)
	if !f.IsOperator(cn) {
		s.log.Info("iszr sandbox: fault control refused", zap.String("cn", cn))
		http.Error(w, "Řízení poruch smí jen operátor (fault control is for operators only).", http.StatusForbidden)
		return
	}
	switch r.Method {
	case http.MethodGet:
	case http.MethodPost:
		set, err := ParseFaultSettings(r.Body)
		if err != nil {
			http.Error(w, "Neplatné nastavení poruch: "+err.Error()+" (invalid fault settings)", http.StatusBadRequest)
			return
		}
		if err := f.Set(set); err != nil { // validated above; kept for safety
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		s.log.Info("iszr sandbox: faults set", zap.String("cn", cn))
	case http.MethodDelete:
		f.Clear()
		s.log.Info("iszr sandbox: faults cleared", zap.String("cn", cn))
	default:
		w.Header().Set("Allow", "GET, POST, DELETE")
		http.Error(w, "Metoda není povolena (use GET, POST or DELETE).", http.StatusMethodNotAllowed)
		return
	}
	b, err := json.Marshal(f.Settings())
	if err != nil {
		s.logError("cannot encode fault settings", err)
		http.Error(w, "Vnitřní chyba sandboxu (internal sandbox error).", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(append(b, '\n'))
}
