package cuzk

import (
	"encoding/xml"
	"strings"
	"time"

	"konektor/gateway/catalogue"
	contract "konektor/wsdl/cuzk"
)

// Upstream name of the cadastre in routes, the access log and metrics.
const UpstreamName = "cuzk"

// Cache lifetimes of the cadastre's classes.
const (
	// Code lists change rarely; a changed list is fetched again as soon as
	// seznamCiselniku reports the change (CanonicalRequest).
	CodeListTTL   = 24 * time.Hour
	CodeListStale = 7 * 24 * time.Hour
	// Objects found by searches change with every registration.
	ObjectTTL   = 5 * time.Minute
	ObjectStale = time.Hour
)

// objectReads are the reads of objects that may be cached briefly: no
// personal data (owners appear only as LV ids).
var objectReads = map[string]bool{
	"najdiParcelu": true, "najdiStavbu": true, "najdiJednotku": true, "najdiPravoStavby": true,
	"najdiRizeni": true, "najdiListinuVeSbirceListin": true, "dejMBRParcel": true,
}

// Entries returns the catalogue entries of the cadastre: every WSDP 2.8
// operation of ciselnik, vyhledat, informace, sestavy and ctios, routed
// as POST /bus/cuzk/{service} and told apart by the body element (Code is
// the service, Operation the operation). ucet (zmenHeslo) is left out:
// passwords are konektor's to manage, never a client's.
//
// Cache classes: code lists long (CodeListTTL); object searches and
// dejMBRParcel briefly (ObjectTTL); owner searches (najdiOS), the
// CzechPOINT views with owners (dejNahledLV, dejInfoOJednotce), ctios and
// everything in sestavy never. Side effects: report generation (generuj*)
// and vratSestavu, which charges a report on its first download, are
// Paid; smazSestavu and vypisUctu (which makes a report) are Write;
// everything else is Read.
func Entries() []*catalogue.Entry {
	var out []*catalogue.Entry
	for _, op := range contract.Operations() {
		if op.Service == contract.Ucet {
			continue
		}
		e := &catalogue.Entry{Upstream: UpstreamName, Code: op.Service, Operation: op.Name,
			Request: op.Request, Response: op.Response, SideEffect: catalogue.Read, Cache: catalogue.CacheNever}
		if action := op.Action[strings.LastIndexAny(op.Action, "/#:")+1:]; action != op.Name {
			e.Action = action // najdiListinuVeSbirceListin's SOAPAction names najdiListinu
		}
		switch {
		case op.Service == contract.Sestavy && (strings.HasPrefix(op.Name, "generuj") || op.Name == "vratSestavu"):
			e.SideEffect = catalogue.Paid
		case op.Service == contract.Sestavy && (op.Name == "smazSestavu" || op.Name == "vypisUctu"):
			e.SideEffect = catalogue.Write
		case op.Service == contract.Ciselnik:
			e.Cache, e.TTL, e.Stale = catalogue.CacheTTL, CodeListTTL, CodeListStale
		case objectReads[op.Name]:
			e.Cache, e.TTL, e.Stale = catalogue.CacheTTL, ObjectTTL, ObjectStale
		}
		out = append(out, e)
	}
	return out
}

var entryIndex = func() map[string]*catalogue.Entry {
	m := map[string]*catalogue.Entry{}
	for _, e := range Entries() {
		m[e.Code+"/{"+e.Request.Space+"}"+e.Request.Local] = e
	}
	return m
}()

// EntryFor returns the entry of a service's operation by its body element.
func EntryFor(service string, request xml.Name) (*catalogue.Entry, bool) {
	e, ok := entryIndex[service+"/{"+request.Space+"}"+request.Local]
	return e, ok
}
