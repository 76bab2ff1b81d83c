package cuzk

import (
	"bytes"
	"encoding/xml"
	"net/http"
	"strconv"

	"konektor/gateway/pipeline"
	"konektor/wsdl/cuzk"
)

// Sub-codes a refusal may carry besides the policy's (NENI OPRAVNENI,
// NENI OPRAVNENI EGON) and the outage answer (NENI K DISPOZICI): WSDP
// message codes konektor answers itself, as ČÚZK would.
const (
	SubCisloJednaci  = "118" // cisloJednaci mandatory for free accounts
	SubUcelKod       = "119" // ucelKod mandatory for free accounts
	SubPoradoveCislo = "120" // poradoveCislo mandatory for verifying accounts
	SubNoRights      = "207" // no rights for the operation
	SubXMLVerifying  = "325" // no XML or HTML for verifying accounts
	SubHistory       = "479" // verifying accounts: present state only
	subOutage        = "NENI K DISPOZICI"
)

// officialText are the official texts of the codes konektor answers.
var officialText = map[int]string{
	118: "Parametr cisloJednaci je pro bezúplatné uživatele povinný.",
	119: "Parametr ucelKod je pro bezúplatné uživatele povinný.",
	120: "Parametr poradoveCislo je pro ověřující osoby povinný.",
	207: "Nemáte přidělena práva nutná pro provedení požadované operace.",
	325: "Vytváření výstupů ve formátu XML není pro ověřující osoby přístupné!",
	479: "Ověřujícím osobám jsou povoleny dotazy a sestavy pouze v přítomnosti.",
}

// requiredLists are the answer elements whose schema requires an (empty)
// list next to vysledek.
var requiredLists = map[string]string{
	"NajdiParceluResponse":     "ParcelaList",
	"NajdiStavbuResponse":      "StavbaList",
	"NajdiJednotkuResponse":    "JednotkaList",
	"NajdiOSResponse":          "OSList",
	"NajdiPravoStavbyResponse": "PravoStavbyList",
	"NajdiRizeniResponse":      "RizeniList",
}

// Refuse answers the way ČÚZK answers a refused call: HTTP 200, the
// operation's answer element with a vysledek holding one CHYBA message.
// A policy refusal is 207 (no rights for the operation) with konektor's
// reason appended; the WSDP codes konektor checks itself (118, 119, 120,
// 325, 479) carry their official text. An outage (NENI K DISPOZICI) is a
// SOAP Server fault with HTTP 503, which is what a WSDP client meets when
// ČÚZK cannot be reached.
func (u *Upstream) Refuse(ex *pipeline.Exchange, subCode, cs, en string) *pipeline.Reply {
	if subCode == subOutage {
		return &pipeline.Reply{Status: http.StatusServiceUnavailable, ContentType: "text/xml; charset=utf-8",
			Body: serverFault(cs, en, ex.ID), UpstreamStatus: "konektor " + subCode}
	}
	kod, err := strconv.Atoi(subCode)
	text, known := officialText[kod]
	if err != nil || !known {
		kod, text = 207, officialText[207]
	}
	if cs != "" {
		text += " (konektor: " + cs + ")"
	}
	var resp xml.Name
	if ex.Entry != nil {
		resp = ex.Entry.Response
	}
	return &pipeline.Reply{Status: http.StatusOK, ContentType: "text/xml; charset=utf-8",
		Body: refusal(resp, kod, text), UpstreamStatus: "konektor CHYBA " + strconv.Itoa(kod)}
}

// refusal writes an answer envelope with one CHYBA message.
func refusal(resp xml.Name, kod int, text string) []byte {
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	b.WriteString(`<S:Envelope xmlns:S="` + cuzk.NSSOAP11 + `"><S:Body>`)
	b.WriteString(`<` + resp.Local + ` xmlns="` + resp.Space + `" xmlns:ns0="` + cuzk.NSCommon + `"><vysledek>`)
	b.WriteString(`<ns0:zprava kod="` + strconv.Itoa(kod) + `" uroven="CHYBA">`)
	_ = xml.EscapeText(&b, []byte(text))
	b.WriteString(`</ns0:zprava></vysledek>`)
	if l, ok := requiredLists[resp.Local]; ok {
		b.WriteString(`<` + l + `/>`)
	}
	b.WriteString(`</` + resp.Local + `></S:Body></S:Envelope>`)
	return b.Bytes()
}

// serverFault is a SOAP 1.1 Server fault with konektor's reason in Czech
// (faultstring) and English (detail).
func serverFault(cs, en, correlationID string) []byte {
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	b.WriteString(`<S:Envelope xmlns:S="` + cuzk.NSSOAP11 + `"><S:Body><S:Fault><faultcode>S:Server</faultcode><faultstring xml:lang="cs">`)
	_ = xml.EscapeText(&b, []byte(cs))
	b.WriteString(`</faultstring><detail><k:konektor xmlns:k="` + NSKontext + `"><k:reason xml:lang="en">`)
	_ = xml.EscapeText(&b, []byte(en))
	b.WriteString(`</k:reason><k:correlationId>`)
	_ = xml.EscapeText(&b, []byte(correlationID))
	b.WriteString(`</k:correlationId></k:konektor></detail></S:Fault></S:Body></S:Envelope>`)
	return b.Bytes()
}
