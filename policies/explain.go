package policies

import (
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Explain prints a decision and the chain of links that allowed or refused
// it, in Czech (lang "cs", the default) or English ("en").
func Explain(d Decision, lang string) string {
	en := strings.HasPrefix(strings.ToLower(lang), "en")
	pick := func(cs, e string) string {
		if en {
			return e
		}
		return cs
	}
	var b strings.Builder
	if d.Permit {
		b.WriteString(pick("Rozhodnutí: POVOLENO\n", "Decision: PERMIT\n"))
	} else {
		fmt.Fprintf(&b, pick("Rozhodnutí: ZAMÍTNUTO (%s)\n", "Decision: DENY (%s)\n"), d.SubCode)
	}
	r := d.Request
	if r.AIS != "" || r.OVM != "" || r.Agenda != "" || r.Service != "" {
		items := pick("neuvedeny (AutorizaceInfo chybí)", "not given (AutorizaceInfo absent)")
		if r.Items != nil {
			items = strings.Join(r.Items, " ")
		}
		fmt.Fprintf(&b, pick("Požadavek: AIS %s, OVM %s, agenda %s, role %s, služba %s, údaje: %s",
			"Request: AIS %s, OVM %s, agenda %s, role %s, service %s, items: %s"),
			orDash(r.AIS), orDash(r.OVM), orDash(r.Agenda), orDash(r.Role), orDash(r.Service), items)
		if r.MaxRecords > 0 {
			fmt.Fprintf(&b, pick(", MaximalniPocetZaznamu %d", ", MaximalniPocetZaznamu %d"), r.MaxRecords)
		}
		b.WriteByte('\n')
	}
	for _, rs := range d.Reasons {
		mark := pick("[NE]", "[NO]")
		cs, e := rs.CS, rs.EN
		if rs.OK {
			mark = "[OK]"
			if dcs, den, ok := okDetail(rs.Link, r); ok {
				cs, e = dcs, den
			}
		}
		fmt.Fprintf(&b, "  %s %-14s %s\n", mark, rs.Link, pick(cs, e))
	}
	if d.Permit {
		if d.Items != nil {
			fmt.Fprintf(&b, pick("Údaje k výdeji (%d): %s\n", "Items released (%d): %s\n"), len(d.Items), strings.Join(d.Items, " "))
		}
		limit := pick("bez omezení", "no limit")
		if d.MaxRecords > 0 {
			limit = strconv.Itoa(d.MaxRecords)
		}
		fmt.Fprintf(&b, pick("Nejvýše záznamů: %s\n", "Maximum records: %s\n"), limit)
	}
	return b.String()
}

// okDetail restates a passed ISZR link with the request's identifiers (the
// chain itself carries generic texts so that a permit does not allocate).
func okDetail(link string, r Request) (cs, en string, ok bool) {
	switch link {
	case LinkAIS:
		return fmt.Sprintf("AIS %s je v RPP registrován pro agendu %s a OVM %s.", r.AIS, r.Agenda, r.OVM),
			fmt.Sprintf("AIS %s is registered in RPP for agenda %s and OVM %s.", r.AIS, r.Agenda, r.OVM), true
	case LinkAgenda:
		return fmt.Sprintf("Agenda %s je v RPP evidována.", r.Agenda),
			fmt.Sprintf("Agenda %s is registered in RPP.", r.Agenda), true
	case LinkOVM:
		return fmt.Sprintf("OVM %s je v RPP evidován.", r.OVM),
			fmt.Sprintf("OVM %s is registered in RPP.", r.OVM), true
	case LinkRole:
		return fmt.Sprintf("Činnostní role %s je činností agendy %s.", r.Role, r.Agenda),
			fmt.Sprintf("Role %s is an activity of agenda %s.", r.Role, r.Agenda), true
	case LinkPusobnost:
		return fmt.Sprintf("OVM %s má působnost v agendě %s a vykonává činnost %s.", r.OVM, r.Agenda, r.Role),
			fmt.Sprintf("OVM %s acts in agenda %s and performs activity %s.", r.OVM, r.Agenda, r.Role), true
	case LinkRoleService:
		return fmt.Sprintf("Činnostní role %s agendy %s má vazbu na službu %s.", r.Role, r.Agenda, r.Service),
			fmt.Sprintf("Role %s of agenda %s is linked to service %s.", r.Role, r.Agenda, r.Service), true
	}
	return "", "", false
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// Check decides r against s, writes the explanation to w and reports
// whether the call is permitted: the body of `konektor policy check`
// (exit 0 on permit, 1 on deny).
func Check(w io.Writer, s *Snapshot, r Request, lang string) (permit bool) {
	d := s.Decide(r)
	io.WriteString(w, Explain(d, lang))
	return d.Permit
}
