package policies

// Decide decides an ISZR call the way ISZR and RPP would. Deny is the
// default; the links are checked in this order, the first missing one
// refusing the call with its text:
//
//  1. the AIS is registered for the agenda and the OVM (and the role, when
//     the registration names roles) — NENI OPRAVNENI EGON
//  2. the agenda is known — NEPOVOLENY KOD AGENDY
//  3. the OVM is known — NEPOVOLENY KOD OVM
//  4. the role is an activity of the agenda — NEPOVOLENY KOD CINNOSTI
//  5. the OVM (or one of its categories) has působnost in the agenda and
//     performs the role — PUSOBNOST NEEXISTUJE
//  6. the role is linked to the service — VAZBA SLUZBA CINNOST AGENDY NEEXISTUJE
//  7. every requested item is granted to the role at that OVM (directly or
//     through its categories) at level R/RH (W when Request.Write) —
//     NENI OPRAVNENI EGON, naming the items; Items nil (AutorizaceInfo
//     absent) means every item the role may read
//  8. MaximalniPocetZaznamu is within the limit — PREKROCEN SEZNAM, or, with
//     settings.overLimit "cap", lowered to the limit. With no
//     MaximalniPocetZaznamu the limit itself is returned as the cap.
//
// The AIS check comes first, as ISZR authenticates the AIS before it looks
// at RPP: an AIS that is not registered learns nothing about agendas or
// OVMs. An unknown agenda, OVM or role can still surface when a local
// registration names one RPP no longer knows (Snapshot.Warnings lists them).
//
// On the permit path Decide does not allocate: Decision.Reasons is a shared
// read-only chain and Decision.Items is r.Items (or a shared list).
func (s *Snapshot) Decide(r Request) Decision {
	var d Decision
	s.decide(&r, &d, false)
	return d
}

// DecideInto is Decide writing into d and reusing d's buffers, so that a
// caller that keeps one Decision per worker does not allocate even for a
// refusal's chain (only its formatted text allocates).
func (s *Snapshot) DecideInto(r *Request, d *Decision) {
	s.decide(r, d, true)
}

func (s *Snapshot) decide(r *Request, d *Decision, reuse bool) {
	d.Permit, d.SubCode, d.Items, d.MaxRecords, d.Request = false, "", nil, 0, *r
	itemsMode, limitMode, f, failed := s.check(r, d)
	if !failed {
		d.Permit = true
		d.Reasons = permitChains[itemsMode][limitMode]
		return
	}
	d.Items, d.MaxRecords = nil, 0
	d.SubCode = f.subCode
	prefix := chainPrefix(f.link, itemsMode)
	if reuse {
		d.reasonsBuf = append(append(d.reasonsBuf[:0], prefix...), f.reason)
		d.Reasons = d.reasonsBuf
		return
	}
	chain := make([]Reason, len(prefix), len(prefix)+1)
	copy(chain, prefix)
	d.Reasons = append(chain, f.reason)
}

// check runs the links; on success it has filled d.Items and d.MaxRecords.
func (s *Snapshot) check(r *Request, d *Decision) (itemsMode, limitMode int, f failure, failed bool) {
	// 1. AIS registration.
	aisK, ok1 := aisKey(r.AIS)
	agK, ok2 := agendaKey(r.Agenda)
	ovmK, ok3 := ovmKey(r.OVM)
	if !ok1 || !ok2 || !ok3 {
		return 0, 0, denyAIS(r, false), true
	}
	reg, ok := s.regs[regKey{aisK, agK, ovmK}]
	if !ok {
		return 0, 0, denyAIS(r, false), true
	}
	roleK, okR := roleKey(r.Role)
	if reg.rolesN > 0 && (!okR || !containsKey(s.regRoles[reg.rolesOff:reg.rolesOff+reg.rolesN], roleK)) {
		return 0, 0, denyAIS(r, true), true
	}
	b := &s.bindings[reg.binding]
	// 2.-4. Known agenda, OVM, role.
	if !b.agendaOK {
		return 0, 0, denyAgenda(r), true
	}
	if !b.ovmOK {
		return 0, 0, denyOVM(r), true
	}
	slotIdx, slot, ok := s.slotOf(b.agenda, roleK)
	if !okR || !ok {
		return 0, 0, denyRole(r), true
	}
	role := slot.id
	// 5. Působnost.
	if !b.pusFound {
		return 0, 0, denyPusobnost(r, false), true
	}
	if !b.pusAll && !containsID(s.pusRoles[b.pusOff:b.pusOff+b.pusN], role) {
		return 0, 0, denyPusobnost(r, true), true
	}
	// 6. Role × service.
	svc, okS := s.services.lookup(r.Service)
	if !okS || !hasBit(s.roleSvc[int(role)*s.svcWords:int(role+1)*s.svcWords], svc) {
		return 0, 0, denyRoleService(r), true
	}
	// 7. Items.
	set := s.bindSets[int(b.setsOff)+slotIdx]
	if r.Items == nil {
		itemsMode = itemsAll
		switch {
		case set < 0:
			d.Items = noItems
		case r.Write:
			d.Items = s.sets[set].writeNames
		default:
			d.Items = s.sets[set].readNames
		}
	} else {
		if missing := s.missingItems(set, r); missing != nil {
			return itemsRequested, 0, denyItems(r, missing), true
		}
		d.Items = r.Items
	}
	// 8. Record limit.
	limit := s.limit(slot, svc)
	switch {
	case limit < 0:
		limitMode, d.MaxRecords = limitNone, r.MaxRecords
	case r.MaxRecords <= 0:
		limitMode, d.MaxRecords = limitApplied, limit
	case r.MaxRecords <= limit:
		limitMode, d.MaxRecords = limitWithin, r.MaxRecords
	case s.settings.OverLimit == OverLimitCap:
		limitMode, d.MaxRecords = limitCapped, limit
	default:
		return itemsMode, 0, denyLimit(r, limit), true
	}
	return itemsMode, limitMode, failure{}, false
}

func containsID(ids []int32, id int32) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

func containsKey(keys []uint64, k uint64) bool {
	for _, x := range keys {
		if x == k {
			return true
		}
	}
	return false
}

// missingItems returns the requested items set (-1 none) does not grant,
// or nil.
func (s *Snapshot) missingItems(set int32, r *Request) []string {
	var words []uint64
	if set >= 0 {
		words = s.setWords(set, r.Write)
	}
	var missing []string
	for _, name := range r.Items {
		id, ok := s.items.lookup(name)
		if !ok || !hasBit(words, id) {
			missing = append(missing, name)
		}
	}
	return missing
}

var noItems = []string{}

// limit returns the record limit for the role and service (-1 = none).
func (s *Snapshot) limit(slot *roleSlot, svc int32) int {
	if len(s.svcLimit) > 0 {
		if l, ok := s.svcLimit[pack(slot.id, svc)]; ok {
			return int(l)
		}
	}
	if slot.limit >= 0 {
		return int(slot.limit)
	}
	if s.settings.DefaultMaxRecords > 0 {
		return s.settings.DefaultMaxRecords
	}
	return -1
}
