package cuzk_test

import (
	"encoding/xml"
	"testing"
	"time"

	"konektor/adapters/cuzk"
	"konektor/gateway/catalogue"
	wsdl "konektor/wsdl/cuzk"
)

func TestEntries(t *testing.T) {
	entries := cuzk.Entries()
	if len(entries) != 65 {
		t.Fatalf("%d entries, want the 66 operations without ucet", len(entries))
	}
	tests := []struct {
		service, op string
		effect      catalogue.SideEffect
		class       catalogue.CacheClass
		ttl         time.Duration
	}{
		{"ciselnik", "seznamKU", catalogue.Read, catalogue.CacheTTL, cuzk.CodeListTTL},
		{"ciselnik", "seznamUlic", catalogue.Read, catalogue.CacheTTL, cuzk.CodeListTTL},
		{"vyhledat", "najdiParcelu", catalogue.Read, catalogue.CacheTTL, cuzk.ObjectTTL},
		{"vyhledat", "najdiJednotku", catalogue.Read, catalogue.CacheTTL, cuzk.ObjectTTL},
		{"vyhledat", "najdiOS", catalogue.Read, catalogue.CacheNever, 0},
		{"informace", "dejMBRParcel", catalogue.Read, catalogue.CacheTTL, cuzk.ObjectTTL},
		{"informace", "dejNahledLV", catalogue.Read, catalogue.CacheNever, 0},
		{"informace", "dejInfoOJednotce", catalogue.Read, catalogue.CacheNever, 0},
		{"ctios", "ctios", catalogue.Read, catalogue.CacheNever, 0},
		{"sestavy", "generujLV", catalogue.Paid, catalogue.CacheNever, 0},
		{"sestavy", "generujCenoveUdajeDleKu", catalogue.Paid, catalogue.CacheNever, 0},
		{"sestavy", "vratSestavu", catalogue.Paid, catalogue.CacheNever, 0},
		{"sestavy", "smazSestavu", catalogue.Write, catalogue.CacheNever, 0},
		{"sestavy", "vypisUctu", catalogue.Write, catalogue.CacheNever, 0},
		{"sestavy", "seznamSestav", catalogue.Read, catalogue.CacheNever, 0},
	}
	for _, tt := range tests {
		t.Run(tt.service+"-"+tt.op, func(t *testing.T) {
			op, ok := wsdl.Lookup(tt.service, tt.op)
			if !ok {
				t.Fatal("no operation")
			}
			e, ok := cuzk.EntryFor(tt.service, op.Request)
			if !ok {
				t.Fatal("no entry")
			}
			if e.Upstream != "cuzk" || e.Code != tt.service || e.Operation != tt.op || e.Response != op.Response ||
				e.SideEffect != tt.effect || e.Cache != tt.class || e.TTL != tt.ttl {
				t.Fatalf("%+v", e)
			}
		})
	}
	if _, ok := cuzk.EntryFor("ucet", xml.Name{Space: wsdl.TypesNS("ucet"), Local: "ZmenHesloRequest"}); ok {
		t.Error("zmenHeslo is routable")
	}
	if _, ok := cuzk.EntryFor("vyhledat", xml.Name{Space: wsdl.TypesNS("informace"), Local: "NajdiParceluRequest"}); ok {
		t.Error("an element of another namespace matched")
	}
}

func TestEntriesAction(t *testing.T) {
	withAction := 0
	for _, e := range cuzk.Entries() {
		op, ok := wsdl.Lookup(e.Code, e.Operation)
		if !ok {
			t.Fatalf("%s/%s: no operation", e.Code, e.Operation)
		}
		if !soapActionEndsIn(op.Action, e.SOAPAction()) {
			t.Errorf("%s/%s: catalogue SOAPAction %q is not the end of the official %q", e.Code, e.Operation, e.SOAPAction(), op.Action)
		}
		if e.Action != "" {
			withAction++
		}
	}
	op, _ := wsdl.Lookup("vyhledat", "najdiListinuVeSbirceListin")
	e, _ := cuzk.EntryFor("vyhledat", op.Request)
	if e.SOAPAction() != "najdiListinu" {
		t.Errorf("najdiListinuVeSbirceListin SOAPAction = %q, want najdiListinu", e.SOAPAction())
	}
	if withAction == 0 {
		t.Error("no entry sets Action")
	}
}

func soapActionEndsIn(official, action string) bool {
	n := len(official) - len(action)
	return n > 0 && official[n:] == action && (official[n-1] == '/' || official[n-1] == '#' || official[n-1] == ':')
}
