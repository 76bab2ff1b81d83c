package sim

import (
	"strings"
	"testing"

	"konektor/wsdl/isds"
)

func TestSeedBoxIDsAreValid(t *testing.T) {
	for _, b := range SeedBoxes() {
		if !isds.ValidBoxID(b.ID) {
			t.Errorf("seed box %s (%s) has no valid check character", b.ID, b.FirmName)
		}
	}
}

func findXML(id, typ, ic, firm string) string {
	el := func(n, v string) string {
		if v == "" {
			return "<" + n + ` xsi:nil="true"/>`
		}
		return "<" + n + ">" + v + "</" + n + ">"
	}
	var b strings.Builder
	b.WriteString("<dbOwnerInfo>" + el("dbID", id) + el("dbType", typ) + el("ic", ic) + el("pnGivenNames", "") + el("pnLastName", "") + el("firmName", firm))
	for _, n := range []string{"biDate", "biCity", "biCounty", "biState", "adCode", "adCity", "adDistrict", "adStreet", "adNumberInStreet",
		"adNumberInMunicipality", "adZipCode", "adState", "nationality", "dbIdOVM", "dbState", "dbOpenAddressing", "dbUpperID"} {
		b.WriteString(el(n, ""))
	}
	b.WriteString("</dbOwnerInfo>")
	return b.String()
}

func TestFindDataBox2(t *testing.T) {
	f := newSim(t, nil)
	tests := []struct {
		name, user, query string
		code              string
		ids               []string
	}{
		{"by-ico", BoxDemoOVM + ".spravce", findXML("", "", "87654321", ""), codeOK, []string{BoxRegion}},
		{"by-id-ignores-the-rest", BoxDemoOVM + ".spravce", findXML(BoxCompany, "OVM", "1", ""), codeOK, []string{BoxCompany}},
		{"by-name-part", BoxDemoOVM + ".spravce", findXML("", "", "", "demo"), codeOK, []string{BoxCompany, BoxRegion, BoxDemoOVM, BoxClosed}},
		{"ovm-main", BoxDemoOVM + ".spravce", findXML("", "OVM_MAIN", "", "Město"), codeOK, []string{BoxDemoOVM}},
		{"pfo-covers-lawyers", BoxDemoOVM + ".spravce", findXML("", "PFO", "", ""), codeOK, []string{BoxLawyer}},
		{"pfo-base-only-plain", BoxDemoOVM + ".spravce", findXML("", "PFO_BASE", "", ""), codeNoMatch, nil},
		{"nothing", BoxDemoOVM + ".spravce", findXML("", "", "99999999", ""), codeNoMatch, nil},
		{"no-criterion", BoxDemoOVM + ".spravce", findXML("", "", "", ""), codeNoMatch, nil},
		{"no-search-privilege", BoxDemoOVM + ".prehled", findXML("", "", "87654321", ""), codeOK, []string{BoxRegion}},
		{"non-ovm-finds-ovm", BoxPerson + ".spravce", findXML("", "", "", "demo"), codeOK, []string{BoxCompany, BoxRegion, BoxDemoOVM, BoxClosed}},
		{"non-ovm-one-closed-box", BoxPerson + ".spravce", findXML("", "", "71234567", ""), "0009", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := f.call(tc.user, "df", "FindDataBox2", tc.query).want(t, tc.code)
			got := allFields(r.raw, "dbID")
			if strings.Join(sorted(got), ",") != strings.Join(sorted(tc.ids), ",") {
				t.Fatalf("found %v, want %v", got, tc.ids)
			}
		})
	}
	noSearch := newSim(t, func(o *Options) {
		o.Accounts = append(SeedAccounts(), Account{Username: "nosearch", Password: seedPassword, Box: BoxDemoOVM, Privileges: PrivViewInfo})
	})
	noSearch.call("nosearch", "df", "FindDataBox2", findXML("", "", "87654321", "")).want(t, codeSearchDenied)
}

func sorted(s []string) []string {
	out := append([]string(nil), s...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

func TestCheckDataBox(t *testing.T) {
	f := newSim(t, nil)
	tests := []struct {
		name, id, code, state string
	}{
		{"accessible", BoxCompany, codeOK, "1"},
		{"permanently-inaccessible", BoxClosed, codeOK, "4"},
		{"unknown", "aydaadk", codeBoxNotFound, ""},
		{"malformed", "abc1234", codeBadBoxID, ""},
		{"system-box", "aaaaaaa", codeBoxNotFound, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := f.call(BoxDemoOVM+".spravce", "df", "CheckDataBox", "<dbID>"+tc.id+"</dbID>").want(t, tc.code)
			if r.field("dbState") != tc.state {
				t.Fatalf("dbState %q, want %q", r.field("dbState"), tc.state)
			}
		})
	}
}

func TestGetOwnerInfoFromLogin2(t *testing.T) {
	f := newSim(t, nil)
	r := f.call(BoxRegion+".spravce", "DsManage", "GetOwnerInfoFromLogin2", "<dbDummy/>").want(t, codeOK)
	if r.field("dbID") != BoxRegion || r.field("ic") != "87654321" || r.field("dbType") != "OVM" || r.field("dbState") != "1" {
		t.Fatalf("owner info: %s", r.raw)
	}
}

// TestSeedMessages: the sample messages exist, in the states their age
// gives them, and verify.
func TestSeedMessages(t *testing.T) {
	f := newSim(t, func(o *Options) { o.SeedMessages = true })
	r := f.call(BoxDemoOVM+".prehled", "dx", "GetListOfReceivedMessages", listXML("-1")).want(t, codeOK)
	states := allFields(r.raw, "dmMessageStatus")
	if strings.Join(states, ",") != "4,5" {
		t.Fatalf("received seed messages in states %v, want 4 (two days old) and 5 (twelve days old)", states)
	}
	r = f.call(BoxDemoOVM+".spravce", "dx", "GetListOfSentMessages", sentListXML("-1")).want(t, codeOK)
	ids := allFields(r.raw, "dmID")
	if len(ids) != 1 {
		t.Fatalf("sent seed messages: %v", ids)
	}
	z := f.call(BoxDemoOVM+".spravce", "dz", "SignedSentMessageDownload", idXML(ids[0])).want(t, codeOK).zfo(t)
	if rep := f.verify(t, z); !rep.Valid {
		t.Fatalf("seed message ZFO: %+v", rep)
	}
}

// TestNilIsNotZero: an org unit number sent as xsi:nil is absent, one sent
// as 0 is 0; the list filter tells them apart (regression: gowsdl decodes
// both to 0).
func TestNilIsNotZero(t *testing.T) {
	f := newSim(t, nil)
	nilUnit := createXML(BoxDemoOVM, "", "Bez útvaru", envelopeFlags, pdfFile("a.pdf"))
	zeroUnit := strings.Replace(nilUnit, `<dmRecipientOrgUnitNum xsi:nil="true"/>`, `<dmRecipientOrgUnitNum>0</dmRecipientOrgUnitNum>`, 1)
	a := f.call(BoxCompany+".spravce", "dz", "CreateMessage", nilUnit).want(t, codeOK).field("dmID")
	b := f.call(BoxCompany+".spravce", "dz", "CreateMessage", zeroUnit).want(t, codeOK).field("dmID")
	all := f.call(BoxDemoOVM+".prehled", "dx", "GetListOfReceivedMessages", listXML("-1")).want(t, codeOK)
	if got := allFields(all.raw, "dmID"); len(got) != 2 {
		t.Fatalf("unfiltered list: %v, want %s and %s", got, a, b)
	}
	unit0 := strings.Replace(listXML("-1"), `<dmRecipientOrgUnitNum xsi:nil="true"/>`, `<dmRecipientOrgUnitNum>0</dmRecipientOrgUnitNum>`, 1)
	r := f.call(BoxDemoOVM+".prehled", "dx", "GetListOfReceivedMessages", unit0).want(t, codeOK)
	if got := allFields(r.raw, "dmID"); len(got) != 1 || got[0] != b {
		t.Fatalf("unit 0 list: %v, want only %s", got, b)
	}
	if !strings.Contains(string(all.raw), `<p:dmRecipientOrgUnitNum xsi:nil="true"></p:dmRecipientOrgUnitNum>`) {
		t.Error("a nil unit number is not written back as nil")
	}
}
