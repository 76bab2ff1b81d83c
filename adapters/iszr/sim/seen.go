package sim

import (
	"strings"
	"sync"

	"konektor/wsdl/iszr/egon"
)

// seenIDs remembers AgendaZadostId values per AIS, the oldest forgotten
// first once capacity entries are held.
type seenIDs struct {
	mu       sync.Mutex
	capacity int
	set      map[string]struct{}
	order    []string
	next     int
}

func newSeenIDs(capacity int) *seenIDs {
	return &seenIDs{capacity: capacity, set: make(map[string]struct{})}
}

// add records key and reports whether it was new.
func (s *seenIDs) add(key string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, dup := s.set[key]; dup {
		return false
	}
	if len(s.order) < s.capacity {
		s.order = append(s.order, key)
	} else {
		delete(s.set, s.order[s.next])
		s.order[s.next] = key
		s.next = (s.next + 1) % s.capacity
	}
	s.set[key] = struct{}{}
	return true
}

// checkDuplicate answers DUPLICITNI ZADOST when the AIS reuses an
// AgendaZadostId.
func (s *Server) checkDuplicate(x *exchange) *status {
	if s.seen.add(x.ais + "|" + strings.ToLower(x.agendaZadostID)) {
		return nil
	}
	st := chyba(egon.VysledekSubKodTypeDUPLICITNIZADOST, "AgendaZadostId %s už AIS %s použil (the request id was used before).", x.agendaZadostID, x.ais)
	return &st
}
