package httpapi

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"time"

	"go.uber.org/zap"

	"konektor/gateway/audit"
	"konektor/internal/store"
)

// apiError is the body of every API error.
type apiError struct {
	Error string `json:"error"`
	CS    string `json:"message_cs"`
	EN    string `json:"message_en"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

func writeAPIError(w http.ResponseWriter, status int, code, cs, en string) {
	writeJSON(w, status, apiError{Error: code, CS: cs, EN: en})
}

// entriesPage is the answer of GET /audit/api/entries.
type entriesPage struct {
	Entries []audit.EntryRecord `json:"entries"`
	// Next is the "after" value of the next page; absent on the last page.
	Next string `json:"next,omitempty"`
}

func (a *auditApp) apiEntries(w http.ResponseWriter, r *http.Request, who auditor) {
	f, err := parseFilter(r.URL.Query(), a.o.Location, a.o.Subjects)
	var fe *filterError
	if errors.As(err, &fe) {
		writeAPIError(w, http.StatusBadRequest, "invalid-filter", fe.cs, fe.en)
		return
	}
	if err := a.trail(r, who, ActionAPISearch, "ok", f.describe()+pagePosition(f), f.subject, ""); err != nil {
		writeAPIError(w, http.StatusServiceUnavailable, "audit-unavailable", tr("cs", "unavailable-text"), tr("en", "unavailable-text"))
		return
	}
	entries, err := a.o.Store.QueryAccess(r.Context(), f.q)
	if err != nil {
		a.log.Error("audit API search failed", zap.Error(err))
		writeAPIError(w, http.StatusInternalServerError, "internal", tr("cs", "error-text"), tr("en", "error-text"))
		return
	}
	out := entriesPage{Entries: make([]audit.EntryRecord, 0, len(entries))}
	for _, e := range entries {
		out.Entries = append(out.Entries, audit.RecordOf(e))
	}
	limit := f.q.Limit
	if limit == 0 {
		limit = store.DefaultQueryLimit
	}
	if len(entries) == limit {
		out.Next = encodeCursor(store.CursorOf(entries[len(entries)-1]))
	}
	writeJSON(w, http.StatusOK, out)
}

// entryDetail is the answer of GET /audit/api/entries/{seq}.
type entryDetail struct {
	Entry      audit.EntryRecord `json:"entry"`
	Checkpoint *checkpointJSON   `json:"checkpoint"` // null: not yet covered
	Bodies     []string          `json:"bodies"`     // kinds stored
}

type checkpointJSON struct {
	Seq        int64      `json:"seq"`
	Time       time.Time  `json:"time"`
	Head       string     `json:"head"`
	Hash       string     `json:"hash"`
	CertSHA256 string     `json:"cert_sha256"`
	Algorithm  string     `json:"algorithm"`
	TimeStamp  *stampJSON `json:"time_stamp"` // null: unstamped
}

type stampJSON struct {
	Valid bool      `json:"valid"`
	Time  time.Time `json:"time,omitzero"`
	TSA   string    `json:"tsa,omitempty"`
	Error string    `json:"error,omitempty"`
	Token []byte    `json:"token"` // DER, base64
}

func (a *auditApp) apiEntry(w http.ResponseWriter, r *http.Request, who auditor) {
	seq, err := strconv.ParseInt(r.PathValue("seq"), 10, 64)
	if err != nil || seq < 1 {
		writeAPIError(w, http.StatusNotFound, "not-found", tr("cs", "not-found-text"), tr("en", "not-found-text"))
		return
	}
	if err := a.trail(r, who, ActionAPIEntry, "ok", "seq="+strconv.FormatInt(seq, 10), "", ""); err != nil {
		writeAPIError(w, http.StatusServiceUnavailable, "audit-unavailable", tr("cs", "unavailable-text"), tr("en", "unavailable-text"))
		return
	}
	e, err := a.o.Store.GetAccess(r.Context(), seq)
	if errors.Is(err, store.ErrNotFound) {
		writeAPIError(w, http.StatusNotFound, "not-found", tr("cs", "not-found-text"), tr("en", "not-found-text"))
		return
	}
	if err != nil {
		writeAPIError(w, http.StatusInternalServerError, "internal", tr("cs", "error-text"), tr("en", "error-text"))
		return
	}
	d := entryDetail{Entry: audit.RecordOf(e), Bodies: []string{}}
	if c, err := a.o.Store.CheckpointCovering(r.Context(), seq); err == nil {
		cj := &checkpointJSON{Seq: c.Seq, Time: c.Time, Head: c.Head, Hash: c.Hash, CertSHA256: c.CertSHA256, Algorithm: c.Algorithm}
		if len(c.TimeStamp) > 0 {
			s := &stampJSON{Token: c.TimeStamp}
			if info, err := stampInfo(c, a.o); err != nil {
				s.Error = err.Error()
			} else {
				s.Valid, s.Time, s.TSA = true, info.Time, info.TSA
			}
			cj.TimeStamp = s
		}
		d.Checkpoint = cj
	}
	if bodies, err := a.o.Store.AccessBodies(r.Context(), seq); err == nil {
		for _, b := range bodies {
			d.Bodies = append(d.Bodies, b.Kind)
		}
	}
	writeJSON(w, http.StatusOK, d)
}

// verifyStatus is the answer of GET /audit/api/verify.
type verifyStatus struct {
	OK               bool      `json:"ok"`
	Entries          int64     `json:"entries"`
	Start            int64     `json:"start"`
	LastSeq          int64     `json:"last_seq"`
	Head             string    `json:"head"`
	FirstBad         int64     `json:"first_bad,omitempty"`
	Problem          string    `json:"problem,omitempty"`
	ProblemCS        string    `json:"problem_cs,omitempty"`
	ProblemEN        string    `json:"problem_en,omitempty"`
	Checkpoints      int64     `json:"checkpoints"`
	Stamped          int64     `json:"time_stamped"`
	LastCheckpoint   int64     `json:"last_checkpoint"`
	LastCheckpointAt time.Time `json:"last_checkpoint_at,omitzero"`
	LastStampAt      time.Time `json:"last_time_stamp_at,omitzero"`
	Unsealed         int64     `json:"unsealed"`
	CheckedAt        time.Time `json:"checked_at"`
	FullAt           time.Time `json:"full_at"`
	SummaryCS        string    `json:"summary_cs"`
	SummaryEN        string    `json:"summary_en"`
}

func (a *auditApp) apiVerify(w http.ResponseWriter, r *http.Request, who auditor) {
	full := r.URL.Query().Get("full") == "1"
	purpose := "incremental"
	if full {
		purpose = "full"
	}
	if err := a.trail(r, who, ActionVerify, "ok", purpose, "", ""); err != nil {
		writeAPIError(w, http.StatusServiceUnavailable, "audit-unavailable", tr("cs", "unavailable-text"), tr("en", "unavailable-text"))
		return
	}
	check := a.o.Status.Check
	if full {
		check = a.o.Status.Full
	}
	st, err := check(r.Context())
	if err != nil {
		a.log.Error("access log verification failed to read the log", zap.Error(err))
		writeAPIError(w, http.StatusInternalServerError, "internal", tr("cs", "error-text"), tr("en", "error-text"))
		return
	}
	writeJSON(w, http.StatusOK, verifyStatus{OK: st.OK, Entries: st.Entries, Start: st.Start, LastSeq: st.LastSeq,
		Head: st.Head, FirstBad: st.FirstBad, Problem: string(st.Problem), ProblemCS: st.ProblemCS, ProblemEN: st.ProblemEN,
		Checkpoints: st.Checkpoints, Stamped: st.Stamped, LastCheckpoint: st.LastCheckpoint,
		LastCheckpointAt: st.LastCheckpointAt, LastStampAt: st.LastStampAt, Unsealed: st.Unsealed,
		CheckedAt: st.CheckedAt, FullAt: st.FullAt, SummaryCS: st.SummaryCS(), SummaryEN: st.SummaryEN()})
}
