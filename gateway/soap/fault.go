package soap

import (
	"bytes"
	"encoding/xml"
)

// FaultNS is the namespace of konektor's fault detail.
const FaultNS = "urn:cz:konektor:fault:v1"

// Fault is a SOAP fault as konektor sends it: a sender or receiver code, a
// reason in Czech and English, a stable machine code and the correlation id
// that also appears in konektor's log and access log.
type Fault struct {
	Sender        bool   // the caller's fault (Client/Sender) rather than ours or upstream's
	Code          string // stable machine code, e.g. "doctype", "forbidden"
	CS            string // reason in Czech
	EN            string // reason in English
	CorrelationID string
}

// WriteFault renders f as a complete envelope of version v.
func WriteFault(v Version, f Fault) []byte {
	var b bytes.Buffer
	b.Grow(768 + len(f.CS) + len(f.EN))
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>`)
	if v == V12 {
		b.WriteString(`<env:Envelope xmlns:env="` + NS12 + `"><env:Body><env:Fault><env:Code><env:Value>`)
		if f.Sender {
			b.WriteString("env:Sender")
		} else {
			b.WriteString("env:Receiver")
		}
		b.WriteString(`</env:Value></env:Code><env:Reason><env:Text xml:lang="cs">`)
		esc(&b, f.CS)
		b.WriteString(`</env:Text><env:Text xml:lang="en">`)
		esc(&b, f.EN)
		b.WriteString(`</env:Text></env:Reason><env:Detail>`)
		detail(&b, f)
		b.WriteString(`</env:Detail></env:Fault></env:Body></env:Envelope>`)
		return b.Bytes()
	}
	b.WriteString(`<soap:Envelope xmlns:soap="` + NS11 + `"><soap:Body><soap:Fault><faultcode>`)
	if f.Sender {
		b.WriteString("soap:Client")
	} else {
		b.WriteString("soap:Server")
	}
	b.WriteString(`</faultcode><faultstring xml:lang="cs">`)
	esc(&b, f.CS)
	b.WriteString(`</faultstring><detail>`)
	detail(&b, f)
	b.WriteString(`</detail></soap:Fault></soap:Body></soap:Envelope>`)
	return b.Bytes()
}

func detail(b *bytes.Buffer, f Fault) {
	b.WriteString(`<k:KonektorFault xmlns:k="` + FaultNS + `"><k:Code>`)
	esc(b, f.Code)
	b.WriteString(`</k:Code><k:CorrelationId>`)
	esc(b, f.CorrelationID)
	b.WriteString(`</k:CorrelationId><k:Reason xml:lang="cs">`)
	esc(b, f.CS)
	b.WriteString(`</k:Reason><k:Reason xml:lang="en">`)
	esc(b, f.EN)
	b.WriteString(`</k:Reason></k:KonektorFault>`)
}

func esc(b *bytes.Buffer, s string) { _ = xml.EscapeText(b, []byte(s)) }

// ContentType returns the Content-Type for a message of version v.
func ContentType(v Version) string {
	if v == V12 {
		return "application/soap+xml; charset=utf-8"
	}
	return "text/xml; charset=utf-8"
}
