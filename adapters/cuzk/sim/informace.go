package sim

import (
	"strconv"
	"strings"

	"konektor/wsdl/cuzk/wsdp"
)

// MaxMBRParcels bounds the parcels of one dejMBRParcel call (505 above).
const MaxMBRParcels = 1000

// dejMBRParcel returns, for each parcel, the rectangle around its
// boundary in S-JTSK (whole metres, minimum rounded down and maximum up),
// or an empty gml:Null when the parcel has no boundary. Unknown ids are an
// error (304) naming them all.
func (c *call) dejMBRParcel() any {
	ids := c.req.All("parcelaId")
	if len(ids) > MaxMBRParcels {
		return c.emptyAnswer(msg(505))
	}
	x := c.s.data
	var unknown []string
	list := &wsdp.MBRListType{}
	seen := map[string]bool{}
	for _, e := range ids {
		pid := id(e.Text)
		if seen[pid] {
			return c.emptyAnswer(msg(404))
		}
		seen[pid] = true
		p := x.parcela[pid]
		if p == nil {
			unknown = append(unknown, pid)
			continue
		}
		mbr := &wsdp.MBRType{IDList: &wsdp.IDListType{ID: []string{p.ID}, Typ: ptr[wsdp.IDListTypType]("PAR_S")}}
		if len(p.MBR) == 4 {
			mbr.BoundedBy = &wsdp.BoundedBy{Envelope: &wsdp.EnvelopeType{
				LowerCorner: ptr[wsdp.DoubleListType](strconv.Itoa(p.MBR[0]) + " " + strconv.Itoa(p.MBR[1])),
				UpperCorner: ptr[wsdp.DoubleListType](strconv.Itoa(p.MBR[2]) + " " + strconv.Itoa(p.MBR[3]))}}
		} else {
			mbr.BoundedBy = &wsdp.BoundedBy{Null: ptr[wsdp.NilReasonType]("")}
		}
		list.MBR = append(list.MBR, mbr)
	}
	if len(unknown) > 0 {
		return c.emptyAnswer(msg(304, strings.Join(unknown, ", ")))
	}
	return &wsdp.DejMBRParcelResponseType{Vysledek: c.vysledek(okMsg()), InfoList: &wsdp.InfoListType{MBRList: list}}
}

// viewAllowed reports whether the account may use the CzechPOINT views
// dejNahledLV and dejInfoOJednotce: free (officials) and verifying
// (CzechPOINT) accounts may; paying customers may not (207).
func (c *call) viewAllowed() bool { return c.acct.Type != Paying }

// dejNahledLV returns an LV's preview: the LV, its owners and their
// shares, parcels, buildings and units.
func (c *call) dejNahledLV() any {
	if !c.viewAllowed() {
		return c.emptyAnswer(msg(207))
	}
	byNumber, z, ok := c.choice("katuzeKod", "lvId")
	if !ok {
		return c.emptyAnswer(z)
	}
	x := c.s.data
	var lv *LV
	if byNumber {
		if c.req.Child("lvCislo") == nil {
			return c.emptyAnswer(msg(107))
		}
		ku := code(c.req.Value("katuzeKod"))
		if _, ok := c.s.terr.KUOf(ku); !ok {
			return c.emptyAnswer(msg(302))
		}
		lv = x.lvByNumber(ku, code(c.req.Value("lvCislo")))
		if lv == nil {
			return c.emptyAnswer(msg(304, c.req.Value("lvCislo")))
		}
	} else if lv = x.lv[id(c.req.Value("lvId"))]; lv == nil {
		return c.emptyAnswer(msg(304, c.req.Value("lvId")))
	}
	r := &wsdp.DejNahledLVResponseType{Vysledek: c.vysledek(okMsg()), LV: x.lvType(lv, c.s.terr),
		OS: x.owners(lv), Vlastnictvi: x.vlastnictvi(lv)}
	ps, ss, js := x.objectsOf(lv.ID)
	for _, p := range ps {
		r.Parcela = append(r.Parcela, x.parcelaType(p))
	}
	for _, s := range ss {
		r.Stavba = append(r.Stavba, x.stavbaType(s, c.s.terr))
	}
	for _, j := range js {
		r.Jednotka = append(r.Jednotka, x.jednotkaLong(j))
	}
	return r
}

// dejInfoOJednotce returns a unit with its building, LV and owners, by id
// or by část obce, building type and number and unit number.
func (c *call) dejInfoOJednotce() any {
	if !c.viewAllowed() {
		return c.emptyAnswer(msg(207))
	}
	byID, z, ok := c.choice("idJednotky", "castObceKod", "stavbaTypKod", "stavbaCislo", "jednotkaCislo")
	if !ok {
		return c.emptyAnswer(z)
	}
	x := c.s.data
	var j *Jednotka
	if byID {
		if j = x.jednotka[id(c.req.Value("idJednotky"))]; j == nil {
			return c.emptyAnswer(msg(304, c.req.Value("idJednotky")))
		}
	} else {
		ss, z, ok := c.building("castObceKod", "stavbaTypKod", "stavbaCislo")
		if !ok {
			return c.emptyAnswer(z)
		}
		if c.req.Child("jednotkaCislo") == nil {
			return c.emptyAnswer(msg(115, "jednotkaCislo"))
		}
		want := code(c.req.Value("jednotkaCislo"))
		for _, s := range ss {
			for i := range x.Jednotky {
				u := &x.Jednotky[i]
				if u.Stavba == s.ID && (x.unitNumber(u) == want || u.Cislo == want) {
					j = u
				}
			}
		}
		if j == nil {
			return c.emptyAnswer(msg(304, c.req.Value("jednotkaCislo")))
		}
	}
	r := &wsdp.DejInfoOJednotceResponseType{Vysledek: c.vysledek(okMsg()), Jednotka: x.jednotkaLong(j)}
	if s := x.stavba[j.Stavba]; s != nil {
		r.Stavba = x.stavbaType(s, c.s.terr)
	}
	if lv := x.lv[j.LV]; lv != nil {
		r.LV = x.lvType(lv, c.s.terr)
		r.OS = x.owners(lv)
		r.Vlastnictvi = x.vlastnictvi(lv)
	}
	return r
}
