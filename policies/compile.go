package policies

import (
	"slices"
	"unsafe"
)

type pusAcc struct {
	all   bool
	roles []int32
}

func (s *Snapshot) compilePusobnost(m *Model) {
	byOVM := make(map[uint64]*pusAcc)
	byCat := make(map[uint64]*pusAcc)
	acc := func(src map[uint64]*pusAcc, k uint64) *pusAcc {
		a := src[k]
		if a == nil {
			a = &pusAcc{}
			src[k] = a
		}
		return a
	}
	for i, p := range m.Pusobnost {
		ag := s.agendas.intern(p.Agenda)
		if !s.agendaKnown(ag) {
			s.warn("pusobnost[%d]: agenda %s is not in the catalogue", i, p.Agenda)
		}
		var a *pusAcc
		if p.OVM != "" {
			o := s.ovms.intern(p.OVM)
			if !s.ovmKnown(o) {
				s.warn("pusobnost[%d]: OVM %s is not in the catalogue", i, p.OVM)
			}
			a = acc(byOVM, pack(ag, o))
		} else {
			a = acc(byCat, pack(ag, s.cats.intern(p.Category)))
		}
		if len(p.Roles) == 0 {
			a.all = true
			continue
		}
		for _, code := range p.Roles {
			r := s.role(ag, code)
			if !s.roles[r].defined {
				s.warn("pusobnost[%d]: role %s is not a role of agenda %s", i, code, p.Agenda)
			}
			if !slices.Contains(a.roles, r) {
				a.roles = append(a.roles, r)
			}
		}
	}
	flatten := func(src map[uint64]*pusAcc, dst map[uint64]span) {
		for k, a := range src {
			if a.all {
				dst[k] = span{}
				continue
			}
			dst[k] = span{off: uint32(len(s.pusRoles)), n: uint32(len(a.roles))}
			s.pusRoles = append(s.pusRoles, a.roles...)
		}
	}
	flatten(byOVM, s.pusOVM)
	flatten(byCat, s.pusCat)
}

// setAcc accumulates an item set.
type setAcc struct{ read, write []uint64 }

func (s *Snapshot) newAcc() *setAcc {
	return &setAcc{read: make([]uint64, s.itemWords), write: make([]uint64, s.itemWords)}
}

func (a *setAcc) or(set *itemSet) {
	for i := range a.read {
		a.read[i] |= set.read[i]
		a.write[i] |= set.write[i]
	}
}

func (s *Snapshot) compileItems(m *Model) {
	byRpp := make(map[string]int32)  // RPP code → item id
	rppOnly := make(map[string]bool) // RPP codes without an ISZR name
	for _, it := range m.Items {
		if it.Iszr == "" {
			rppOnly[it.Rpp] = true
			continue
		}
		id := s.items.intern(it.Iszr)
		s.itemInfo = append(s.itemInfo, ItemName{KodIszr: it.Iszr, KodRpp: it.Rpp})
		if it.Rpp != "" {
			byRpp[it.Rpp] = id
		}
	}
	s.itemWords = (s.items.len() + 63) / 64
	accOVM := make(map[uint64]*setAcc)
	accCat := make(map[uint64]*setAcc)
	get := func(acc map[uint64]*setAcc, k uint64) *setAcc {
		a := acc[k]
		if a == nil {
			a = s.newAcc()
			acc[k] = a
		}
		return a
	}
	var read, write []int32
	for i, p := range m.Permissions {
		read, write = read[:0], write[:0]
		for _, ia := range p.Items {
			id, ok := s.items.lookup(ia.Item)
			if !ok {
				id, ok = byRpp[ia.Item]
			}
			if !ok {
				if !rppOnly[ia.Item] {
					s.warn("permissions[%d]: item %s is not in the items catalogue", i, ia.Item)
				}
				continue
			}
			if ia.Level == LevelWrite {
				write = append(write, id)
			} else {
				read = append(read, id)
			}
		}
		for _, rr := range p.Roles {
			ag := s.agendas.intern(rr.Agenda)
			r := s.role(ag, rr.Role)
			if !s.roles[r].defined {
				s.warn("permissions[%d]: role %s/%s is not in the catalogue", i, rr.Agenda, rr.Role)
			}
			var a *setAcc
			if rr.OVM != "" {
				a = get(accOVM, pack(r, s.ovms.intern(rr.OVM)))
			} else {
				a = get(accCat, pack(r, s.cats.intern(rr.Category)))
			}
			for _, id := range read {
				setBit(a.read, id)
			}
			for _, id := range write {
				setBit(a.write, id)
			}
		}
	}
	s.dedup = make(map[string]int32)
	for k, a := range accOVM {
		s.grantOVM[k] = s.internSet(a)
	}
	for k, a := range accCat {
		s.grantCat[k] = s.internSet(a)
	}
	s.indexGrants()
}

// internSet returns the index of an item set equal to a, adding it; many
// roles share the same set and keep one copy.
func (s *Snapshot) internSet(a *setAcc) int32 {
	key := wordsKey(a.read) + "|" + wordsKey(a.write)
	if id, ok := s.dedup[key]; ok {
		return id
	}
	id := int32(len(s.sets))
	s.dedup[key] = id
	set := itemSet{read: a.read, write: a.write}
	for i := range s.items.len() {
		if hasBit(a.read, int32(i)) {
			set.readNames = append(set.readNames, s.items.codes[i])
		}
		if hasBit(a.write, int32(i)) {
			set.writeNames = append(set.writeNames, s.items.codes[i])
		}
	}
	set.readNames = nonNil(set.readNames)
	set.writeNames = nonNil(set.writeNames)
	s.sets = append(s.sets, set)
	return id
}

// nonNil returns names capped to its length (an append copies), never nil.
func nonNil(names []string) []string {
	if names == nil {
		return noItems
	}
	return names[:len(names):len(names)]
}

// wordsKey is the bytes of a bitset, as a map key.
func wordsKey(w []uint64) string {
	if len(w) == 0 {
		return ""
	}
	return string(unsafe.Slice((*byte)(unsafe.Pointer(&w[0])), len(w)*8))
}

func (s *Snapshot) compileLimits(m *Model) {
	for i, l := range m.Limits {
		ag := s.agendas.intern(l.Agenda)
		k, _ := roleKey(l.Role)
		_, slot, ok := s.slotOf(ag, k)
		if !ok {
			s.warn("limits[%d]: role %s/%s is not in the catalogue", i, l.Agenda, l.Role)
			continue
		}
		max := int32(min(l.Max, 1<<31-1))
		if l.Service == "" {
			if slot.limit < 0 || max < slot.limit {
				slot.limit = max // the strictest limit wins
			}
			continue
		}
		key := pack(slot.id, s.services.intern(l.Service))
		if old, ok := s.svcLimit[key]; !ok || max < old {
			s.svcLimit[key] = max
		}
	}
}

type regAcc struct {
	binding int32
	all     bool
	roles   []uint64
}

func (s *Snapshot) compileRegistrations(m *Model) {
	acc := make(map[regKey]*regAcc)
	order := []regKey{}
	for i, a := range m.AIS {
		aisK, _ := aisKey(a.AIS)
		s.ais.intern(a.AIS)
		for _, agCode := range a.Agendas {
			ag := s.agendas.intern(agCode)
			agK, _ := agendaKey(agCode)
			if !s.agendaKnown(ag) {
				s.warn("ais[%d]: agenda %s is not in the catalogue", i, agCode)
			}
			var roles []uint64
			for _, rc := range a.Roles {
				k, _ := roleKey(rc)
				if _, _, ok := s.slotOf(ag, k); !ok {
					s.warn("ais[%d]: role %s is not a role of agenda %s", i, rc, agCode)
				}
				roles = append(roles, k)
			}
			for _, ovmCode := range a.OVMs {
				o := s.ovms.intern(ovmCode)
				ovmK, _ := ovmKey(ovmCode)
				if !s.ovmKnown(o) {
					s.warn("ais[%d]: OVM %s is not in the catalogue", i, ovmCode)
				}
				k := regKey{aisK, agK, ovmK}
				r := acc[k]
				if r == nil {
					r = &regAcc{binding: s.bind(ag, o)}
					acc[k] = r
					order = append(order, k)
				}
				if len(roles) == 0 {
					r.all = true
				}
				for _, rk := range roles {
					if !slices.Contains(r.roles, rk) {
						r.roles = append(r.roles, rk)
					}
				}
			}
		}
	}
	for _, k := range order {
		r := acc[k]
		v := regVal{binding: r.binding}
		if !r.all {
			v.rolesOff, v.rolesN = uint32(len(s.regRoles)), uint32(len(r.roles))
			s.regRoles = append(s.regRoles, r.roles...)
		}
		s.regs[k] = v
	}
	s.dedup, s.roleGrants = nil, nil // only needed while compiling
}

// bind returns the binding of (agenda, OVM), compiling it on first use:
// působnost (direct or through a category) and, per role of the agenda, the
// union of the item sets granted at the OVM and at its categories.
func (s *Snapshot) bind(ag, ovm int32) int32 {
	if id, ok := s.bindIndex[pack(ag, ovm)]; ok {
		return id
	}
	b := binding{agenda: ag, ovm: ovm, agendaOK: s.agendaKnown(ag), ovmOK: s.ovmKnown(ovm)}
	var roles []int32
	consider := func(sp span, ok bool) {
		if !ok {
			return
		}
		b.pusFound = true
		if sp.n == 0 {
			b.pusAll = true
			return
		}
		for _, r := range s.pusRoles[sp.off : sp.off+sp.n] {
			if !slices.Contains(roles, r) {
				roles = append(roles, r)
			}
		}
	}
	sp, ok := s.pusOVM[pack(ag, ovm)]
	consider(sp, ok)
	cats := s.categoriesOf(ovm)
	for _, c := range cats {
		sp, ok := s.pusCat[pack(ag, c)]
		consider(sp, ok)
	}
	if !b.pusAll && len(roles) > 0 {
		b.pusOff, b.pusN = uint32(len(s.pusRoles)), uint32(len(roles))
		s.pusRoles = append(s.pusRoles, roles...)
	}
	b.setsOff = uint32(len(s.bindSets))
	var slots []roleSlot
	if int(ag) < len(s.agendaRoles) {
		slots = s.agendaRoles[ag]
	}
	for _, slot := range slots {
		s.bindSets = append(s.bindSets, s.unionFor(slot.id, ovm, cats))
	}
	id := int32(len(s.bindings))
	s.bindings = append(s.bindings, b)
	s.bindIndex[pack(ag, ovm)] = id
	return id
}

// unionFor returns the item set a role has at an OVM: the union of the sets
// granted at the OVM and at each of its categories; -1 for none.
func (s *Snapshot) unionFor(role, ovm int32, cats []int32) int32 {
	first, n := int32(-1), 0
	var acc *setAcc
	add := func(i int32) {
		n++
		switch n {
		case 1:
			first = i
		case 2:
			acc = s.newAcc()
			acc.or(&s.sets[first])
			acc.or(&s.sets[i])
		default:
			acc.or(&s.sets[i])
		}
	}
	if int(role) < len(s.roleGrants) {
		g := &s.roleGrants[role]
		if g.ovm {
			if i, ok := s.grantOVM[pack(role, ovm)]; ok {
				add(i)
			}
		}
		for _, cg := range g.cats {
			if slices.Contains(cats, cg.cat) {
				add(cg.set)
			}
		}
	}
	if n < 2 {
		return first
	}
	return s.internSet(acc)
}

// roleGrant indexes the grants of one role, for compiling bindings.
type roleGrant struct {
	ovm  bool // some grant names an OVM (look it up in grantOVM)
	cats []catGrant
}

type catGrant struct{ cat, set int32 }

func (s *Snapshot) indexGrants() {
	s.roleGrants = make([]roleGrant, len(s.roles))
	for k := range s.grantOVM {
		s.roleGrants[int32(k>>32)].ovm = true
	}
	for k, set := range s.grantCat {
		g := &s.roleGrants[int32(k>>32)]
		g.cats = append(g.cats, catGrant{cat: int32(uint32(k)), set: set})
	}
}
