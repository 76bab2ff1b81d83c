package httpapi

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"konektor/gateway/audit"
	"konektor/gateway/subject"
	"konektor/internal/store"
)

// Nobody but an auditor gets in (issue 6 §4): no credentials → the login
// form or 401; an agenda system's certificate → 403, recorded; an
// auditor's certificate or a configured password → in.
func TestAuditAccessControl(t *testing.T) {
	t.Parallel()
	env := newAuditEnv(t, nil)
	basic := func(user, pw string) func(*http.Request) {
		return func(r *http.Request) { r.SetBasicAuth(user, pw) }
	}
	for _, c := range []struct {
		name     string
		cert     string
		path     string
		auth     func(*http.Request)
		want     int
		location string
	}{
		{"page-without-credentials", "", "/audit/", nil, http.StatusSeeOther, "/audit/login"},
		{"entry-without-credentials", "", "/audit/entry/1", nil, http.StatusSeeOther, "/audit/login"},
		{"export-without-credentials", "", "/audit/export?format=csv", nil, http.StatusSeeOther, "/audit/login"},
		{"api-without-credentials", "", "/audit/api/entries", nil, http.StatusUnauthorized, ""},
		{"verify-without-credentials", "", "/audit/api/verify", nil, http.StatusUnauthorized, ""},
		{"page-with-ais-certificate", "999002", "/audit/", nil, http.StatusForbidden, ""},
		{"api-with-ais-certificate", "999002", "/audit/api/entries", nil, http.StatusForbidden, ""},
		{"ais-certificate-with-password", "999002", "/audit/api/entries", basic("novakova", "tajné heslo"), http.StatusForbidden, ""},
		{"page-with-auditor-certificate", "auditor", "/audit/", nil, http.StatusOK, ""},
		{"api-with-auditor-certificate", "auditor", "/audit/api/entries", nil, http.StatusOK, ""},
		{"api-with-password", "", "/audit/api/entries", basic("novakova", "tajné heslo"), http.StatusOK, ""},
		{"api-with-wrong-password", "", "/audit/api/entries", basic("novakova", "špatné"), http.StatusUnauthorized, ""},
		{"api-with-unknown-user", "", "/audit/api/entries", basic("nikdo", "tajné heslo"), http.StatusUnauthorized, ""},
		{"basic-does-not-open-pages", "", "/audit/", basic("novakova", "tajné heslo"), http.StatusSeeOther, "/audit/login"},
		{"login-form-is-public", "", "/audit/login", nil, http.StatusOK, ""},
		{"stylesheet-is-public", "", "/audit/static/audit.css", nil, http.StatusOK, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodGet, env.srv.URL+c.path, nil)
			if c.auth != nil {
				c.auth(req)
			}
			resp, err := env.client(t, c.cert).Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != c.want {
				t.Fatalf("GET %s = %d, want %d", c.path, resp.StatusCode, c.want)
			}
			if c.location != "" && resp.Header.Get("Location") != c.location {
				t.Fatalf("Location = %q, want %q", resp.Header.Get("Location"), c.location)
			}
			if c.want == http.StatusUnauthorized && !strings.HasPrefix(resp.Header.Get("WWW-Authenticate"), "Basic") {
				t.Fatal("401 without a Basic challenge")
			}
		})
	}
	refused := 0
	for _, e := range env.trailEntries(t) {
		if e.Service == ActionAccess {
			refused++
			if e.Outcome != "denied" || e.User != "cert:999002" || !strings.Contains(e.Evidence, "SHA-256") {
				t.Errorf("refusal logged as %+v", e)
			}
		}
	}
	if refused != 3 {
		t.Fatalf("%d refusals in the access log, want 3", refused)
	}
}

func postForm(t *testing.T, c *http.Client, u string, v url.Values) *http.Response {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, u, strings.NewReader(v.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

func TestAuditPasswordLogin(t *testing.T) {
	t.Parallel()
	env := newAuditEnv(t, nil)
	c := env.client(t, "")
	if resp := postForm(t, c, env.srv.URL+"/audit/login", url.Values{"username": {"novakova"}, "password": {"špatné"}}); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("wrong password: %d", resp.StatusCode)
	}
	resp := postForm(t, c, env.srv.URL+"/audit/login", url.Values{"username": {"novakova"}, "password": {"tajné heslo"}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/audit/" {
		t.Fatalf("login = %d → %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	var cookie *http.Cookie
	for _, ck := range resp.Cookies() {
		if ck.Name == sessionCookie {
			cookie = ck
		}
	}
	if cookie == nil || !cookie.HttpOnly || !cookie.Secure || cookie.SameSite != http.SameSiteStrictMode {
		t.Fatalf("session cookie %+v: want HttpOnly, Secure, SameSite=Strict", cookie)
	}
	if status, _, body := get(t, c, env.srv.URL+"/audit/"); status != http.StatusOK || !strings.Contains(body, "novakova") {
		t.Fatalf("after login: %d", status)
	}
	// The session ends after its lifetime.
	env.clock.Set(env.clock.Now().Add(9 * time.Hour))
	if status, _, _ := get(t, c, env.srv.URL+"/audit/"); status != http.StatusSeeOther {
		t.Fatalf("after the session expired: %d, want the login form", status)
	}
	logins := map[string]int{}
	for _, e := range env.trailEntries(t) {
		if e.Service == ActionLogin {
			logins[e.Outcome]++
		}
	}
	if logins["ok"] != 1 || logins["denied"] != 1 {
		t.Fatalf("logins in the access log: %v", logins)
	}
}

func TestAuditLoginThrottling(t *testing.T) {
	t.Parallel()
	env := newAuditEnv(t, nil)
	c := env.client(t, "")
	for range maxLoginFailures {
		postForm(t, c, env.srv.URL+"/audit/login", url.Values{"username": {"novakova"}, "password": {"x"}})
	}
	// Locked: even the right password is refused until the lockout ends.
	if resp := postForm(t, c, env.srv.URL+"/audit/login", url.Values{"username": {"novakova"}, "password": {"tajné heslo"}}); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("locked login = %d", resp.StatusCode)
	}
	env.clock.Set(env.clock.Now().Add(loginLockout + time.Second))
	if resp := postForm(t, c, env.srv.URL+"/audit/login", url.Values{"username": {"novakova"}, "password": {"tajné heslo"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("login after the lockout = %d", resp.StatusCode)
	}
}

func TestAuditRefusesCrossSitePosts(t *testing.T) {
	t.Parallel()
	env := newAuditEnv(t, nil)
	for _, path := range []string{"/audit/login", "/audit/logout", "/audit/search"} {
		req, _ := http.NewRequest(http.MethodPost, env.srv.URL+path, strings.NewReader("username=novakova&password=tajn%C3%A9+heslo"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", "https://evil.example")
		resp, err := env.client(t, "auditor").Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("cross-site POST %s = %d, want 403", path, resp.StatusCode)
		}
	}
}

var seqLink = regexp.MustCompile(`class="entry-link" id="entry-\d+" href="/audit/entry/(\d+)"`)

func pageSeqs(body string) []int64 {
	var out []int64
	for _, m := range seqLink.FindAllStringSubmatch(body, -1) {
		n, _ := strconv.ParseInt(m[1], 10, 64)
		out = append(out, n)
	}
	return out
}

func TestAuditSearchPages(t *testing.T) {
	t.Parallel()
	env := newAuditEnv(t, nil)
	c := env.client(t, "auditor")
	// AIS 5678 has the odd seqs (entries 1, 3, … are i = 1, 3, …: seq i+1).
	status, _, body := get(t, c, env.srv.URL+"/audit/?ais=5678&limit=25")
	if status != http.StatusOK {
		t.Fatalf("search = %d", status)
	}
	first := pageSeqs(body)
	if len(first) != 25 || first[0] != 120 || first[24] != 72 {
		t.Fatalf("first page seqs %v", first)
	}
	next := regexp.MustCompile(`id="next-page" href="([^"]+)"`).FindStringSubmatch(body)
	if next == nil {
		t.Fatal("no next page link")
	}
	_, _, body = get(t, c, env.srv.URL+strings.ReplaceAll(next[1], "&amp;", "&"))
	if second := pageSeqs(body); len(second) != 25 || second[0] != 70 {
		t.Fatalf("second page seqs %v", second)
	}
	for _, c := range []struct {
		name  string
		query string
		want  func(store.AccessEntry) bool
	}{
		{"outcome", "outcome=denied", func(e store.AccessEntry) bool { return e.Outcome == "denied" }},
		{"user-and-ais", "user=referent1&ais=1234", func(e store.AccessEntry) bool { return e.User == "referent1" && e.AIS == "1234" }},
		{"purpose", "purpose=" + url.QueryEscape("ověření"), func(store.AccessEntry) bool { return true }},
		{"time-range-local", "from=2026-03-02T10:10&to=2026-03-02T10:20", func(e store.AccessEntry) bool {
			return !e.Time.Before(at.Add(10*time.Minute)) && e.Time.Before(at.Add(20*time.Minute))
		}},
		{"time-range-utc", "from=2026-03-02T09:10:00Z&to=2026-03-02T09:20:00Z", func(e store.AccessEntry) bool {
			return !e.Time.Before(at.Add(10*time.Minute)) && e.Time.Before(at.Add(20*time.Minute))
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			// upstream=iszr: leave out the auditors' own searches.
			_, _, body := get(t, env.client(t, "auditor"), env.srv.URL+"/audit/?limit=1000&upstream=iszr&"+c.query)
			var want []int64
			for i := len(env.entries) - 1; i >= 0; i-- {
				if c.want(env.entries[i]) {
					want = append(want, env.entries[i].Seq)
				}
			}
			if got := pageSeqs(body); !slices.Equal(got, want) {
				t.Fatalf("seqs %v\nwant %v", got, want)
			}
		})
	}
	// Every search is in the access log, with its filter.
	var found bool
	for _, e := range env.trailEntries(t) {
		if e.Service == ActionSearch && strings.Contains(e.Purpose, `ais="5678"`) && e.User == "cert:auditor" && e.Outcome == "ok" {
			found = true
		}
	}
	if !found {
		t.Fatal("the search is not in the access log")
	}
}

// A subject is searched by its keyed hash: the IČO typed into the form
// appears neither in the URL nor in the access log.
func TestAuditSubjectSearch(t *testing.T) {
	t.Parallel()
	env := newAuditEnv(t, nil)
	c := env.client(t, "auditor")
	resp := postForm(t, c, env.srv.URL+"/audit/search", url.Values{"subject": {"IČO: 645 81"}, "limit": {"100"}, "upstream": {"iszr"}})
	loc := resp.Header.Get("Location")
	hash, _ := env.subjects.Hash(subject.KindICO, testIČO)
	if resp.StatusCode != http.StatusSeeOther || strings.Contains(loc, "645") || !strings.Contains(loc, url.QueryEscape(hash)) {
		t.Fatalf("search form = %d → %q; want a redirect to the hash", resp.StatusCode, loc)
	}
	_, _, body := get(t, c, env.srv.URL+loc)
	got := pageSeqs(body)
	if len(got) != 18 {
		t.Fatalf("subject search found %d entries, want 18 (every seventh of 120)", len(got))
	}
	// A plain identifier in a URL is redirected to its hash too.
	status, h, _ := get(t, c, env.srv.URL+"/audit/?subject=00064581")
	if status != http.StatusSeeOther || strings.Contains(h.Get("Location"), "00064581") {
		t.Fatalf("plain subject in the URL = %d → %q", status, h.Get("Location"))
	}
	for _, e := range env.trailEntries(t) {
		if strings.Contains(e.Purpose, "645 81") || strings.Contains(e.Purpose, "IČO") {
			t.Fatalf("the typed identifier reached the access log: %q", e.Purpose)
		}
		if e.Service == ActionSearch && e.Subject != hash {
			t.Fatalf("search logged with subject %q, want the hash", e.Subject)
		}
	}
}

func TestAuditFilterErrors(t *testing.T) {
	t.Parallel()
	env := newAuditEnv(t, func(o *AuditOptions) { o.Subjects = nil })
	c := env.client(t, "auditor")
	for _, q := range []string{"from=yesterday", "from=2026-03-03&to=2026-03-02", "limit=0", "order=sideways",
		"after=x", "subject=00064581", "ais=" + strings.Repeat("x", 300)} {
		status, _, body := get(t, c, env.srv.URL+"/audit/?"+q)
		if status != http.StatusBadRequest || !strings.Contains(body, `id="search-error"`) {
			t.Errorf("GET /audit/?%s = %d, want 400 with the error shown", q, status)
		}
		status, _, body = get(t, c, env.srv.URL+"/audit/api/entries?"+q)
		var e apiError
		if status != http.StatusBadRequest || json.Unmarshal([]byte(body), &e) != nil || e.CS == "" || e.EN == "" {
			t.Errorf("API ?%s = %d %s, want 400 with Czech and English messages", q, status, body)
		}
	}
}

func TestAuditAPIEntries(t *testing.T) {
	t.Parallel()
	env := newAuditEnv(t, nil)
	c := env.client(t, "auditor")
	var all []audit.EntryRecord
	next := ""
	for range 10 {
		u := env.srv.URL + "/audit/api/entries?ais=1234&limit=20"
		if next != "" {
			u += "&after=" + next
		}
		status, h, body := get(t, c, u)
		if status != http.StatusOK || !strings.HasPrefix(h.Get("Content-Type"), "application/json") {
			t.Fatalf("GET %s = %d %s", u, status, h.Get("Content-Type"))
		}
		var page struct {
			Entries []audit.EntryRecord `json:"entries"`
			Next    string              `json:"next"`
		}
		dec := json.NewDecoder(strings.NewReader(body))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&page); err != nil {
			t.Fatal(err)
		}
		all = append(all, page.Entries...)
		if next = page.Next; next == "" {
			break
		}
	}
	if len(all) != 60 || all[0].Seq != 119 || all[59].Seq != 1 {
		t.Fatalf("paged %d entries (%d…%d), want the 60 of AIS 1234 newest first", len(all), all[0].Seq, all[len(all)-1].Seq)
	}
	for _, r := range all {
		if r.AIS != "1234" || r.Hash == "" {
			t.Fatalf("entry %+v", r)
		}
	}
	// One entry's detail, with its checkpoint and verified time stamp.
	status, _, body := get(t, c, env.srv.URL+"/audit/api/entries/3")
	var d entryDetail
	if status != http.StatusOK || json.Unmarshal([]byte(body), &d) != nil {
		t.Fatalf("entry detail = %d %s", status, body)
	}
	if d.Entry.Seq != 3 || d.Checkpoint == nil || d.Checkpoint.Seq != 50 || d.Checkpoint.TimeStamp == nil || !d.Checkpoint.TimeStamp.Valid ||
		!slices.Equal(d.Bodies, []string{"request", "response"}) {
		t.Fatalf("entry detail %s", body)
	}
	if status, _, _ := get(t, c, env.srv.URL+"/audit/api/entries/9999"); status != http.StatusNotFound {
		t.Fatalf("missing entry = %d", status)
	}
}

func TestAuditAPIVerify(t *testing.T) {
	t.Parallel()
	env := newAuditEnv(t, nil)
	c := env.client(t, "auditor")
	var v verifyStatus
	status, _, body := get(t, c, env.srv.URL+"/audit/api/verify")
	if status != http.StatusOK || json.Unmarshal([]byte(body), &v) != nil {
		t.Fatalf("verify = %d %s", status, body)
	}
	// 120 seeded entries and the verification itself, logged before it ran.
	if !v.OK || v.Entries != 121 || v.Checkpoints != 2 || v.Stamped != 2 || v.LastCheckpoint != 100 || v.Unsealed != 21 || v.SummaryCS == "" {
		t.Fatalf("verify status %s", body)
	}
	// The page shows the chain status.
	if _, _, page := get(t, c, env.srv.URL+"/audit/"); !strings.Contains(page, `class="status ok"`) {
		t.Fatal("the page does not show an intact chain")
	}
	tamper(t, env.path, "UPDATE access_log SET purpose = 'jiný' WHERE seq = 7")
	status, _, body = get(t, c, env.srv.URL+"/audit/api/verify?full=1")
	if status != http.StatusOK || json.Unmarshal([]byte(body), &v) != nil || v.OK || v.FirstBad != 7 || v.Problem != "hash-mismatch" {
		t.Fatalf("verify after tampering = %d %s", status, body)
	}
	if _, _, page := get(t, c, env.srv.URL+"/audit/"); !strings.Contains(page, `class="status bad"`) {
		t.Fatal("the page does not show the broken chain")
	}
}

func TestAuditExport(t *testing.T) {
	t.Parallel()
	env := newAuditEnv(t, nil)
	c := env.client(t, "auditor")
	status, h, body := get(t, c, env.srv.URL+"/audit/export?format=csv&outcome=denied")
	if status != http.StatusOK || !strings.HasPrefix(h.Get("Content-Type"), "text/csv") || !strings.Contains(h.Get("Content-Disposition"), "attachment") {
		t.Fatalf("CSV export = %d %v", status, h)
	}
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 13 || rows[0][0] != "seq" || rows[1][0] != "10" || rows[12][0] != "120" {
		t.Fatalf("CSV has %d rows (%v…)", len(rows), rows[:2])
	}
	status, _, body = get(t, c, env.srv.URL+"/audit/export?format=jsonl&ais=1234")
	if status != http.StatusOK || strings.Count(body, "\n") != 60 {
		t.Fatalf("JSONL export = %d, %d lines", status, strings.Count(body, "\n"))
	}
	if status, _, _ := get(t, c, env.srv.URL+"/audit/export?format=xml"); status != http.StatusBadRequest {
		t.Fatalf("XML export = %d, want 400", status)
	}
	exports := 0
	for _, e := range env.trailEntries(t) {
		if e.Service == ActionExport {
			exports++
		}
	}
	if exports != 2 {
		t.Fatalf("%d exports in the access log, want 2", exports)
	}
}

func TestAuditEntryPage(t *testing.T) {
	t.Parallel()
	env := newAuditEnv(t, nil)
	c := env.client(t, "auditor")
	e := env.entries[1]
	status, _, body := get(t, c, env.srv.URL+"/audit/entry/2")
	if status != http.StatusOK {
		t.Fatalf("entry page = %d", status)
	}
	for _, want := range []string{e.Hash, e.PrevHash, e.RequestSHA256, e.CorrelationID, `id="checkpoint"`, "konektor sandbox TSA", "Stáhnout odpověď"} {
		if !strings.Contains(body, want) {
			t.Errorf("entry page lacks %q", want)
		}
	}
	_, _, body = get(t, c, env.srv.URL+"/audit/entry/110?lang=en")
	if !strings.Contains(body, `id="no-checkpoint"`) || !strings.Contains(body, "No checkpoint covers") {
		t.Error("entry 110 (after the last checkpoint) is not shown as uncovered, in English")
	}
	status, h, body := get(t, c, env.srv.URL+"/audit/entry/2/body/response")
	if status != http.StatusOK || body != `<sealed n="1"/>` || !strings.Contains(h.Get("Content-Disposition"), "attachment") {
		t.Fatalf("body download = %d %q", status, body)
	}
	for _, p := range []string{"/audit/entry/999", "/audit/entry/x", "/audit/entry/5/body/response", "/audit/entry/2/body/other", "/audit/nowhere"} {
		if status, _, _ := get(t, c, env.srv.URL+p); status != http.StatusNotFound {
			t.Errorf("GET %s = %d, want 404", p, status)
		}
	}
}

// When an auditor's action cannot be logged, nothing is shown.
func TestAuditShowsNothingUnlogged(t *testing.T) {
	t.Parallel()
	env := newAuditEnv(t, func(o *AuditOptions) { o.Recorder = failingRecorder{} })
	c := env.client(t, "auditor")
	for _, p := range []string{"/audit/", "/audit/entry/1", "/audit/export?format=csv", "/audit/api/entries", "/audit/api/verify", "/audit/entry/1/body/request"} {
		status, _, body := get(t, c, env.srv.URL+p)
		if status != http.StatusServiceUnavailable || strings.Contains(body, env.entries[0].Hash) || strings.Contains(body, "c-000") {
			t.Errorf("GET %s with the log down = %d", p, status)
		}
	}
}

type failingRecorder struct{}

func (failingRecorder) Record(context.Context, store.AccessEntry) (store.AccessEntry, error) {
	return store.AccessEntry{}, errors.New("disk full")
}

func TestAuditLanguagesAndHeaders(t *testing.T) {
	t.Parallel()
	for key := range auditText["cs"] {
		if _, ok := auditText["en"][key]; !ok {
			t.Errorf("English lacks %q", key)
		}
	}
	for key := range auditText["en"] {
		if _, ok := auditText["cs"][key]; !ok {
			t.Errorf("Czech lacks %q", key)
		}
	}
	env := newAuditEnv(t, nil)
	c := env.client(t, "auditor")
	_, h, body := get(t, c, env.srv.URL+"/audit/")
	if !strings.Contains(body, `lang="cs"`) || !strings.Contains(body, "Protokol přístupů") {
		t.Fatal("the page is not Czech by default")
	}
	for k, want := range map[string]string{"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff",
		"Content-Security-Policy": "default-src 'none'", "X-Frame-Options": "DENY"} {
		if !strings.Contains(h.Get(k), want) {
			t.Errorf("header %s = %q, want %q", k, h.Get(k), want)
		}
	}
	_, _, body = get(t, c, env.srv.URL+"/audit/?lang=en")
	if !strings.Contains(body, `lang="en"`) || !strings.Contains(body, "Access log") {
		t.Fatal("?lang=en does not switch to English")
	}
	// The choice is remembered.
	if _, _, body = get(t, c, env.srv.URL+"/audit/"); !strings.Contains(body, `lang="en"`) {
		t.Fatal("the English choice is not remembered")
	}
}

func TestNewAuditRejectsBadOptions(t *testing.T) {
	t.Parallel()
	env := newAuditEnv(t, nil)
	ok := AuditOptions{Store: env.st, Status: env.mon, Recorder: env.rec}
	for _, c := range []struct {
		name string
		edit func(*AuditOptions)
	}{
		{"no-store", func(o *AuditOptions) { o.Store = nil }},
		{"plain-password", func(o *AuditOptions) { o.Users = map[string]string{"a": "heslo"} }},
		{"colon-in-name", func(o *AuditOptions) { o.Users = map[string]string{"a:b": "$2a$10$x"} }},
		{"short-session-key", func(o *AuditOptions) { o.SessionKey = []byte("short") }},
	} {
		t.Run(c.name, func(t *testing.T) {
			o := ok
			c.edit(&o)
			if _, err := NewAudit(o); err == nil {
				t.Fatal("NewAudit accepted bad options")
			}
		})
	}
}
