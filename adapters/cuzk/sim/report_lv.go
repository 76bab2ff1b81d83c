package sim

import (
	"bytes"
	"encoding/xml"
	"strconv"
	"time"
)

// nuts4 are the LAU 1 codes of the districts of the Jihočeský region, which
// the LV header carries.
var nuts4 = map[int]string{
	3301: "CZ0311", 3302: "CZ0312", 3303: "CZ0313", 3305: "CZ0314", 3306: "CZ0315", 3307: "CZ0316", 3308: "CZ0317",
}

// xw writes the elements of an XML report.
type xw struct{ b bytes.Buffer }

func (w *xw) open(name string)  { w.b.WriteString("<" + name + ">") }
func (w *xw) close(name string) { w.b.WriteString("</" + name + ">") }
func (w *xw) empty(name string) { w.b.WriteString("<" + name + "/>") }
func (w *xw) text(name, v string) {
	w.open(name)
	_ = xml.EscapeText(&w.b, []byte(v))
	w.close(name)
}
func (w *xw) opt(name, v string) {
	if v != "" {
		w.text(name, v)
	}
}

// lvReport builds the Výpis z katastru nemovitostí of an LV in the XML
// format of VypisZKatastruNemovitosti.xsd (no namespace, UTF-8): header,
// owners with their shares (part A), parcels and buildings (part B), and
// the closing fields; the other parts are present and empty.
func (s *Server) lvReport(lv *LV, at, made time.Time, historical bool) []byte {
	x, t := s.data, s.terr
	ku, _ := t.KUOf(lv.KU)
	obec, _ := t.ObecOf(ku.Obec)
	okres, _ := t.OkresOf(obec.Okres)
	w := &xw{}
	w.b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	w.open("VypisZKatastruNemovitosti")
	w.open("LIST_TEXT")
	w.open("TEXTY")

	w.open("ZAHLAVI_LV")
	w.open("OKRES")
	w.text("nuts4", nuts4[okres.Kod])
	w.text("nazev", okres.Nazev)
	w.close("OKRES")
	w.open("OBEC")
	w.text("kod", strconv.Itoa(obec.Kod))
	w.text("nazev", obec.Nazev)
	w.close("OBEC")
	w.open("KATASTR_UZEMI")
	w.text("kod", strconv.Itoa(ku.Kod))
	w.text("nazev", ku.Nazev)
	w.close("KATASTR_UZEMI")
	w.text("CIS_RADA", "")
	w.text("TEL_ID", lv.ID)
	w.text("CISLO_LV", strconv.Itoa(lv.Cislo))
	w.close("ZAHLAVI_LV")

	w.open("VLASTNICI_JINI_OPRAVNENI")
	w.open("TYP_VZTAHU")
	w.text("TYP_VZTAHU", "Vlastnické právo")
	w.open("SUBJEKTY")
	for _, p := range lv.Owners {
		o := x.os[p.OS]
		if o == nil {
			continue
		}
		w.open("SUBJEKT")
		w.open("VLA_IDENT")
		w.open("oprav_subjekt")
		w.text("id", o.ID)
		w.close("oprav_subjekt")
		w.close("VLA_IDENT")
		w.text("OPSUB_TYP", o.Typ)
		w.open("OPSUB_NAZEV")
		w.text("id", o.ID)
		if o.Typ == "BSM" {
			for i, pid := range []string{o.Partner1, o.Partner2} {
				if q := x.os[pid]; q != nil {
					pre := "bsm" + strconv.Itoa(i+1) + "_"
					w.text(pre+"prijmeni", q.Prijmeni)
					w.text(pre+"jmeno", q.Jmeno)
				}
			}
		}
		w.opt("nazev", o.Nazev)
		w.opt("prijmeni", o.Prijmeni)
		w.opt("jmeno", o.Jmeno)
		w.opt("titul_pred", o.TitulPred)
		w.close("OPSUB_NAZEV")
		w.open("OPSUB_IDENT")
		w.text("id", o.ID)
		if len(o.RC) >= 6 {
			w.text("rc6", o.RC[:6])
		}
		w.opt("ico", o.ICO)
		if o.Obec != "" {
			w.open("adresa")
			w.opt("nazev_ulice", o.Ulice)
			if o.CisloDomovni > 0 {
				w.text("cp_ce", "1")
				w.text("cislo_domovni", strconv.Itoa(o.CisloDomovni))
			}
			w.opt("cislo_orientacni", o.CisloOrientacni)
			w.opt("cast_obce", o.CastObce)
			w.text("obec", o.Obec)
			if o.PSC > 0 {
				w.text("psc", strconv.Itoa(o.PSC))
			}
			w.close("adresa")
		}
		w.close("OPSUB_IDENT")
		w.open("PODIL")
		w.text("citatel", strconv.Itoa(p.Citatel))
		w.text("jmenovatel", strconv.Itoa(p.Jmenovatel))
		w.close("PODIL")
		w.close("SUBJEKT")
	}
	w.close("SUBJEKTY")
	w.close("TYP_VZTAHU")
	w.close("VLASTNICI_JINI_OPRAVNENI")

	ps, _, _ := x.objectsOf(lv.ID)
	w.open("POZEMKY")
	for _, p := range ps {
		w.open("PARCELA")
		w.open("PAR_IDENT")
		lvParcela(w, p)
		w.close("PAR_IDENT")
		w.text("VYMERA_PARCELY", strconv.Itoa(p.Vymera))
		w.text("DRUH_POZ", druhNazev(p.Druh))
		w.opt("ZP_VYUZITI", p.ZPVyuziti)
		w.open("ZP_OCHRANY")
		w.opt("zpochr", p.Ochrana)
		w.close("ZP_OCHRANY")
		w.text("PLOMBA_PARCELY", "")
		soucasti := ""
		if st := x.stavba[p.Stavba]; st != nil && st.LV == p.LV {
			soucasti = "Součástí je stavba: " + stavbaText(st, t)
		}
		w.text("SOUCASTI", soucasti)
		w.empty("SOUCASTI_STAVBA")
		w.empty("DALSI_UDAJE")
		w.close("PARCELA")
	}
	w.close("POZEMKY")

	w.empty("STAVBY")
	w.empty("E_NABYVACI_TITULY")
	w.empty("JEDNOTKY")
	w.empty("F_BONITY")
	w.empty("D1_UPOZORNENI")
	w.empty("PARCELY_ZE")
	w.empty("UKONY_KN")
	w.open("JINA_PRAVA")
	for _, sekce := range []string{"B1", "C", "D"} {
		w.b.WriteString(`<SEKCE_LIST SEKCE="` + sekce + `">`)
		w.empty("JPV_LIST")
		w.close("SEKCE_LIST")
	}
	w.close("JINA_PRAVA")
	w.text("UPOZORNENI1", "")
	w.text("UPOZORNENI2", "")
	w.text("CASTECNY", "")
	w.close("TEXTY")
	w.close("LIST_TEXT")
	platnost := "Výpis z katastru nemovitostí prokazuje stav evidovaný k datu " + at.In(prague).Format("02.01.2006 15:04:05") + "."
	if historical {
		platnost = "Výpis z katastru nemovitostí k datu " + at.In(prague).Format("02.01.2006 15:04:05") + " (historický, bez elektronické značky)."
	}
	w.text("PLATNOST", platnost)
	w.text("BEZPL_PRISTUP", "")
	w.text("VYHOTOVENO", "Vyhotoveno sandboxem konektoru (data nejsou skutečná): "+made.In(prague).Format("02.01.2006 15:04:05"))
	w.close("VypisZKatastruNemovitosti")
	return w.b.Bytes()
}

func lvParcela(w *xw, p *Parcela) {
	w.open("parcela")
	w.text("id", p.ID)
	if p.Stavebni {
		w.text("zkratka", "St.")
	}
	w.text("druh_cis", druhCislovani(p))
	w.text("par_cis", strconv.Itoa(p.Kmen))
	if p.Podd > 0 {
		w.text("podd_cis", strconv.Itoa(p.Podd))
	}
	w.close("parcela")
}

func stavbaText(st *Stavba, t *Territory) string {
	co, _ := t.CastOf(st.CastObce)
	kind := "č.p."
	if st.Typ == 2 {
		kind = "č.ev."
	}
	return co.Nazev + ", " + kind + " " + strconv.Itoa(st.Cislo)
}
