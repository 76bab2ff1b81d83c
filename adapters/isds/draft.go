package isds

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"go.uber.org/zap"

	"konektor/adapters/isds/dmcheck"
	"konektor/gateway/catalogue"
	"konektor/gateway/fault"
	"konektor/gateway/pipeline"
	"konektor/gateway/soap"
	"konektor/internal/store"
	"konektor/policies"
	wsdl "konektor/wsdl/isds"
	"konektor/wsdl/isds/dm"
)

// DraftNS is the namespace of konektor's own draft operations, served at
// /bus/isds/dz beside CreateMessage.
const DraftNS = "urn:konektor:isds:drafts:v1"

// Draft operations (konektor's, not ISDS's).
const (
	// OpSendDraft sends a draft: <SendDraft><draftID>…</draftID></SendDraft>;
	// the answer is ISDS's CreateMessageResponse as ISDS gave it.
	OpSendDraft = "SendDraft"
	// OpGetListOfDrafts lists the drafts of the client's box (newest first;
	// optional <limit>, default 100, at most 1000).
	OpGetListOfDrafts = "GetListOfDrafts"
	// OpDeleteDraft discards an open draft: <DeleteDraft><draftID>…</draftID></DeleteDraft>.
	OpDeleteDraft = "DeleteDraft"
)

// DraftHeader carries the id of a stored draft in the HTTP answer to
// CreateMessage (also in the status text).
const DraftHeader = "X-Konektor-Draft-Id"

// DraftStore keeps drafts; the SQLite and PostgreSQL stores implement it
// (store.DraftStore).
type DraftStore interface {
	PutDraft(ctx context.Context, d store.Draft) error
	ListDrafts(ctx context.Context, box string, limit int) ([]store.Draft, error)
	ClaimDraft(ctx context.Context, id, box, by string, at time.Time) (store.Draft, error)
	FinishDraft(ctx context.Context, id, to, dmID, status string, at time.Time) error
	DiscardDraft(ctx context.Context, id, box, by string, at time.Time) (store.Draft, error)
}

var _ DraftStore = store.DraftStore(nil)

// draftOps are the draft operations with the privileges they need: any one
// of the listed sets.
var draftOps = map[string][]policies.Privilege{
	OpSendDraft:       {policies.PrivCreateDM},
	OpGetListOfDrafts: {policies.PrivCreateDM, policies.PrivDraft},
	OpDeleteDraft:     {policies.PrivCreateDM, policies.PrivDraft},
}

// draftEntries are the catalogue entries of the draft operations.
func draftEntries() []*catalogue.Entry {
	return []*catalogue.Entry{
		{Upstream: Upstream, Code: wsdl.ServiceOperations, Operation: OpSendDraft, Request: xml.Name{Space: DraftNS, Local: OpSendDraft},
			Response: xml.Name{Space: wsdl.NS, Local: "CreateMessageResponse"}, SideEffect: catalogue.Write, Cache: catalogue.CacheNever},
		{Upstream: Upstream, Code: wsdl.ServiceOperations, Operation: OpGetListOfDrafts, Request: xml.Name{Space: DraftNS, Local: OpGetListOfDrafts},
			Response: xml.Name{Space: DraftNS, Local: OpGetListOfDrafts + "Response"}, SideEffect: catalogue.Read, Cache: catalogue.CacheNever},
		{Upstream: Upstream, Code: wsdl.ServiceOperations, Operation: OpDeleteDraft, Request: xml.Name{Space: DraftNS, Local: OpDeleteDraft},
			Response: xml.Name{Space: DraftNS, Local: OpDeleteDraft + "Response"}, SideEffect: catalogue.Write, Cache: catalogue.CacheNever},
	}
}

// isDraftOp reports whether the exchange is one of konektor's draft
// operations.
func isDraftOp(ex *pipeline.Exchange) bool {
	_, ok := draftOps[ex.Envelope.Payload.Local]
	return ok && ex.Envelope.Payload.Space == DraftNS && service(ex) == wsdl.ServiceOperations
}

// authoriseAny permits the call when the client holds one of the sets; the
// refusal names them all.
func (a *Adapter) authoriseAny(ex *pipeline.Exchange, sets []policies.Privilege) policies.Decision {
	var first policies.Decision
	for i, p := range sets {
		d := a.decide(ex, p)
		if d.Permit {
			return d
		}
		if i == 0 {
			first = d
		}
	}
	if len(sets) > 1 && len(first.Reasons) > 0 {
		var names []string
		for _, p := range sets {
			names = append(names, p.String())
		}
		r := &first.Reasons[len(first.Reasons)-1]
		r.CS += " Potřebuje jedno z oprávnění: " + strings.Join(names, ", ") + "."
		r.EN += " It needs one of: " + strings.Join(names, ", ") + "."
	}
	return first
}

// drafting reports whether a CreateMessage of the client is kept as a
// draft: it may prepare drafts (KONEKTOR_DRAFT) but not send.
func (a *Adapter) drafting(ex *pipeline.Exchange) bool {
	return ex.Envelope.Payload.Local == "CreateMessage" && !a.mayRead(ex, policies.PrivCreateDM) && a.mayRead(ex, policies.PrivDraft)
}

func (a *Adapter) noDrafts() error {
	return fault.New(fault.Internal, "isds-drafts-off", "konektor nemá úložiště konceptů datových zpráv",
		"konektor has no store for drafts of data messages")
}

// decodePayload decodes the payload element of the exchange into v.
func decodePayload(ex *pipeline.Exchange, v any) error {
	d := xml.NewDecoder(bytes.NewReader(ex.Envelope.PayloadDocument()))
	for {
		tok, err := d.Token()
		if err != nil {
			return err
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name == ex.Envelope.Payload {
			return d.DecodeElement(v, &se)
		}
	}
}

// badDraft is a request the checks reject as ISDS's schema would: a SOAP
// fault.
func badDraft(err error) error {
	return fault.Wrap(fault.BadRequest, "isds-invalid-message",
		"datovou zprávu nelze přijmout (ISDS by ji odmítl jako neplatnou): "+err.Error(),
		"the data message cannot be accepted (ISDS would reject it as invalid): "+err.Error(), err)
}

// newDraftID returns a random draft id: 32 hex digits.
func newDraftID() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return hex.EncodeToString(b[:]), nil
}

// saveDraft checks a CreateMessage as ISDS would (dmcheck) and stores it
// as a draft of the client's box: the answer is CreateMessageResponse with
// status 0001 ("recorded", no dmID) naming the draft; a message ISDS would
// refuse gets ISDS's status (1007, 1200, 1214) or, where ISDS answers with
// a fault, a fault.
func (a *Adapter) saveDraft(ctx context.Context, ex *pipeline.Exchange, r Route) (*pipeline.Reply, error) {
	if a.drafts == nil {
		return nil, a.noDrafts()
	}
	var req dm.CreateMessage
	if err := decodePayload(ex, &req); err != nil {
		return nil, badDraft(err)
	}
	m, refusal, err := dmcheck.Check(&req, dmcheck.DefaultMaxAttachmentBytes)
	if err != nil {
		return nil, badDraft(err)
	}
	if refusal != nil {
		return &pipeline.Reply{Status: http.StatusOK, ContentType: soap.ContentType(soap.V11), Outcome: pipeline.OutcomeOK,
			Body:           statusAnswer("CreateMessage", refusal.Code, refusal.Text),
			UpstreamStatus: "draft " + refusal.Code, Reason: "draft refused as ISDS would: " + refusal.Text,
			Evidence: fmt.Sprintf("isds CreateMessage draft=refused box=%s status=%s", r.Box, refusal.Code)}, nil
	}
	id, err := a.newID()
	if err != nil {
		return nil, fault.Wrap(fault.Internal, "isds-draft-id", "nelze vytvořit identifikátor konceptu", "cannot make a draft id", err)
	}
	d := store.Draft{ID: id, Box: r.Box, Created: a.now(), CreatedBy: ex.Client.AIS, OVM: r.OVM, CorrelationID: ex.ID,
		Recipient: m.Recipient, Annotation: m.Annotation, Files: len(m.Files), Size: int64(m.Size), Request: upstreamEnvelope(ex.Envelope)}
	if err := a.drafts.PutDraft(ctx, d); err != nil {
		return nil, fault.Wrap(fault.Internal, "isds-draft-store", "koncept nelze uložit", "the draft cannot be stored", err)
	}
	a.log.Info("isds: draft stored", zap.String("draft", id), zap.String("box", r.Box), zap.String("ais", ex.Client.AIS))
	text := fmt.Sprintf("Zpráva nebyla odeslána: konektor ji uložil jako koncept %s (draftID). Odešle ji klient s oprávněním "+
		"PRIVIL_CREATE_DM operací SendDraft. / Not sent: konektor stored it as draft %s, to be sent with SendDraft by a client "+
		"holding PRIVIL_CREATE_DM.", id, id)
	return &pipeline.Reply{Status: http.StatusOK, ContentType: soap.ContentType(soap.V11), Outcome: pipeline.OutcomeOK,
		Header: http.Header{DraftHeader: {id}}, Body: statusAnswer("CreateMessage", StatusDraftSaved, text),
		UpstreamStatus: "draft " + StatusDraftSaved,
		Evidence:       fmt.Sprintf("isds CreateMessage draft=%s box=%s recipient=%s files=%d size=%d", id, r.Box, m.Recipient, len(m.Files), m.Size)}, nil
}

// draftRef is the input of SendDraft and DeleteDraft; limit that of
// GetListOfDrafts.
type draftRef struct {
	DraftID string `xml:"draftID"`
	Limit   string `xml:"limit"`
}

// draftCall runs one of konektor's draft operations.
func (a *Adapter) draftCall(ctx context.Context, ex *pipeline.Exchange, r Route) (*pipeline.Reply, error) {
	if a.drafts == nil {
		return nil, a.noDrafts()
	}
	var in draftRef
	if err := decodePayload(ex, &in); err != nil {
		return nil, fault.Wrap(fault.BadRequest, "isds-draft-request", "požadavek nelze přečíst: "+err.Error(),
			"the request cannot be read: "+err.Error(), err)
	}
	in.DraftID = strings.TrimSpace(in.DraftID)
	op := ex.Envelope.Payload.Local
	if op != OpGetListOfDrafts && in.DraftID == "" {
		return nil, fault.New(fault.BadRequest, "isds-draft-request", op+": chybí draftID", op+": draftID is missing")
	}
	switch op {
	case OpSendDraft:
		return a.sendDraft(ctx, ex, r, in.DraftID)
	case OpDeleteDraft:
		d, err := a.drafts.DiscardDraft(ctx, in.DraftID, r.Box, ex.Client.AIS, a.now())
		if err != nil {
			return a.draftProblem(op, in.DraftID, d, err)
		}
		return draftReply(op, draftAnswer(op, nil, "0000", "Koncept zahozen. / Draft discarded."),
			fmt.Sprintf("isds DeleteDraft draft=%s box=%s", d.ID, r.Box)), nil
	default:
		limit := 100
		if in.Limit != "" {
			n, err := strconv.Atoi(strings.TrimSpace(in.Limit))
			if err != nil || n < 1 || n > 1000 {
				return nil, fault.New(fault.BadRequest, "isds-draft-request", "limit musí být 1–1000", "limit must be 1–1000")
			}
			limit = n
		}
		ds, err := a.drafts.ListDrafts(ctx, r.Box, limit)
		if err != nil {
			return nil, fault.Wrap(fault.Internal, "isds-draft-store", "koncepty nelze načíst", "the drafts cannot be read", err)
		}
		return draftReply(op, draftAnswer(op, ds, "0000", "Provedeno úspěšně."), fmt.Sprintf("isds GetListOfDrafts box=%s drafts=%d", r.Box, len(ds))), nil
	}
}

// draftProblem answers a draft that is missing (status 1219, as ISDS
// answers an unknown message) or in a state that does not allow the
// operation (a fault naming the state).
func (a *Adapter) draftProblem(op, id string, d store.Draft, err error) (*pipeline.Reply, error) {
	switch {
	case errors.Is(err, store.ErrNotFound):
		text := "Koncept " + id + " neexistuje nebo patří jiné schránce. / No such draft of this box."
		body := draftAnswer(op, nil, "1219", text)
		if op == OpSendDraft {
			body = statusAnswer("CreateMessage", "1219", text)
		}
		return draftReply(op, body, fmt.Sprintf("isds %s draft=%s status=1219", op, id)), nil
	case errors.Is(err, store.ErrConflict):
		cs, en := "koncept je ve stavu "+d.State, "the draft is "+d.State
		if d.DmID != "" {
			cs += ", odeslán jako dmID " + d.DmID
			en += ", sent as dmID " + d.DmID
		}
		return nil, fault.New(fault.BadRequest, "isds-draft-state", op+": "+cs, op+": "+en)
	}
	return nil, fault.Wrap(fault.Internal, "isds-draft-store", "koncept nelze změnit", "the draft cannot be changed", err)
}

func draftReply(op string, body []byte, evidence string) *pipeline.Reply {
	code := "?"
	if m := statusRE.FindSubmatch(body); m != nil {
		code = string(m[1])
	}
	return &pipeline.Reply{Status: http.StatusOK, ContentType: soap.ContentType(soap.V11), Body: body, Outcome: pipeline.OutcomeOK,
		UpstreamStatus: "draft " + code, Evidence: evidence}
}

// sendDraft claims a draft of the client's box and sends it to ISDS as the
// CreateMessage it was stored as, through the box's account for sending;
// the draft ends sent (with the dmID), open again (ISDS refused it or was
// not reached) or unknown (no answer: it may have been accepted).
func (a *Adapter) sendDraft(ctx context.Context, ex *pipeline.Exchange, r Route, id string) (*pipeline.Reply, error) {
	d, err := a.drafts.ClaimDraft(ctx, id, r.Box, ex.Client.AIS, a.now())
	if err != nil {
		return a.draftProblem(OpSendDraft, id, d, err)
	}
	finish := func(to, dmID, status string) {
		// The outcome must be recorded even if the caller has gone away.
		if err := a.drafts.FinishDraft(context.WithoutCancel(ctx), id, to, dmID, status, a.now()); err != nil {
			a.log.Error("isds: draft state not recorded", zap.String("draft", id), zap.String("state", to), zap.Error(err))
		}
	}
	acc, err := a.chooseAccount(ex, "CreateMessage")
	if err != nil {
		finish(store.DraftOpen, "", "no account")
		return nil, err
	}
	resp, code, err := a.send(ctx, acc, "CreateMessage", wsdl.ServiceOperations, d.Request, true)
	if err != nil {
		if notSent(err) {
			finish(store.DraftOpen, "", "not sent")
		} else {
			finish(store.DraftUnknown, "", "no answer")
		}
		return nil, err
	}
	dmID := ""
	switch {
	case resp.Status == http.StatusOK && Success(code):
		dmID = elementText(resp.Body, "dmID")
		finish(store.DraftSent, dmID, code)
	case resp.Status == http.StatusOK && code == "":
		finish(store.DraftUnknown, "", "answer without a status")
	case resp.Status == http.StatusOK:
		finish(store.DraftOpen, "", code)
	default:
		finish(store.DraftOpen, "", fmt.Sprintf("HTTP %d", resp.Status))
	}
	out := a.reply(ex, acc, "CreateMessage", resp, code)
	ev := fmt.Sprintf("isds SendDraft draft=%s", id)
	if dmID != "" {
		ev += " dmID=" + dmID
	}
	out.Evidence = ev + fmt.Sprintf(" box=%s recipient=%s", acc.Box, d.Recipient)
	return out, nil
}

// elementText returns the text of the first element named name (any
// prefix).
func elementText(body []byte, name string) string {
	for _, p := range []string{"<" + name + ">", ":" + name + ">"} {
		i := bytes.Index(body, []byte(p))
		if i < 0 {
			continue
		}
		rest := body[i+len(p):]
		if j := bytes.IndexByte(rest, '<'); j >= 0 {
			return strings.TrimSpace(string(rest[:j]))
		}
	}
	return ""
}

// draftAnswer writes konektor's answer to a draft operation: the drafts
// (for a list) and a status in ISDS's form, in DraftNS.
func draftAnswer(op string, ds []store.Draft, code, text string) []byte {
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><SOAP-ENV:Envelope xmlns:SOAP-ENV="` + soap.NS11 + `"><SOAP-ENV:Body>`)
	b.WriteString(`<k:` + op + `Response xmlns:k="` + DraftNS + `">`)
	el := func(name, v string) {
		b.WriteString("<k:" + name + ">")
		_ = xml.EscapeText(&b, []byte(v))
		b.WriteString("</k:" + name + ">")
	}
	for _, d := range ds {
		b.WriteString("<k:draft>")
		el("draftID", d.ID)
		el("state", d.State)
		el("created", d.Created.UTC().Format(time.RFC3339Nano))
		el("createdBy", d.CreatedBy)
		el("dbIDRecipient", d.Recipient)
		el("dmAnnotation", d.Annotation)
		el("files", strconv.Itoa(d.Files))
		el("size", strconv.FormatInt(d.Size, 10))
		if d.State != store.DraftOpen || d.Status != "" {
			el("updated", d.Updated.UTC().Format(time.RFC3339Nano))
			el("doneBy", d.DoneBy)
			el("dmID", d.DmID)
			el("status", d.Status)
		}
		b.WriteString("</k:draft>")
	}
	b.WriteString("<k:dmStatus>")
	el("dmStatusCode", code)
	el("dmStatusMessage", text)
	b.WriteString("</k:dmStatus></k:" + op + "Response></SOAP-ENV:Body></SOAP-ENV:Envelope>")
	return b.Bytes()
}
