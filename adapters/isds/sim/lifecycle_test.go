package sim

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"konektor/certs/zfo"
)

// TestMessageLifecycle follows one message through the states of ISDS:
// dodání (4), no download before delivery, listing without a read privilege
// that delivers nothing, delivery by login (6), download, read (7), the
// sender's ZFOs and state changes, deletion after 90 days (9).
func TestMessageLifecycle(t *testing.T) {
	f := newSim(t, nil)
	id := f.send(BoxCompany, BoxDemoOVM)
	submitted := f.clock()

	// Delivered into the box, not yet doručena.
	f.call(BoxDemoOVM+".spravce", "dz", "MessageDownload", idXML(id)).want(t, codeNotDelivered)
	f.call(BoxDemoOVM+".spravce", "dx", "MessageEnvelopeDownload", idXML(id)).want(t, codeNotDelivered)
	f.call(BoxDemoOVM+".spravce", "dx", "GetDeliveryInfo", idXML(id)).want(t, codeNotDelivered)
	f.call(BoxDemoOVM+".spravce", "dx", "MarkMessageAsDownloaded", idXML(id)).want(t, codeNotDelivered)

	// A login with PRIVIL_VIEW_INFO only lists without delivering.
	f.advance(time.Minute)
	r := f.call(BoxDemoOVM+".prehled", "dx", "GetListOfReceivedMessages", listXML("-1")).want(t, codeOK)
	if got := r.field("dmMessageStatus"); got != "4" {
		t.Fatalf("listed by a view-only user: state %s, want 4", got)
	}
	f.call(BoxDemoOVM+".spravce", "dz", "MessageDownload", idXML(id)).want(t, codeNotDelivered)

	// Listing with a read privilege delivers (doručení přihlášením).
	f.advance(time.Minute)
	delivered := f.clock()
	r = f.call(BoxDemoOVM+".spravce", "dx", "GetListOfReceivedMessages", listXML("-1")).want(t, codeOK)
	if got := r.field("dmMessageStatus"); got != "6" {
		t.Fatalf("listed by the primary user: state %s, want 6", got)
	}
	if got := r.field("dmAcceptanceTime"); got != isdsTime(delivered) {
		t.Errorf("dmAcceptanceTime %s, want %s", got, isdsTime(delivered))
	}
	if !strings.HasSuffix(r.field("dmDeliveryTime"), "+01:00") {
		t.Errorf("times carry the Prague offset: %s", r.field("dmDeliveryTime"))
	}

	// Now the recipient downloads: XML, ZFO; the content is what was sent.
	r = f.call(BoxDemoOVM+".spravce", "dz", "MessageDownload", idXML(id)).want(t, codeOK)
	if r.field("dmAnnotation") != "Rozhodnutí" || r.field("dbIDSender") != BoxCompany || r.field("dmMessageStatus") != "6" {
		t.Fatalf("downloaded message: %.600s", r.raw)
	}
	z1 := f.call(BoxDemoOVM+".spravce", "dz", "SignedMessageDownload", idXML(id)).want(t, codeOK).zfo(t)
	rep := f.verify(t, z1)
	if !rep.Valid || rep.Kind != zfo.KindMessage || rep.DmID != id || rep.SignatureTimestamp != zfo.Valid ||
		!rep.TimestampTime.Equal(submitted) {
		t.Fatalf("received ZFO: %+v", rep)
	}
	z2 := f.call(BoxDemoOVM+".spravce", "dz", "SignedMessageDownload", idXML(id)).want(t, codeOK).zfo(t)
	if bytes.Equal(z1, z2) {
		t.Error("two downloads of one message gave the same bytes; ISDS signs every download afresh")
	}

	// Read (7) after marking.
	f.call(BoxDemoOVM+".spravce", "dx", "MarkMessageAsDownloaded", idXML(id)).want(t, codeOK)
	r = f.call(BoxDemoOVM+".spravce", "dx", "MessageEnvelopeDownload", idXML(id)).want(t, codeOK)
	if r.field("dmMessageStatus") != "7" {
		t.Fatalf("after MarkMessageAsDownloaded: state %s, want 7", r.field("dmMessageStatus"))
	}

	// The sender: sent ZFO, delivery info, state changes 4 then 6.
	zs := f.call(BoxCompany+".spravce", "dz", "SignedSentMessageDownload", idXML(id)).want(t, codeOK).zfo(t)
	if rep := f.verify(t, zs); !rep.Valid || rep.Kind != zfo.KindSent {
		t.Fatalf("sent ZFO: %+v", rep)
	}
	zd := f.call(BoxCompany+".spravce", "dx", "GetSignedDeliveryInfo", idXML(id)).want(t, codeOK).zfo(t)
	if rep := f.verify(t, zd); !rep.Valid || rep.Kind != zfo.KindDelivery || rep.SignatureTimestamp != zfo.Absent {
		t.Fatalf("delivery info ZFO: %+v", rep)
	}
	r = f.call(BoxCompany+".spravce", "dx", "GetDeliveryInfo", idXML(id)).want(t, codeOK)
	if !strings.Contains(string(r.raw), "EV5:") || !strings.Contains(string(r.raw), "EV11:") {
		t.Errorf("delivery info events: %.1500s", r.raw)
	}
	r = f.call(BoxCompany+".spravce", "dx", "GetMessageStateChanges", `<dmFromTime xsi:nil="true"/><dmToTime xsi:nil="true"/>`).want(t, codeOK)
	if got := strings.Count(string(r.raw), "<p:dmRecord>"); got != 2 || !strings.Contains(string(r.raw), "<p:dmMessageStatus>4<") ||
		!strings.Contains(string(r.raw), "<p:dmMessageStatus>6<") {
		t.Errorf("state changes (want 4 and 6): %s", r.raw)
	}
	// The recipient may not use the sender's operations and vice versa.
	f.call(BoxDemoOVM+".spravce", "dz", "SignedSentMessageDownload", idXML(id)).want(t, codeWrongDirection)
	f.call(BoxCompany+".spravce", "dz", "MessageDownload", idXML(id)).want(t, codeWrongDirection)
	f.call(BoxPerson+".spravce", "dz", "MessageDownload", idXML(id)).want(t, codeNotFound)

	// 90 days after doručení the content is deleted (9); the envelope and
	// delivery info stay.
	f.advance(90 * 24 * time.Hour)
	f.call(BoxDemoOVM+".spravce", "dz", "MessageDownload", idXML(id)).want(t, codeNotFound)
	f.call(BoxCompany+".spravce", "dz", "SignedSentMessageDownload", idXML(id)).want(t, codeNotFound)
	r = f.call(BoxDemoOVM+".spravce", "dx", "MessageEnvelopeDownload", idXML(id)).want(t, codeOK)
	if r.field("dmMessageStatus") != "9" {
		t.Fatalf("after 90 days: state %s, want 9", r.field("dmMessageStatus"))
	}
	zd = f.call(BoxDemoOVM+".spravce", "dx", "GetSignedDeliveryInfo", idXML(id)).want(t, codeOK).zfo(t)
	if rep := f.verify(t, zd); !rep.Valid {
		t.Fatalf("delivery info of a deleted message: %+v", rep)
	}
}

func listXML(filter string) string {
	return `<dmFromTime xsi:nil="true"/><dmToTime xsi:nil="true"/><dmRecipientOrgUnitNum xsi:nil="true"/><dmStatusFilter>` + filter +
		`</dmStatusFilter><dmOffset xsi:nil="true"/><dmLimit xsi:nil="true"/>`
}

func sentListXML(filter string) string {
	return `<dmFromTime xsi:nil="true"/><dmToTime xsi:nil="true"/><dmSenderOrgUnitNum xsi:nil="true"/><dmStatusFilter>` + filter +
		`</dmStatusFilter><dmOffset xsi:nil="true"/><dmLimit xsi:nil="true"/>`
}

// TestDeliveryByFiction checks doručení fikcí ten days after dodání, the
// first acceptance time kept on a later login, and an OVM sender's
// exclusion of fiction.
func TestDeliveryByFiction(t *testing.T) {
	f := newSim(t, nil)
	id := f.send(BoxCompany, BoxDemoOVM)
	delivered := f.clock()
	f.advance(10*24*time.Hour - time.Second)
	r := f.call(BoxCompany+".spravce", "dx", "GetDeliveryInfo", idXML(id)).want(t, codeOK)
	if r.field("dmMessageStatus") != "4" {
		t.Fatalf("a second before fiction: state %s", r.field("dmMessageStatus"))
	}
	f.advance(time.Second)
	r = f.call(BoxCompany+".spravce", "dx", "GetDeliveryInfo", idXML(id)).want(t, codeOK)
	fiction := delivered.Add(10 * 24 * time.Hour)
	if r.field("dmMessageStatus") != "5" || r.field("dmAcceptanceTime") != isdsTime(fiction) || !strings.Contains(string(r.raw), "EV2:") {
		t.Fatalf("at ten days: %s", r.raw)
	}
	// Downloads still wait for a login; the login keeps the fiction time.
	f.call(BoxDemoOVM+".spravce", "dz", "MessageDownload", idXML(id)).want(t, codeNotDelivered)
	f.advance(time.Hour)
	r = f.call(BoxDemoOVM+".spravce", "dx", "GetListOfReceivedMessages", listXML("-1")).want(t, codeOK)
	if r.field("dmMessageStatus") != "6" || r.field("dmAcceptanceTime") != isdsTime(fiction) {
		t.Fatalf("login after fiction: %s", r.raw)
	}

	// An OVM sender that forbids substitute delivery: no fiction.
	noFiction := `<dmPersonalDelivery>false</dmPersonalDelivery><dmAllowSubstDelivery>false</dmAllowSubstDelivery>`
	r = f.call(BoxDemoOVM+".spravce", "dz", "CreateMessage", createXML(BoxPerson, "", "Výzva", noFiction, pdfFile("vyzva.pdf"))).want(t, codeOK)
	id2 := r.field("dmID")
	f.advance(30 * 24 * time.Hour)
	r = f.call(BoxDemoOVM+".spravce", "dx", "GetDeliveryInfo", idXML(id2)).want(t, codeOK)
	if r.field("dmMessageStatus") != "4" {
		t.Fatalf("OVM message without substitute delivery after 30 days: state %s, want 4", r.field("dmMessageStatus"))
	}
}

// TestPersonalDelivery: a message "do vlastních rukou" is delivered and
// read only by a user with PRIVIL_READ_ALL.
func TestPersonalDelivery(t *testing.T) {
	f := newSim(t, func(o *Options) {
		o.Accounts = append(SeedAccounts(), Account{Username: "mstdemd.podatelna", Password: seedPassword, Box: BoxDemoOVM,
			Privileges: PrivReadNonPersonal | PrivViewInfo, Kind: KindEntrusted})
	})
	personal := `<dmPersonalDelivery>true</dmPersonalDelivery><dmAllowSubstDelivery>true</dmAllowSubstDelivery>`
	r := f.call(BoxCompany+".spravce", "dz", "CreateMessage", createXML(BoxDemoOVM, "", "Do vlastních rukou", personal, pdfFile("a.pdf"))).want(t, codeOK)
	id := r.field("dmID")
	r = f.call("mstdemd.podatelna", "dx", "GetListOfReceivedMessages", listXML("-1")).want(t, codeOK)
	if r.field("dmMessageStatus") != "4" {
		t.Fatalf("a user without PRIVIL_READ_ALL delivered a personal message: %s", r.field("dmMessageStatus"))
	}
	f.call(BoxDemoOVM+".spravce", "dx", "GetListOfReceivedMessages", listXML("-1")).want(t, codeOK)
	f.call("mstdemd.podatelna", "dz", "MessageDownload", idXML(id)).want(t, codePrivileges)
	f.call(BoxDemoOVM+".spravce", "dz", "MessageDownload", idXML(id)).want(t, codeOK)
}

// TestListFilters covers the state bitmask, time window, order and paging.
func TestListFilters(t *testing.T) {
	f := newSim(t, nil)
	var ids []string
	for i := 0; i < 3; i++ {
		ids = append(ids, f.send(BoxCompany, BoxDemoOVM))
		f.advance(time.Hour)
	}
	// Only state 4 (bit 4 = 16): all three, newest first.
	r := f.call(BoxDemoOVM+".prehled", "dx", "GetListOfReceivedMessages", listXML("16")).want(t, codeOK)
	got := allFields(r.raw, "dmID")
	if len(got) != 3 || got[0] != ids[2] || got[2] != ids[0] {
		t.Fatalf("state-4 list %v, want newest first %v", got, ids)
	}
	// Only state 6: none yet.
	r = f.call(BoxDemoOVM+".prehled", "dx", "GetListOfReceivedMessages", listXML("64")).want(t, codeOK)
	if n := len(allFields(r.raw, "dmID")); n != 0 {
		t.Fatalf("state-6 list has %d records", n)
	}
	// Paging: offset 2, limit 1 gives the middle one with ordinal 2.
	page := strings.Replace(strings.Replace(listXML("-1"), `<dmOffset xsi:nil="true"/>`, `<dmOffset>2</dmOffset>`, 1),
		`<dmLimit xsi:nil="true"/>`, `<dmLimit>1</dmLimit>`, 1)
	r = f.call(BoxDemoOVM+".prehled", "dx", "GetListOfReceivedMessages", page).want(t, codeOK)
	if got := allFields(r.raw, "dmID"); len(got) != 1 || got[0] != ids[1] || r.field("dmOrdinal") != "2" {
		t.Fatalf("page: %v ordinal %s", got, r.field("dmOrdinal"))
	}
	// Time window: only the first (a zone-less time is Prague time).
	window := strings.Replace(listXML("-1"), `<dmToTime xsi:nil="true"/>`,
		`<dmToTime>`+t0.In(prague).Add(30*time.Minute).Format("2006-01-02T15:04:05")+`</dmToTime>`, 1)
	r = f.call(BoxDemoOVM+".prehled", "dx", "GetListOfReceivedMessages", window).want(t, codeOK)
	if got := allFields(r.raw, "dmID"); len(got) != 1 || got[0] != ids[0] {
		t.Fatalf("window: %v", got)
	}
	// Sent list of the company.
	r = f.call(BoxCompany+".spravce", "dx", "GetListOfSentMessages", sentListXML("-1")).want(t, codeOK)
	if n := len(allFields(r.raw, "dmID")); n != 3 {
		t.Fatalf("sent list has %d records", n)
	}
	// A bad filter is a schema-level error.
	status, _ := f.post(f.ts.Client(), f.ts.URL, "/DS/dx", BoxDemoOVM+".prehled", seedPassword, "text/xml",
		soapRequest("GetListOfReceivedMessages", listXML("abc")))
	if status != 500 {
		t.Fatalf("bad dmStatusFilter: HTTP %d, want a SOAP Fault", status)
	}
}

func allFields(raw []byte, name string) []string {
	var out []string
	s := string(raw)
	open, end := "<p:"+name+">", "</p:"+name+">"
	for {
		i := strings.Index(s, open)
		if i < 0 {
			return out
		}
		s = s[i+len(open):]
		j := strings.Index(s, end)
		out = append(out, s[:j])
		s = s[j:]
	}
}
