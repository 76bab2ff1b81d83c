package policies

// Items answers E227 (IszrVypisOpravneniPolozky) for a role: every data item
// granted to the role at the OVM, directly or through the OVM's categories,
// with its RPP code and level, in catalogue order. Unknown codes give nil.
func (s *Snapshot) Items(agenda, role, ovm string) []ItemName {
	ag, ok := s.agendas.lookup(agenda)
	if !ok {
		return nil
	}
	o, ok := s.ovms.lookup(ovm)
	if !ok {
		return nil
	}
	rc, ok := s.roleCodes.lookup(role)
	if !ok {
		return nil
	}
	r, ok := s.roleIDs[pack(ag, rc)]
	if !ok {
		return nil
	}
	var sets []*itemSet
	if i, ok := s.grantOVM[pack(r, o)]; ok {
		sets = append(sets, &s.sets[i])
	}
	for _, c := range s.categoriesOf(o) {
		if i, ok := s.grantCat[pack(r, c)]; ok {
			sets = append(sets, &s.sets[i])
		}
	}
	var out []ItemName
	for i := range s.items.len() {
		var read, write bool
		for _, set := range sets {
			read = read || hasBit(set.read, int32(i))
			write = write || hasBit(set.write, int32(i))
		}
		if !read && !write {
			continue
		}
		it := s.itemInfo[i]
		it.Read, it.Write = read, write
		out = append(out, it)
	}
	return out
}

// Catalogue returns every data item with an ISZR name (the E227 mapping).
func (s *Snapshot) Catalogue() []ItemName {
	out := make([]ItemName, len(s.itemInfo))
	copy(out, s.itemInfo)
	return out
}
