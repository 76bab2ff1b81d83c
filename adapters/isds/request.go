package isds

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"konektor/gateway/soap"
)

// upstreamEnvelope builds the request konektor sends to ISDS: a fresh SOAP
// 1.1 envelope holding only the caller's payload element, with the
// namespace declarations it inherits. The caller's SOAP Header (where a
// client might put a WS-Security UsernameToken) is not carried over, and
// no HTTP header of the caller ever is.
func upstreamEnvelope(e *soap.Envelope) []byte {
	decls, prefixes := inherited(e.Raw[:e.PayloadStart])
	p := "soapenv"
	for i := 1; prefixes[p]; i++ {
		p = fmt.Sprintf("soapenv%d", i)
	}
	payload := e.PayloadBytes()
	var b bytes.Buffer
	b.Grow(len(payload) + len(decls) + 200)
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><` + p + `:Envelope xmlns:` + p + `="` + soap.NS11 + `"`)
	b.Write(decls)
	b.WriteString(`><` + p + `:Body>`)
	b.Write(payload)
	b.WriteString(`</` + p + `:Body></` + p + `:Envelope>`)
	return b.Bytes()
}

// inherited returns the namespace declarations of the Envelope and Body
// start tags in head (the envelope up to the payload), written as
// attributes, and the prefixes they declare: the payload may rely on them.
// A declaration on Body overrides one on Envelope; declarations inside a
// Header do not apply to the Body and are left out.
func inherited(head []byte) ([]byte, map[string]bool) {
	d := xml.NewDecoder(bytes.NewReader(head))
	decl := map[string]string{} // prefix ("" = default) → namespace
	depth := 0
	for {
		tok, err := d.RawToken()
		if err != nil {
			break // head ends inside Body: the end of the data
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			if depth == 1 || (depth == 2 && t.Name.Local == "Body") {
				for _, a := range t.Attr {
					switch {
					case a.Name.Space == "xmlns":
						decl[a.Name.Local] = a.Value
					case a.Name.Space == "" && a.Name.Local == "xmlns":
						decl[""] = a.Value
					}
				}
			}
		case xml.EndElement:
			depth--
		}
	}
	var out bytes.Buffer
	prefixes := map[string]bool{}
	for _, p := range slices.Sorted(maps.Keys(decl)) {
		if p == "" {
			fmt.Fprintf(&out, ` xmlns="%s"`, escapeAttr(decl[p]))
			continue
		}
		prefixes[p] = true
		fmt.Fprintf(&out, ` xmlns:%s="%s"`, p, escapeAttr(decl[p]))
	}
	return out.Bytes(), prefixes
}

func escapeAttr(s string) string {
	var b bytes.Buffer
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

var dmIDRE = regexp.MustCompile(`<(?:[A-Za-z_][\w.-]*:)?dmID>\s*([^<\s]{1,20})\s*</`)

// requestDmID returns the dmID an operation on one message names.
func requestDmID(payload []byte) string {
	m := dmIDRE.FindSubmatch(payload)
	if m == nil {
		return ""
	}
	return strings.TrimSpace(string(m[1]))
}

var recipientRE = regexp.MustCompile(`<(?:[A-Za-z_][\w.-]*:)?dbIDRecipient>\s*([^<\s]{1,20})\s*</`)

// requestRecipient returns the recipient box a CreateMessage names.
func requestRecipient(payload []byte) string {
	m := recipientRE.FindSubmatch(payload)
	if m == nil {
		return ""
	}
	return string(m[1])
}

// listedIDs returns the dmIDs of a list answer, at most maxListed, and how
// many more there are.
func listedIDs(body []byte) ([]string, int) {
	ms := dmIDRE.FindAllSubmatch(body, -1)
	var out []string
	for _, m := range ms {
		if len(out) == maxListed {
			break
		}
		out = append(out, string(m[1]))
	}
	return out, len(ms) - len(out)
}
