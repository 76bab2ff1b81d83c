package cuzk

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"

	"konektor/gateway/soap"
	"konektor/wsdl/cuzk"
)

// NSKontext is the namespace of konektor's caller-context header: a
// client may name the OVM it acts for, the user and the purpose of a
// cadastre call. konektor removes it before relaying.
//
//	<k:Kontext xmlns:k="urn:cz:konektor:cuzk:kontext:v1">
//	  <k:Ovm>00250716</k:Ovm>
//	  <k:Uzivatel>jnovak</k:Uzivatel>
//	  <k:Ucel>stavební řízení SZ 12/2026</k:Ucel>
//	</k:Kontext>
const NSKontext = "urn:cz:konektor:cuzk:kontext:v1"

// headerBlock is a direct child of the SOAP Header.
type headerBlock struct {
	name       xml.Name
	start, end int // span in the envelope
}

// headerLayout is where the Header and its blocks are in an envelope.
type headerLayout struct {
	envOpenEnd    int // just after the Envelope start tag
	hasHeader     bool
	headerStart   int
	headerOpenEnd int // just after the Header start tag
	headerEnd     int // just after the Header end tag
	selfClosing   bool
	blocks        []headerBlock
}

var errNoEnvelope = errors.New("cuzk: no SOAP envelope")

// layout finds the Header and its blocks. The envelope has passed the
// gateway's hardened parser already.
func layout(raw []byte) (headerLayout, error) {
	var l headerLayout
	dec := xml.NewDecoder(bytes.NewReader(raw))
	depth := 0
	var cur *headerBlock
	for {
		before := int(dec.InputOffset())
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return l, fmt.Errorf("cuzk: read envelope: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			switch {
			case depth == 1:
				l.envOpenEnd = int(dec.InputOffset())
			case depth == 2 && t.Name.Local == "Header" && !l.hasHeader:
				l.hasHeader, l.headerStart, l.headerOpenEnd = true, before, int(dec.InputOffset())
				l.selfClosing = bytes.HasSuffix(raw[before:l.headerOpenEnd], []byte("/>"))
			case depth == 3 && l.hasHeader && l.headerEnd == 0:
				cur = &headerBlock{name: t.Name, start: before}
			}
		case xml.EndElement:
			if depth == 3 && cur != nil {
				cur.end = int(dec.InputOffset())
				l.blocks = append(l.blocks, *cur)
				cur = nil
			}
			if depth == 2 && l.hasHeader && l.headerEnd == 0 && t.Name.Local == "Header" {
				l.headerEnd = int(dec.InputOffset())
			}
			depth--
		}
	}
	if l.envOpenEnd == 0 {
		return l, errNoEnvelope
	}
	return l, nil
}

// security is the WS-Security header konektor sends: the account's
// UsernameToken with the password in clear text, as WSDP requires.
func security(user, password string) []byte {
	var b bytes.Buffer
	b.WriteString(`<wsse:Security xmlns:wsse="` + cuzk.NSWSSE + `" xmlns:ks="` + cuzk.NSSOAP11 + `" ks:mustUnderstand="1">`)
	b.WriteString(`<wsse:UsernameToken><wsse:Username>`)
	_ = xml.EscapeText(&b, []byte(user))
	b.WriteString(`</wsse:Username><wsse:Password Type="` + cuzk.PasswordText + `">`)
	_ = xml.EscapeText(&b, []byte(password))
	b.WriteString(`</wsse:Password></wsse:UsernameToken></wsse:Security>`)
	return b.Bytes()
}

// outgoing returns the envelope konektor sends to ČÚZK: the caller's own
// wsse:Security headers and konektor's Kontext header removed, the
// account's UsernameToken added as the Header's first block; everything
// else byte for byte.
func outgoing(env *soap.Envelope, user, password string) ([]byte, error) {
	l, err := layout(env.Raw)
	if err != nil {
		return nil, err
	}
	raw, sec := env.Raw, security(user, password)
	var b bytes.Buffer
	b.Grow(len(raw) + len(sec) + 64)
	switch {
	case !l.hasHeader:
		b.Write(raw[:l.envOpenEnd])
		b.WriteString(`<kh:Header xmlns:kh="` + cuzk.NSSOAP11 + `">`)
		b.Write(sec)
		b.WriteString(`</kh:Header>`)
		b.Write(raw[l.envOpenEnd:])
	case l.selfClosing:
		b.Write(raw[:l.headerStart])
		b.WriteString(`<kh:Header xmlns:kh="` + cuzk.NSSOAP11 + `">`)
		b.Write(sec)
		b.WriteString(`</kh:Header>`)
		b.Write(raw[l.headerEnd:])
	default:
		b.Write(raw[:l.headerOpenEnd])
		b.Write(sec)
		last := l.headerOpenEnd
		for _, h := range l.blocks {
			if dropped(h.name) {
				b.Write(raw[last:h.start])
				last = h.end
			}
		}
		b.Write(raw[last:])
	}
	return b.Bytes(), nil
}

// dropped reports whether a caller's header block is removed.
func dropped(n xml.Name) bool {
	return (n.Space == cuzk.NSWSSE && n.Local == "Security") || n.Space == NSKontext
}
