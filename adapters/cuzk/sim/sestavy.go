package sim

import (
	"bytes"
	"html"
	"time"

	"konektor/wsdl/cuzk/wsdp"
)

// historyMinAge is how far in the past a report's datumK must lie (453).
const historyMinAge = 20 * time.Minute

// reportParams are the common parameters of a report request.
type reportParams struct {
	format      string
	pripojitXML bool
	historical  bool
	at          time.Time
}

// checkReport applies the rules of every report request (user guide
// §3.5, §3.9, §4.3) in order: the format (zip only for price data; XML
// and HTML not for verifying accounts, 325; XML with pripojitXML, 527),
// ucelKod must exist whoever sends it (454), the parameters the account
// type demands (free: cisloJednaci 118 and ucelKod 119; verifying:
// poradoveCislo 120), the two parameter pairs exclude each other (321),
// and datumK (at least 20 minutes old, after the migration; none for
// verifying accounts).
func (c *call) checkReport() (reportParams, zprava, bool) {
	q := c.req
	p := reportParams{format: q.Value("format"), pripojitXML: q.Value("pripojitXML") == "a", at: c.now}
	switch {
	case p.format == "zip":
		return p, msg(117, "format"), false
	case c.acct.Type == Verifying && (p.format != "pdf" || p.pripojitXML):
		return p, msg(325), false
	case p.format == "xml" && p.pripojitXML:
		return p, msg(527), false
	}
	if (q.Child("cisloJednaci") != nil || q.Child("ucelKod") != nil) && (q.Child("poradoveCislo") != nil || q.Child("overovaciDolozka") != nil) {
		return p, msg(321), false
	}
	if v := q.Value("ucelKod"); v != "" && !ucelExists(code(v)) {
		return p, msg(454), false
	}
	switch c.acct.Type {
	case Free:
		if q.Value("cisloJednaci") == "" {
			return p, msg(118), false
		}
		if q.Value("ucelKod") == "" {
			return p, msg(119), false
		}
	case Verifying:
		if q.Value("poradoveCislo") == "" {
			return p, msg(120), false
		}
	}
	if z, ok := c.datumK(historyMinAge); !ok {
		return p, z, false
	}
	if v := q.Value("datumK"); v != "" {
		p.historical = true
		p.at, _ = parseDateTime(v)
	}
	return p, zprava{}, true
}

// generujLV queues the Výpis z katastru nemovitostí of an LV by its id.
func (c *call) generujLV() any {
	p, z, ok := c.checkReport()
	if !ok {
		return c.emptyAnswer(z)
	}
	lv := c.s.data.lv[id(c.req.Value("lvId"))]
	if lv == nil {
		return c.emptyAnswer(msg(304, c.req.Value("lvId")))
	}
	return c.queueLV(lv, p)
}

// generujLVZjednodusene queues the Výpis of an LV by k.ú. and number.
func (c *call) generujLVZjednodusene() any {
	p, z, ok := c.checkReport()
	if !ok {
		return c.emptyAnswer(z)
	}
	ku := code(c.req.Value("katastrUzemiKod"))
	if _, ok := c.s.terr.KUOf(ku); !ok {
		return c.emptyAnswer(msg(302))
	}
	lv := c.s.data.lvByNumber(ku, code(c.req.Value("lvCislo")))
	if lv == nil {
		return c.emptyAnswer(msg(304, c.req.Value("lvCislo")))
	}
	return c.queueLV(lv, p)
}

// queueLV creates the report (and, with pripojitXML, its XML twin, which
// costs nothing) and answers with them in state čeká. The content is
// built at once; the state follows the injected clock.
func (c *call) queueLV(lv *LV, p reportParams) any {
	rs := c.s.reports
	main := &report{account: c.acct.User, acctType: c.acct.Type, nazev: reportNameLV, format: p.format,
		requested: c.now, historical: p.historical, fail: lv.FailReport}
	c.s.buildLV(main, lv, p)
	rs.add(main)
	list := []*report{main}
	if p.pripojitXML {
		twin := &report{account: c.acct.User, acctType: c.acct.Type, nazev: reportNameLV, format: "xml",
			requested: c.now, historical: p.historical, fail: lv.FailReport, parent: main.id}
		c.s.buildLV(twin, lv, p)
		twin.price = 0 // XML with a formatted output is not charged extra
		rs.add(twin)
		rs.mu.Lock()
		main.children = append(main.children, twin.id)
		rs.mu.Unlock()
		list = append(list, twin)
	}
	r := &wsdp.GenerujSestavuResponseType{Vysledek: c.vysledek(okMsg()), ReportList: &wsdp.ReportListType{}}
	rs.mu.Lock()
	defer rs.mu.Unlock()
	for _, rep := range list {
		r.ReportList.Report = append(r.ReportList.Report, rs.entry(rep, c.now, false))
	}
	return r
}

// buildLV fills a report's content, pages and price.
func (s *Server) buildLV(r *report, lv *LV, p reportParams) {
	switch r.format {
	case "xml":
		r.file, r.sealed = s.lvReport(lv, p.at, r.requested, p.historical), false
		if !p.historical {
			r.file, r.sealed = s.sealReport(r.file)
		}
		r.pages, r.price = 1, priceXMLLV
	case "html":
		var b bytes.Buffer
		b.WriteString("<!DOCTYPE html>\n<html lang=\"cs\"><head><meta charset=\"utf-8\"><title>Výpis z katastru nemovitostí</title></head><body><pre>\n")
		for _, l := range s.lvLines(lv) {
			b.WriteString(html.EscapeString(l) + "\n")
		}
		b.WriteString("</pre></body></html>\n")
		r.file, r.pages = b.Bytes(), 1
		r.price = min(pricePerPage*r.pages, maxPriceLV)
	default:
		r.file, r.pages = pdf("Vypis z katastru nemovitosti", s.lvLines(lv))
		r.price = min(pricePerPage*r.pages, maxPriceLV)
	}
}

// seznamSestav lists the account's reports, or one of them (304 when it
// is not the account's or was deleted; 392 when the list is empty).
func (c *call) seznamSestav() any {
	rs := c.s.reports
	rs.mu.Lock()
	defer rs.mu.Unlock()
	var list []*report
	if v := c.req.Value("idSestavy"); v != "" {
		r := rs.get(c.acct.User, id(v))
		if r == nil {
			return c.emptyAnswer(msg(304, v))
		}
		list = []*report{r}
	} else {
		list = rs.list(c.acct.User)
	}
	if len(list) == 0 {
		return c.emptyAnswer(found(0)...)
	}
	out := &wsdp.GenerujSestavuResponseType{Vysledek: c.vysledek(okMsg()), ReportList: &wsdp.ReportListType{}}
	for _, r := range list {
		out.ReportList.Report = append(out.ReportList.Report, rs.entry(r, c.now, false))
	}
	return out
}

// vratSestavu returns a finished report with its file and charges it the
// first time (zaúčtován). An XML twin whose main report is not finished
// gives 526, or 528 when the main report failed; a report still being made
// comes back without a file. A sealed output carries 317; an XML output
// that could not be sealed 316.
func (c *call) vratSestavu() any {
	rs := c.s.reports
	rs.mu.Lock()
	defer rs.mu.Unlock()
	v := c.req.Value("idSestavy")
	r := rs.get(c.acct.User, id(v))
	if r == nil {
		return c.emptyAnswer(msg(304, v))
	}
	if r.parent != "" {
		if main := rs.byID[r.parent]; main != nil {
			switch rs.state(main, c.now) {
			case StavChyba:
				return c.reportAnswer(rs.entry(r, c.now, false), msg(528))
			case StavCeka, StavVytvariSe, StavPodepisuje:
				return c.reportAnswer(rs.entry(r, c.now, false), msg(526))
			}
		}
	}
	st := rs.state(r, c.now)
	if st != StavZpracovan && st != StavZauctovan {
		return c.reportAnswer(rs.entry(r, c.now, false), okMsg())
	}
	rs.charge(r, c.now)
	z := []zprava{okMsg()}
	switch {
	case r.sealed:
		z = append(z, msg(317))
	case r.format == "xml" && !r.historical:
		z = append(z, msg(316))
	}
	return c.reportAnswer(rs.entry(r, c.now, true), z...)
}

func (c *call) reportAnswer(e *wsdp.ReportType, z ...zprava) any {
	return &wsdp.GenerujSestavuResponseType{Vysledek: c.vysledek(z...), ReportList: &wsdp.ReportListType{Report: []*wsdp.ReportType{e}}}
}

// smazSestavu marks a report deleted; it is no longer visible (304).
func (c *call) smazSestavu() any {
	rs := c.s.reports
	rs.mu.Lock()
	defer rs.mu.Unlock()
	v := c.req.Value("idSestavy")
	r := rs.get(c.acct.User, id(v))
	if r == nil {
		return c.emptyAnswer(msg(304, v))
	}
	r.deleted = true
	return &wsdp.GenerujSestavuResponseType{Vysledek: c.vysledek(okMsg())}
}
