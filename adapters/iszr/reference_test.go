package iszr

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
)

// The ISZR request reader and canonical form as they were built on
// encoding/xml, over a payload document; the differential tests hold the
// token-based reader (request.go, cache.go) to them.

// readRequestCanonicalReference is the former ReadRequestCanonical.
func readRequestCanonicalReference(doc []byte) (Request, []byte, error) {
	cw := &refCanonWriter{}
	r, err := readRequestReference(doc, cw)
	if err != nil {
		return r, nil, err
	}
	return r, cw.b.Bytes(), nil
}

func readRequestReference(doc []byte, cw *refCanonWriter) (Request, error) {
	var r Request
	dec := xml.NewDecoder(bytes.NewReader(doc))
	dec.Strict = true
	var path []string // local names below the payload
	var payloadNS string
	payloadDepth := -1
	depth := 0
	var text strings.Builder
	seenZadost := false
	var subjText strings.Builder
	subjTag := "" // Ico or GlobalniAifo being read
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return r, fmt.Errorf("iszr: reading request: %w", err)
		}
		if cw != nil {
			cw.token(tok)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			if payloadDepth < 0 {
				if t.Name.Local != "konektor-scope" {
					payloadDepth = depth
					payloadNS = t.Name.Space
				}
				continue
			}
			rel := depth - payloadDepth
			if rel == 1 {
				path = path[:0]
				switch {
				// ZadostInfo is abs:ZadostInfo, except in E100, whose schema
				// declares it in the service's own namespace.
				case (t.Name.Space == NSAbstract || (t.Name.Space == payloadNS && localZadostInfo[payloadNS])) && t.Name.Local == "ZadostInfo":
					if seenZadost {
						return r, errors.New("iszr: ZadostInfo occurs twice")
					}
					seenZadost = true
					path = append(path, "ZadostInfo")
				case t.Name.Space == NSAbstract && t.Name.Local == "AutorizaceInfo":
					if r.HasAutorizace {
						return r, errors.New("iszr: AutorizaceInfo occurs twice")
					}
					r.HasAutorizace = true
					path = append(path, "AutorizaceInfo")
				case t.Name.Space == payloadNS && t.Name.Local == "KodAsyncSluzby":
					path = append(path, "")
					text.Reset()
				}
			} else if rel == 2 && len(path) == 1 {
				path = append(path, t.Name.Space+" "+t.Name.Local)
				text.Reset()
			}
			if r.SubjectID == "" && subjTag == "" && (t.Name.Local == "Ico" || t.Name.Local == "GlobalniAifo") {
				subjTag = t.Name.Local
				subjText.Reset()
			}
		case xml.CharData:
			if subjTag != "" && subjText.Len()+len(t) <= 64 {
				subjText.Write(t)
			}
			if len(path) == 2 || (len(path) == 1 && path[0] == "") {
				if text.Len()+len(t) > maxField {
					return r, fmt.Errorf("iszr: %s value too long", path[1])
				}
				text.Write(t)
			}
		case xml.EndElement:
			if subjTag != "" && t.Name.Local == subjTag {
				if id := strings.TrimSpace(subjText.String()); id != "" {
					r.SubjectKind, r.SubjectID = "ico", id
					if subjTag == "GlobalniAifo" {
						r.SubjectKind = "aifo"
					}
				}
				subjTag = ""
			}
			rel := depth - payloadDepth
			if payloadDepth >= 0 && rel == 2 && len(path) == 2 {
				if err := r.set(path[0], path[1], strings.TrimSpace(text.String())); err != nil {
					return r, err
				}
				path = path[:1]
			}
			if rel == 1 {
				if len(path) == 1 && path[0] == "" {
					r.KodAsyncSluzby = strings.TrimSpace(text.String())
				}
				path = path[:0]
			}
			depth--
		}
	}
	if !seenZadost {
		return r, ErrNoZadostInfo
	}
	return r, nil
}

func canonicalReference(doc []byte) ([]byte, error) {
	dec := xml.NewDecoder(bytes.NewReader(doc))
	cw := &refCanonWriter{}
	cw.b.Grow(len(doc))
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return cw.b.Bytes(), nil
		}
		if err != nil {
			return nil, fmt.Errorf("iszr: canonical request: %w", err)
		}
		cw.token(tok)
	}
}

// canonWriter writes the canonical form of a token stream.
type refCanonWriter struct {
	b     bytes.Buffer
	skip  int // depth inside a volatile element
	attrs []string
}

func (cw *refCanonWriter) token(tok xml.Token) {
	b := &cw.b
	switch t := tok.(type) {
	case xml.StartElement:
		if cw.skip > 0 || (t.Name.Space == NSReg && volatile[t.Name.Local]) {
			cw.skip++
			return
		}
		if t.Name.Local == "konektor-scope" && t.Name.Space == "" {
			return
		}
		b.WriteString("<{")
		b.WriteString(t.Name.Space)
		b.WriteByte('}')
		b.WriteString(t.Name.Local)
		cw.attrs = cw.attrs[:0]
		for _, a := range t.Attr {
			if a.Name.Space == "xmlns" || (a.Name.Space == "" && a.Name.Local == "xmlns") {
				continue
			}
			cw.attrs = append(cw.attrs, "{"+a.Name.Space+"}"+a.Name.Local+"="+a.Value)
		}
		sort.Strings(cw.attrs)
		for _, a := range cw.attrs {
			b.WriteByte(' ')
			b.WriteString(a)
		}
		b.WriteByte('>')
	case xml.EndElement:
		if cw.skip > 0 {
			cw.skip--
			return
		}
		if t.Name.Local == "konektor-scope" && t.Name.Space == "" {
			return
		}
		b.WriteString("</>")
	case xml.CharData:
		if cw.skip > 0 {
			return
		}
		if s := bytes.TrimSpace(t); len(s) > 0 {
			_ = xml.EscapeText(b, s)
		}
	}
}

func (r *Request) set(parent, name, v string) error {
	space, local, _ := strings.Cut(name, " ")
	return r.setField(parent, xml.Name{Space: space, Local: local}, v)
}
