package policies

import (
	"fmt"
	"slices"
	"strings"
)

// Snapshot is a compiled, immutable policy. Codes become numeric keys and
// dense ids; every (agenda, OVM) pair some AIS is registered for becomes a
// binding that already knows its působnost and, per role, the item set
// granted there (directly or through the OVM's categories). Decide on the
// permit path therefore does one registration lookup plus a few slice
// reads, neither allocates nor locks. A Snapshot is safe for concurrent
// use; swap snapshots with a Holder.
type Snapshot struct {
	settings Settings

	agendas   interner
	agendaOK  []bool // defined in the catalogue (not only referenced)
	ovms      interner
	ovmOK     []bool
	ovmCats   [][]int32 // categories of each OVM
	cats      interner
	ais       interner
	services  interner
	roleCodes interner

	// roles are per agenda: roleIDs key pack(agenda, roleCode id).
	roleIDs map[uint64]int32
	roles   []roleInfo
	// agendaRoles lists each agenda's defined roles, sorted by key.
	agendaRoles [][]roleSlot
	svcWords    int      // words per role in roleSvc
	roleSvc     []uint64 // role × service bitsets, svcWords per role

	// registrations → bindings.
	regs      map[regKey]regVal
	regRoles  []uint64 // role keys of registrations restricted to roles
	bindings  []binding
	bindSets  []int32 // per binding, per agenda role (slot order): item set, -1 none
	pusRoles  []int32
	bindIndex map[uint64]int32 // pack(agenda, ovm) → binding

	// působnost as registered (for bindings and warnings).
	pusOVM map[uint64]span // pack(agenda, ovm)
	pusCat map[uint64]span // pack(agenda, cat)

	// data items requestable through ISZR (those with an ISZR name).
	items     names
	itemInfo  []ItemName
	itemWords int
	// grants as registered: pack(role, ovm|cat) → set (E227 and bindings).
	grantOVM map[uint64]int32
	grantCat map[uint64]int32
	sets     []itemSet
	// setBits holds every set's bitsets, read then write, itemWords each,
	// contiguously: Decide reads them without a pointer chase.
	setBits []uint64
	dedup   map[string]int32 // while compiling: set content → index
	// roleGrants indexes grants by role while compiling.
	roleGrants []roleGrant

	// limits per (role, service); per role they sit in roleSlot.limit.
	svcLimit map[uint64]int32 // pack(role, service)

	regional regional

	warnings     []string
	moreWarnings int // warnings beyond those kept
}

type roleInfo struct {
	agenda  int32
	code    string
	name    string
	defined bool // listed under its agenda in the catalogue
}

type roleSlot struct {
	key   uint64
	id    int32
	limit int32 // record limit of the role for every service, -1 none
}

// regKey identifies a registration by the request's own codes.
type regKey struct{ ais, agenda, ovm uint64 }

type regVal struct {
	binding int32
	// roles the registration is restricted to (regRoles[off:off+n]); n == 0
	// means every role.
	rolesOff, rolesN uint32
}

// binding is one (agenda, OVM) pair an AIS is registered for.
type binding struct {
	agenda, ovm      int32
	agendaOK, ovmOK  bool
	pusFound, pusAll bool
	pusOff, pusN     uint32 // roles performed, in pusRoles (when !pusAll)
	setsOff          uint32 // bindSets[setsOff+slot]
}

type span struct{ off, n uint32 }

// itemSet is the items a grant allows, as bitsets over item ids, with the
// names precomputed for the "all items" answer.
type itemSet struct {
	read, write           []uint64
	readNames, writeNames []string // in item order; read-only
}

// ItemName is one entry of the E227 answer (IszrVypisOpravneniPolozky): the
// name to put in SeznamUdaju and the RPP údaj code it maps to.
type ItemName struct {
	KodIszr string
	KodRpp  string // empty when the mapping is unknown
	Read    bool   // R or RH granted
	Write   bool   // W granted
}

// interner maps codes, by numeric key, to dense ids.
type interner struct {
	key   func(string) (uint64, bool)
	ids   map[uint64]int32
	codes []string
}

func newInterner(key func(string) (uint64, bool)) interner {
	return interner{key: key, ids: make(map[uint64]int32)}
}

// intern returns the id of a code, adding it; -1 if the code does not
// parse (Validate rejects such models first).
func (in *interner) intern(s string) int32 {
	k, ok := in.key(s)
	if !ok {
		return -1
	}
	if id, ok := in.ids[k]; ok {
		return id
	}
	id := int32(len(in.codes))
	in.ids[k] = id
	in.codes = append(in.codes, s)
	return id
}

func (in *interner) lookup(s string) (int32, bool) {
	k, ok := in.key(s)
	if !ok {
		return 0, false
	}
	id, ok := in.ids[k]
	return id, ok
}

func (in *interner) len() int { return len(in.codes) }

// names maps ISZR item names to dense ids.
type names struct {
	ids   map[string]int32
	codes []string
}

func (n *names) intern(s string) int32 {
	if id, ok := n.ids[s]; ok {
		return id
	}
	if n.ids == nil {
		n.ids = make(map[string]int32)
	}
	id := int32(len(n.codes))
	n.ids[s] = id
	n.codes = append(n.codes, s)
	return id
}

func (n *names) lookup(s string) (int32, bool) {
	id, ok := n.ids[s]
	return id, ok
}

func (n *names) len() int { return len(n.codes) }

// compact rebuilds the map with keys that share one backing string, so
// that the key bytes Decide compares sit together in memory.
func (n *names) compact() {
	var b strings.Builder
	for _, c := range n.codes {
		b.WriteString(c)
	}
	all := b.String()
	ids := make(map[string]int32, len(n.codes))
	off := 0
	for i, c := range n.codes {
		k := all[off : off+len(c)]
		off += len(c)
		ids[k] = int32(i)
		n.codes[i] = k
	}
	n.ids = ids
}

func pack(a, b int32) uint64 { return uint64(uint32(a))<<32 | uint64(uint32(b)) }

func hasBit(set []uint64, i int32) bool {
	w := int(i) >> 6
	return w < len(set) && set[w]&(1<<(uint(i)&63)) != 0
}

func setBit(set []uint64, i int32) { set[int(i)>>6] |= 1 << (uint(i) & 63) }

// maxWarnings bounds how many warnings a snapshot keeps.
const maxWarnings = 1000

func (s *Snapshot) warn(format string, args ...any) {
	if len(s.warnings) >= maxWarnings {
		s.moreWarnings++
		return
	}
	s.warnings = append(s.warnings, fmt.Sprintf(format, args...))
}

// Warnings lists references that point nowhere (an AIS registered for an
// agenda or OVM RPP does not know, a permission for an unknown item, ...).
// They are not errors: Decide refuses such requests with the RPP text.
func (s *Snapshot) Warnings() []string {
	w := slices.Clone(s.warnings)
	if s.moreWarnings > 0 {
		w = append(w, fmt.Sprintf("and %d more", s.moreWarnings))
	}
	return w
}

// Settings returns the policy-wide settings in force (defaults filled in).
func (s *Snapshot) Settings() Settings { return s.settings }

// Stats counts what a snapshot holds.
type Stats struct {
	Agendas, Roles, OVMs, Categories, AIS, Services, Items int
	Registrations, Bindings, Pusobnost, Grants, ItemSets   int
}

// Stats reports the sizes of the compiled tables.
func (s *Snapshot) Stats() Stats {
	return Stats{
		Agendas: s.agendas.len(), Roles: len(s.roles), OVMs: s.ovms.len(), Categories: s.cats.len(),
		AIS: s.ais.len(), Services: s.services.len(), Items: s.items.len(),
		Registrations: len(s.regs), Bindings: len(s.bindings), Pusobnost: len(s.pusOVM) + len(s.pusCat),
		Grants: len(s.grantOVM) + len(s.grantCat), ItemSets: len(s.sets),
	}
}

// Compile validates m and builds an immutable Snapshot from it. m is not
// retained.
func Compile(m *Model) (*Snapshot, error) {
	if err := m.Validate(); err != nil {
		return nil, err
	}
	s := &Snapshot{
		settings:  m.Settings,
		agendas:   newInterner(agendaKey),
		ovms:      newInterner(ovmKey),
		cats:      newInterner(categoryKey),
		ais:       newInterner(aisKey),
		services:  newInterner(serviceKey),
		roleCodes: newInterner(roleKey),
		roleIDs:   make(map[uint64]int32),
		regs:      make(map[regKey]regVal),
		bindIndex: make(map[uint64]int32),
		pusOVM:    make(map[uint64]span),
		pusCat:    make(map[uint64]span),
		grantOVM:  make(map[uint64]int32),
		grantCat:  make(map[uint64]int32),
		svcLimit:  make(map[uint64]int32),
	}
	if s.settings.OverLimit == "" {
		s.settings.OverLimit = OverLimitDeny
	}
	s.compileCatalogue(m)
	s.compilePusobnost(m)
	s.compileItems(m)
	s.compileLimits(m)
	s.compileRegistrations(m)
	s.compileRegional(m)
	s.finish()
	return s, nil
}

// finish lays out the tables Decide reads for locality.
func (s *Snapshot) finish() {
	s.items.compact()
	for i := range s.itemInfo {
		s.itemInfo[i].KodIszr = s.items.codes[i]
	}
	for si := range s.sets {
		set := &s.sets[si]
		for i := range set.readNames {
			id, _ := s.items.lookup(set.readNames[i])
			set.readNames[i] = s.items.codes[id]
		}
		for i := range set.writeNames {
			id, _ := s.items.lookup(set.writeNames[i])
			set.writeNames[i] = s.items.codes[id]
		}
	}
	s.setBits = make([]uint64, 0, len(s.sets)*2*s.itemWords)
	for _, set := range s.sets {
		s.setBits = append(s.setBits, set.read...)
		s.setBits = append(s.setBits, set.write...)
	}
}

// setWords returns the read or write bitset of set i.
func (s *Snapshot) setWords(i int32, write bool) []uint64 {
	off := int(i) * 2 * s.itemWords
	if write {
		off += s.itemWords
	}
	return s.setBits[off : off+s.itemWords]
}

// role interns (agenda, code) and returns the role id.
func (s *Snapshot) role(agenda int32, code string) int32 {
	key := pack(agenda, s.roleCodes.intern(code))
	if id, ok := s.roleIDs[key]; ok {
		return id
	}
	id := int32(len(s.roles))
	s.roleIDs[key] = id
	s.roles = append(s.roles, roleInfo{agenda: agenda, code: code})
	return id
}

func (s *Snapshot) agendaKnown(id int32) bool {
	return id >= 0 && int(id) < len(s.agendaOK) && s.agendaOK[id]
}
func (s *Snapshot) ovmKnown(id int32) bool { return id >= 0 && int(id) < len(s.ovmOK) && s.ovmOK[id] }

// categoriesOf returns the categories of an OVM.
func (s *Snapshot) categoriesOf(ovm int32) []int32 {
	if ovm >= 0 && int(ovm) < len(s.ovmCats) {
		return s.ovmCats[ovm]
	}
	return nil
}

func (s *Snapshot) compileCatalogue(m *Model) {
	type roleDef struct {
		id       int32
		services []string
	}
	var defs []roleDef
	for _, a := range m.Agendas {
		ag := s.agendas.intern(a.Code)
		for len(s.agendaOK) <= int(ag) {
			s.agendaOK = append(s.agendaOK, false)
		}
		s.agendaOK[ag] = true
		for _, r := range a.Roles {
			id := s.role(ag, r.Code)
			s.roles[id].name = r.Name
			s.roles[id].defined = true
			defs = append(defs, roleDef{id, r.Services})
			for _, sv := range r.Services {
				s.services.intern(sv)
			}
		}
	}
	s.agendaRoles = make([][]roleSlot, s.agendas.len())
	for _, d := range defs {
		ag := s.roles[d.id].agenda
		k, _ := roleKey(s.roles[d.id].code)
		if !slices.ContainsFunc(s.agendaRoles[ag], func(r roleSlot) bool { return r.id == d.id }) {
			s.agendaRoles[ag] = append(s.agendaRoles[ag], roleSlot{key: k, id: d.id, limit: -1})
		}
	}
	for _, rs := range s.agendaRoles {
		slices.SortFunc(rs, func(a, b roleSlot) int { return cmpU64(a.key, b.key) })
	}
	s.svcWords = (s.services.len() + 63) / 64
	s.roleSvc = make([]uint64, len(s.roles)*s.svcWords)
	for _, d := range defs {
		row := s.roleSvc[int(d.id)*s.svcWords : int(d.id+1)*s.svcWords]
		for _, sv := range d.services {
			id, _ := s.services.lookup(sv)
			setBit(row, id)
		}
	}
	for _, o := range m.OVMs {
		id := s.ovms.intern(o.ID)
		for len(s.ovmOK) <= int(id) {
			s.ovmOK = append(s.ovmOK, false)
			s.ovmCats = append(s.ovmCats, nil)
		}
		s.ovmOK[id] = true
		for _, c := range o.Categories {
			cid := s.cats.intern(c)
			if !slices.Contains(s.ovmCats[id], cid) {
				s.ovmCats[id] = append(s.ovmCats[id], cid)
			}
		}
	}
}

func cmpU64(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// slotOf finds a defined role of an agenda by its key: the slot index and
// the slot.
func (s *Snapshot) slotOf(agenda int32, key uint64) (int, *roleSlot, bool) {
	if agenda < 0 || int(agenda) >= len(s.agendaRoles) {
		return 0, nil, false
	}
	rs := s.agendaRoles[agenda]
	lo, hi := 0, len(rs)
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if rs[mid].key < key {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	if lo < len(rs) && rs[lo].key == key {
		return lo, &rs[lo], true
	}
	return 0, nil, false
}
