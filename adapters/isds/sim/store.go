package sim

import (
	"sort"
	"strconv"
	"sync"
	"time"
)

// Message states (dmMessageStatus).
const (
	msgSubmitted   = 1
	msgStamped     = 2
	msgVirus       = 3
	msgDelivered   = 4 // dodána
	msgFiction     = 5 // doručena fikcí
	msgAccepted    = 6 // doručena přihlášením
	msgRead        = 7 // přečtena
	msgUndelivered = 8
	msgDeleted     = 9
)

// Periods of the message life cycle.
const (
	fictionAfter       = 10 * 24 * time.Hour      // delivery by fiction after dodání
	keepAfterDelivery  = 90 * 24 * time.Hour      // deletion after doručení
	keepUndelivered    = 3 * 365 * 24 * time.Hour // messages never delivered by login
	keepVirus          = 90 * 24 * time.Hour      // antivirus-rejected messages
	stateChangesWindow = 15 * 24 * time.Hour      // GetMessageStateChanges looks back at most this far
)

// event is an entry of a message's history: a dmEvent (with descr) and,
// for the states GetMessageStateChanges reports, the state entered.
type event struct {
	at     time.Time
	state  int
	descr  string
	listed bool // appears in dmEvents of the delivery info
}

// message is a data message as the sandbox keeps it. fields, envelope and
// full are fixed when the message is created: dmHash covers full as it will
// be sent in every download.
type message struct {
	id                string
	sender, recipient string
	dmType            string // as written on output; empty for a public message
	personal          bool
	fiction           bool // may be delivered by fiction
	recipientUnitNum  string
	senderUnitNum     string
	envelope          []byte // <p:dmDm> with the envelope only
	full              []byte // <p:dmDm> with the documents
	fields            []byte // the envelope elements, for list records
	hash              []byte // SHA-256 over full
	qts               []byte // dmQTimestamp
	attSize           int    // dmAttachmentSize, kB
	attsNum           int
	virus             bool
	submitted         time.Time
	delivered         time.Time // dodání (state 4)
	accepted          time.Time // doručení, the first one (5 or 6)
	deleted           time.Time
	state             int
	events            []event
}

// store keeps boxes and messages. Every access runs under mu; message
// states advance lazily to the injected clock on each access.
type store struct {
	mu    sync.Mutex
	boxes map[string]*Box
	msgs  map[string]*message
	next  int64
}

func newStore(boxes []Box) *store {
	s := &store{boxes: map[string]*Box{}, msgs: map[string]*message{}, next: 4217730}
	for i := range boxes {
		b := boxes[i]
		s.boxes[b.ID] = &b
	}
	return s
}

func (s *store) newID() string {
	s.next++
	return strconv.FormatInt(s.next, 10)
}

// advance moves a message along its life cycle up to now: delivery by
// fiction ten days after dodání, deletion of the content 90 days after
// doručení (three years for a message nobody logged in for, 90 days after
// an antivirus refusal).
func (m *message) advance(now time.Time) {
	if m.state == msgDelivered && m.fiction && !now.Before(m.delivered.Add(fictionAfter)) {
		m.accepted = m.delivered.Add(fictionAfter)
		m.state = msgFiction
		m.events = append(m.events, event{at: m.accepted, state: msgFiction, listed: true,
			descr: "EV2: Datová zpráva byla doručena fikcí (uplynutím 10 dnů od dodání)."})
	}
	var until time.Time
	switch m.state {
	case msgAccepted, msgRead:
		until = m.accepted.Add(keepAfterDelivery)
	case msgFiction:
		until = m.delivered.Add(keepUndelivered)
	case msgVirus:
		until = m.submitted.Add(keepVirus)
	default:
		return
	}
	if !now.Before(until) {
		m.deleted, m.state = until, msgDeleted
	}
}

// get returns a message advanced to now.
func (s *store) get(id string, now time.Time) *message {
	m := s.msgs[id]
	if m != nil {
		m.advance(now)
	}
	return m
}

// deliverByLogin marks every message of box in state 4 or 5 that the
// login may read as delivered by login (state 6): what ISDS does when an
// application calls GetListOfReceivedMessages with a read privilege.
func (s *store) deliverByLogin(l *login, now time.Time) {
	for _, m := range s.msgs {
		if m.recipient != l.box.ID {
			continue
		}
		m.advance(now)
		if (m.state != msgDelivered && m.state != msgFiction) || !l.mayRead(m.personal) {
			continue
		}
		if m.accepted.IsZero() {
			m.accepted = now
		}
		m.state = msgAccepted
		m.events = append(m.events, event{at: now, state: msgAccepted, listed: true, descr: l.deliveryEvent()})
	}
}

// list returns the messages of a box in one direction, advanced to now,
// newest first.
func (s *store) list(box string, received bool, now time.Time) []*message {
	var out []*message
	for _, m := range s.msgs {
		if (received && m.recipient == box) || (!received && m.sender == box) {
			m.advance(now)
			out = append(out, m)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].submitted.Equal(out[j].submitted) {
			return out[i].submitted.After(out[j].submitted)
		}
		return out[i].id > out[j].id
	})
	return out
}
