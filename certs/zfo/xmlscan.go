package zfo

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The signed XML of a 20 MB message is about 27 MB, nearly all of it
// base64 text. encoding/xml reads text one byte at a time (about 25 MB/s
// here), so the payload is read by this small scanner instead: it jumps
// from '<' to '<', resolves namespaces, checks nesting and end tags, and
// decodes text only for the few fields it keeps. Test code holds a reader
// built on encoding/xml; a differential fuzz test requires both to agree
// on every document encoding/xml accepts.

// xmlNamespace is the namespace the prefix xml is bound to.
const xmlNamespace = "http://www.w3.org/XML/1998/namespace"

type binding struct{ prefix, uri string }

type openElement struct {
	raw    []byte // qualified name as written
	name   xml.Name
	nsMark int // len(bindings) before this element's declarations
}

// xmlScanner walks a document.
type xmlScanner struct {
	data     []byte
	pos      int
	bindings []binding
	open     []openElement
	count    int
	rootSeen bool
	rootDone bool
}

// Token kinds.
const (
	tokEOF = iota
	tokStart
	tokEnd
	tokText
)

type xmlToken struct {
	kind      int
	name      xml.Name
	attrs     []xml.Attr // unprefixed attributes other than xmlns
	selfClose bool
	start     int    // offset of '<' (start and end tags)
	end       int    // offset after '>'
	text      []byte // raw text (entities not decoded) or CDATA content
	cdata     bool
}

func (s *xmlScanner) errorf(format string, args ...any) error {
	return fmt.Errorf("%w: %s (byte %d)", ErrPayload, fmt.Sprintf(format, args...), s.pos)
}

// next returns the next token. A self-closing element gives a start token
// with selfClose set and no end token.
func (s *xmlScanner) next() (xmlToken, error) {
	for {
		if s.pos >= len(s.data) {
			if len(s.open) > 0 {
				return xmlToken{}, s.errorf("unexpected end of document inside %s", s.open[len(s.open)-1].raw)
			}
			return xmlToken{kind: tokEOF}, nil
		}
		if s.data[s.pos] != '<' {
			i := bytes.IndexByte(s.data[s.pos:], '<')
			if i < 0 {
				i = len(s.data) - s.pos
			}
			text := s.data[s.pos : s.pos+i]
			s.pos += i
			if len(s.open) == 0 {
				if len(bytes.TrimSpace(text)) > 0 {
					return xmlToken{}, s.errorf("text outside the root element")
				}
				continue
			}
			return xmlToken{kind: tokText, text: text}, nil
		}
		rest := s.data[s.pos:]
		switch {
		case bytes.HasPrefix(rest, []byte("<?")):
			if s.pos != 0 || s.rootSeen {
				return xmlToken{}, s.errorf("processing instruction")
			}
			if err := s.declaration(); err != nil {
				return xmlToken{}, err
			}
		case bytes.HasPrefix(rest, []byte("<!--")):
			i := bytes.Index(rest[4:], []byte("-->"))
			if i < 0 {
				return xmlToken{}, s.errorf("unterminated comment")
			}
			s.pos += 4 + i + 3
		case bytes.HasPrefix(rest, []byte("<![CDATA[")):
			if len(s.open) == 0 {
				return xmlToken{}, s.errorf("CDATA outside the root element")
			}
			i := bytes.Index(rest[9:], []byte("]]>"))
			if i < 0 {
				return xmlToken{}, s.errorf("unterminated CDATA section")
			}
			s.pos += 9 + i + 3
			return xmlToken{kind: tokText, text: rest[9 : 9+i], cdata: true}, nil
		case bytes.HasPrefix(rest, []byte("<!")):
			return xmlToken{}, s.errorf("DOCTYPE or other declaration")
		case bytes.HasPrefix(rest, []byte("</")):
			return s.endTag()
		default:
			return s.startTag()
		}
	}
}

// declaration reads the XML declaration; only UTF-8 is accepted, as by
// encoding/xml.
func (s *xmlScanner) declaration() error {
	i := bytes.Index(s.data[s.pos:], []byte("?>"))
	if i < 0 {
		return s.errorf("unterminated XML declaration")
	}
	decl := string(s.data[s.pos+2 : s.pos+i])
	target, attrs, _ := strings.Cut(decl, " ")
	if target != "xml" {
		return s.errorf("processing instruction %q", target)
	}
	if j := strings.Index(attrs, "encoding="); j >= 0 {
		v := attrs[j+len("encoding="):]
		if len(v) < 2 || (v[0] != '"' && v[0] != '\'') {
			return s.errorf("malformed XML declaration")
		}
		end := strings.IndexByte(v[1:], v[0])
		if end < 0 {
			return s.errorf("malformed XML declaration")
		}
		if enc := v[1 : 1+end]; !strings.EqualFold(enc, "utf-8") {
			return s.errorf("encoding %q (only UTF-8)", enc)
		}
	}
	s.pos += i + 2
	return nil
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// name reads an XML name at s.pos.
func (s *xmlScanner) name() ([]byte, error) {
	start := s.pos
	for s.pos < len(s.data) {
		c := s.data[s.pos]
		if isSpace(c) || c == '/' || c == '>' || c == '=' {
			break
		}
		if c == '<' || c == '"' || c == '\'' || c == '&' {
			return nil, s.errorf("invalid character %q in a name", c)
		}
		s.pos++
	}
	n := s.data[start:s.pos]
	if len(n) == 0 || n[0] == ':' || n[len(n)-1] == ':' || (n[0] >= '0' && n[0] <= '9') || n[0] == '-' || n[0] == '.' {
		return nil, s.errorf("invalid name %q", n)
	}
	if !utf8.Valid(n) {
		return nil, s.errorf("name is not UTF-8")
	}
	return n, nil
}

func (s *xmlScanner) skipSpace() {
	for s.pos < len(s.data) && isSpace(s.data[s.pos]) {
		s.pos++
	}
}

func (s *xmlScanner) startTag() (xmlToken, error) {
	if s.rootDone {
		return xmlToken{}, s.errorf("second root element")
	}
	s.count++
	if s.count > maxXMLElements {
		return xmlToken{}, s.errorf("more than %d elements", maxXMLElements)
	}
	if len(s.open) >= maxXMLDepth {
		return xmlToken{}, s.errorf("nested deeper than %d", maxXMLDepth)
	}
	tok := xmlToken{kind: tokStart, start: s.pos}
	s.pos++
	raw, err := s.name()
	if err != nil {
		return xmlToken{}, err
	}
	mark := len(s.bindings)
	type rawAttr struct{ name, value []byte }
	var attrs []rawAttr
	for {
		had := s.pos
		s.skipSpace()
		if s.pos >= len(s.data) {
			return xmlToken{}, s.errorf("unterminated start tag %s", raw)
		}
		c := s.data[s.pos]
		if c == '>' {
			s.pos++
			break
		}
		if c == '/' {
			if s.pos+1 >= len(s.data) || s.data[s.pos+1] != '>' {
				return xmlToken{}, s.errorf("malformed empty-element tag %s", raw)
			}
			s.pos += 2
			tok.selfClose = true
			break
		}
		if had == s.pos {
			return xmlToken{}, s.errorf("attributes of %s are not separated by space", raw)
		}
		an, err := s.name()
		if err != nil {
			return xmlToken{}, err
		}
		s.skipSpace()
		if s.pos >= len(s.data) || s.data[s.pos] != '=' {
			return xmlToken{}, s.errorf("attribute %s without a value", an)
		}
		s.pos++
		s.skipSpace()
		if s.pos >= len(s.data) || (s.data[s.pos] != '"' && s.data[s.pos] != '\'') {
			return xmlToken{}, s.errorf("attribute %s value is not quoted", an)
		}
		q := s.data[s.pos]
		end := bytes.IndexByte(s.data[s.pos+1:], q)
		if end < 0 {
			return xmlToken{}, s.errorf("unterminated value of attribute %s", an)
		}
		v := s.data[s.pos+1 : s.pos+1+end]
		if bytes.IndexByte(v, '<') >= 0 {
			return xmlToken{}, s.errorf("'<' in the value of attribute %s", an)
		}
		s.pos += end + 2
		attrs = append(attrs, rawAttr{an, v})
	}
	for _, a := range attrs {
		switch {
		case string(a.name) == "xmlns":
			v, err := unescape(a.value)
			if err != nil {
				return xmlToken{}, s.errorf("%v", err)
			}
			s.bindings = append(s.bindings, binding{"", v})
		case bytes.HasPrefix(a.name, []byte("xmlns:")):
			v, err := unescape(a.value)
			if err != nil {
				return xmlToken{}, s.errorf("%v", err)
			}
			s.bindings = append(s.bindings, binding{string(a.name[6:]), v})
		case bytes.IndexByte(a.name, ':') < 0:
			v, err := unescape(a.value)
			if err != nil {
				return xmlToken{}, s.errorf("%v", err)
			}
			tok.attrs = append(tok.attrs, xml.Attr{Name: xml.Name{Local: string(a.name)}, Value: v})
		}
	}
	tok.name = s.resolve(raw)
	tok.end = s.pos
	s.rootSeen = true
	if tok.selfClose {
		s.bindings = s.bindings[:mark]
		if len(s.open) == 0 {
			s.rootDone = true
		}
	} else {
		s.open = append(s.open, openElement{raw: raw, name: tok.name, nsMark: mark})
	}
	return tok, nil
}

// resolve maps a qualified name to namespace and local name the way
// encoding/xml does: an unbound prefix is kept as the namespace.
func (s *xmlScanner) resolve(raw []byte) xml.Name {
	prefix, local, ok := strings.Cut(string(raw), ":")
	if !ok {
		local, prefix = prefix, ""
	}
	if prefix == "xml" {
		return xml.Name{Space: xmlNamespace, Local: local}
	}
	for i := len(s.bindings) - 1; i >= 0; i-- {
		if s.bindings[i].prefix == prefix {
			return xml.Name{Space: s.bindings[i].uri, Local: local}
		}
	}
	return xml.Name{Space: prefix, Local: local}
}

func (s *xmlScanner) endTag() (xmlToken, error) {
	start := s.pos
	s.pos += 2
	raw, err := s.name()
	if err != nil {
		return xmlToken{}, err
	}
	s.skipSpace()
	if s.pos >= len(s.data) || s.data[s.pos] != '>' {
		return xmlToken{}, s.errorf("malformed end tag %s", raw)
	}
	s.pos++
	if len(s.open) == 0 {
		return xmlToken{}, s.errorf("end tag %s without a start tag", raw)
	}
	top := s.open[len(s.open)-1]
	if !bytes.Equal(top.raw, raw) {
		return xmlToken{}, s.errorf("end tag %s does not close %s", raw, top.raw)
	}
	s.open = s.open[:len(s.open)-1]
	s.bindings = s.bindings[:top.nsMark]
	if len(s.open) == 0 {
		s.rootDone = true
	}
	return xmlToken{kind: tokEnd, name: top.name, start: start, end: s.pos}, nil
}

// unescape decodes the five predefined entities and character references.
func unescape(b []byte) (string, error) {
	if bytes.IndexByte(b, '&') < 0 {
		return string(b), nil
	}
	var out strings.Builder
	for len(b) > 0 {
		i := bytes.IndexByte(b, '&')
		if i < 0 {
			out.Write(b)
			break
		}
		out.Write(b[:i])
		b = b[i:]
		j := bytes.IndexByte(b, ';')
		if j < 0 {
			return "", fmt.Errorf("unterminated entity reference")
		}
		ent := string(b[1:j])
		b = b[j+1:]
		switch ent {
		case "lt":
			out.WriteByte('<')
		case "gt":
			out.WriteByte('>')
		case "amp":
			out.WriteByte('&')
		case "apos":
			out.WriteByte('\'')
		case "quot":
			out.WriteByte('"')
		default:
			var n uint64
			var err error
			switch {
			case strings.HasPrefix(ent, "#x"):
				n, err = strconv.ParseUint(ent[2:], 16, 32)
			case strings.HasPrefix(ent, "#"):
				n, err = strconv.ParseUint(ent[1:], 10, 32)
			default:
				return "", fmt.Errorf("unknown entity &%s;", ent)
			}
			if err != nil || !utf8.ValidRune(rune(n)) {
				return "", fmt.Errorf("invalid character reference &%s;", ent)
			}
			out.WriteRune(rune(n))
		}
	}
	return out.String(), nil
}
