package sim

import (
	"bytes"
	"strings"
	"time"
)

// Namespaces of the answers.
const (
	nsV20   = "http://isds.czechpoint.cz/v20"
	nsXSI   = "http://www.w3.org/2001/XMLSchema-instance"
	nsSOAP  = "http://schemas.xmlsoap.org/soap/envelope/"
	nsXSD   = "http://www.w3.org/2001/XMLSchema"
	timeFmt = "2006-01-02T15:04:05.000-07:00"
)

// xw writes ISDS XML: every element under one prefix, empty nillable
// elements as xsi:nil, text escaped.
type xw struct {
	b      bytes.Buffer
	prefix string
}

func newXW(prefix string) *xw { return &xw{prefix: prefix} }

func (w *xw) name(n string) string { return w.prefix + ":" + n }

// open writes a start tag; attrs are name, value pairs written when the
// value is not empty.
func (w *xw) open(n string, attrs ...string) {
	w.b.WriteByte('<')
	w.b.WriteString(w.name(n))
	for i := 0; i+1 < len(attrs); i += 2 {
		if attrs[i+1] == "" {
			continue
		}
		w.b.WriteByte(' ')
		w.b.WriteString(attrs[i])
		w.b.WriteString(`="`)
		w.b.WriteString(escapeAttr(attrs[i+1]))
		w.b.WriteByte('"')
	}
	w.b.WriteByte('>')
}

func (w *xw) close(n string) {
	w.b.WriteString("</")
	w.b.WriteString(w.name(n))
	w.b.WriteByte('>')
}

// el writes an element with text.
func (w *xw) el(n, v string) {
	w.open(n)
	w.b.WriteString(escapeText(v))
	w.close(n)
}

// nilEl writes a nil element as ISDS does: xsi:nil and an explicit end tag.
func (w *xw) nilEl(n string) {
	w.b.WriteByte('<')
	w.b.WriteString(w.name(n))
	w.b.WriteString(` xsi:nil="true"></`)
	w.b.WriteString(w.name(n))
	w.b.WriteByte('>')
}

// opt writes v, or nil when v is empty.
func (w *xw) opt(n, v string) {
	if v == "" {
		w.nilEl(n)
		return
	}
	w.el(n, v)
}

// optTime writes a time in ISDS's form, or nil for the zero time.
func (w *xw) optTime(n string, t time.Time) {
	if t.IsZero() {
		w.nilEl(n)
		return
	}
	w.el(n, isdsTime(t))
}

func (w *xw) raw(b []byte) { w.b.Write(b) }

func (w *xw) bytes() []byte { return w.b.Bytes() }

var (
	textEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", "\r", "&#xD;")
	attrEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "\r", "&#xD;", "\n", "&#xA;", "\t", "&#x9;")
)

func escapeText(s string) string { return textEscaper.Replace(s) }
func escapeAttr(s string) string { return attrEscaper.Replace(s) }

// isdsTime formats a time as ISDS outputs it: Prague time with its offset
// and milliseconds.
func isdsTime(t time.Time) string { return t.In(prague).Format(timeFmt) }

// soapEnvelope wraps an answer element (written with prefix p) in the SOAP
// 1.1 envelope ISDS sends.
func soapEnvelope(body []byte) []byte {
	var b bytes.Buffer
	b.WriteString(`<?xml version='1.0' encoding='utf-8'?><SOAP-ENV:Envelope xmlns:SOAP-ENV="` + nsSOAP + `" xmlns:xsd="` + nsXSD + `"><SOAP-ENV:Body>`)
	b.Write(body)
	b.WriteString(`</SOAP-ENV:Body></SOAP-ENV:Envelope>`)
	return b.Bytes()
}

// soapFault is a SOAP 1.1 fault as ISDS sends for maintenance and malformed
// requests.
func soapFault(code, text string) []byte {
	var b bytes.Buffer
	b.WriteString(`<?xml version='1.0' encoding='UTF-8'?><SOAP-ENV:Envelope xmlns:SOAP-ENV="` + nsSOAP + `"><SOAP-ENV:Body><SOAP-ENV:Fault><faultcode>`)
	b.WriteString(escapeText(code))
	b.WriteString(`</faultcode><faultstring>`)
	b.WriteString(escapeText(text))
	b.WriteString(`</faultstring></SOAP-ENV:Fault></SOAP-ENV:Body></SOAP-ENV:Envelope>`)
	return b.Bytes()
}

// answer starts an answer element <p:{op}Response> with the namespaces.
func answer(op string) *xw {
	w := newXW("p")
	w.b.WriteString(`<p:` + op + `Response xmlns:p="` + nsV20 + `" xmlns:xsi="` + nsXSI + `">`)
	return w
}

func (w *xw) end(op string) []byte {
	w.close(op + "Response")
	return w.bytes()
}

// dmStatus writes the status of a message operation.
func (w *xw) dmStatus(s status) {
	w.open("dmStatus")
	w.el("dmStatusCode", s.code)
	w.el("dmStatusMessage", s.text)
	w.close("dmStatus")
}

// dbStatus writes the status of a data-box operation.
func (w *xw) dbStatus(s status) {
	w.open("dbStatus")
	w.el("dbStatusCode", s.code)
	w.el("dbStatusMessage", s.text)
	w.close("dbStatus")
}
