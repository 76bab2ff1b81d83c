package policies

import (
	"encoding/json"
	"strings"
)

// Records of the RPP datasets, with only the fields the policy uses; names
// as in the OFN schemas (shared/reference/rpp/ofn).

// text is a language map {"cs": …, "en": …}; a plain string is read as cs.
type text struct {
	CS string `json:"cs"`
	EN string `json:"en"`
}

func (t *text) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		return json.Unmarshal(b, &t.CS)
	}
	type plain text
	return json.Unmarshal(b, (*plain)(t))
}

type rppAgenda struct {
	Kod      string `json:"kód"`
	Nazev    text   `json:"název"`
	Zanik    string `json:"zánik"`
	PlatDo   string `json:"platnost-do"`
	Cinnosti []struct {
		Kod    string `json:"kód-činnosti"`
		ID     string `json:"id"`
		Nazev  text   `json:"název-činnosti"`
		PlatDo string `json:"platnost-činnosti-do"`
	} `json:"činnosti"`
	KategorieOVM  []string `json:"vykonávající-kategorie-ovm"`
	KategorieSPUU []string `json:"vykonávající-kategorie-spuú"`
}

type rppOVM struct {
	ID            string `json:"id"`
	Identifikator string `json:"identifikátor"`
	Nazev         text   `json:"název"`
	Ukonceni      string `json:"ukončení"`
	Zanik         string `json:"zánik"` // SPUU
	Kategorie     []struct {
		Kategorie string `json:"kategorie"`
		Do        string `json:"zařazení-do"`
	} `json:"seznam-kategorií"`
}

type rppPusobnost struct {
	Registrace struct {
		Agenda string `json:"agenda"`
		OVM    string `json:"ovm"`
		SPUU   string `json:"spuú"`
	} `json:"registrace"`
	Cinnosti []string `json:"činnosti"`
}

type rppObjekt struct {
	Kod    string `json:"kód"`
	Agenda string `json:"agenda"`
	Udaje  []struct {
		Kod   string `json:"kód-údaje"`
		ID    string `json:"id"`
		Nazev text   `json:"název-údaje"`
	} `json:"údaje"`
}

type rppOpravneni struct {
	Kod   string `json:"kód"`
	Z     string `json:"z-agendy"`
	Do    string `json:"do-agendy"`
	Udaje []struct {
		Udaj    string `json:"údaj"`
		Uroven  string `json:"úroveň-přístupu"`
		Uroven2 string `json:"úroveň"` // tolerated spelling
	} `json:"údaje"`
	Role []string `json:"role"`
}

// lastSegments returns the last n "/"-separated segments of an IRI or
// relative id ("agenda/A101" → "A101").
func lastSegments(iri string, n int) []string {
	parts := strings.Split(strings.TrimRight(iri, "/"), "/")
	if len(parts) < n {
		return nil
	}
	return parts[len(parts)-n:]
}

func lastSegment(iri string) string {
	if s := lastSegments(iri, 1); s != nil {
		return s[0]
	}
	return ""
}

// ended reports whether an end date (YYYY-MM-DD…) lies before today.
func ended(date, today string) bool {
	if len(date) < 10 {
		return false
	}
	return date[:10] < today
}

func readAgendas(dec *json.Decoder, st *importState) error {
	var a rppAgenda
	if err := dec.Decode(&a); err != nil {
		return err
	}
	code := a.Kod
	if !validAgenda(code) {
		st.skip("agenda %q: not an agenda code", code)
		return nil
	}
	if ended(a.Zanik, st.today) || ended(a.PlatDo, st.today) {
		st.skip("agenda %s: ended", code)
		return nil
	}
	ag := Agenda{Code: code, Name: a.Nazev.CS}
	for _, c := range a.Cinnosti {
		rc := c.Kod
		if rc == "" {
			rc = lastSegment(c.ID)
		}
		if !validRole(rc) || ended(c.PlatDo, st.today) {
			continue
		}
		ag.Roles = append(ag.Roles, Role{Code: rc, Name: c.Nazev.CS})
	}
	st.m.Agendas = append(st.m.Agendas, ag)
	// Categories performing the agenda give působnost for every activity.
	// "vykonávající-ovm" is not used: pusobnost_v_agendach.json registers
	// each OVM with the activities it performs, which is narrower.
	for _, k := range append(a.KategorieOVM, a.KategorieSPUU...) {
		if c := lastSegment(k); validCategory(c) {
			st.m.Pusobnost = append(st.m.Pusobnost, Pusobnost{Agenda: code, Category: c})
		}
	}
	return nil
}

func readOVMs(dec *json.Decoder, st *importState) error {
	var o rppOVM
	if err := dec.Decode(&o); err != nil {
		return err
	}
	id := o.Identifikator
	if id == "" {
		id = lastSegment(o.ID)
	}
	if !validOVM(id) {
		st.skip("OVM %q: not an OVM identifier", id)
		return nil
	}
	if ended(o.Ukonceni, st.today) || ended(o.Zanik, st.today) {
		st.skip("OVM %s: ended", id)
		return nil
	}
	ovm := OVM{ID: id, Name: o.Nazev.CS}
	for _, k := range o.Kategorie {
		if c := lastSegment(k.Kategorie); validCategory(c) && !ended(k.Do, st.today) {
			ovm.Categories = append(ovm.Categories, c)
		}
	}
	st.m.OVMs = append(st.m.OVMs, ovm)
	return nil
}

func readPusobnost(dec *json.Decoder, st *importState) error {
	var p rppPusobnost
	if err := dec.Decode(&p); err != nil {
		return err
	}
	ag := lastSegment(p.Registrace.Agenda)
	holder := p.Registrace.OVM
	if holder == "" {
		holder = p.Registrace.SPUU
	}
	ovm := lastSegment(holder)
	if !validAgenda(ag) || !validOVM(ovm) {
		st.skip("působnost %q × %q: codes do not parse", ag, ovm)
		return nil
	}
	ps := Pusobnost{Agenda: ag, OVM: ovm}
	for _, c := range p.Cinnosti {
		if rc := lastSegment(c); validRole(rc) {
			ps.Roles = append(ps.Roles, rc)
		}
	}
	if len(p.Cinnosti) > 0 && len(ps.Roles) == 0 {
		st.skip("působnost %s × %s: no activity parses", ag, ovm)
		return nil
	}
	st.m.Pusobnost = append(st.m.Pusobnost, ps)
	return nil
}

func readItems(dec *json.Decoder, st *importState) error {
	var o rppObjekt
	if err := dec.Decode(&o); err != nil {
		return err
	}
	ag := lastSegment(o.Agenda)
	if ag != "" && !validAgenda(ag) {
		ag = ""
	}
	for _, u := range o.Udaje {
		code := u.Kod
		if code == "" {
			code = lastSegment(u.ID)
		}
		if !validRppItem(code) {
			st.skip("údaj %q: not an údaj code", code)
			continue
		}
		st.m.Items = append(st.m.Items, DataItem{Rpp: code, Agenda: ag, Name: u.Nazev.CS})
	}
	return nil
}

func readPermissions(dec *json.Decoder, st *importState) error {
	var o rppOpravneni
	if err := dec.Decode(&o); err != nil {
		return err
	}
	p := Permission{Code: o.Kod, From: lastSegment(o.Z), To: lastSegment(o.Do)}
	if !validAgenda(p.From) {
		p.From = ""
	}
	if !validAgenda(p.To) {
		p.To = ""
	}
	for _, u := range o.Udaje {
		level := u.Uroven
		if level == "" {
			level = u.Uroven2
		}
		if code := lastSegment(u.Udaj); validRppItem(code) && validLevel(level) {
			p.Items = append(p.Items, ItemAccess{Item: code, Level: level})
		}
	}
	for _, r := range o.Role {
		seg := lastSegments(r, 3) // A1046/CR6072/66003008 | KO14
		if seg == nil || !validAgenda(seg[0]) || !validRole(seg[1]) {
			continue
		}
		rr := RoleRef{Agenda: seg[0], Role: seg[1]}
		switch {
		case validOVM(seg[2]):
			rr.OVM = seg[2]
		case validCategory(seg[2]):
			rr.Category = seg[2]
		default:
			continue
		}
		p.Roles = append(p.Roles, rr)
	}
	if len(p.Items) == 0 || len(p.Roles) == 0 {
		st.skip("oprávnění %q: no usable items or roles", o.Kod)
		return nil
	}
	st.m.Permissions = append(st.m.Permissions, p)
	return nil
}
