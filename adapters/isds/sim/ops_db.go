package sim

import (
	"sort"
	"strconv"
	"strings"

	"konektor/wsdl/isds"
	"konektor/wsdl/isds/db"
)

// maxSearchResults is the number of boxes FindDataBox2 returns at most.
const maxSearchResults = 100

func dbStatusAnswer(op string, s status) []byte {
	w := answer(op)
	w.dbStatus(s)
	return w.end(op)
}

// ownerInfo writes the elements of tDbOwnerInfoExt2 for a box; with a nil
// box every element is nil (the answer of a failed GetOwnerInfoFromLogin2
// must still carry the element).
func ownerInfo(w *xw, b *Box) {
	w.open("dbOwnerInfo")
	if b == nil {
		for _, n := range []string{"dbID", "dbType", "ic", "pnGivenNames", "pnLastName", "firmName", "biDate", "biCity",
			"biCounty", "biState", "adCode", "adCity", "adDistrict", "adStreet", "adNumberInStreet",
			"adNumberInMunicipality", "adZipCode", "adState", "nationality", "dbIdOVM", "dbState", "dbOpenAddressing", "dbUpperID"} {
			w.nilEl(n)
		}
		w.close("dbOwnerInfo")
		return
	}
	w.el("dbID", b.ID)
	w.opt("dbType", b.Type)
	w.opt("ic", b.IC)
	w.opt("pnGivenNames", b.GivenNames)
	w.opt("pnLastName", b.LastName)
	w.opt("firmName", b.FirmName)
	for _, n := range []string{"biDate", "biCity", "biCounty", "biState"} {
		w.nilEl(n) // birth data are not given out
	}
	a := b.Address
	w.opt("adCode", a.Code)
	w.opt("adCity", a.City)
	w.opt("adDistrict", a.District)
	w.opt("adStreet", a.Street)
	w.opt("adNumberInStreet", a.NumberInStreet)
	w.opt("adNumberInMunicipality", a.NumberInMunicipality)
	w.opt("adZipCode", a.ZipCode)
	w.opt("adState", a.State)
	w.nilEl("nationality")
	w.opt("dbIdOVM", b.IdOVM)
	w.el("dbState", strconv.Itoa(b.State))
	w.el("dbOpenAddressing", strconv.FormatBool(b.OpenAddressing))
	w.opt("dbUpperID", b.UpperID)
	w.close("dbOwnerInfo")
}

func (s *Server) getOwnerInfoFromLogin2(x *call) ([]byte, error) {
	const op = "GetOwnerInfoFromLogin2"
	var req db.GetOwnerInfoFromLogin2
	if err := x.decode(&req); err != nil {
		return nil, err
	}
	w := answer(op)
	ownerInfo(w, x.login.box)
	w.dbStatus(ok())
	return w.end(op), nil
}

func (s *Server) checkDataBox(x *call) ([]byte, error) {
	const op = "CheckDataBox"
	var req db.CheckDataBox
	if err := x.decode(&req); err != nil {
		return nil, err
	}
	id := ""
	if req.DbID != nil {
		id = strings.TrimSpace(string(*req.DbID))
	}
	if !isds.ValidBoxID(id) {
		return dbStatusAnswer(op, st(codeBadBoxID)), nil
	}
	b := s.store.boxes[id]
	if b == nil || b.system() {
		return dbStatusAnswer(op, st(codeBoxNotFound)), nil
	}
	w := answer(op)
	w.el("dbState", strconv.Itoa(b.State))
	w.dbStatus(ok())
	return w.end(op), nil
}

// typeMatches reports whether a box type matches a searched type,
// including the virtual types: OVM_MAIN only 10 (OVM), PO_BASE only PO,
// PFO_BASE only PFO; OVM covers OVM, OVM_REQ, OVM_FO and OVM_PFO; PO
// covers PO, PO_REQ and OVM_PO; PFO covers the PFO types.
func typeMatches(box, want string) bool {
	switch want {
	case "":
		return true
	case "OVM_MAIN":
		return box == "OVM"
	case "PO_BASE":
		return box == "PO"
	case "PFO_BASE":
		return box == "PFO"
	case "OVM":
		return box == "OVM" || box == "OVM_REQ" || box == "OVM_FO" || box == "OVM_PFO"
	case "PO":
		return box == "PO" || box == "PO_REQ" || box == "OVM_PO"
	case "PFO":
		return strings.HasPrefix(box, "PFO")
	}
	return box == want
}

func fold(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

func (s *Server) findDataBox2(x *call) ([]byte, error) {
	const op = "FindDataBox2"
	var req db.FindDataBox2
	if err := x.decode(&req); err != nil {
		return nil, err
	}
	if req.DbOwnerInfo == nil {
		return nil, bad("FindDataBox2 needs dbOwnerInfo")
	}
	if !x.login.has(PrivSearchDB) {
		return dbStatusAnswer(op, st(codeSearchDenied)), nil
	}
	q := req.DbOwnerInfo
	get := func(p *string) string {
		if p == nil {
			return ""
		}
		return fold(*p)
	}
	id := ""
	if q.DbID != nil {
		id = strings.TrimSpace(string(*q.DbID))
	}
	typ := ""
	if q.DbType != nil {
		typ = string(*q.DbType)
	}
	ic := ""
	if q.Ic != nil {
		ic = strings.TrimSpace(string(*q.Ic))
	}
	firm, last, city, zip := get(q.FirmName), get(q.PnLastName), get(q.AdCity), get(q.AdZipCode)
	var hits []*Box
	for _, b := range s.store.boxes {
		if b.system() {
			continue
		}
		if id != "" { // a box ID given: the other criteria are ignored
			if b.ID == id {
				hits = append(hits, b)
			}
			continue
		}
		if id == "" && typ == "" && ic == "" && firm == "" && last == "" && city == "" && zip == "" {
			continue // no criterion: nothing matches
		}
		if !typeMatches(b.Type, typ) || (ic != "" && b.IC != ic) || (firm != "" && !strings.Contains(fold(b.FirmName), firm)) ||
			(last != "" && fold(b.LastName) != last) || (city != "" && fold(b.Address.City) != city) ||
			(zip != "" && strings.ReplaceAll(b.Address.ZipCode, " ", "") != strings.ReplaceAll(zip, " ", "")) {
			continue
		}
		hits = append(hits, b)
	}
	sort.Slice(hits, func(i, j int) bool { return hits[i].ID < hits[j].ID })
	code := codeOK
	if !x.login.box.ovm() {
		// A caller that is not an OVM finds OVM boxes, and a single other
		// box only when it accepts commercial messages.
		var ovm, other []*Box
		for _, b := range hits {
			if b.ovm() {
				ovm = append(ovm, b)
			} else {
				other = append(other, b)
			}
		}
		hits = ovm
		switch {
		case len(other) == 1 && other[0].OpenAddressing:
			hits = append(hits, other[0])
		case len(other) == 1 && len(ovm) == 0:
			code = "0009"
		case len(other) > 1 && len(ovm) == 0:
			return dbStatusAnswer(op, st(codeSearchAmbiguous)), nil
		}
	}
	if len(hits) > maxSearchResults {
		hits, code = hits[:maxSearchResults], codeTooMany
	}
	if len(hits) == 0 && code == codeOK {
		code = codeNoMatch
	}
	w := answer(op)
	w.open("dbResults")
	for _, b := range hits {
		ownerInfo(w, b)
	}
	w.close("dbResults")
	if code == "0009" {
		w.dbStatus(stf(code, "Nalezená schránka nepřijímá poštovní datové zprávy."))
	} else {
		w.dbStatus(st(code))
	}
	return w.end(op), nil
}
