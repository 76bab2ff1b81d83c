package sim

import (
	"math"
	"sync"
	"time"

	"konektor/wsdl/iszr"
	"konektor/wsdl/iszr/egon"
)

// Asynchronous mode: ?async stores the answer in the caller AIS's queue;
// E99 lists the queue, E100 hands out one answer.

// Queue bounds.
const (
	queueRetention = 24 * time.Hour // CasExpirace = CasVytvoreni + this
	queuePerAIS    = 1000           // oldest answers dropped beyond this
	listPage       = 100            // E99 items per answer
)

type queued struct {
	code    string // service code, KodAsyncSluzby
	id      string // IszrZadostId
	txn     uint64 // IdTransakce
	created time.Time
	ready   time.Time
	answer  []byte // the service's answer element
}

type aisQueue struct {
	items []*queued
	next  uint64
}

type queue struct {
	mu    sync.Mutex
	byAIS map[string]*aisQueue
}

func newQueue() *queue { return &queue{byAIS: map[string]*aisQueue{}} }

// enqueue stores the answer of an asynchronous call.
func (s *Server) enqueue(x *exchange, answer []byte) {
	s.queue.mu.Lock()
	defer s.queue.mu.Unlock()
	q := s.queue.byAIS[x.ais]
	if q == nil {
		q = &aisQueue{}
		s.queue.byAIS[x.ais] = q
	}
	q.prune(x.now)
	if len(q.items) >= queuePerAIS {
		q.items = q.items[1:]
	}
	q.next++
	q.items = append(q.items, &queued{code: x.code, id: x.iszrID, txn: q.next, created: x.now, ready: x.now.Add(s.asyncDelay), answer: answer})
}

func (q *aisQueue) prune(now time.Time) {
	keep := q.items[:0]
	for _, it := range q.items {
		if now.Before(it.created.Add(queueRetention)) {
			keep = append(keep, it)
		}
	}
	for i := len(keep); i < len(q.items); i++ {
		q.items[i] = nil
	}
	q.items = keep
}

func init() {
	register("E99", service{serve: decoded(serveE99), bare: func(x *exchange, oi *egon.OdpovedInfoType) any {
		return &egon.IszrAsyncVypisFrontyResponseType{IszrOdpovedAbstractType: &egon.IszrOdpovedAbstractType{OdpovedInfo: oi}}
	}})
	register("E100", service{serve: decoded(serveE100), bare: func(x *exchange, oi *egon.OdpovedInfoType) any {
		return e100Answer(x, oi, "")
	}})
}

// e100Answer is E100's answer; its OdpovedInfo has its own type.
func e100Answer(x *exchange, oi *egon.OdpovedInfoType, kod string) *egon.IszrAsyncOdpovedZFrontyResponseType {
	if kod == "" {
		kod = x.code
	}
	return &egon.IszrAsyncOdpovedZFrontyResponseType{
		KodAsyncSluzby: ptr(egon.NazevSluzbyType(kod)),
		OdpovedInfo:    &egon.OdpovedInfoZFrontyType{OdpovedInfoType: oi},
	}
}

// serveE99 lists the answers ready in the caller's queue, from
// IdTransakceOd / CasVytvoreniOd when given, listPage at a time.
func serveE99(s *Server, x *exchange, req *egon.IszrAsyncVypisFrontyType) (any, *status) {
	var fromTxn uint64
	var fromTime time.Time
	if req.Zadost != nil && req.Zadost.IszrAsyncVypisFrontyData != nil {
		d := req.Zadost.IszrAsyncVypisFrontyData
		if d.IdTransakceOd != nil {
			fromTxn = uint64(*d.IdTransakceOd)
		}
		if d.CasVytvoreniOd != nil {
			t, ok := parseDateTime(string(*d.CasVytvoreniOd))
			if !ok {
				return nil, invalid("CasVytvoreniOd není xs:dateTime.")
			}
			fromTime = t
		}
	}
	s.queue.mu.Lock()
	var ready []*queued
	if q := s.queue.byAIS[x.ais]; q != nil {
		q.prune(x.now)
		for _, it := range q.items {
			if !x.now.Before(it.ready) && it.txn >= fromTxn && !it.created.Before(fromTime) {
				ready = append(ready, it)
			}
		}
	}
	s.queue.mu.Unlock()
	pokr := &egon.PokracovaniVypisuType{VypisPokracuje: ptr(egon.VypisPokracujeType(false))}
	if len(ready) > listPage {
		next := ready[listPage]
		pokr.VypisPokracuje = ptr(egon.VypisPokracujeType(true))
		pokr.NasledujiciIdTransakce = ptr(egon.IdTransakceType(next.txn))
		pokr.NasledujiciCasVytvoreni = ptr(egon.CasovaZnackaType(next.created.Format(timeLayout)))
		ready = ready[:listPage]
	}
	polozky := &egon.PolozkyFrontyType{}
	for _, it := range ready {
		polozky.PolozkaFronty = append(polozky.PolozkaFronty, &egon.PolozkaFrontyType{
			KodAsyncSluzby: ptr(egon.NazevSluzbyType(it.code)),
			IszrZadostId:   ptr(egon.UuidType(it.id)),
			IdTransakce:    ptr(egon.IdTransakceFrontyType(it.txn)),
			CasVytvoreni:   ptr(egon.CasovaZnackaType(it.created.Format(timeLayout))),
			CasExpirace:    ptr(egon.CasovaZnackaType(it.created.Add(queueRetention).Format(timeLayout))),
		})
	}
	return &egon.IszrAsyncVypisFrontyResponseType{
		IszrOdpovedAbstractType: &egon.IszrOdpovedAbstractType{OdpovedInfo: x.info(statusOK())},
		IszrOdpoved: &egon.IszrAsyncVypisFrontyIszrOdpovedType{IszrAsyncVypisFrontyDataResponse: &egon.IszrAsyncVypisFrontyDataResponseType{
			IszrAplikacniStatus: pokr,
			PolozkyFronty:       polozky,
		}},
	}, nil
}

// serveE100 hands out one stored answer: PROBIHA ZPRACOVANI (with
// CekaciCas, seconds) before it is ready, NENALEZENO when the caller's
// queue does not hold it. KodAsyncSluzby may name the original service
// (code or operation) or, as the DIA reference agent sends, E100 itself.
func serveE100(s *Server, x *exchange, req *egon.IszrAsyncOdpovedZFrontyType) (any, *status) {
	if req.Zadost == nil || req.Zadost.IszrAsyncOdpovedZFrontyData == nil || req.Zadost.IszrAsyncOdpovedZFrontyData.IszrZadostId == nil ||
		!uuidRE.MatchString(string(*req.Zadost.IszrAsyncOdpovedZFrontyData.IszrZadostId)) {
		return nil, invalid("Zadost/IszrAsyncOdpovedZFrontyData/IszrZadostId chybí nebo není UUID.")
	}
	want := string(*req.Zadost.IszrAsyncOdpovedZFrontyData.IszrZadostId)
	kod := ""
	if req.KodAsyncSluzby != nil {
		kod = string(*req.KodAsyncSluzby)
	}
	s.queue.mu.Lock()
	var found *queued
	if q := s.queue.byAIS[x.ais]; q != nil {
		q.prune(x.now)
		for _, it := range q.items {
			if equalFoldASCII(it.id, want) {
				found = it
			}
		}
	}
	s.queue.mu.Unlock()
	if found != nil && kod != "" && kod != x.code && kod != found.code && kod != operationOf(found.code) {
		found = nil
	}
	if found == nil {
		st := chyba(egon.VysledekSubKodTypeNENALEZENO, "Odpověď %s není ve frontě AIS %s (no such answer in the queue).", want, x.ais)
		return e100Answer(x, x.info(st), kod), nil
	}
	if x.now.Before(found.ready) {
		st := status{kod: egon.VysledekKodTypeVAROVANI, sub: egon.VysledekSubKodTypePROBIHAZPRACOVANI, popis: "Žádost se ještě zpracovává (still processing)."}
		a := e100Answer(x, x.info(st), found.code)
		wait := int32(math.Ceil(found.ready.Sub(x.now).Seconds()))
		a.OdpovedInfo.CekaciCas = ptr(egon.CekaciCasType(wait))
		return a, nil
	}
	a := e100Answer(x, x.info(statusOK()), found.code)
	a.IszrOdpoved = &egon.IszrAsyncOdpovedZFrontyIszrOdpovedType{IszrAsyncOdpovedZFrontyDataResponse: &egon.IszrAsyncOdpovedZFrontyDataResponseType{
		AsyncDotazDataResponse: egon.AnyType{InnerXML: string(found.answer)},
	}}
	return a, nil
}

func operationOf(code string) string {
	if svc, ok := iszr.Lookup(code); ok {
		return svc.Operation
	}
	return ""
}

func equalFoldASCII(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		ca, cb := a[i], b[i]
		if 'A' <= ca && ca <= 'Z' {
			ca += 'a' - 'A'
		}
		if 'A' <= cb && cb <= 'Z' {
			cb += 'a' - 'A'
		}
		if ca != cb {
			return false
		}
	}
	return true
}
