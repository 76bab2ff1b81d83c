package sim

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"konektor/wsdl/iszr"
)

// SOAP envelope namespaces.
const (
	nsSOAP11 = "http://schemas.xmlsoap.org/soap/envelope/"
	nsSOAP12 = "http://www.w3.org/2003/05/soap-envelope"
)

// Parser limits for requests: eGON requests are small.
var requestLimits = iszr.Limits{MaxDepth: 48, MaxElements: 5000, MaxAttrs: 32}

// fault is a SOAP 1.1 Fault, sent when the message is not a SOAP 1.1
// envelope ISZR could read at all (no OdpovedInfo can be formed then).
type fault struct {
	code   string // VersionMismatch | Client
	cs, en string
}

func (f *fault) envelope() []byte {
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	b.WriteString(`<s:Envelope xmlns:s="` + nsSOAP11 + `"><s:Body><s:Fault>`)
	b.WriteString(`<faultcode>s:` + f.code + `</faultcode>`)
	b.WriteString(`<faultstring xml:lang="cs">` + escape(f.cs+" ("+f.en+")") + `</faultstring>`)
	b.WriteString(`</s:Fault></s:Body></s:Envelope>`)
	return b.Bytes()
}

var escaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

func escape(s string) string { return escaper.Replace(s) }

// readEnvelope returns the first child of the SOAP 1.1 Body.
func readEnvelope(body []byte) (*iszr.Element, *fault) {
	root, err := iszr.Parse(bytes.NewReader(body), requestLimits)
	if err != nil {
		reason := "not well-formed XML"
		switch {
		case errors.Is(err, iszr.ErrDoctype):
			reason = "DOCTYPE is not allowed"
		case errors.Is(err, iszr.ErrProcInst):
			reason = "processing instructions are not allowed"
		case errors.Is(err, iszr.ErrTooDeep), errors.Is(err, iszr.ErrTooMany), errors.Is(err, iszr.ErrManyAttrs), errors.Is(err, iszr.ErrTooLarge):
			reason = "message exceeds the sandbox limits"
		}
		return nil, &fault{code: "Client", cs: "Zpráva není platné XML", en: reason}
	}
	if root.Name.Local != "Envelope" || (root.Name.Space != nsSOAP11 && root.Name.Space != nsSOAP12) {
		return nil, &fault{code: "Client", cs: "Zpráva není obálka SOAP", en: fmt.Sprintf("root element {%s}%s is not a SOAP Envelope", root.Name.Space, root.Name.Local)}
	}
	if root.Name.Space == nsSOAP12 {
		return nil, &fault{code: "VersionMismatch", cs: "ISZR přijímá jen SOAP 1.1", en: "only SOAP 1.1 is accepted"}
	}
	var bodyEl *iszr.Element
	for i, c := range root.Children {
		if c.Name.Space != nsSOAP11 {
			return nil, &fault{code: "Client", cs: "Neznámý prvek obálky", en: "unexpected element " + c.Name.Local + " in Envelope"}
		}
		switch {
		case c.Name.Local == "Header" && i == 0:
		case c.Name.Local == "Body" && bodyEl == nil:
			bodyEl = c
		default:
			return nil, &fault{code: "Client", cs: "Chybná struktura obálky", en: "unexpected " + c.Name.Local + " in Envelope"}
		}
	}
	if bodyEl == nil || len(bodyEl.Children) == 0 {
		return nil, &fault{code: "Client", cs: "Prázdné tělo zprávy", en: "SOAP Body is missing or empty"}
	}
	if len(bodyEl.Children) > 1 {
		return nil, &fault{code: "Client", cs: "Tělo zprávy obsahuje více prvků", en: "SOAP Body holds more than one element"}
	}
	return bodyEl.Children[0], nil
}

// soapAction normalises a SOAPAction header value: surrounding quotes and
// white space are ignored.
func soapAction(v string) string {
	v = strings.TrimSpace(v)
	if len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"' {
		v = v[1 : len(v)-1]
	}
	return strings.TrimSpace(v)
}
