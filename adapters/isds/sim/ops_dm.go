package sim

import (
	"encoding/base64"
	"sort"
	"strconv"
	"strings"
	"time"

	"konektor/wsdl/isds/dm"
)

// statusAnswer is an answer with a status only.
func statusAnswer(op string, s status) []byte {
	w := answer(op)
	w.dmStatus(s)
	return w.end(op)
}

func idOf(p *dm.TIdDm) string {
	if p == nil {
		return ""
	}
	return strings.TrimSpace(string(*p))
}

// received finds a message the login received and may see in the given
// way: 1219 for unknown or deleted messages (and for messages of other
// boxes: ISDS does not tell them apart), 1211 for a message the box sent,
// 1222 for one not yet delivered by login (4, 5, and undeliverable 8,
// which never will be). A message in the box's data vault (10) behaves
// like a live one.
func (s *Server) received(l *login, id string, now time.Time, content bool) (*message, *status) {
	m := s.store.get(id)
	var fail status
	switch {
	case m == nil:
		fail = st(codeNotFound)
	case m.recipient != l.box.ID:
		if m.sender == l.box.ID {
			fail = st(codeWrongDirection)
		} else {
			fail = st(codeNotFound)
		}
	case m.state == msgVirus:
		fail = st(codeNotFound)
	case m.contentGone(l.box.ID) && content:
		fail = st(codeNotFound)
	case m.state == msgDelivered || m.state == msgFiction || m.state == msgUndelivered:
		fail = st(codeNotDelivered)
	default:
		return m, nil
	}
	return nil, &fail
}

func (s *Server) messageDownload(x *call) ([]byte, error) {
	var req dm.MessageDownload
	if err := x.decode(&req); err != nil {
		return nil, err
	}
	m, fail := s.received(x.login, idOf(req.DmID), x.now, true)
	if fail == nil && !x.login.mayRead(m.personal) {
		f := st(codePrivileges)
		fail = &f
	}
	if fail != nil {
		return statusAnswer("MessageDownload", *fail), nil
	}
	w := answer("MessageDownload")
	w.open("dmReturnedMessage", "dmType", m.dmType)
	returnedMessage(w, m, x.login.box.ID)
	w.close("dmReturnedMessage")
	w.dmStatus(ok())
	return w.end("MessageDownload"), nil
}

func (s *Server) signedMessageDownload(x *call) ([]byte, error) {
	var req dm.SignedMessageDownload
	if err := x.decode(&req); err != nil {
		return nil, err
	}
	m, fail := s.received(x.login, idOf(req.DmID), x.now, true)
	if fail == nil && !x.login.mayRead(m.personal) {
		f := st(codePrivileges)
		fail = &f
	}
	if fail != nil {
		return statusAnswer("SignedMessageDownload", *fail), nil
	}
	return s.sealedAnswer("SignedMessageDownload", m, nsSignedMessage, x.login.box.ID)
}

func (s *Server) signedSentMessageDownload(x *call) ([]byte, error) {
	const op = "SignedSentMessageDownload"
	var req dm.SignedSentMessageDownload
	if err := x.decode(&req); err != nil {
		return nil, err
	}
	if !x.login.has(PrivCreateDM) {
		return statusAnswer(op, st(codePrivileges)), nil
	}
	m := s.store.get(idOf(req.DmID))
	switch {
	case m == nil || (m.sender != x.login.box.ID && m.recipient != x.login.box.ID):
		return statusAnswer(op, st(codeNotFound)), nil
	case m.sender != x.login.box.ID:
		return statusAnswer(op, st(codeWrongDirection)), nil
	case m.contentGone(x.login.box.ID):
		return statusAnswer(op, st(codeNotFound)), nil
	case m.state < msgDelivered:
		return statusAnswer(op, st(codeSentUndelivered)), nil
	}
	return s.sealedAnswer(op, m, nsSignedSent, x.login.box.ID)
}

func (s *Server) messageEnvelopeDownload(x *call) ([]byte, error) {
	const op = "MessageEnvelopeDownload"
	var req dm.MessageEnvelopeDownload
	if err := x.decode(&req); err != nil {
		return nil, err
	}
	if !x.login.has(PrivViewInfo) {
		return statusAnswer(op, st(codePrivileges)), nil
	}
	m, fail := s.received(x.login, idOf(req.DmID), x.now, false)
	if fail != nil {
		return statusAnswer(op, *fail), nil
	}
	w := answer(op)
	w.open("dmReturnedMessageEnvelope", "dmType", m.dmType, "attsNum", strconv.Itoa(m.attsNum))
	w.raw(m.envelope)
	w.open("dmHash", "algorithm", "SHA-256")
	w.b.WriteString(b64(m.hash))
	w.close("dmHash")
	w.el("dmQTimestamp", b64(m.qts))
	w.optTime("dmDeliveryTime", m.delivered)
	w.optTime("dmAcceptanceTime", m.accepted)
	w.el("dmMessageStatus", strconv.Itoa(m.reportedState(x.login.box.ID)))
	if m.contentGone(x.login.box.ID) {
		w.nilEl("dmAttachmentSize")
	} else {
		w.el("dmAttachmentSize", strconv.Itoa(m.attSize))
	}
	w.close("dmReturnedMessageEnvelope")
	w.dmStatus(ok())
	return w.end(op), nil
}

func (s *Server) markMessageAsDownloaded(x *call) ([]byte, error) {
	const op = "MarkMessageAsDownloaded"
	var req dm.MarkMessageAsDownloaded
	if err := x.decode(&req); err != nil {
		return nil, err
	}
	m, fail := s.received(x.login, idOf(req.DmID), x.now, true)
	if fail == nil && !x.login.mayRead(m.personal) {
		f := st(codePrivileges)
		fail = &f
	}
	if fail != nil {
		return statusAnswer(op, *fail), nil
	}
	if m.state == msgAccepted {
		m.state = msgRead
	}
	return statusAnswer(op, ok()), nil
}

// deliveryOf finds a message for a delivery info: the sender sees it in
// every state, the recipient once it is delivered by login; it stays
// available after the content is deleted.
func (s *Server) deliveryOf(x *call, id string) (*message, *status) {
	if !x.login.has(PrivViewInfo) {
		f := st(codePrivileges)
		return nil, &f
	}
	m := s.store.get(id)
	if m != nil && m.sender == x.login.box.ID {
		return m, nil
	}
	return s.received(x.login, id, x.now, false)
}

func (s *Server) getDeliveryInfo(x *call) ([]byte, error) {
	const op = "GetDeliveryInfo"
	var req dm.GetDeliveryInfo
	if err := x.decode(&req); err != nil {
		return nil, err
	}
	m, fail := s.deliveryOf(x, idOf(req.DmID))
	if fail != nil {
		return statusAnswer(op, *fail), nil
	}
	w := answer(op)
	w.open("dmDelivery")
	delivery(w, m, x.login.box.ID)
	w.close("dmDelivery")
	w.dmStatus(ok())
	return w.end(op), nil
}

func (s *Server) getSignedDeliveryInfo(x *call) ([]byte, error) {
	const op = "GetSignedDeliveryInfo"
	var req dm.GetSignedDeliveryInfo
	if err := x.decode(&req); err != nil {
		return nil, err
	}
	m, fail := s.deliveryOf(x, idOf(req.DmID))
	if fail != nil {
		return statusAnswer(op, *fail), nil
	}
	return s.sealedAnswer(op, m, nsSignedDelivery, x.login.box.ID)
}

// listQuery is the common input of the two list operations.
type listQuery struct {
	from, to    *dm.TDateTime
	unit        *int32
	filter      string
	offset, lim *int32
}

// Default state sets of the lists: received messages in states 4, 5, 6,
// 7 and 10 (a filter can only narrow it); sent messages in every state.
const (
	receivedStates = 1<<4 | 1<<5 | 1<<6 | 1<<7 | 1<<10
	sentStates     = 1<<11 - 2
	defaultLimit   = 1000
)

func (s *Server) getListOfReceivedMessages(x *call) ([]byte, error) {
	var req dm.GetListOfReceivedMessages
	if err := x.decode(&req); err != nil {
		return nil, err
	}
	if x.isNil("dmRecipientOrgUnitNum") {
		req.DmRecipientOrgUnitNum = nil
	}
	return s.list(x, "GetListOfReceivedMessages", true, listQuery{req.DmFromTime, req.DmToTime, req.DmRecipientOrgUnitNum,
		req.DmStatusFilter, req.DmOffset, req.DmLimit})
}

func (s *Server) getListOfSentMessages(x *call) ([]byte, error) {
	var req dm.GetListOfSentMessages
	if err := x.decode(&req); err != nil {
		return nil, err
	}
	if x.isNil("dmSenderOrgUnitNum") {
		req.DmSenderOrgUnitNum = nil
	}
	return s.list(x, "GetListOfSentMessages", false, listQuery{req.DmFromTime, req.DmToTime, req.DmSenderOrgUnitNum,
		req.DmStatusFilter, req.DmOffset, req.DmLimit})
}

// list answers a list operation. Listing received messages with a read
// privilege first delivers them (doručení přihlášením); a login with
// PRIVIL_VIEW_INFO only lists without delivering.
func (s *Server) list(x *call, op string, received bool, q listQuery) ([]byte, error) {
	if !x.login.has(PrivViewInfo) {
		return statusAnswer(op, st(codePrivileges)), nil
	}
	mask := int64(sentStates)
	if received {
		mask = receivedStates
	}
	if f := strings.TrimSpace(q.filter); f != "" && f != "-1" {
		v, err := strconv.ParseInt(f, 10, 64)
		if err != nil || v < 0 {
			return nil, bad("dmStatusFilter %q is not a state bitmask", f)
		}
		mask &= v
	}
	from, err := inputTime(q.from)
	if err != nil {
		return nil, err
	}
	to, err := inputTime(q.to)
	if err != nil {
		return nil, err
	}
	offset, limit := 1, defaultLimit
	if q.offset != nil && *q.offset > 0 {
		offset = int(*q.offset)
	}
	if q.lim != nil && *q.lim > 0 {
		limit = int(*q.lim)
	}
	if received && (x.login.has(PrivReadAll) || x.login.has(PrivReadNonPersonal)) {
		s.store.deliverByLogin(x.login, x.now)
	}
	var hits []*message
	for _, m := range s.store.list(x.login.box.ID, received) {
		if mask&(1<<m.viewState(x.login.box.ID)) == 0 {
			continue
		}
		at := m.submitted
		unit := m.senderUnitNum
		if received {
			at, unit = m.delivered, m.recipientUnitNum
		}
		if (!from.IsZero() && at.Before(from)) || (!to.IsZero() && at.After(to)) {
			continue
		}
		if q.unit != nil && unit != strconv.Itoa(int(*q.unit)) {
			continue
		}
		hits = append(hits, m)
	}
	w := answer(op)
	w.open("dmRecords")
	for i := offset - 1; i < len(hits) && i < offset-1+limit; i++ {
		m := hits[i]
		w.open("dmRecord", "dmType", m.dmType)
		w.el("dmOrdinal", strconv.Itoa(i+1))
		w.raw(m.fields)
		w.el("dmMessageStatus", strconv.Itoa(m.viewState(x.login.box.ID)))
		if m.contentGone(x.login.box.ID) {
			w.nilEl("dmAttachmentSize")
		} else {
			w.el("dmAttachmentSize", strconv.Itoa(m.attSize))
		}
		w.optTime("dmDeliveryTime", m.delivered)
		w.optTime("dmAcceptanceTime", m.accepted)
		w.close("dmRecord")
	}
	w.close("dmRecords")
	w.dmStatus(ok())
	return w.end(op), nil
}

func (s *Server) getMessageStateChanges(x *call) ([]byte, error) {
	const op = "GetMessageStateChanges"
	var req dm.GetMessageStateChanges
	if err := x.decode(&req); err != nil {
		return nil, err
	}
	if !x.login.has(PrivViewInfo) {
		return statusAnswer(op, st(codePrivileges)), nil
	}
	from, err := inputTime(req.DmFromTime)
	if err != nil {
		return nil, err
	}
	to, err := inputTime(req.DmToTime)
	if err != nil {
		return nil, err
	}
	if earliest := x.now.Add(-stateChangesWindow); from.Before(earliest) {
		from = earliest
	}
	if to.IsZero() || to.After(x.now) {
		to = x.now
	}
	type change struct {
		id    string
		at    time.Time
		state int
	}
	var changes []change
	for _, m := range s.store.list(x.login.box.ID, false) {
		for _, e := range m.events {
			switch e.state {
			case msgDelivered, msgFiction, msgAccepted, msgUndelivered:
			default:
				continue
			}
			if !e.at.Before(from) && !e.at.After(to) {
				changes = append(changes, change{m.id, e.at, e.state})
			}
		}
	}
	sort.Slice(changes, func(i, j int) bool { return changes[i].at.Before(changes[j].at) })
	w := answer(op)
	w.open("dmRecords")
	for _, c := range changes {
		w.open("dmRecord")
		w.el("dmID", c.id)
		w.el("dmEventTime", isdsTime(c.at))
		w.el("dmMessageStatus", strconv.Itoa(c.state))
		w.close("dmRecord")
	}
	w.close("dmRecords")
	w.dmStatus(ok())
	return w.end(op), nil
}

func (s *Server) dummyOperation(x *call) ([]byte, error) {
	return statusAnswer("DummyOperation", ok()), nil
}

// inputTime reads an xs:dateTime of a request: with a zone as given,
// without one as Prague local time (as ISDS reads it). nil or empty is the
// zero time.
func inputTime(p *dm.TDateTime) (time.Time, error) {
	if p == nil || strings.TrimSpace(string(*p)) == "" {
		return time.Time{}, nil
	}
	v := strings.TrimSpace(string(*p))
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999"} {
		var t time.Time
		var err error
		if layout == time.RFC3339Nano {
			t, err = time.Parse(layout, v)
		} else {
			t, err = time.ParseInLocation(layout, v, prague)
		}
		if err == nil {
			return t, nil
		}
	}
	return time.Time{}, bad("%q is not an xs:dateTime", v)
}

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
