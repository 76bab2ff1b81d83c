package sim

import (
	"encoding/xml"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"konektor/policies"
	"konektor/wsdl/iszr"
	"konektor/wsdl/iszr/egon"
)

// exchange is one call being answered.
type exchange struct {
	code      string // service code from the path
	cn        string // client certificate CN
	action    string // SOAPAction header
	hasAction bool
	async     bool // ?async
	now       time.Time
	iszrID    string // IszrZadostId of this call

	agendaZadostID string
	zi             *egon.ZadostInfoIszrType
	ais            string // effective AIS code (certificate, or ZadostInfo/Ais for a connector)

	hasAutorizace bool
	requested     []string // AutorizaceInfo/SeznamUdaju
	maxRecords    int      // AutorizaceInfo/MaximalniPocetZaznamu, then the decision's cap
	items         map[string]bool

	statusKod, statusSub string // for the log line
}

// status is the OdpovedInfo/Status of an answer.
type status struct {
	kod     egon.VysledekKodType
	sub     egon.VysledekSubKodType // "" = no detail
	popis   string
	puvodce egon.RegistrType // "" = ISZR
}

func statusOK() status { return status{kod: egon.VysledekKodTypeOK} }

func chyba(sub egon.VysledekSubKodType, format string, args ...any) status {
	return status{kod: egon.VysledekKodTypeCHYBA, sub: sub, popis: fmt.Sprintf(format, args...)}
}

// nilUUID answers requests whose AgendaZadostId cannot be read.
const nilUUID = "00000000-0000-0000-0000-000000000000"

func ptr[T any](v T) *T { return &v }

// timeLayout is xs:dateTime with milliseconds and offset.
const timeLayout = "2006-01-02T15:04:05.000-07:00"

// info builds OdpovedInfo for x with status st.
func (x *exchange) info(st status) *egon.OdpovedInfoType {
	x.statusKod, x.statusSub = string(st.kod), string(st.sub)
	id := x.agendaZadostID
	if id == "" {
		id = nilUUID
	}
	oi := &egon.OdpovedInfoType{
		CasOdpovedi:    ptr(egon.CasovaZnackaType(x.now.Format(timeLayout))),
		Status:         &egon.StatusType{VysledekKod: ptr(st.kod)},
		AgendaZadostId: ptr(egon.UuidType(id)),
		IszrZadostId:   ptr(egon.UuidType(x.iszrID)),
	}
	if st.sub != "" {
		d := &egon.VysledekDetailType{VysledekSubKod: ptr(st.sub)}
		if st.popis != "" {
			d.VysledekPopis = ptr(egon.VysledekPopisType(truncate(st.popis, 1024)))
		}
		reg := st.puvodce
		if reg == "" {
			reg = egon.RegistrTypeISZR
		}
		d.Puvodce = &egon.SystemType{Registr: ptr(reg)}
		oi.Status.VysledekDetail = []*egon.VysledekDetailType{d}
	}
	return oi
}

// truncate cuts s to at most n characters.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n])
}

// Value formats the sandbox accepts where the schema restricts them.
var (
	uuidRE  = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	tokenRE = regexp.MustCompile(`^[\p{L}\p{N}._:\-]+$`)
	// dateTimeRE is the xs:dateTime lexical form; the zone is optional.
	dateTimeRE = regexp.MustCompile(`^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+\-]\d{2}:\d{2})?$`)
)

// prague interprets CasZadosti without a zone.
var prague = func() *time.Location {
	if l, err := time.LoadLocation("Europe/Prague"); err == nil {
		return l
	}
	return time.FixedZone("CET", 3600)
}()

// parseDateTime parses an xs:dateTime; a value without a zone is local
// time in Prague, as ISZR's clients write DateTime.Now.
func parseDateTime(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if !dateTimeRE.MatchString(s) {
		return time.Time{}, false
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, true
	}
	t, err := time.ParseInLocation("2006-01-02T15:04:05.999999999", s, prague)
	return t, err == nil
}

// readZadostInfo reads and checks ZadostInfo (the value facets Check leaves
// out). It sets x.zi and x.agendaZadostID.
func (x *exchange) readZadostInfo(root *iszr.Element) *status {
	el := root.Child("ZadostInfo")
	if el == nil {
		st := chyba(egon.VysledekSubKodTypeNEVALIDNIDATA, "Chybí ZadostInfo (missing ZadostInfo).")
		return &st
	}
	if id := el.Child("AgendaZadostId"); id != nil && uuidRE.MatchString(strings.TrimSpace(id.Text)) {
		x.agendaZadostID = strings.TrimSpace(id.Text)
	}
	var zi egon.ZadostInfoIszrType
	if err := iszr.Unmarshal(el, &zi); err != nil {
		st := chyba(egon.VysledekSubKodTypeNEVALIDNIDATA, "ZadostInfo nelze přečíst (%v).", err)
		return &st
	}
	x.zi = &zi
	bad := func(field, why string) *status {
		st := chyba(egon.VysledekSubKodTypeNEVALIDNIDATA, "ZadostInfo/%s: %s", field, why)
		return &st
	}
	if x.agendaZadostID == "" {
		return bad("AgendaZadostId", "není UUID (not a UUID)")
	}
	if zi.CasZadosti == nil {
		return bad("CasZadosti", "chybí (missing)")
	}
	if _, ok := parseDateTime(string(*zi.CasZadosti)); !ok {
		return bad("CasZadosti", "není xs:dateTime (not a dateTime)")
	}
	for _, f := range []struct {
		name string
		v    *string
		max  int
	}{
		{"Agenda", (*string)(zi.Agenda), 15},
		{"AgendovaRole", (*string)(zi.AgendovaRole), 15},
		{"Ovm", (*string)(zi.Ovm), 36},
	} {
		if f.v == nil || !tokenRE.MatchString(*f.v) || utf8.RuneCountInString(*f.v) > f.max {
			return bad(f.name, fmt.Sprintf("chybí nebo má chybný tvar (missing or malformed, at most %d characters)", f.max))
		}
	}
	if zi.Ais != nil && (*zi.Ais < 1 || *zi.Ais > 9999999) {
		return bad("Ais", "mimo rozsah 1–9999999 (out of range)")
	}
	for _, f := range []struct {
		name string
		v    *string
		max  int
	}{
		{"Subjekt", (*string)(zi.Subjekt), 65},
		{"Uzivatel", (*string)(zi.Uzivatel), 100},
		{"DuvodUcel", (*string)(zi.DuvodUcel), 255},
	} {
		if f.v != nil && (strings.TrimSpace(*f.v) == "" || utf8.RuneCountInString(*f.v) > f.max) {
			return bad(f.name, fmt.Sprintf("prázdný nebo delší než %d znaků (empty or too long)", f.max))
		}
	}
	for name, v := range map[string]*egon.UuidType{"PredchoziZadostId": zi.PredchoziZadostId, "IszrZadostId": zi.IszrZadostId} {
		if v != nil && !uuidRE.MatchString(string(*v)) {
			return bad(name, "není UUID (not a UUID)")
		}
	}
	return nil
}

// readAutorizace reads AutorizaceInfo (absent: all items the role may read).
func (x *exchange) readAutorizace(root *iszr.Element) *status {
	el := root.Child("AutorizaceInfo")
	if el == nil {
		return nil
	}
	x.hasAutorizace = true
	if m := el.Child("MaximalniPocetZaznamu"); m != nil {
		n, err := strconv.Atoi(strings.TrimSpace(m.Text))
		if err != nil || n < 1 {
			st := chyba(egon.VysledekSubKodTypeNEVALIDNIDATA, "AutorizaceInfo/MaximalniPocetZaznamu: není kladné celé číslo (not a positive integer).")
			return &st
		}
		x.maxRecords = n
	}
	if s := el.Child("SeznamUdaju"); s != nil {
		x.requested = strings.Fields(s.Text)
		if len(x.requested) > 256 {
			st := chyba(egon.VysledekSubKodTypeNEVALIDNIDATA, "AutorizaceInfo/SeznamUdaju: více než 256 položek (too many items).")
			return &st
		}
	}
	return nil
}

// identify sets the effective AIS: the certificate's AIS, or for a
// connector (centrální AIS) the AIS it acts for.
func (s *Server) identify(x *exchange) *status {
	deny := func(format string, args ...any) *status {
		st := chyba(egon.VysledekSubKodTypeNENIOPRAVNENIEGON, format, args...)
		return &st
	}
	if s.connectors[x.cn] {
		if x.zi.Ais == nil {
			return deny("Centrální AIS (certifikát %s) musí uvést ZadostInfo/Ais, za který jedná (a central AIS must name the AIS it acts for).", x.cn)
		}
		x.ais = strconv.Itoa(int(*x.zi.Ais))
		return nil
	}
	n, err := strconv.Atoi(x.cn)
	if err != nil || n < 1 || n > 9999999 {
		return deny("Certifikát %q nepatří žádnému registrovanému AIS (the certificate is not registered to an AIS).", x.cn)
	}
	if x.zi.Ais != nil && int(*x.zi.Ais) != n {
		return deny("ZadostInfo/Ais %d neodpovídá certifikátu AIS %d (Ais does not match the client certificate).", *x.zi.Ais, n)
	}
	x.ais = strconv.Itoa(n)
	return nil
}

// checkTime answers NEPLATNY CAS outside the clock skew.
func (s *Server) checkTime(x *exchange) *status {
	t, _ := parseDateTime(string(*x.zi.CasZadosti))
	if d := x.now.Sub(t); d > s.skew || d < -s.skew {
		st := chyba(egon.VysledekSubKodTypeNEPLATNYCAS, "CasZadosti %s se liší od času ISZR %s o více než %s (request time outside the tolerance).",
			*x.zi.CasZadosti, x.now.Format(timeLayout), s.skew)
		return &st
	}
	return nil
}

// authorize asks the policy for everything the role may read and keeps the
// requested items among them, as ISZR intersects SeznamUdaju with RPP.
func (s *Server) authorize(x *exchange) *status {
	if s.policy == nil {
		st := chyba(egon.VysledekSubKodTypeNENIOPRAVNENIEGON, "Sandbox nemá nastavena oprávnění; vše je zakázáno (no policy configured, everything is denied).")
		return &st
	}
	d := s.policy.Decide(policies.Request{
		AIS:        x.ais,
		OVM:        string(*x.zi.Ovm),
		Agenda:     string(*x.zi.Agenda),
		Role:       string(*x.zi.AgendovaRole),
		Service:    x.code,
		MaxRecords: x.maxRecords,
	})
	if !d.Permit {
		sub := egon.VysledekSubKodTypeNENIOPRAVNENIEGON
		switch d.SubCode {
		case string(egon.VysledekSubKodTypePREKROCENSEZNAM):
			sub = egon.VysledekSubKodTypePREKROCENSEZNAM
		case string(egon.VysledekSubKodTypeNENIOPRAVNENI):
			sub = egon.VysledekSubKodTypeNENIOPRAVNENI
		}
		popis := d.SubCode
		if n := len(d.Reasons); n > 0 {
			popis += ": " + d.Reasons[n-1].CS
		}
		st := status{kod: egon.VysledekKodTypeCHYBA, sub: sub, popis: popis, puvodce: egon.RegistrTypeRPP}
		return &st
	}
	x.maxRecords = d.MaxRecords
	x.items = map[string]bool{}
	permitted := map[string]bool{}
	for _, it := range d.Items {
		permitted[it] = true
	}
	if !x.hasAutorizace {
		x.items = permitted
		return nil
	}
	for _, it := range x.requested {
		if permitted[it] {
			x.items[it] = true
		}
	}
	return nil
}

// can reports whether the answer may contain item.
func (x *exchange) can(item string) bool { return x.items[item] }

func rootIs(root *iszr.Element, ns, local string) bool {
	return root.Name == xml.Name{Space: ns, Local: local}
}

// validDate reports whether s is an xs:date without zone (yyyy-mm-dd).
func validDate(s string) bool {
	_, err := time.Parse("2006-01-02", s)
	return err == nil
}
