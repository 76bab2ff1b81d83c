package iszr

import (
	"bytes"
	"encoding/xml"
	"io"
	"strings"
)

// Status is the outcome an eGON answer reports in OdpovedInfo/Status.
type Status struct {
	Kod    string // OK, CHYBA, VAROVANI; empty when not found
	SubKod string // first VysledekSubKod, if any
}

// String renders "KOD" or "KOD/SUBKOD".
func (s Status) String() string {
	if s.SubKod == "" {
		return s.Kod
	}
	return s.Kod + "/" + s.SubKod
}

// subCodes are the values of reg:VysledekSubKodType (RegTypy 1.23.0).
var subCodes = map[string]bool{
	"PREKROCEN CAS": true, "PREKROCEN SEZNAM": true, "NENI OPRAVNENI EGON": true, "NENI OPRAVNENI": true,
	"AIFO NEEXISTUJE": true, "AIFO ZRUSENO": true, "ZIFO ZRUSENO": true, "ADRESA NEEXISTUJE": true,
	"ADRESA SMAZANA": true, "JENOM SYNC": true, "JENOM ASYNC": true, "MIMO PORADI": true, "NEPLATNY CAS": true,
	"STARSI VERZE": true, "NEPLATNA VERZE": true, "DUPLICITNI ZADOST": true, "NENI IMPLEMENTOVANO": true,
	"NENI K DISPOZICI": true, "NENALEZENO": true, "PROBIHA ZPRACOVANI": true, "NEVALIDNI DATA": true,
	"NEVALIDNI ZADOST": true, "NEVALIDNI VAZBA": true, "APLIKACNI CHYBA": true, "CHYBA VOLANI REGISTRU": true,
	"CHYBA VOLANI AIS": true, "SPECIFIKACE V POPISU": true,
}

// maxStatusScan bounds how much of an answer is read to find its status;
// OdpovedInfo is the first child of the response element.
const maxStatusScan = 64 << 10

// ReadStatus finds OdpovedInfo/Status in an answer. It reads at most the
// first 64 KiB and never fails: an answer without a readable status gives
// a zero Status.
func ReadStatus(body []byte) Status {
	if len(body) > maxStatusScan {
		body = body[:maxStatusScan]
	}
	var st Status
	dec := xml.NewDecoder(bytes.NewReader(body))
	var cur string
	inStatus, subDone := false, false
	for {
		tok, err := dec.Token()
		if err == io.EOF || err != nil {
			return st
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Space != NSReg {
				continue
			}
			switch t.Name.Local {
			case "Status":
				inStatus = true
			case "VysledekKod", "VysledekSubKod":
				if inStatus {
					cur = t.Name.Local
				}
			}
		case xml.CharData:
			switch cur {
			case "VysledekKod":
				st.Kod += string(t)
			case "VysledekSubKod":
				if !subDone {
					st.SubKod += string(t)
				}
			}
		case xml.EndElement:
			if t.Name.Space != NSReg {
				continue
			}
			switch t.Name.Local {
			case "VysledekSubKod":
				if cur == "VysledekSubKod" {
					st.SubKod = strings.TrimSpace(st.SubKod)
					cur = ""
					subDone = true // report the first detail only
				}
			case "VysledekKod":
				st.Kod = strings.TrimSpace(st.Kod)
				cur = ""
			case "Status":
				return st
			}
		}
	}
}
