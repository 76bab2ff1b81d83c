package cuzk

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"

	"konektor/gateway/soap"
	"konektor/gateway/subject"
)

// kontext is what a call says about itself: from konektor's Kontext
// header and from the request (the report parameters).
type kontext struct {
	ovm, user, purpose string
	hasKontext         bool

	// Report parameters (sestavy).
	cisloJednaci, ucelKod, poradoveCislo string
	format, datumK, pripojitXML          string

	// The person or company a call is about (personal data: for the
	// access log's keyed subject hash only, never logged): the payload
	// element and its search criteria.
	payload                                 string
	rc, ico, jmeno, prijmeni, datumNarozeni string
	typ, rcIco                              string
}

// maxKontextValue bounds each value of the Kontext header.
const maxKontextValue = 255

var errKontext = errors.New("cuzk: malformed Kontext header")

// readKontext reads, in one pass over the envelope, konektor's Kontext
// header (if any) and the payload's report parameters.
func readKontext(env *soap.Envelope) (kontext, error) {
	var k kontext
	dec := xml.NewDecoder(bytes.NewReader(env.Raw))
	depth := 0
	inHeader, inBody := false, false
	var block xml.Name           // the current header block
	var subjects map[string]bool // the subject criteria of the payload
	var field string             // the Kontext field or report parameter being read
	var text strings.Builder
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return k, nil
		}
		if err != nil {
			return k, fmt.Errorf("cuzk: read request: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			switch {
			case depth == 2:
				inHeader, inBody = t.Name.Local == "Header", t.Name.Local == "Body"
			case depth == 3 && inHeader:
				block = t.Name
				if block.Space == NSKontext {
					if block.Local != "Kontext" || k.hasKontext {
						return k, fmt.Errorf("%w: unexpected %s", errKontext, block.Local)
					}
					k.hasKontext = true
				}
			case depth == 4 && inHeader && block.Space == NSKontext:
				if t.Name.Space != NSKontext {
					return k, fmt.Errorf("%w: unexpected element %s", errKontext, t.Name.Local)
				}
				field = t.Name.Local
				text.Reset()
			case depth == 5 && inHeader && block.Space == NSKontext:
				return k, fmt.Errorf("%w: unexpected element %s", errKontext, t.Name.Local)
			case depth == 3 && inBody:
				k.payload = t.Name.Local
				subjects = subjectParams[k.payload]
			case depth == 4 && inBody && (reportParams[t.Name.Local] || subjects[t.Name.Local]):
				field = t.Name.Local
				text.Reset()
			}
		case xml.CharData:
			if field != "" {
				if text.Len()+len(t) > maxKontextValue*4 {
					return k, fmt.Errorf("%w: value of %s too long", errKontext, field)
				}
				text.Write(t)
			}
		case xml.EndElement:
			if field != "" && depth == 4 {
				v := strings.TrimSpace(text.String())
				if len([]rune(v)) > maxKontextValue {
					return k, fmt.Errorf("%w: value of %s too long", errKontext, field)
				}
				if err := k.set(inHeader, field, v); err != nil {
					return k, err
				}
				field = ""
			}
			depth--
		}
	}
}

// set records one value; a Kontext field must be known and given once.
func (k *kontext) set(header bool, name, v string) error {
	if header {
		var dst *string
		switch name {
		case "Ovm":
			dst = &k.ovm
		case "Uzivatel":
			dst = &k.user
		case "Ucel":
			dst = &k.purpose
		default:
			return fmt.Errorf("%w: unknown element %s", errKontext, name)
		}
		if *dst != "" {
			return fmt.Errorf("%w: %s given twice", errKontext, name)
		}
		*dst = v
		return nil
	}
	var dst *string
	switch name {
	case "cisloJednaci":
		dst = &k.cisloJednaci
	case "ucelKod":
		dst = &k.ucelKod
	case "poradoveCislo":
		dst = &k.poradoveCislo
	case "format":
		dst = &k.format
	case "datumK":
		dst = &k.datumK
	case "pripojitXML":
		dst = &k.pripojitXML
	case "rc":
		dst = &k.rc
	case "ico":
		dst = &k.ico
	case "jmeno":
		dst = &k.jmeno
	case "prijmeni":
		dst = &k.prijmeni
	case "datumNarozeni":
		dst = &k.datumNarozeni
	case "typ":
		dst = &k.typ
	case "rcIco":
		dst = &k.rcIco
	}
	if dst != nil && *dst == "" {
		*dst = v
	}
	return nil
}

// reportParams are the request elements konektor reads.
var reportParams = map[string]bool{"cisloJednaci": true, "ucelKod": true, "poradoveCislo": true,
	"format": true, "datumK": true, "pripojitXML": true}

// subjectParams are, per payload element, the search criteria naming the
// person or company the call is about.
var subjectParams = map[string]map[string]bool{
	"NajdiOSRequest":                     {"rc": true, "ico": true, "jmeno": true, "prijmeni": true, "datumNarozeni": true},
	"GenerujEvidenciPravProOsobuRequest": {"typ": true, "rcIco": true},
}

// subject returns the data subject of an owner search (najdiOS) or of a
// rights register for a person (generujEvidenciPravProOsobu), as the
// access log hashes it: the rodné číslo, else the IČO, else the person's
// surname, given name and date of birth; "" for other calls or when the
// criteria name nobody in particular (a given name alone, a company name
// without IČO).
func (k kontext) subject() (kind, id string) {
	switch k.payload {
	case "NajdiOSRequest":
		switch {
		case k.rc != "":
			return subject.KindRC, k.rc
		case k.ico != "":
			return subject.KindICO, k.ico
		case k.prijmeni != "":
			return subject.KindPerson, k.prijmeni + "|" + k.jmeno + "|" + k.datumNarozeni
		}
	case "GenerujEvidenciPravProOsobuRequest":
		switch {
		case k.rcIco == "":
		case k.typ == "OPO":
			return subject.KindICO, k.rcIco
		default:
			return subject.KindRC, k.rcIco
		}
	}
	return "", ""
}
