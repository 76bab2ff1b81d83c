package iszr

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"

	"konektor/gateway/pipeline"
)

// volatile are the ZadostInfo fields that differ between two calls asking
// the same question; they are left out of the cache key.
var volatile = map[string]bool{
	"CasZadosti":        true,
	"AgendaZadostId":    true,
	"IszrZadostId":      true,
	"PredchoziZadostId": true,
	"AisKontrola":       true,
	"IszrKontrola":      true,
}

// CanonicalRequest returns the payload as a canonical token stream:
// namespace-resolved names, attributes sorted, whitespace between elements
// dropped, and the volatile ZadostInfo fields left out. Two calls that ask
// the same question give the same bytes whatever prefixes they use.
func (u *Upstream) CanonicalRequest(ex *pipeline.Exchange) ([]byte, error) {
	return canonical(ex.Envelope.PayloadDocument())
}

func canonical(doc []byte) ([]byte, error) {
	dec := xml.NewDecoder(bytes.NewReader(doc))
	var b bytes.Buffer
	b.Grow(len(doc))
	skip := 0 // depth inside a volatile element
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return b.Bytes(), nil
		}
		if err != nil {
			return nil, fmt.Errorf("iszr: canonical request: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if skip > 0 || (t.Name.Space == NSReg && volatile[t.Name.Local]) {
				skip++
				continue
			}
			if t.Name.Local == "konektor-scope" && t.Name.Space == "" {
				continue
			}
			b.WriteString("<{")
			b.WriteString(t.Name.Space)
			b.WriteByte('}')
			b.WriteString(t.Name.Local)
			attrs := make([]string, 0, len(t.Attr))
			for _, a := range t.Attr {
				if a.Name.Space == "xmlns" || (a.Name.Space == "" && a.Name.Local == "xmlns") {
					continue
				}
				attrs = append(attrs, "{"+a.Name.Space+"}"+a.Name.Local+"="+a.Value)
			}
			sort.Strings(attrs)
			for _, a := range attrs {
				b.WriteByte(' ')
				b.WriteString(a)
			}
			b.WriteByte('>')
		case xml.EndElement:
			if skip > 0 {
				skip--
				continue
			}
			if t.Name.Local == "konektor-scope" && t.Name.Space == "" {
				continue
			}
			b.WriteString("</>")
		case xml.CharData:
			if skip > 0 {
				continue
			}
			if s := bytes.TrimSpace(t); len(s) > 0 {
				_ = xml.EscapeText(&b, s)
			}
		}
	}
}

// Storable reports whether an answer may be cached: HTTP 200 and
// VysledekKod OK. Refusals, errors and warnings are never replayed.
func (u *Upstream) Storable(r *pipeline.Reply) bool {
	return r.Status == http.StatusOK && strings.HasPrefix(r.UpstreamStatus, "OK")
}

// Refresh rewrites what a cached answer echoes of the call that first got
// it: OdpovedInfo/AgendaZadostId becomes the caller's own and CasOdpovedi
// the current time. The rest of the answer is replayed as stored.
func (u *Upstream) Refresh(ex *pipeline.Exchange, body []byte) []byte {
	spans, err := echoSpans(body)
	if err != nil {
		return body
	}
	repl := map[string]string{
		"CasOdpovedi":    u.now().Format("2006-01-02T15:04:05.000Z07:00"),
		"AgendaZadostId": ex.Call.RequestID,
	}
	var out bytes.Buffer
	out.Grow(len(body) + 64)
	last := 0
	for _, s := range spans {
		v, ok := repl[s.name]
		if !ok || (s.name == "AgendaZadostId" && !uuidRE.MatchString(v)) {
			continue
		}
		out.Write(body[last:s.start])
		_ = xml.EscapeText(&out, []byte(v))
		last = s.end
	}
	out.Write(body[last:])
	return out.Bytes()
}

type span struct {
	name       string
	start, end int
}

var errNoOdpovedInfo = errors.New("iszr: answer has no OdpovedInfo")

// echoSpans finds the text of CasOdpovedi and AgendaZadostId in the
// answer's first OdpovedInfo.
func echoSpans(body []byte) ([]span, error) {
	dec := xml.NewDecoder(bytes.NewReader(body))
	var spans []span
	inInfo := false
	var open *span
	for {
		before := int(dec.InputOffset())
		tok, err := dec.Token()
		if err != nil {
			if inInfo || len(spans) > 0 {
				return spans, nil
			}
			return nil, errNoOdpovedInfo
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local == "OdpovedInfo" {
				inInfo = true
				continue
			}
			if inInfo && t.Name.Space == NSReg && (t.Name.Local == "CasOdpovedi" || t.Name.Local == "AgendaZadostId") {
				open = &span{name: t.Name.Local, start: int(dec.InputOffset())}
			}
		case xml.EndElement:
			if open != nil {
				open.end = before
				// A self-closing element has no text span to rewrite.
				if open.start >= 2 && string(body[open.start-2:open.start]) != "/>" {
					spans = append(spans, *open)
				}
				open = nil
			}
			if t.Name.Local == "OdpovedInfo" {
				return spans, nil
			}
		}
	}
}
