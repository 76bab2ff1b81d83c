package sim

import (
	"encoding/base64"
	"fmt"
	"time"

	"konektor/wsdl/isds/dm"
)

// Boxes of the seed. Each ID carries a valid check character.
const (
	// BoxDemoOVM is "Město Demo" (OVM, IČO 12345678): the box demo client
	// 999002 uses through konektor, with every privilege.
	BoxDemoOVM = "mstdemd"
	// BoxRegion is "Krajský úřad Demo kraje" (OVM, IČO 87654321), for
	// demo client 999003.
	BoxRegion = "kraj2xd"
	// BoxCompany is a legal person (PO) that accepts commercial messages.
	BoxCompany = "firma2x"
	// BoxPerson is a natural person (FO).
	BoxPerson = "jannvkn"
	// BoxLawyer is a lawyer (PFO_ADVOK) who does not accept commercial
	// messages.
	BoxLawyer = "advkats"
	// BoxClosed is a permanently inaccessible OVM box (dbState 4).
	BoxClosed = "zrusen6"
)

// SeedBoxes returns the sandbox's boxes.
func SeedBoxes() []Box {
	return []Box{
		{ID: BoxDemoOVM, Type: "OVM", FirmName: "Město Demo", IC: "12345678", IdOVM: "12345678", State: StateAccessible,
			Address: Address{Code: "21700001", City: "Demo", Street: "Náměstí Míru", NumberInMunicipality: "1", ZipCode: "73911", State: "CZ"}},
		{ID: BoxRegion, Type: "OVM", FirmName: "Krajský úřad Demo kraje", IC: "87654321", IdOVM: "87654321", State: StateAccessible,
			Address: Address{Code: "21700002", City: "Demo", Street: "Krajská", NumberInMunicipality: "1200", NumberInStreet: "8", ZipCode: "70200", State: "CZ"}},
		{ID: BoxCompany, Type: "PO", FirmName: "Demo Firma s.r.o.", IC: "27074358", State: StateAccessible, OpenAddressing: true,
			Address: Address{City: "Praha", District: "Praha 1", Street: "Dlouhá", NumberInMunicipality: "705", NumberInStreet: "17", ZipCode: "11000", State: "CZ"}},
		{ID: BoxPerson, Type: "FO", GivenNames: "Jan", LastName: "Novák", State: StateAccessible,
			Address: Address{City: "Demo", Street: "Lipová", NumberInMunicipality: "12", ZipCode: "73911", State: "CZ"}},
		{ID: BoxLawyer, Type: "PFO_ADVOK", FirmName: "Mgr. Eva Dvořáková, advokátka", GivenNames: "Eva", LastName: "Dvořáková",
			IC: "71234567", State: StateAccessible,
			Address: Address{City: "Brno", Street: "Masarykova", NumberInMunicipality: "31", ZipCode: "60200", State: "CZ"}},
		{ID: BoxClosed, Type: "OVM", FirmName: "Zrušená obec Demo", IC: "00000001", IdOVM: "00000001", State: StatePermanent,
			Address: Address{City: "Zrušov", NumberInMunicipality: "1", ZipCode: "73900", State: "CZ"}},
		{ID: "aaaaaaa", FirmName: "Informační systém datových schránek", State: StateAccessible},
	}
}

// Sandbox passwords. They open sandbox boxes only; real ISDS accounts are
// never configured in code.
const seedPassword = "Sandbox-heslo-1"

// SeedAccounts returns the sandbox's users: for each box a primary user
// NAME.spravce with every privilege, and for the demo boxes a user
// NAME.prehled with PRIVIL_VIEW_INFO and PRIVIL_SEARCH_DB only (it lists
// received messages without delivering them). All passwords are
// "Sandbox-heslo-1".
func SeedAccounts() []Account {
	var out []Account
	for _, b := range []string{BoxDemoOVM, BoxRegion, BoxCompany, BoxPerson, BoxLawyer, BoxClosed} {
		out = append(out, Account{Username: b + ".spravce", Password: seedPassword, Box: b, Privileges: PrivAll, Kind: KindPrimary})
	}
	for _, b := range []string{BoxDemoOVM, BoxRegion} {
		out = append(out, Account{Username: b + ".prehled", Password: seedPassword, Box: b,
			Privileges: PrivViewInfo | PrivSearchDB, Kind: KindEntrusted})
	}
	return out
}

// seedMessages creates sample messages relative to the clock at start: for
// the demo OVM box one delivered two days ago, one delivered twelve days
// ago (delivered by fiction since), and one it sent yesterday.
func (s *Server) seedMessages() error {
	now := s.now()
	pdf := []byte("%PDF-1.4\n% vzorový dokument sandboxu ISDS konektoru\n")
	for _, m := range []struct {
		from, to, annotation string
		ago                  time.Duration
	}{
		{BoxCompany, BoxDemoOVM, "Žádost o vydání stavebního povolení", 2 * 24 * time.Hour},
		{BoxPerson, BoxDemoOVM, "Podnět k přestupku", 12 * 24 * time.Hour},
		{BoxDemoOVM, BoxCompany, "Výzva k doplnění podání", 24 * time.Hour},
	} {
		sender := s.store.boxes[m.from]
		l := &login{account: "seed", box: sender, privileges: PrivAll, kind: KindPrimary}
		rid := dm.TIdDb(m.to)
		ann := dm.TString255(m.annotation)
		mime := dm.TFileMetaType("main")
		req := &dm.CreateMessage{
			DmEnvelope: &dm.TMessageEnvelopeSub{TEnvelopeSub: &dm.TEnvelopeSub{DbIDRecipient: &rid, DmAnnotation: &ann}},
			DmFiles: &dm.TFilesArray{DmFile: []*dm.TFileWithAttrs{{
				TFile:          &dm.TFile{DmEncodedContent: []byte(base64.StdEncoding.EncodeToString(pdf))},
				DmMimeType:     "application/pdf",
				DmFileMetaType: &mime,
				DmFileDescr:    "dokument.pdf",
			}}},
		}
		s.store.mu.Lock()
		_, err := s.createMessage(l, req, now.Add(-m.ago))
		s.store.mu.Unlock()
		if err != nil {
			return fmt.Errorf("sim: seed message: %w", err)
		}
	}
	return nil
}
