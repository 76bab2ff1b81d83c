package httpapi

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"go.uber.org/zap"

	"konektor/gateway/audit"
	"konektor/internal/store"
)

// pageData is what every page template gets.
type pageData struct {
	Lang, Other string
	LangURL     string
	Auditor     string
	CanLogout   bool
	Status      statusView
}

// T returns the text of key in the page's language.
func (p pageData) T(key string) string { return tr(p.Lang, key) }

type statusView struct {
	Class, Title, Summary string
	CheckedAt, FullAt     string
}

func (a *auditApp) pageData(w http.ResponseWriter, r *http.Request, who auditor) pageData {
	rememberLang(w, r)
	l := lang(r)
	p := pageData{Lang: l, Other: "en", Auditor: who.Name, CanLogout: who.Via == "password"}
	if l == "en" {
		p.Other = "cs"
	}
	q := r.URL.Query()
	q.Set("lang", p.Other)
	p.LangURL = r.URL.Path + "?" + q.Encode()
	if who.Name != "" {
		p.Status = a.statusView(l)
	}
	return p
}

// statusView shows the last chain status (the Monitor's loop keeps it
// fresh; see audit.RunMonitor).
func (a *auditApp) statusView(l string) statusView {
	st := a.o.Status.Last()
	if st.CheckedAt.IsZero() {
		return statusView{Class: "unknown", Title: tr(l, "status-unknown")}
	}
	v := statusView{CheckedAt: a.localTime(st.CheckedAt), FullAt: a.localTime(st.FullAt)}
	if st.OK {
		v.Class, v.Title = "ok", tr(l, "status-ok")
	} else {
		v.Class, v.Title = "bad", tr(l, "status-bad")
	}
	v.Summary = st.SummaryCS()
	if l == "en" {
		v.Summary = st.SummaryEN()
	}
	return v
}

func (a *auditApp) localTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(a.o.Location).Format("2006-01-02 15:04:05 MST")
}

// render executes a page template into a buffer first, so a template
// error never leaves half a page.
func (a *auditApp) render(w http.ResponseWriter, status int, name string, data any) {
	var buf bytes.Buffer
	if err := a.tmpl.ExecuteTemplate(&buf, name, data); err != nil {
		a.log.Error("audit page template failed", zap.String("template", name), zap.Error(err))
		http.Error(w, "internal error / vnitřní chyba", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

type messageData struct {
	pageData
	Heading, Text string
}

func (a *auditApp) message(w http.ResponseWriter, r *http.Request, who auditor, status int, heading, text string) {
	p := a.pageData(w, r, who)
	a.render(w, status, "message", messageData{pageData: p, Heading: p.T(heading), Text: p.T(text)})
}

// unavailable answers when an action cannot be logged.
func (a *auditApp) unavailable(w http.ResponseWriter, r *http.Request, who auditor) {
	a.message(w, r, who, http.StatusServiceUnavailable, "unavailable", "unavailable-text")
}

// --- sign-in ---

type loginData struct {
	pageData
	Error string
}

func (a *auditApp) loginForm(w http.ResponseWriter, r *http.Request) {
	if _, out := a.auth.authenticate(r, false); out == authOK {
		http.Redirect(w, r, "/audit/", http.StatusSeeOther)
		return
	}
	a.render(w, http.StatusOK, "login", loginData{pageData: a.pageData(w, r, auditor{})})
}

// maxFormBytes bounds a posted form.
const maxFormBytes = 16 << 10

func (a *auditApp) login(w http.ResponseWriter, r *http.Request) {
	if !sameOrigin(r) {
		http.Error(w, "cross-site request refused", http.StatusForbidden)
		return
	}
	if who, out := a.auth.authenticate(r, false); out == authForbidden {
		a.refuse(r, who)
		a.message(w, r, auditor{}, http.StatusForbidden, "forbidden", "forbidden-text")
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad form", http.StatusBadRequest)
		return
	}
	name, pw := r.PostForm.Get("username"), r.PostForm.Get("password")
	err := a.auth.checkPassword(name, pw)
	who := auditor{Name: clip(name, maxNameLen), Via: "password", Evidence: "password login from " + r.RemoteAddr}
	p := a.pageData(w, r, auditor{})
	if err != nil {
		_ = a.trail(r, who, ActionLogin, "denied", "", "", err.Error())
		msg := p.T("login-failed")
		if errors.Is(err, errLocked) {
			msg = p.T("login-locked")
		}
		a.render(w, http.StatusUnauthorized, "login", loginData{pageData: p, Error: msg})
		return
	}
	if err := a.trail(r, who, ActionLogin, "ok", "", "", ""); err != nil {
		a.unavailable(w, r, auditor{})
		return
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: a.auth.newSession(name), Path: "/audit/",
		HttpOnly: true, Secure: r.TLS != nil, SameSite: http.SameSiteStrictMode, MaxAge: int(a.o.SessionTTL.Seconds())})
	http.Redirect(w, r, "/audit/", http.StatusSeeOther)
}

func (a *auditApp) logout(w http.ResponseWriter, r *http.Request) {
	if !sameOrigin(r) {
		http.Error(w, "cross-site request refused", http.StatusForbidden)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/audit/", HttpOnly: true,
		Secure: r.TLS != nil, SameSite: http.SameSiteStrictMode, MaxAge: -1})
	http.Redirect(w, r, "/audit/login", http.StatusSeeOther)
}

// sameOrigin reports whether a POST comes from konektor's own pages: its
// Origin (or Referer), when sent, names this host.
func sameOrigin(r *http.Request) bool {
	o := r.Header.Get("Origin")
	if o == "" {
		o = r.Header.Get("Referer")
	}
	if o == "" {
		return true // not a browser's cross-site form post
	}
	u, err := url.Parse(o)
	return err == nil && u.Host == r.Host
}

// --- search ---

type searchData struct {
	pageData
	Form                   map[string]string
	Outcomes               []option
	Error                  string
	Entries                []entryRow
	NextURL, FirstURL      string
	ExportCSV, ExportJSONL string
}

type option struct {
	Value, Label string
	Selected     bool
}

type entryRow struct {
	Seq                                             int64
	URL, Time                                       string
	AIS, OVM, Agenda, Role, Upstream, Service, User string
	Outcome, OutcomeLabel                           string
	Sealed                                          bool
}

var outcomes = []string{"ok", "denied", "fault", "upstream_error", "unavailable"}

// searchForm turns the posted form into a search URL (POST, then
// redirect): the subject a form carries is replaced by its keyed hash, so
// the identifier never appears in a URL, a link or the browser's history.
func (a *auditApp) searchForm(w http.ResponseWriter, r *http.Request, who auditor) {
	if !sameOrigin(r) {
		http.Error(w, "cross-site request refused", http.StatusForbidden)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad form", http.StatusBadRequest)
		return
	}
	f, err := parseFilter(r.PostForm, a.o.Location, a.o.Subjects)
	if err != nil {
		a.showSearch(w, r, who, filter{params: url.Values{}}, r.PostForm, err)
		return
	}
	http.Redirect(w, r, "/audit/?"+f.params.Encode(), http.StatusSeeOther)
}

func (a *auditApp) search(w http.ResponseWriter, r *http.Request, who auditor) {
	v := r.URL.Query()
	f, err := parseFilter(v, a.o.Location, a.o.Subjects)
	if err != nil {
		a.showSearch(w, r, who, filter{params: url.Values{}}, v, err)
		return
	}
	if raw := v.Get("subject"); raw != "" && raw != f.subject {
		// A plain identifier in the URL: search by its hash instead.
		http.Redirect(w, r, "/audit/?"+f.params.Encode(), http.StatusSeeOther)
		return
	}
	a.showSearch(w, r, who, f, nil, nil)
}

// showSearch records the search, runs it and renders the page. A filter
// error is shown without searching (and without logging).
func (a *auditApp) showSearch(w http.ResponseWriter, r *http.Request, who auditor, f filter, typed url.Values, ferr error) {
	p := a.pageData(w, r, who)
	d := searchData{pageData: p, Form: map[string]string{}}
	fill := f.params
	if typed != nil {
		fill = typed
	}
	for _, k := range []string{"ais", "ovm", "agenda", "role", "service", "upstream", "user", "purpose", "outcome"} {
		d.Form[k] = fill.Get(k)
	}
	if typed == nil {
		d.Form["subject"] = f.subject // the hash, never a typed identifier
	}
	for _, k := range []string{"from", "to"} {
		if t, err := parseTime(fill.Get(k), a.o.Location); err == nil {
			d.Form[k] = t.In(a.o.Location).Format("2006-01-02T15:04:05")
		}
	}
	d.Outcomes = append(d.Outcomes, option{Value: "", Label: p.T("any")})
	for _, o := range outcomes {
		d.Outcomes = append(d.Outcomes, option{Value: o, Label: p.T("outcome-" + o), Selected: fill.Get("outcome") == o})
	}
	export := func(format string) string {
		q := url.Values{}
		for k, v := range f.params {
			if k != "order" && k != "limit" {
				q[k] = v
			}
		}
		q.Set("format", format)
		return "/audit/export?" + q.Encode()
	}
	d.ExportCSV, d.ExportJSONL = export(audit.FormatCSV), export(audit.FormatJSONL)
	var fe *filterError
	if errors.As(ferr, &fe) {
		d.Error = fe.cs
		if p.Lang == "en" {
			d.Error = fe.en
		}
		a.render(w, http.StatusBadRequest, "search", d)
		return
	}
	if err := a.trail(r, who, ActionSearch, "ok", f.describe()+pagePosition(f), f.subject, ""); err != nil {
		a.unavailable(w, r, who)
		return
	}
	entries, err := a.o.Store.QueryAccess(r.Context(), f.q)
	if err != nil {
		a.log.Error("audit search failed", zap.Error(err))
		a.message(w, r, who, http.StatusInternalServerError, "error", "error-text")
		return
	}
	for _, e := range entries {
		d.Entries = append(d.Entries, entryRow{Seq: e.Seq, URL: "/audit/entry/" + strconv.FormatInt(e.Seq, 10),
			Time: a.localTime(e.Time), AIS: e.AIS, OVM: e.OVM, Agenda: e.Agenda, Role: e.Role, Upstream: e.Upstream,
			Service: e.Service, User: e.User, Outcome: e.Outcome, OutcomeLabel: outcomeLabel(p.Lang, e.Outcome), Sealed: e.Sealed})
	}
	limit := f.q.Limit
	if limit == 0 {
		limit = store.DefaultQueryLimit
	}
	if len(entries) == limit {
		q := cloneValues(f.params)
		q.Set("after", encodeCursor(store.CursorOf(entries[len(entries)-1])))
		d.NextURL = "/audit/?" + q.Encode()
	}
	if f.q.After != nil {
		d.FirstURL = "/audit/?" + f.params.Encode()
	}
	a.render(w, http.StatusOK, "search", d)
}

func pagePosition(f filter) string {
	if f.q.After == nil {
		return ""
	}
	return " after=" + encodeCursor(f.q.After)
}

func outcomeLabel(l, o string) string {
	if s, ok := auditText[l]["outcome-"+o]; ok {
		return s
	}
	return o
}

func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

// --- entry ---

type entryData struct {
	pageData
	Entry      store.AccessEntry
	Fields     []fieldRow
	Checkpoint *checkpointView
	Bodies     []bodyLink
}

type fieldRow struct {
	Label, Value string
	Mono         bool
}

type checkpointView struct {
	Seq                               int64
	Time, Head, Hash, Cert, Algorithm string
	Stamp                             string
}

type bodyLink struct{ URL, Label string }

func (a *auditApp) entry(w http.ResponseWriter, r *http.Request, who auditor) {
	seq, err := strconv.ParseInt(r.PathValue("seq"), 10, 64)
	if err != nil || seq < 1 {
		a.message(w, r, who, http.StatusNotFound, "not-found", "not-found-text")
		return
	}
	if err := a.trail(r, who, ActionEntry, "ok", "seq="+strconv.FormatInt(seq, 10), "", ""); err != nil {
		a.unavailable(w, r, who)
		return
	}
	e, err := a.o.Store.GetAccess(r.Context(), seq)
	if errors.Is(err, store.ErrNotFound) {
		a.message(w, r, who, http.StatusNotFound, "not-found", "not-found-text")
		return
	}
	if err != nil {
		a.log.Error("audit entry read failed", zap.Error(err))
		a.message(w, r, who, http.StatusInternalServerError, "error", "error-text")
		return
	}
	p := a.pageData(w, r, who)
	yes := func(b bool) string {
		if b {
			return p.T("yes")
		}
		return p.T("no")
	}
	d := entryData{pageData: p, Entry: e, Fields: []fieldRow{
		{Label: p.T("time"), Value: a.localTime(e.Time) + " (" + e.Time.UTC().Format("2006-01-02T15:04:05.000000Z") + ")"},
		{Label: p.T("correlation-id"), Value: e.CorrelationID, Mono: true},
		{Label: p.T("upstream"), Value: e.Upstream},
		{Label: p.T("service"), Value: e.Service},
		{Label: p.T("ais"), Value: e.AIS},
		{Label: p.T("ovm"), Value: e.OVM},
		{Label: p.T("agenda"), Value: e.Agenda},
		{Label: p.T("role"), Value: e.Role},
		{Label: p.T("user"), Value: e.User},
		{Label: p.T("purpose"), Value: e.Purpose},
		{Label: p.T("subject"), Value: e.Subject, Mono: true},
		{Label: p.T("outcome"), Value: outcomeLabel(p.Lang, e.Outcome)},
		{Label: p.T("upstream-status"), Value: e.UpstreamStatus},
		{Label: p.T("reason"), Value: e.Reason},
		{Label: p.T("latency"), Value: (time.Duration(e.LatencyMicros) * time.Microsecond).String()},
		{Label: p.T("sealed"), Value: yes(e.Sealed)},
		{Label: p.T("evidence"), Value: e.Evidence},
		{Label: p.T("request-sha256"), Value: e.RequestSHA256, Mono: true},
		{Label: p.T("response-sha256"), Value: e.ResponseSHA256, Mono: true},
		{Label: p.T("prev-hash"), Value: e.PrevHash, Mono: true},
		{Label: p.T("hash"), Value: e.Hash, Mono: true},
	}}
	if c, err := a.o.Store.CheckpointCovering(r.Context(), seq); err == nil {
		d.Checkpoint = a.checkpointView(p, c)
	} else if !errors.Is(err, store.ErrNotFound) {
		a.log.Warn("audit checkpoint read failed", zap.Error(err))
	}
	if a.o.Bodies != nil {
		if bodies, err := a.o.Store.AccessBodies(r.Context(), seq); err == nil {
			for _, b := range bodies {
				d.Bodies = append(d.Bodies, bodyLink{URL: fmt.Sprintf("/audit/entry/%d/body/%s", seq, b.Kind), Label: p.T("body-" + b.Kind)})
			}
		}
	}
	a.render(w, http.StatusOK, "entry", d)
}

func (a *auditApp) checkpointView(p pageData, c store.Checkpoint) *checkpointView {
	v := &checkpointView{Seq: c.Seq, Time: a.localTime(c.Time), Head: c.Head, Hash: c.Hash, Cert: c.CertSHA256, Algorithm: c.Algorithm}
	switch info, err := stampInfo(c, a.o); {
	case len(c.TimeStamp) == 0:
		v.Stamp = p.T("no-time-stamp")
	case err != nil:
		v.Stamp = p.T("stamp-invalid") + ": " + err.Error()
	default:
		v.Stamp = a.localTime(info.Time) + " — " + info.TSA
	}
	return v
}

func stampInfo(c store.Checkpoint, o AuditOptions) (audit.StampInfo, error) {
	if len(c.TimeStamp) == 0 {
		return audit.StampInfo{}, nil
	}
	return audit.VerifyTimeStamp(c.TimeStamp, audit.TimeStampImprint(c), o.TSARoots)
}

func (a *auditApp) body(w http.ResponseWriter, r *http.Request, who auditor) {
	seq, err := strconv.ParseInt(r.PathValue("seq"), 10, 64)
	kind := r.PathValue("kind")
	if err != nil || seq < 1 || (kind != store.BodyRequest && kind != store.BodyResponse) || a.o.Bodies == nil {
		a.message(w, r, who, http.StatusNotFound, "not-found", "not-found-text")
		return
	}
	if err := a.trail(r, who, ActionBody, "ok", fmt.Sprintf("seq=%d kind=%s", seq, kind), "", ""); err != nil {
		a.unavailable(w, r, who)
		return
	}
	e, err := a.o.Store.GetAccess(r.Context(), seq)
	if err != nil {
		a.message(w, r, who, http.StatusNotFound, "not-found", "not-found-text")
		return
	}
	bodies, err := a.o.Store.AccessBodies(r.Context(), seq)
	if err != nil {
		a.message(w, r, who, http.StatusInternalServerError, "error", "error-text")
		return
	}
	for _, b := range bodies {
		if b.Kind != kind {
			continue
		}
		plain, err := a.o.Bodies.Open(e, b)
		if err != nil {
			a.log.Error("stored body does not open", zap.Int64("seq", seq), zap.Error(err))
			a.message(w, r, who, http.StatusInternalServerError, "error", "error-text")
			return
		}
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="konektor-%d-%s.xml"`, seq, kind))
		_, _ = w.Write(plain)
		return
	}
	a.message(w, r, who, http.StatusNotFound, "not-found", "not-found-text")
}

// --- export ---

func (a *auditApp) export(w http.ResponseWriter, r *http.Request, who auditor) {
	v := r.URL.Query()
	format := v.Get("format")
	if format != audit.FormatCSV && format != audit.FormatJSONL {
		http.Error(w, "format is csv or jsonl / formát je csv nebo jsonl", http.StatusBadRequest)
		return
	}
	f, err := parseFilter(v, a.o.Location, a.o.Subjects)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if err := a.trail(r, who, ActionExport, "ok", f.describe()+" format="+format, f.subject, ""); err != nil {
		a.unavailable(w, r, who)
		return
	}
	ct := "text/csv; charset=utf-8"
	if format == audit.FormatJSONL {
		ct = "application/jsonl; charset=utf-8"
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="konektor-pristupy-%s.%s"`,
		a.o.Now().In(a.o.Location).Format("20060102-150405"), format))
	if err := audit.ExportQuery(r.Context(), a.o.Store, f.q, format, w); err != nil {
		// Headers are gone: the file ends short; the log says why.
		a.log.Error("audit export failed midway", zap.Error(err))
	}
}
