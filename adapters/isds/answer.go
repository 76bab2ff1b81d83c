package isds

import (
	"bytes"
	"encoding/xml"

	"konektor/gateway/soap"
	wsdl "konektor/wsdl/isds"
)

// Status codes konektor answers with itself, in ISDS's own form.
const (
	// StatusOutage: ISDS could not be reached (its node's breaker is open,
	// or the node is down). ISDS reports a failure of one of its components
	// as 9xxx, "retry later"; 9500 is its generic failure.
	StatusOutage = "9500"
	// StatusDraftSaved: a draft was stored by konektor instead of sent. ISDS
	// uses 0001 ("Úspěšně zaznamenáno", request registered) as an
	// informational success; an agenda system that treats 00xx as success
	// and reads dmID only from 0000 handles it.
	StatusDraftSaved = "0001"
)

// ownerInfoElements are the elements of tDbOwnerInfoExt2, which
// GetOwnerInfoFromLogin2Response must carry even when it fails (all nil).
var ownerInfoElements = []string{"dbID", "dbType", "ic", "pnGivenNames", "pnLastName", "firmName", "biDate", "biCity",
	"biCounty", "biState", "adCode", "adCity", "adDistrict", "adStreet", "adNumberInStreet",
	"adNumberInMunicipality", "adZipCode", "adState", "nationality", "dbIdOVM", "dbState", "dbOpenAddressing", "dbUpperID"}

// statusAnswer writes a complete SOAP 1.1 answer of operation op that
// carries only a status, as ISDS writes its refusals: HTTP 200, the
// answer element in http://isds.czechpoint.cz/v20 with dmStatus (message
// services) or dbStatus (data-box services).
func statusAnswer(op, code, text string) []byte {
	o, _ := lookupOperation(op)
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><SOAP-ENV:Envelope xmlns:SOAP-ENV="` + soap.NS11 + `"><SOAP-ENV:Body>`)
	b.WriteString(`<p:` + op + `Response xmlns:p="` + wsdl.NS + `" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">`)
	prefix := "dm"
	if o.Box {
		prefix = "db"
		if op == "GetOwnerInfoFromLogin2" {
			b.WriteString("<p:dbOwnerInfo>")
			for _, n := range ownerInfoElements {
				b.WriteString(`<p:` + n + ` xsi:nil="true"></p:` + n + `>`)
			}
			b.WriteString("</p:dbOwnerInfo>")
		}
	}
	b.WriteString(`<p:` + prefix + `Status><p:` + prefix + `StatusCode>` + code + `</p:` + prefix + `StatusCode><p:` +
		prefix + `StatusMessage>`)
	_ = xml.EscapeText(&b, []byte(text))
	b.WriteString(`</p:` + prefix + `StatusMessage></p:` + prefix + `Status></p:` + op + `Response></SOAP-ENV:Body></SOAP-ENV:Envelope>`)
	return b.Bytes()
}

// lookupOperation finds an ISDS operation by name in any service.
func lookupOperation(op string) (wsdl.Operation, bool) {
	for _, o := range wsdl.Operations() {
		if o.Name == op {
			return o, true
		}
	}
	return wsdl.Operation{}, false
}
