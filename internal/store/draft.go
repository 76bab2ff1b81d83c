package store

import (
	"context"
	"fmt"
	"time"
)

// Draft states.
const (
	// DraftOpen: waiting to be sent (SendDraft) or discarded.
	DraftOpen = "draft"
	// DraftSending: a sender claimed it; ISDS's answer is awaited.
	DraftSending = "sending"
	// DraftSent: ISDS accepted it (DmID). The request is dropped.
	DraftSent = "sent"
	// DraftUnknown: ISDS did not answer the send, so whether it accepted
	// the message is unknown; it can only be discarded.
	DraftUnknown = "unknown"
	// DraftDiscarded: withdrawn. The request is dropped.
	DraftDiscarded = "discarded"
)

// MaxDraftRequest bounds a stored draft request: a 20 MB message in base64
// with its envelope.
const MaxDraftRequest = 32 << 20

// Draft is a data message konektor keeps for a client that may prepare
// messages of a box but not send them: the CreateMessage request as it
// will be sent, and what happened to it.
type Draft struct {
	ID            string
	Box           string // the sender's data box (dbID)
	State         string
	Created       time.Time // kept in UTC, truncated to TimePrecision
	CreatedBy     string    // AIS that prepared it
	OVM           string    // the OVM it acted for
	CorrelationID string    // of the exchange that stored it
	Recipient     string    // dbIDRecipient
	Annotation    string    // dmAnnotation (the subject)
	Files         int
	Size          int64  // bytes of the documents
	Request       []byte // the SOAP request to ISDS; nil in lists and once sent or discarded
	Updated       time.Time
	DoneBy        string // AIS that sent or discarded it
	DmID          string // once sent
	Status        string // ISDS status of the last send (e.g. "0000", "1214"), or "" before any
}

// DraftStore keeps drafts of data messages.
type DraftStore interface {
	// PutDraft stores a new draft in state DraftOpen (Updated = Created).
	// ErrConflict when the id exists; ErrInvalid for values a backend
	// cannot keep (see CheckDraft).
	PutDraft(ctx context.Context, d Draft) error
	// GetDraft returns a draft with its request, or ErrNotFound.
	GetDraft(ctx context.Context, id string) (Draft, error)
	// ListDrafts returns up to limit drafts of box (every state), newest
	// first, without their requests.
	ListDrafts(ctx context.Context, box string, limit int) ([]Draft, error)
	// ClaimDraft moves a draft of box from DraftOpen to DraftSending, by
	// the AIS by at the given time, and returns it with its request: of two
	// concurrent claims one wins. ErrNotFound when box has no such draft;
	// ErrConflict when it is not open (the draft is returned, without its
	// request, so the caller can say why).
	ClaimDraft(ctx context.Context, id, box, by string, at time.Time) (Draft, error)
	// FinishDraft ends a send: from DraftSending to DraftSent (with dmID;
	// the request is dropped), back to DraftOpen (ISDS refused it), or to
	// DraftUnknown; status is ISDS's status code or why. ErrNotFound,
	// ErrConflict when the draft is not DraftSending, ErrInvalid for another
	// target state.
	FinishDraft(ctx context.Context, id, to, dmID, status string, at time.Time) error
	// DiscardDraft moves a draft of box from DraftOpen or DraftUnknown to
	// DraftDiscarded and drops its request. ErrNotFound; ErrConflict (the
	// draft returned) when it is in another state.
	DiscardDraft(ctx context.Context, id, box, by string, at time.Time) (Draft, error)
}

// CheckDraft checks what a backend can check of a new draft without the
// database: a non-empty id and box, text fields valid UTF-8 without NUL,
// non-negative counts, a request of at most MaxDraftRequest bytes, times
// within years 1–9999.
func CheckDraft(d Draft) error {
	if d.ID == "" || d.Box == "" {
		return fmt.Errorf("%w: a draft needs an id and a box", ErrInvalid)
	}
	for name, v := range map[string]string{"id": d.ID, "box": d.Box, "created by": d.CreatedBy, "ovm": d.OVM,
		"correlation id": d.CorrelationID, "recipient": d.Recipient, "annotation": d.Annotation} {
		if err := checkText(v); err != nil {
			return fmt.Errorf("%w: draft %s %s", ErrInvalid, name, err.Error())
		}
	}
	if d.Files < 0 || d.Size < 0 {
		return fmt.Errorf("%w: draft counts must not be negative", ErrInvalid)
	}
	if len(d.Request) > MaxDraftRequest {
		return fmt.Errorf("%w: draft request of %d bytes, more than %d", ErrInvalid, len(d.Request), MaxDraftRequest)
	}
	return CheckDraftTime(d.Created)
}

// DraftNotChanged explains a state change that matched no row, from the
// draft read back by id (found false: none): no draft of box (ErrNotFound),
// or one in another state (ErrConflict, returned with the draft).
func DraftNotChanged(d Draft, found bool, id, box string) (Draft, error) {
	if !found || (box != "" && d.Box != box) {
		return Draft{}, fmt.Errorf("%w: draft %s of box %s", ErrNotFound, id, box)
	}
	return d, fmt.Errorf("%w: draft %s is %s", ErrConflict, id, d.State)
}

// FinishClearsRequest reports whether ending a send in state to drops the
// stored request (a sent draft keeps no copy); a send cannot end in any
// state but sent, open or unknown.
func FinishClearsRequest(to string) (bool, error) {
	switch to {
	case DraftSent:
		return true, nil
	case DraftOpen, DraftUnknown:
		return false, nil
	}
	return false, fmt.Errorf("%w: a send cannot end in state %q", ErrInvalid, to)
}

// CheckDraftUpdate checks the values of a state change.
func CheckDraftUpdate(by, dmID, status string, at time.Time) error {
	for _, v := range []string{by, dmID, status} {
		if err := checkText(v); err != nil {
			return fmt.Errorf("%w: draft update %s", ErrInvalid, err.Error())
		}
	}
	return CheckDraftTime(at)
}

// CheckDraftTime checks that a time can be kept by every backend.
func CheckDraftTime(t time.Time) error {
	if y := t.UTC().Year(); y < 1 || y > 9999 {
		return fmt.Errorf("%w: time %v outside years 1–9999", ErrInvalid, t)
	}
	return nil
}
