package policies

import (
	"strings"
	"testing"
)

func TestDecideRegional(t *testing.T) {
	s := Demo()
	tests := []struct {
		name   string
		req    RegionalRequest
		permit bool
		text   string
	}{
		{"records-any-operation", RegionalRequest{AIS: "999002", OVM: "12345678", Service: ServiceRecords, Operation: "createDocument"}, true, "smí za OVM 12345678"},
		{"records-listed-operation", RegionalRequest{AIS: "999003", OVM: "87654321", Service: ServiceRecords, Operation: "read"}, true, ""},
		{"records-unlisted-operation", RegionalRequest{AIS: "999003", OVM: "87654321", Service: ServiceRecords, Operation: "delete"}, false, "ne operaci delete"},
		{"records-foreign-ovm", RegionalRequest{AIS: "999003", OVM: "12345678", Service: ServiceRecords, Operation: "read"}, false, "nemá v politice kraje oprávnění"},
		{"archive-granted", RegionalRequest{AIS: "999002", OVM: "12345678", Service: ServiceArchive, Operation: "ingest"}, true, ""},
		{"archive-not-granted", RegionalRequest{AIS: "999003", OVM: "87654321", Service: ServiceArchive, Operation: "ingest"}, false, "ke službě archive"},
		{"unknown-service", RegionalRequest{AIS: "999002", OVM: "12345678", Service: "mail", Operation: "x"}, false, "Neznámá služba"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := s.DecideRegional(tc.req)
			if d.Permit != tc.permit {
				t.Fatalf("permit = %v: %+v", d.Permit, d.Reasons)
			}
			if !d.Permit && d.SubCode != SubNeniOpravneni {
				t.Errorf("SubCode = %q", d.SubCode)
			}
			if len(d.Reasons) != 1 || !strings.Contains(d.Reasons[0].CS, tc.text) || d.Reasons[0].EN == "" {
				t.Errorf("reasons = %+v, want %q", d.Reasons, tc.text)
			}
		})
	}
}

func TestDecideDataBox(t *testing.T) {
	s := Demo()
	tests := []struct {
		name   string
		req    DataBoxRequest
		permit bool
		text   string
	}{
		{"send", DataBoxRequest{AIS: "999002", OVM: "12345678", Box: "mstdemd", Need: PrivCreateDM}, true, "PRIVIL_READ_ALL+PRIVIL_CREATE_DM"},
		{"list-and-read", DataBoxRequest{AIS: "999002", OVM: "12345678", Box: "mstdemd", Need: PrivViewInfo | PrivReadAll}, true, ""},
		{"no-privilege-needed", DataBoxRequest{AIS: "999003", OVM: "87654321", Box: "kraj2xd"}, true, ""},
		{"missing-privilege", DataBoxRequest{AIS: "999003", OVM: "87654321", Box: "kraj2xd", Need: PrivCreateDM | PrivViewInfo}, false, "nemá v datové schránce kraj2xd oprávnění PRIVIL_CREATE_DM"},
		{"foreign-box", DataBoxRequest{AIS: "999003", OVM: "87654321", Box: "mstdemd", Need: PrivViewInfo}, false, "nesmí za OVM 87654321 používat datovou schránku mstdemd"},
		{"box-for-other-ovm", DataBoxRequest{AIS: "999002", OVM: "87654321", Box: "mstdemd", Need: PrivViewInfo}, false, "nesmí"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := s.DecideDataBox(tc.req)
			if d.Permit != tc.permit {
				t.Fatalf("permit = %v: %+v", d.Permit, d.Reasons)
			}
			if !strings.Contains(d.Reasons[0].CS, tc.text) {
				t.Errorf("reason %q lacks %q", d.Reasons[0].CS, tc.text)
			}
		})
	}
	if got := (PrivOwnerAdm | Privilege(1<<20)).String(); got != "PRIVIL_OWNER_ADM+0x100000" {
		t.Errorf("Privilege.String = %q", got)
	}
}

func TestDecideCadastre(t *testing.T) {
	s := Demo()
	tests := []struct {
		name    string
		req     CadastreRequest
		account string
		text    string
	}{
		{"free-search", CadastreRequest{AIS: "999003", OVM: "87654321", Service: "vyhledat"}, "DEMO-WSDP-FREE", ""},
		{"paid-report", CadastreRequest{AIS: "999002", OVM: "12345678", Service: "sestavy", Paid: true}, "DEMO-WSDP", ""},
		{"paid-refused", CadastreRequest{AIS: "999003", OVM: "87654321", Service: "sestavy", Paid: true}, "", "nepovoluje placenou službu sestavy"},
		{"service-refused", CadastreRequest{AIS: "999003", OVM: "87654321", Service: "ctios"}, "", "nepovoluje službu ctios"},
		{"no-account", CadastreRequest{AIS: "999003", OVM: "12345678", Service: "ciselnik"}, "", "žádný účet katastru"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			acct, d := s.DecideCadastre(tc.req)
			if acct != tc.account || d.Permit != (tc.account != "") {
				t.Fatalf("account %q permit %v, want %q: %+v", acct, d.Permit, tc.account, d.Reasons)
			}
			if !strings.Contains(d.Reasons[0].CS, tc.text) {
				t.Errorf("reason %q lacks %q", d.Reasons[0].CS, tc.text)
			}
		})
	}
	a, ok := s.CadastreAccountOf("DEMO-WSDP")
	if !ok || a.Secret != "env:KONEKTOR_SECRET_CUZK_DEMO" {
		t.Errorf("CadastreAccountOf = %+v, %v", a, ok)
	}
	a.Services[0] = "changed"
	if b, _ := s.CadastreAccountOf("DEMO-WSDP"); b.Services[0] == "changed" {
		t.Error("CadastreAccountOf exposes the snapshot's slices")
	}
	if all := s.CadastreAccounts(); len(all) != 2 || all[0].Account != "DEMO-WSDP" || all[0].Type != "paying" || all[1].Type != "free" {
		t.Errorf("CadastreAccounts = %+v", all)
	}
	if _, ok := s.CadastreAccountOf("nobody"); ok {
		t.Error("unknown account found")
	}
}

// TestDraftPrivilege: KONEKTOR_DRAFT is konektor's own privilege of a
// data-box grant (prepare a draft), apart from the ISDS bits; a grant may
// name it and decisions and texts know it.
func TestDraftPrivilege(t *testing.T) {
	m, err := DecodeYAML(strings.NewReader(`
dataBoxes:
  - {ais: "999007", ovm: "12345678", box: mstdemd, privileges: [PRIVIL_VIEW_INFO, KONEKTOR_DRAFT]}
`))
	if err != nil {
		t.Fatal(err)
	}
	s, err := Compile(m)
	if err != nil {
		t.Fatal(err)
	}
	req := DataBoxRequest{AIS: "999007", OVM: "12345678", Box: "mstdemd", Need: PrivDraft}
	if d := s.DecideDataBox(req); !d.Permit || !strings.Contains(d.Reasons[0].EN, "PRIVIL_VIEW_INFO+KONEKTOR_DRAFT") {
		t.Fatalf("draft: %+v", d)
	}
	req.Need = PrivCreateDM
	if d := s.DecideDataBox(req); d.Permit || !strings.Contains(d.Reasons[0].EN, "PRIVIL_CREATE_DM") {
		t.Fatalf("send with a draft grant: %+v", d)
	}
	if PrivDraft&(PrivReadNonPersonal|PrivReadAll|PrivCreateDM|PrivViewInfo|PrivSearchDB|PrivOwnerAdm|PrivEraseVault|64) != 0 {
		t.Fatal("PrivDraft overlaps an ISDS privilege bit")
	}
	m, err = DecodeYAML(strings.NewReader(`
dataBoxes:
  - {ais: "999007", ovm: "12345678", box: mstdemd, privileges: [PRIVIL_DRAFT]}
`))
	if err == nil {
		_, err = Compile(m)
	}
	if err == nil || !strings.Contains(err.Error(), "KONEKTOR_DRAFT") {
		t.Fatalf("an unknown privilege name: %v", err)
	}
}
