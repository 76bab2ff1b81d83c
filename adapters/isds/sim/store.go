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
	msgUndelivered = 8 // nedoručitelná: the recipient box was made inaccessible
	msgDeleted     = 9 // content deleted, envelope kept
	msgVault       = 10
)

// Periods of the message life cycle.
const (
	fictionAfter       = 10 * 24 * time.Hour      // delivery by fiction after dodání
	keepAfterDelivery  = 90 * 24 * time.Hour      // deletion after doručení
	keepUndelivered    = 3 * 365 * 24 * time.Hour // messages never delivered by login
	keepVirus          = 90 * 24 * time.Hour      // antivirus-rejected messages
	keepUndeliverable  = 90 * 24 * time.Hour      // after the recipient box became inaccessible
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
	undeliverable     time.Time // when the recipient box was made inaccessible (8)
	deleted           time.Time
	vaulted           time.Time // moved to the recipient's data vault (10)
	state             int
	// beforeVault is the state a message in the vault had before the move
	// (5, 6 or 8; a read message 6): what single downloads and delivery
	// infos report.
	beforeVault int
	system      bool  // sent by a system box: never moved to a vault
	seq         int64 // creation order
	events      []event
}

// store keeps boxes and messages. Every access runs under mu; message
// states advance lazily to the injected clock on each access.
type store struct {
	mu    sync.Mutex
	boxes map[string]*Box
	msgs  map[string]*message
	next  int64
	// vaulted counts the messages in each box's data vault.
	vaulted map[string]int
}

func newStore(boxes []Box) *store {
	s := &store{boxes: map[string]*Box{}, msgs: map[string]*message{}, next: 4217730, vaulted: map[string]int{}}
	for i := range boxes {
		b := boxes[i]
		s.boxes[b.ID] = &b
	}
	return s
}

func (s *store) newID() (string, int64) {
	s.next++
	return strconv.FormatInt(s.next, 10), s.next
}

// tick moves every message along its life cycle up to now, in the order
// ISDS would: delivery by fiction ten days after dodání; then, oldest
// first, the end of retention (90 days after doručení by login, three
// years for a message nobody logged in for, 90 days after an antivirus
// refusal or after the recipient box became inaccessible), when the
// content is deleted (9), or a delivered message moves to the recipient's
// data vault (10) if the box has the service with room left.
// Antivirus-refused and system messages never move. Every request ticks
// once before it is handled, under mu.
func (s *store) tick(now time.Time) {
	var due []*message
	for _, m := range s.msgs {
		if m.state == msgDelivered && m.fiction && !now.Before(m.delivered.Add(fictionAfter)) {
			m.accepted = m.delivered.Add(fictionAfter)
			m.state = msgFiction
			m.events = append(m.events, event{at: m.accepted, state: msgFiction, listed: true,
				descr: "EV2: Datová zpráva byla doručena fikcí (uplynutím 10 dnů od dodání)."})
		}
		if until, ok := m.retentionEnd(); ok && !now.Before(until) {
			due = append(due, m)
		}
	}
	sort.Slice(due, func(i, j int) bool {
		a, _ := due[i].retentionEnd()
		b, _ := due[j].retentionEnd()
		if !a.Equal(b) {
			return a.Before(b)
		}
		return due[i].seq < due[j].seq
	})
	for _, m := range due {
		until, _ := m.retentionEnd()
		if m.state != msgVirus && !m.system && s.vaultHasRoom(m.recipient) {
			m.beforeVault = m.state
			if m.beforeVault == msgRead {
				m.beforeVault = msgAccepted
			}
			m.vaulted, m.state = until, msgVault
			s.vaulted[m.recipient]++
			continue
		}
		m.deleted, m.state = until, msgDeleted
	}
}

// retentionEnd is when a message's content is deleted (or moved to a
// vault), for the states that end.
func (m *message) retentionEnd() (time.Time, bool) {
	switch m.state {
	case msgAccepted, msgRead:
		return m.accepted.Add(keepAfterDelivery), true
	case msgFiction:
		return m.delivered.Add(keepUndelivered), true
	case msgUndelivered:
		return m.undeliverable.Add(keepUndeliverable), true
	case msgVirus:
		return m.submitted.Add(keepVirus), true
	}
	return time.Time{}, false
}

// vaultHasRoom reports whether a box has an active data vault with room
// for one more message.
func (s *store) vaultHasRoom(box string) bool {
	b := s.boxes[box]
	return b != nil && b.Vault && (b.VaultCapacity <= 0 || s.vaulted[box] < b.VaultCapacity)
}

// viewState is the state of a message as a box sees it in lists: the
// recipient sees its vault copy (10); for the sender a message moved to the
// recipient's vault is deleted (9).
func (m *message) viewState(box string) int {
	if m.state == msgVault && box != m.recipient {
		return msgDeleted
	}
	return m.state
}

// reportedState is the state single downloads and delivery infos report
// to a box: for a message in the recipient's vault the state before the
// move (5, 6 or 8; a read message 6), as ISDS does.
func (m *message) reportedState(box string) int {
	st := m.viewState(box)
	if st == msgVault {
		return m.beforeVault
	}
	return st
}

// contentGone reports whether the documents are no longer available to a
// box.
func (m *message) contentGone(box string) bool { return m.viewState(box) == msgDeleted }

// makeUndeliverable marks the messages delivered into box at or after
// since and not yet delivered by login (4, 5) as undeliverable (8, EV3):
// what ISDS does when it makes a box inaccessible retroactively.
func (s *store) makeUndeliverable(box string, since, now time.Time) {
	s.tick(now)
	for _, m := range s.msgs {
		if m.recipient != box {
			continue
		}
		if (m.state != msgDelivered && m.state != msgFiction) || m.delivered.Before(since) {
			continue
		}
		m.state, m.undeliverable = msgUndelivered, now
		m.events = append(m.events, event{at: now, state: msgUndelivered, listed: true,
			descr: "EV3: Datová schránka adresáta byla zpětně znepřístupněna, datová zpráva je nedoručitelná."})
	}
}

// get returns a message (the store has ticked to now).
func (s *store) get(id string) *message { return s.msgs[id] }

// deliverByLogin marks every message of box in state 4 or 5 that the
// login may read as delivered by login (state 6): what ISDS does when an
// application calls GetListOfReceivedMessages with a read privilege.
func (s *store) deliverByLogin(l *login, now time.Time) {
	for _, m := range s.msgs {
		if m.recipient != l.box.ID {
			continue
		}
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

// list returns the messages of a box in one direction, newest first.
func (s *store) list(box string, received bool) []*message {
	var out []*message
	for _, m := range s.msgs {
		if (received && m.recipient == box) || (!received && m.sender == box) {
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
