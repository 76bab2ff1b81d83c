package sim

import (
	"encoding/base64"
	"sort"
	"strconv"
	"sync"
	"time"

	"konektor/wsdl/cuzk/wsdp"
)

// Report states (ReportStavType).
const (
	StavCeka        = "čeká"
	StavVytvariSe   = "vytváří se"
	StavPodepisuje  = "podepisuje se"
	StavZpracovan   = "zpracován"
	StavChyba       = "chyba při vytváření"
	StavZauctovan   = "zaúčtován"
	reportNameLV    = "Výpis z katastru"
	firstReportID   = 27033090011
	reportIDStep    = 1000
	pricePerPage    = 50   // Kč per started A4 page of a PDF/HTML output
	maxPriceLV      = 1000 // Kč per LV, PDF/HTML
	priceXMLLV      = 100  // Kč per LV, XML alone
	reportStartFrac = 3    // the report starts after ReportDelay/3
)

// Charge is one amount ČÚZK registers when a report is first downloaded.
// Free (bezúplatné) accounts are charged but not invoiced.
type Charge struct {
	Account  string
	ReportID string
	Amount   int // Kč
	At       time.Time
	Invoiced bool
}

// report is one generated output.
type report struct {
	id, account string
	acctType    AccountType
	nazev       string
	format      string // pdf, xml, html
	requested   time.Time
	historical  bool // datumK given: no seal
	parent      string
	children    []string
	fail        bool
	sealed      bool
	file        []byte
	pages       int
	price       int
	charged     bool
	deleted     bool
}

// reports is the store of generated reports, per account.
type reports struct {
	mu      sync.Mutex
	delay   time.Duration
	next    int64
	byID    map[string]*report
	charges []Charge
}

func newReports(delay time.Duration) *reports {
	return &reports{delay: delay, next: firstReportID, byID: map[string]*report{}}
}

func (rs *reports) add(r *report) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	r.id = strconv.FormatInt(rs.next, 10)
	rs.next += reportIDStep
	rs.byID[r.id] = r
}

// get returns a visible report of an account.
func (rs *reports) get(account, rid string) *report {
	r := rs.byID[rid]
	if r == nil || r.deleted || r.account != account {
		return nil
	}
	return r
}

// times of a report's life on the clock.
func (rs *reports) started(r *report) time.Time { return r.requested.Add(rs.delay / reportStartFrac) }
func (rs *reports) created(r *report) time.Time { return r.requested.Add(rs.delay) }
func (rs *reports) signed(r *report) time.Time {
	if r.sealed {
		return rs.created(r).Add(rs.delay / reportStartFrac)
	}
	return rs.created(r)
}

// state returns a report's state at now.
func (rs *reports) state(r *report, now time.Time) string {
	switch {
	case now.Before(rs.started(r)):
		return StavCeka
	case now.Before(rs.created(r)):
		return StavVytvariSe
	case r.fail:
		return StavChyba
	case now.Before(rs.signed(r)):
		return StavPodepisuje
	case r.charged:
		return StavZauctovan
	}
	return StavZpracovan
}

// entry writes a report for an answer; the file only when withFile.
func (rs *reports) entry(r *report, now time.Time, withFile bool) *wsdp.ReportType {
	st := rs.state(r, now)
	e := &wsdp.ReportType{Id: idp(r.id), Nazev: ptr[wsdp.NazevReportuType](r.nazev),
		DatumPozadavku: ptr[wsdp.DateTimeType](dateTime(r.requested)), Stav: ptr[wsdp.ReportStavType](st),
		Format: ptr[wsdp.FormatSestavyType](r.format), IdNadrizeneSestavy: idp(r.parent)}
	for _, ch := range r.children {
		e.IdPodrizeneSestavy = append(e.IdPodrizeneSestavy, idp(ch))
	}
	if !now.Before(rs.started(r)) {
		e.DatumSpusteni = ptr[wsdp.DateTimeType](dateTime(rs.started(r)))
	}
	ready := st == StavZpracovan || st == StavZauctovan
	if ready {
		e.DatumVytvoreni = ptr[wsdp.DateTimeType](dateTime(rs.created(r)))
		e.PocetJednotek = ptrInt[wsdp.PocetJednotekType](max(r.pages, 1))
		if r.format != "xml" {
			e.PocetStran = ptrInt[wsdp.PocetStranType](r.pages)
		}
		e.Cena = ptrInt[wsdp.CenaType](r.price)
		yn := "n"
		if r.sealed {
			yn = "a"
		}
		e.ElZnacka = ptr[wsdp.AnoNeType](yn)
		if withFile {
			e.SouborSestavy = []byte(base64.StdEncoding.EncodeToString(r.file))
		}
	}
	return e
}

// list returns an account's visible reports by id.
func (rs *reports) list(account string) []*report {
	var out []*report
	for _, r := range rs.byID {
		if !r.deleted && r.account == account {
			out = append(out, r)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		a, _ := strconv.ParseInt(out[i].id, 10, 64)
		b, _ := strconv.ParseInt(out[j].id, 10, 64)
		return a < b
	})
	return out
}

// charge records the price of a report the first time it is downloaded.
func (rs *reports) charge(r *report, now time.Time) {
	if r.charged {
		return
	}
	r.charged = true
	rs.charges = append(rs.charges, Charge{Account: r.account, ReportID: r.id, Amount: r.price, At: now, Invoiced: r.acctType == Paying})
}

// Charges returns every amount registered so far.
func (s *Server) Charges() []Charge {
	s.reports.mu.Lock()
	defer s.reports.mu.Unlock()
	return append([]Charge(nil), s.reports.charges...)
}
