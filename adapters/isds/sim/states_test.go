package sim

import (
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"konektor/wsdl/isds/dm"
)

const day = 24 * time.Hour

// status returns dmMessageStatus of a message as user sees it through op.
func (f *fixture) status(t *testing.T, user, svc, op, id string) string {
	t.Helper()
	return f.call(user, svc, op, idXML(id)).want(t, codeOK).field("dmMessageStatus")
}

// TestUndeliverable: a recipient box made inaccessible retroactively turns
// its messages not yet delivered by login into undeliverable ones (8, EV3,
// reported in the sender's state changes); a message delivered by login or
// dodána before the given time keeps its state; 90 days later the content
// is deleted (9).
func TestUndeliverable(t *testing.T) {
	f := newSim(t, nil)
	read := f.send(BoxDemoOVM, BoxPerson)
	f.call(BoxPerson+".spravce", "dx", "GetListOfReceivedMessages", listXML("-1")).want(t, codeOK) // delivers it
	f.advance(time.Hour)
	before := f.send(BoxDemoOVM, BoxPerson)
	f.advance(time.Hour)
	since := f.clock()
	after := f.send(BoxDemoOVM, BoxPerson)
	f.advance(11 * day) // fiction: 5
	if got := f.status(t, BoxDemoOVM+".spravce", "dx", "GetDeliveryInfo", after); got != "5" {
		t.Fatalf("before the box closes: state %s, want 5 (fiction)", got)
	}
	closed := f.clock()
	if err := f.srv.SetBoxState(BoxPerson, StatePermanent, since); err != nil {
		t.Fatal(err)
	}

	r := f.call(BoxDemoOVM+".spravce", "dx", "GetDeliveryInfo", idXML(after)).want(t, codeOK)
	if r.field("dmMessageStatus") != "8" || !strings.Contains(string(r.raw), "EV3:") {
		t.Fatalf("delivery info after the box was made inaccessible: %s", r.raw)
	}
	if got := f.status(t, BoxDemoOVM+".spravce", "dx", "GetDeliveryInfo", before); got != "5" {
		t.Errorf("a message dodána before the given time: state %s, want 5", got)
	}
	if got := f.status(t, BoxDemoOVM+".spravce", "dx", "GetDeliveryInfo", read); got != "6" {
		t.Errorf("a message delivered by login: state %s, want 6", got)
	}
	r = f.call(BoxDemoOVM+".spravce", "dx", "GetMessageStateChanges", `<dmFromTime xsi:nil="true"/><dmToTime xsi:nil="true"/>`).want(t, codeOK)
	if !strings.Contains(string(r.raw), "<p:dmID>"+after+"</p:dmID><p:dmEventTime>"+isdsTime(closed)+"</p:dmEventTime><p:dmMessageStatus>8<") {
		t.Errorf("state changes lack the move to 8: %s", r.raw)
	}
	// The recipient can no longer have it delivered: downloads answer 1222,
	// a list neither shows nor delivers it.
	f.call(BoxPerson+".spravce", "dz", "MessageDownload", idXML(after)).want(t, codeNotDelivered)
	r = f.call(BoxPerson+".spravce", "dx", "GetListOfReceivedMessages", listXML("-1")).want(t, codeOK)
	if strings.Contains(string(r.raw), "<p:dmID>"+after+"<") {
		t.Errorf("an undeliverable message is listed: %s", r.raw)
	}
	if got := f.status(t, BoxDemoOVM+".spravce", "dx", "GetDeliveryInfo", after); got != "8" {
		t.Fatalf("after a recipient's list: state %s, want 8", got)
	}
	// Sent list: 8 is bit 256.
	r = f.call(BoxDemoOVM+".spravce", "dx", "GetListOfSentMessages", sentListXML("256")).want(t, codeOK)
	if got := allFields(r.raw, "dmID"); len(got) != 1 || got[0] != after {
		t.Errorf("sent list with filter 256: %v, want [%s]", got, after)
	}

	// 90 days after the box became inaccessible the content goes.
	f.advance(90*day - time.Second)
	if got := f.status(t, BoxDemoOVM+".spravce", "dx", "GetDeliveryInfo", after); got != "8" {
		t.Fatalf("a second before deletion: state %s", got)
	}
	f.advance(time.Second)
	if got := f.status(t, BoxDemoOVM+".spravce", "dx", "GetDeliveryInfo", after); got != "9" {
		t.Fatalf("90 days after: state %s, want 9", got)
	}
	f.call(BoxDemoOVM+".spravce", "dz", "SignedSentMessageDownload", idXML(after)).want(t, codeNotFound)

	if err := f.srv.SetBoxState(BoxPerson, 7, time.Time{}); err == nil {
		t.Error("state 7 accepted")
	}
	if err := f.srv.SetBoxState("xxxxxxx", StateTemporary, time.Time{}); err == nil {
		t.Error("an unknown box accepted")
	}
}

// vaultBoxes are the seed boxes with a data vault for the demo OVM box.
func vaultBoxes(capacity int) func(*Options) {
	return func(o *Options) {
		o.Boxes = SeedBoxes()
		for i := range o.Boxes {
			if o.Boxes[i].ID == BoxDemoOVM {
				o.Boxes[i].Vault, o.Boxes[i].VaultCapacity = true, capacity
			}
		}
	}
}

// TestDataVault: at the end of retention a delivered message moves to the
// recipient's data vault (10) while it has room; the recipient keeps
// downloading it, lists show 10, single downloads and delivery infos
// report the state before the move (7 → 6); status filters select or
// leave out the vault; for the sender it is deleted (9); a message that
// finds the vault full is deleted.
func TestDataVault(t *testing.T) {
	f := newSim(t, vaultBoxes(1))
	const user = BoxDemoOVM + ".spravce"
	kept := f.send(BoxCompany, BoxDemoOVM)
	f.call(user, "dx", "GetListOfReceivedMessages", listXML("-1")).want(t, codeOK)
	f.call(user, "dx", "MarkMessageAsDownloaded", idXML(kept)).want(t, codeOK)
	f.advance(time.Minute)
	full := f.send(BoxPerson, BoxDemoOVM)
	f.call(user, "dx", "GetListOfReceivedMessages", listXML("-1")).want(t, codeOK)
	f.advance(90 * day)

	r := f.call(user, "dx", "GetListOfReceivedMessages", listXML("-1")).want(t, codeOK)
	if got := allFields(r.raw, "dmID"); len(got) != 1 || got[0] != kept || r.field("dmMessageStatus") != "10" {
		t.Fatalf("list after 90 days: %v status %s, want only %s in state 10\n%s", got, r.field("dmMessageStatus"), kept, r.raw)
	}
	for _, c := range []struct {
		filter string
		want   int
	}{{"1023", 0}, {"1024", 1}, {"224", 0}, {"1088", 1}, {"-1", 1}} {
		r := f.call(user, "dx", "GetListOfReceivedMessages", listXML(c.filter)).want(t, codeOK)
		if got := len(allFields(r.raw, "dmID")); got != c.want {
			t.Errorf("dmStatusFilter %s: %d records, want %d", c.filter, got, c.want)
		}
	}
	// Single downloads report the state before the move; content stays.
	r = f.call(user, "dz", "MessageDownload", idXML(kept)).want(t, codeOK)
	if r.field("dmMessageStatus") != "6" || r.field("dmAttachmentSize") == "" {
		t.Errorf("download from the vault: status %s size %q, want 6", r.field("dmMessageStatus"), r.field("dmAttachmentSize"))
	}
	for _, op := range []struct{ svc, name string }{{"dx", "MessageEnvelopeDownload"}, {"dx", "GetDeliveryInfo"}} {
		if got := f.status(t, user, op.svc, op.name, kept); got != "6" {
			t.Errorf("%s of a vault message: state %s, want 6", op.name, got)
		}
	}
	z := f.call(user, "dz", "SignedMessageDownload", idXML(kept)).want(t, codeOK).zfo(t)
	if rep := f.verify(t, z); !rep.Valid || rep.MessageStatus != 6 {
		t.Errorf("ZFO from the vault: valid %v, status %d, want 6", rep.Valid, rep.MessageStatus)
	}
	z = f.call(user, "dx", "GetSignedDeliveryInfo", idXML(kept)).want(t, codeOK).zfo(t)
	if rep := f.verify(t, z); !rep.Valid || rep.MessageStatus != 6 {
		t.Errorf("delivery info ZFO from the vault: valid %v, status %d, want 6", rep.Valid, rep.MessageStatus)
	}
	// The vault was full for the second message.
	f.call(user, "dz", "MessageDownload", idXML(full)).want(t, codeNotFound)
	if got := f.status(t, user, "dx", "MessageEnvelopeDownload", full); got != "9" {
		t.Errorf("message that found the vault full: state %s, want 9", got)
	}
	// For the sender the vault copy is not there.
	if got := f.status(t, BoxCompany+".spravce", "dx", "GetDeliveryInfo", kept); got != "9" {
		t.Errorf("sender's delivery info: state %s, want 9", got)
	}
	f.call(BoxCompany+".spravce", "dz", "SignedSentMessageDownload", idXML(kept)).want(t, codeNotFound)
	r = f.call(BoxCompany+".spravce", "dx", "GetListOfSentMessages", sentListXML("-1")).want(t, codeOK)
	if r.field("dmMessageStatus") != "9" {
		t.Errorf("sender's list: state %s, want 9", r.field("dmMessageStatus"))
	}
	// Years later the vault still holds it.
	f.advance(5 * 365 * day)
	if got := f.status(t, user, "dx", "MessageEnvelopeDownload", kept); got != "6" {
		t.Errorf("five years in the vault: state %s, want 6", got)
	}
}

// TestDataVaultFictionAndExclusions: a message delivered by fiction moves
// to the vault after three years and reports 5; an antivirus-refused
// message and a system message never move.
func TestDataVaultFictionAndExclusions(t *testing.T) {
	f := newSim(t, vaultBoxes(0))
	const user = BoxDemoOVM + ".spravce"
	fiction := f.send(BoxCompany, BoxDemoOVM)
	r := f.call(BoxCompany+".spravce", "dz", "CreateMessage", createXML(BoxDemoOVM, "", "Věc", envelopeFlags,
		file{name: "eicar.txt", mime: "text/plain", content: eicar})).want(t, codeOK)
	virus := r.field("dmID")

	system := f.systemMessage(t, BoxDemoOVM)
	f.advance(3*365*day + 11*day) // nobody logs in: fiction, then three years

	if got := f.status(t, user, "dx", "MessageEnvelopeDownload", fiction); got != "5" {
		t.Errorf("fiction message in the vault: reported state %s, want 5", got)
	}
	r = f.call(user, "dx", "GetListOfReceivedMessages", listXML("1024")).want(t, codeOK)
	if got := allFields(r.raw, "dmID"); len(got) != 1 || got[0] != fiction {
		t.Errorf("vault list %v, want only %s", got, fiction)
	}
	if got := f.status(t, BoxCompany+".spravce", "dx", "GetDeliveryInfo", virus); got != "9" {
		t.Errorf("antivirus-refused message: state %s, want 9 (never in a vault)", got)
	}
	if got := f.status(t, user, "dx", "MessageEnvelopeDownload", system); got != "9" {
		t.Errorf("system message: state %s, want 9 (never in a vault)", got)
	}
}

// systemMessage makes the administrator box aaaaaaa send a message to box
// (system messages cannot be sent through the web services).
func (f *fixture) systemMessage(t *testing.T, to string) string {
	t.Helper()
	s := f.srv
	rid := dm.TIdDb(to)
	ann := dm.TString255("Systémová zpráva")
	meta := dm.TFileMetaType("main")
	req := &dm.CreateMessage{
		DmEnvelope: &dm.TMessageEnvelopeSub{TEnvelopeSub: &dm.TEnvelopeSub{DbIDRecipient: &rid, DmAnnotation: &ann}},
		DmFiles: &dm.TFilesArray{DmFile: []*dm.TFileWithAttrs{{
			TFile:      &dm.TFile{DmEncodedContent: []byte(base64.StdEncoding.EncodeToString([]byte(pdf)))},
			DmMimeType: "application/pdf", DmFileMetaType: &meta, DmFileDescr: "oznameni.pdf",
		}}},
	}
	s.store.mu.Lock()
	out, err := s.createMessage(&login{account: "test", box: s.store.boxes["aaaaaaa"], privileges: PrivAll, kind: KindPrimary}, req, f.clock())
	s.store.mu.Unlock()
	if err != nil {
		t.Fatal(err)
	}
	r := reply{raw: out}
	if id := r.field("dmID"); id != "" {
		return id
	}
	t.Fatalf("system message not created: %s", out)
	return ""
}
