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
// Describe computes it in the same pass as ZadostInfo for cacheable calls.
func (u *Upstream) CanonicalRequest(ex *pipeline.Exchange) ([]byte, error) {
	if ex.Canonical != nil {
		return ex.Canonical, nil
	}
	return canonical(ex.Envelope.PayloadDocument())
}

func canonical(doc []byte) ([]byte, error) {
	dec := xml.NewDecoder(bytes.NewReader(doc))
	cw := &canonWriter{}
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
type canonWriter struct {
	b     bytes.Buffer
	skip  int // depth inside a volatile element
	attrs []string
}

func (cw *canonWriter) token(tok xml.Token) {
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

// Storable reports whether an answer may be cached: HTTP 200 and
// VysledekKod OK. Refusals, errors and warnings are never replayed.
func (u *Upstream) Storable(r *pipeline.Reply) bool {
	return r.Status == http.StatusOK && strings.HasPrefix(r.UpstreamStatus, "OK")
}

// Unavailable reports whether ISZR answered that it cannot serve now
// (CHYBA / NENI K DISPOZICI): a stale cached answer may serve instead.
func (u *Upstream) Unavailable(r *pipeline.Reply) bool {
	return r.UpstreamStatus == "CHYBA/NENI K DISPOZICI"
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
// answer's first OdpovedInfo with a tag scanner (a cache hit runs it on
// every answer; a full XML decode cost ten times more). It matches local
// names: in the eGON schemas every child of OdpovedInfo is in RegTypy. It
// skips comments, CDATA, processing instructions and quoted attribute
// values, and never rewrites inside a self-closing element.
func echoSpans(body []byte) ([]span, error) {
	var spans []span
	inInfo := false
	done := func() ([]span, error) {
		if inInfo || len(spans) > 0 {
			return spans, nil
		}
		return nil, errNoOdpovedInfo
	}
	for i := 0; ; {
		lt := bytes.IndexByte(body[i:], '<')
		if lt < 0 {
			return done()
		}
		lt += i
		rest := body[lt:]
		skip := func(end string) bool {
			e := bytes.Index(rest, []byte(end))
			if e < 0 {
				return false
			}
			i = lt + e + len(end)
			return true
		}
		switch {
		case bytes.HasPrefix(rest, []byte("<!--")):
			if !skip("-->") {
				return done()
			}
			continue
		case bytes.HasPrefix(rest, []byte("<![CDATA[")):
			if !skip("]]>") {
				return done()
			}
			continue
		case bytes.HasPrefix(rest, []byte("<?")), bytes.HasPrefix(rest, []byte("<!")):
			if !skip(">") {
				return done()
			}
			continue
		}
		gt := tagEnd(body, lt+1)
		if gt < 0 {
			return done()
		}
		i = gt + 1
		tag := body[lt+1 : gt]
		if len(tag) > 0 && tag[0] == '/' {
			if inInfo && localName(tag[1:]) == "OdpovedInfo" {
				return spans, nil
			}
			continue
		}
		name, empty := localName(tag), len(tag) > 0 && tag[len(tag)-1] == '/'
		switch {
		case name == "OdpovedInfo":
			if empty {
				return spans, nil
			}
			inInfo = true
		case inInfo && !empty && (name == "CasOdpovedi" || name == "AgendaZadostId"):
			end := bytes.IndexByte(body[i:], '<')
			if end < 0 {
				return done()
			}
			spans = append(spans, span{name: name, start: i, end: i + end})
		}
	}
}

// tagEnd returns the index of the '>' that closes the tag starting at i,
// skipping quoted attribute values, or -1.
func tagEnd(b []byte, i int) int {
	var quote byte
	for ; i < len(b); i++ {
		switch c := b[i]; {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '>':
			return i
		}
	}
	return -1
}

// localName returns the local part of the element name a tag starts with.
func localName(tag []byte) string {
	end := len(tag)
	for j, c := range tag {
		if c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '/' {
			end = j
			break
		}
	}
	name := tag[:end]
	if k := bytes.IndexByte(name, ':'); k >= 0 {
		name = name[k+1:]
	}
	return string(name)
}
