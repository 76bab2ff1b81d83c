package isds

import (
	"context"
	"encoding/base64"
	"net/http"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap"

	"konektor/adapters/isds/sim"
	"konektor/gateway/breaker"
	"konektor/internal/store"
	"konektor/internal/store/sqlite"
	"konektor/internal/xsdcheck"
)

// draftStore is a fresh SQLite store for drafts.
func draftStore(t *testing.T) *sqlite.Store {
	t.Helper()
	s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "konektor.db"), zap.NewNop())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// createFor is the inside of a CreateMessage to recipient with one file.
func createFor(recipient, annotation, fileName, mime string, content []byte) string {
	return `<v:dmEnvelope><v:dmSenderOrgUnit xsi:nil="true"/><v:dmSenderOrgUnitNum xsi:nil="true"/><v:dbIDRecipient>` + recipient + `</v:dbIDRecipient>` +
		`<v:dmRecipientOrgUnit xsi:nil="true"/><v:dmRecipientOrgUnitNum xsi:nil="true"/><v:dmToHands xsi:nil="true"/><v:dmAnnotation>` + annotation + `</v:dmAnnotation>` +
		`<v:dmRecipientRefNumber xsi:nil="true"/><v:dmSenderRefNumber xsi:nil="true"/><v:dmRecipientIdent xsi:nil="true"/><v:dmSenderIdent xsi:nil="true"/>` +
		`<v:dmLegalTitleLaw xsi:nil="true"/><v:dmLegalTitleYear xsi:nil="true"/><v:dmLegalTitleSect xsi:nil="true"/><v:dmLegalTitlePar xsi:nil="true"/>` +
		`<v:dmLegalTitlePoint xsi:nil="true"/><v:dmPersonalDelivery>false</v:dmPersonalDelivery><v:dmAllowSubstDelivery>true</v:dmAllowSubstDelivery></v:dmEnvelope>` +
		`<v:dmFiles><v:dmFile dmMimeType="` + mime + `" dmFileMetaType="main" dmFileDescr="` + fileName + `"><v:dmEncodedContent>` +
		base64.StdEncoding.EncodeToString(content) + `</v:dmEncodedContent></v:dmFile></v:dmFiles>`
}

func (e *env) requests() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return len(e.seen)
}

// TestDrafts: a client that may prepare drafts but not send has its
// CreateMessage checked as ISDS would and kept by konektor (status 0001,
// the draft id in the text and a header, nothing sent); refusals are
// ISDS's statuses or faults; a client with PRIVIL_CREATE_DM lists and
// sends it (SendDraft), getting ISDS's own answer; the draft ends sent and
// cannot be sent twice; every step is in the access log.
func TestDrafts(t *testing.T) {
	e := newEnv(t)
	ds := draftStore(t)
	a := e.adapter(func(o *Options) { o.Drafts, o.Now = ds, e.clock })
	rec := &recorder{}
	call := isdsPipeline(t, a, rec, e.clock)
	pdf := []byte("%PDF-1.4\n% koncept\n")

	before := e.requests()
	r := call("999007", "dz", "CreateMessage", createFor("firma2x", "Výzva k doplnění", "vyzva.pdf", "application/pdf", pdf))
	id := r.Header.Get(DraftHeader)
	if r.Status != http.StatusOK || field(r.Body, "dmStatusCode") != StatusDraftSaved || id == "" ||
		!strings.Contains(field(r.Body, "dmStatusMessage"), id) || strings.Contains(string(r.Body), "dmID>") {
		t.Fatalf("draft: %d %v %s", r.Status, r.Header, r.Body)
	}
	if xsdcheck.HaveISDS() {
		xsdcheck.ValidateISDSBody(t, r.Body)
	}
	if got := rec.last(); got.Outcome != "ok" || got.UpstreamStatus != "draft 0001" ||
		got.Evidence != "isds CreateMessage draft="+id+" box=mstdemd recipient=firma2x files=1 size="+itoa(len(pdf)) {
		t.Fatalf("access log of a draft: %+v", got)
	}
	if e.requests() != before {
		t.Fatal("a draft reached ISDS")
	}

	// Checked as ISDS checks: its statuses, its faults; nothing stored.
	for _, c := range []struct {
		name, inner, code string
		status            int
	}{
		{"bad-check-character", createFor("firma2y", "Věc", "a.pdf", "application/pdf", pdf), "1007", http.StatusOK},
		{"format-not-allowed", createFor("firma2x", "Věc", "setup.exe", "application/octet-stream", []byte("MZ")), "1214", http.StatusOK},
		{"content-not-pdf", createFor("firma2x", "Věc", "a.pdf", "application/pdf", []byte("not a pdf")), "1214", http.StatusOK},
		{"annotation-too-long", createFor("firma2x", strings.Repeat("x", 256), "a.pdf", "application/pdf", pdf), "", http.StatusBadRequest},
		{"no-files", `<v:dmEnvelope><v:dbIDRecipient>firma2x</v:dbIDRecipient></v:dmEnvelope>`, "", http.StatusBadRequest},
	} {
		r := call("999007", "dz", "CreateMessage", c.inner)
		if r.Status != c.status || (c.code != "" && field(r.Body, "dmStatusCode") != c.code) || (c.code == "" && !strings.Contains(string(r.Body), "faultcode")) {
			t.Errorf("%s: %d %s", c.name, r.Status, r.Body)
		}
		if r.Header.Get(DraftHeader) != "" {
			t.Errorf("%s: stored as a draft", c.name)
		}
	}
	if r := call("999007", "dz", "CreateMessage", createFor("firma2x", "Věc", "setup.exe", "application/octet-stream", []byte("MZ"))); !strings.HasSuffix(field(r.Body, "dmStatusMessage"), ": setup.exe") {
		t.Errorf("1214 names the file as ISDS does: %s", r.Body)
	}
	list, _ := ds.ListDrafts(context.Background(), sim.BoxDemoOVM, 10)
	if len(list) != 1 {
		t.Fatalf("drafts stored: %d, want 1", len(list))
	}

	// The preparing client lists but may not send.
	r = call("999007", "dz", "k:GetListOfDrafts", "")
	if field(r.Body, "draftID") != id || field(r.Body, "state") != "draft" || field(r.Body, "dmAnnotation") != "Výzva k doplnění" {
		t.Fatalf("list: %s", r.Body)
	}
	r = call("999007", "dz", "k:SendDraft", "<k:draftID>"+id+"</k:draftID>")
	if r.Status != http.StatusForbidden || rec.last().Outcome != "denied" || !strings.Contains(rec.last().Reason, "PRIVIL_CREATE_DM") {
		t.Fatalf("send by the preparing client: %d %s %+v", r.Status, r.Body, rec.last())
	}
	// A client that may neither send nor prepare is refused, naming both.
	r = call("999004", "dz", "CreateMessage", createFor("firma2x", "Věc", "a.pdf", "application/pdf", pdf))
	if r.Status != http.StatusForbidden || !strings.Contains(rec.last().Reason, "KONEKTOR_DRAFT") {
		t.Fatalf("CreateMessage by a viewing client: %d %+v", r.Status, rec.last())
	}

	// The sender sends it: ISDS's own answer, the message at ISDS.
	r = call("999002", "dz", "k:SendDraft", "<k:draftID>"+id+"</k:draftID>")
	dmID := field(r.Body, "dmID")
	if r.Status != http.StatusOK || field(r.Body, "dmStatusCode") != "0000" || dmID == "" {
		t.Fatalf("SendDraft: %d %s", r.Status, r.Body)
	}
	if got := rec.last(); got.Service != "dz/SendDraft" || got.UpstreamStatus != "ISDS 0000" ||
		got.Evidence != "isds SendDraft draft="+id+" dmID="+dmID+" box=mstdemd recipient=firma2x" {
		t.Fatalf("access log of SendDraft: %+v", got)
	}
	d, err := ds.GetDraft(context.Background(), id)
	if err != nil || d.State != store.DraftSent || d.DmID != dmID || d.DoneBy != "999002" || d.Request != nil {
		t.Fatalf("draft after sending: %+v %v", d, err)
	}
	if got := run(t, a, exchange(t, "999002", "dz", "SignedSentMessageDownload", "<v:dmID>"+dmID+"</v:dmID>")); !strings.Contains(got.Evidence, "valid=true") {
		t.Fatalf("the sent draft at ISDS: %s", got.Evidence)
	}
	// Not twice; an unknown draft is 1219.
	r = call("999002", "dz", "k:SendDraft", "<k:draftID>"+id+"</k:draftID>")
	if r.Status != http.StatusBadRequest || !strings.Contains(string(r.Body), dmID) {
		t.Fatalf("second SendDraft: %d %s", r.Status, r.Body)
	}
	r = call("999002", "dz", "k:SendDraft", "<k:draftID>0123</k:draftID>")
	if field(r.Body, "dmStatusCode") != "1219" || !strings.Contains(string(r.Body), "CreateMessageResponse") {
		t.Fatalf("unknown draft: %s", r.Body)
	}

	// A draft ISDS refuses (an inaccessible recipient) stays open with the
	// status; the preparing client discards it.
	e.mu.Lock()
	e.now = e.now.Add(time.Minute)
	e.mu.Unlock()
	r = call("999007", "dz", "CreateMessage", createFor(sim.BoxClosed, "Věc", "a.pdf", "application/pdf", pdf))
	closed := r.Header.Get(DraftHeader)
	r = call("999002", "dz", "k:SendDraft", "<k:draftID>"+closed+"</k:draftID>")
	if field(r.Body, "dmStatusCode") != "5001" {
		t.Fatalf("SendDraft to a closed box: %s", r.Body)
	}
	if d, _ := ds.GetDraft(context.Background(), closed); d.State != store.DraftOpen || d.Status != "5001" || d.Request == nil {
		t.Fatalf("refused draft: %+v", d)
	}
	r = call("999007", "dz", "k:DeleteDraft", "<k:draftID>"+closed+"</k:draftID>")
	if field(r.Body, "dmStatusCode") != "0000" {
		t.Fatalf("DeleteDraft: %s", r.Body)
	}
	r = call("999002", "dz", "k:GetListOfDrafts", "<k:limit>10</k:limit>")
	if states := allOf(r.Body, "state"); strings.Join(states, ",") != "discarded,sent" {
		t.Fatalf("states after all: %v\n%s", states, r.Body)
	}
	if r := call("999007", "dz", "k:GetListOfDrafts", "<k:limit>0</k:limit>"); r.Status != http.StatusBadRequest {
		t.Fatalf("limit 0: %d", r.Status)
	}
}

// TestDraftWhileISDSIsDown: SendDraft while the node's breaker is open
// answers ISDS's outage status in CreateMessageResponse form and leaves
// the draft open, since nothing was sent.
func TestDraftWhileISDSIsDown(t *testing.T) {
	clk := &fakeClock{now: t0}
	s := &scripted{codes: []string{"503"}}
	a, b := guarded(t, s, clk, 5*time.Second)
	ds := draftStore(t)
	a.drafts, a.now = ds, clk.Now
	rec := &recorder{}
	call := isdsPipeline(t, a, rec, clk.Now)
	pdf := []byte("%PDF-1.4\n")
	r := call("999007", "dz", "CreateMessage", createFor("firma2x", "Věc", "a.pdf", "application/pdf", pdf))
	id := r.Header.Get(DraftHeader)
	for b.State() != breaker.Open {
		call("999002", "dz", "MessageDownload", "<v:dmID>1</v:dmID>")
	}
	r = call("999002", "dz", "k:SendDraft", "<k:draftID>"+id+"</k:draftID>")
	if field(r.Body, "dmStatusCode") != StatusOutage || !strings.Contains(string(r.Body), "CreateMessageResponse") || rec.last().Outcome != "unavailable" {
		t.Fatalf("SendDraft with the breaker open: %s %+v", r.Body, rec.last())
	}
	if d, _ := ds.GetDraft(context.Background(), id); d.State != store.DraftOpen || d.Request == nil {
		t.Fatalf("draft after an outage: %+v", d)
	}
}

// TestDraftsNeedAStore: without a draft store a preparing client is told
// so instead of having its message sent.
func TestDraftsNeedAStore(t *testing.T) {
	e := newEnv(t)
	a := e.adapter(nil)
	ex := exchange(t, "999007", "dz", "CreateMessage", createBody)
	if err := a.Describe(ex); err != nil {
		t.Fatal(err)
	}
	if d := a.Authorise(ex); !d.Permit {
		t.Fatalf("refused: %+v", d)
	}
	before := e.requests()
	if _, err := a.Call(context.Background(), ex); err == nil || !strings.Contains(err.Error(), "draft") {
		t.Fatalf("Call without a store: %v", err)
	}
	if e.requests() != before {
		t.Fatal("the message was sent")
	}
}

func allOf(body []byte, name string) []string {
	var out []string
	for _, m := range regexp.MustCompile(`<(?:\w+:)?`+name+`>([^<]*)</`).FindAllSubmatch(body, -1) {
		out = append(out, string(m[1]))
	}
	return out
}

func itoa(n int) string { return strconv.Itoa(n) }
