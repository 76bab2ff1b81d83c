package httpapi

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"go.uber.org/zap"

	"konektor/internal/store"
)

// AuditUpstream is the upstream name under which auditors' own actions
// appear in the access log; the action is the entry's service.
const AuditUpstream = "audit"

// Auditor actions (the Service of their access-log entries).
const (
	ActionSearch    = "search"     // a page of the search
	ActionExport    = "export"     // a CSV or JSONL export of a filter
	ActionEntry     = "entry"      // an entry's detail
	ActionBody      = "body"       // a stored body downloaded
	ActionAPISearch = "api-search" // GET /audit/api/entries
	ActionAPIEntry  = "api-entry"  // GET /audit/api/entries/{seq}
	ActionVerify    = "verify"     // GET /audit/api/verify
	ActionLogin     = "login"      // a password login, good or bad
	ActionAccess    = "access"     // a refused client certificate
)

// trailTimeout bounds writing one trail entry.
const trailTimeout = 10 * time.Second

// trail writes an auditor's action to the access log and returns only once
// it is durable; on error the caller shows nothing. purpose describes what
// was asked (a filter, an entry number), subject the keyed hash searched.
func (a *auditApp) trail(r *http.Request, who auditor, action, outcome, purpose, subjectHash, reason string) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), trailTimeout)
	defer cancel()
	sum := sha256.Sum256([]byte(r.Method + " " + r.URL.RequestURI()))
	e := store.AccessEntry{
		Time:          a.o.Now(),
		CorrelationID: newID(),
		Upstream:      AuditUpstream,
		Service:       action,
		Role:          "auditor",
		User:          clip(who.Name, 128),
		Purpose:       clip(purpose, 2000),
		Subject:       subjectHash,
		Outcome:       outcome,
		Reason:        reason,
		RequestSHA256: hex.EncodeToString(sum[:]),
		Evidence:      who.Evidence,
	}
	if _, err := a.o.Recorder.Record(ctx, e); err != nil {
		a.log.Error("auditor action not logged; nothing is shown", zap.String("action", action), zap.Error(err))
		return err
	}
	return nil
}

// refuse records a client certificate without the auditor role.
func (a *auditApp) refuse(r *http.Request, who auditor) {
	_ = a.trail(r, who, ActionAccess, "denied", r.Method+" "+r.URL.Path, "", "client certificate without the auditor role")
}

// clip shortens s to at most n bytes on a rune boundary.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	s = s[:n]
	for !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return strings.TrimSpace(s) + "…"
}
