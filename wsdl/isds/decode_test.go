package isds_test

import (
	"encoding/xml"
	"os"
	"testing"

	"konektor/wsdl/isds/db"
	"konektor/wsdl/isds/dm"
)

func read(t *testing.T, name string, v any) {
	t.Helper()
	b, err := os.ReadFile("testdata/valid/" + name + ".xml")
	if err != nil {
		t.Fatal(err)
	}
	if err := xml.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

// TestGeneratedTypesDecodeRequests checks the gowsdl types on the request
// samples: groups, extensions, repeated elements and nil values.
func TestGeneratedTypesDecodeRequests(t *testing.T) {
	var cm dm.CreateMessage
	read(t, "CreateMessage", &cm)
	env := cm.DmEnvelope
	if env == nil || env.TEnvelopeSub == nil || env.DbIDRecipient == nil || *env.DbIDRecipient != "vqbab52" ||
		*env.DmAnnotation != "Žádost o informace" || *env.DmLegalTitleLaw != 106 || *env.DmType != "V" || !*env.DmOVM {
		t.Fatalf("envelope %+v", env)
	}
	if env.DmSenderOrgUnit == nil || *env.DmSenderOrgUnit != "" {
		t.Errorf("a nil element decodes to an empty value, got %v", env.DmSenderOrgUnit)
	}
	files := cm.DmFiles.DmFile
	if len(files) != 2 || files[0].DmFileDescr != "zadost.pdf" || string(files[0].TFile.DmEncodedContent) != "JVBERi0xLjQK" ||
		*files[1].DmFileMetaType != "enclosure" || files[1].TFile.DmXMLContent.InnerXML == "" {
		t.Fatalf("files %+v %+v", files[0], files[1])
	}

	var list dm.GetListOfReceivedMessages
	read(t, "GetListOfReceivedMessages", &list)
	if list.DmFromTime == nil || *list.DmFromTime != "2026-03-01T00:00:00" || list.DmStatusFilter != "-1" || *list.DmLimit != 100 {
		t.Fatalf("list %+v", list)
	}

	var rec dm.GetListOfReceivedMessagesResponse
	read(t, "GetListOfReceivedMessagesResponse", &rec)
	if rec.DmRecords == nil || len(rec.DmRecords.DmRecord) != 2 || rec.DmRecords.DmRecord[1].DmMessageStatus != 4 ||
		*rec.DmRecords.DmRecord[0].DmID != "4217731" {
		t.Fatalf("records %+v", rec.DmRecords)
	}

	var find db.FindDataBox2
	read(t, "FindDataBox2", &find)
	if find.DbOwnerInfo == nil || *find.DbOwnerInfo.Ic != "12345678" || *find.DbOwnerInfo.DbType != "OVM" {
		t.Fatalf("find %+v", find.DbOwnerInfo)
	}

	var check db.CheckDataBox
	read(t, "CheckDataBox", &check)
	if check.DbID == nil || *check.DbID != "mw7dqvw" {
		t.Fatalf("check %+v", check)
	}
}
