package iszr

import (
	"bytes"
	"encoding/xml"
	"errors"
	"net/http"
	"sort"
	"strings"
	"unicode/utf8"

	"konektor/gateway/pipeline"
	"konektor/gateway/soap"
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
	cw := &canonWriter{}
	cw.b.Grow(ex.Envelope.PayloadEnd - ex.Envelope.PayloadStart)
	for t := range ex.Envelope.PayloadTokens() {
		cw.token(t)
	}
	return cw.b.Bytes(), nil
}

// canonWriter writes the canonical form of a token stream.
type canonWriter struct {
	b     bytes.Buffer
	skip  int // depth inside a volatile element
	attrs []string
}

func (cw *canonWriter) token(t soap.Token) {
	b := &cw.b
	switch t.Kind {
	case soap.StartToken:
		if cw.skip > 0 || (t.Name.Space == NSReg && volatile[t.Name.Local]) {
			cw.skip++
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
		if len(cw.attrs) > 1 {
			sort.Strings(cw.attrs)
		}
		for _, a := range cw.attrs {
			b.WriteByte(' ')
			b.WriteString(a)
		}
		b.WriteByte('>')
	case soap.EndToken:
		if cw.skip > 0 {
			cw.skip--
			return
		}
		b.WriteString("</>")
	case soap.TextToken:
		if cw.skip > 0 {
			return
		}
		if s := strings.TrimSpace(t.Text); s != "" {
			escapeText(b, s)
		}
	}
}

// escapeText writes s as xml.EscapeText does, without converting it to
// bytes when there is nothing to escape.
func escapeText(b *bytes.Buffer, s string) {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"' || c == '\'' || c == '&' || c == '<' || c == '>' || c == '\t' || c == '\n' || c == '\r' || c >= utf8.RuneSelf:
			_ = xml.EscapeText(b, []byte(s))
			return
		}
	}
	b.WriteString(s)
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
	var out bytes.Buffer
	out.Grow(len(body) + 64)
	last := 0
	var when []byte
	for _, s := range spans {
		var v []byte
		switch s.name {
		case "CasOdpovedi":
			if when == nil {
				var buf [40]byte
				when = u.now().AppendFormat(buf[:0], "2006-01-02T15:04:05.000Z07:00")
			}
			v = when
		case "AgendaZadostId":
			if !isUUID(ex.Call.RequestID) {
				continue
			}
			v = []byte(ex.Call.RequestID)
		default:
			continue
		}
		out.Write(body[last:s.start])
		if bytes.ContainsAny(v, `"'&<>`+"\t\n\r") || !isASCII(v) {
			_ = xml.EscapeText(&out, v)
		} else {
			out.Write(v) // what EscapeText writes for it
		}
		last = s.end
	}
	out.Write(body[last:])
	return out.Bytes()
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// isUUID reports whether s is a UUID in its 8-4-4-4-12 hex form (what
// uuidRE matches).
func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
				return false
			}
		}
	}
	return true
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
			if inInfo && string(localName(tag[1:])) == "OdpovedInfo" {
				return spans, nil
			}
			continue
		}
		ln, empty := localName(tag), len(tag) > 0 && tag[len(tag)-1] == '/'
		name := ""
		switch string(ln) { // compared without converting
		case "OdpovedInfo":
			name = "OdpovedInfo"
		case "CasOdpovedi":
			name = "CasOdpovedi"
		case "AgendaZadostId":
			name = "AgendaZadostId"
		}
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
	for {
		gt := bytes.IndexByte(b[i:], '>')
		if gt < 0 {
			return -1
		}
		gt += i
		q := bytes.IndexAny(b[i:gt], `"'`)
		if q < 0 {
			return gt
		}
		q += i
		end := bytes.IndexByte(b[q+1:], b[q])
		if end < 0 {
			return -1
		}
		i = q + 1 + end + 1
	}
}

// localName returns the local part of the element name a tag starts with.
func localName(tag []byte) []byte {
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
	return name
}
