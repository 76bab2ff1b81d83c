package isds

import (
	"strings"
	"testing"

	"konektor/gateway/pipeline"
	"konektor/gateway/subject"
)

// TestAccessLogSubjectsAndIDs: box searches name their data subject (box
// ID, IČO, person) for the access log, which keeps only its keyed hash;
// message operations record dmIDs and box IDs as evidence — the sent
// message's dmID and recipient, the dmIDs a list delivered or showed, the
// dmID of a refused download — never content.
func TestAccessLogSubjectsAndIDs(t *testing.T) {
	e := newEnv(t)
	a := e.adapter(nil)
	rec := &recorder{}
	key := make([]byte, subject.MinKeySize)
	h, err := subject.New(key)
	if err != nil {
		t.Fatal(err)
	}
	call := isdsPipeline(t, a, rec, e.clock, func(d *pipeline.Deps) { d.Subjects = h })
	hash := func(kind, id string) string {
		s, err := h.Hash(kind, id)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	owner := func(inner string) string { return "<v:dbOwnerInfo>" + inner + "</v:dbOwnerInfo>" }
	for _, c := range []struct {
		name, svc, op, inner, want string
	}{
		{"find-by-ico", "df", "FindDataBox2", owner(`<v:dbType>PO</v:dbType><v:ic>27074358</v:ic>`), hash(subject.KindICO, "27074358")},
		{"find-by-box", "df", "FindDataBox2", owner(`<v:dbID>firma2x</v:dbID><v:ic>27074358</v:ic>`), hash(subject.KindDataBox, "firma2x")},
		{"find-a-person", "df", "FindDataBox2", owner(`<v:dbType>FO</v:dbType><v:pnGivenNames>Jan</v:pnGivenNames><v:pnLastName>Novák</v:pnLastName><v:biDate>1980-01-31</v:biDate>`),
			hash(subject.KindPerson, "novák|jan|1980-01-31")},
		{"check-a-box", "df", "CheckDataBox", `<v:dbID>jannvkn</v:dbID>`, hash(subject.KindDataBox, "jannvkn")},
		{"find-by-firm-name", "df", "FindDataBox2", owner(`<v:dbType>OVM</v:dbType><v:firmName>Demo</v:firmName>`), ""},
		{"owner-info", "DsManage", "GetOwnerInfoFromLogin2", "<v:dbDummy/>", ""},
	} {
		call("999002", c.svc, c.op, c.inner)
		got := rec.last()
		if got.Subject != c.want {
			t.Errorf("%s: subject %q, want %q", c.name, got.Subject, c.want)
		}
		if strings.Contains(got.Subject+got.Evidence, "27074358") || strings.Contains(got.Subject+got.Evidence, "Novák") {
			t.Errorf("%s: a plain identifier in the access log: %+v", c.name, got)
		}
	}

	r := call("999002", "dz", "CreateMessage", createBody)
	id := field(r.Body, "dmID")
	if got := rec.last().Evidence; got != "isds CreateMessage dmID="+id+" box=mstdemd recipient=firma2x" {
		t.Errorf("send evidence %q", got)
	}
	call("999002", "dx", "GetListOfSentMessages", `<v:dmFromTime xsi:nil="true"/><v:dmToTime xsi:nil="true"/><v:dmSenderOrgUnitNum xsi:nil="true"/><v:dmStatusFilter>-1</v:dmStatusFilter><v:dmOffset xsi:nil="true"/><v:dmLimit xsi:nil="true"/>`)
	if got := rec.last().Evidence; got != "isds GetListOfSentMessages box=mstdemd records=1 dmIDs="+id {
		t.Errorf("list evidence %q", got)
	}
	call("999002", "dz", "MessageDownload", "<v:dmID>9999999</v:dmID>")
	if got := rec.last(); got.UpstreamStatus != "ISDS 1219" || got.Evidence != "isds MessageDownload dmID=9999999 box=mstdemd" {
		t.Errorf("refused download: %+v", got)
	}
	if strings.Contains(rec.last().Evidence, "Výzva") {
		t.Error("evidence carries content")
	}
}
