package wssec

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"strings"
	"sync"
	"unicode/utf8"
)

// Limits bound the work spent on one message. Zero fields take the defaults.
type Limits struct {
	// MaxBytes is the largest message accepted (default 10 MiB).
	MaxBytes int
	// MaxDepth is the deepest element nesting (default 100).
	MaxDepth int
	// MaxElements is the most elements in one message (default 100000).
	MaxElements int
	// MaxAttributes is the most attributes on one element (default 64).
	MaxAttributes int
	// MaxReferences is the most ds:Reference elements in SignedInfo (default 16).
	MaxReferences int
}

// withDefaults fills zero fields.
func (l Limits) withDefaults() Limits {
	if l.MaxBytes <= 0 {
		l.MaxBytes = 10 << 20
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = 100
	}
	if l.MaxElements <= 0 {
		l.MaxElements = 100000
	}
	if l.MaxAttributes <= 0 {
		l.MaxAttributes = 64
	}
	if l.MaxReferences <= 0 {
		l.MaxReferences = 16
	}
	return l
}

// parseXML builds a tree from raw in one pass, enforcing the lexical policy
// on the way: size, UTF-8 only, no DTD or other directive, no processing
// instruction besides a leading XML declaration, depth, element and
// attribute counts, no duplicate attributes (also after namespace
// resolution), matching end tags, one root element and no text outside it.
// No entity is ever expanded: only the five predefined entities and
// character references are decoded, anything else is malformed.
//
// The tokenizer accepts exactly what encoding/xml's strict RawToken accepted
// (differential_test.go compares the two, also on fuzzed input), with one
// deliberate exception that only rejects more: a name with an empty prefix
// or local part (":a", "a:"), which encoding/xml let through for attributes
// (where ":x" then meant x). A DTD, directive or processing instruction is
// refused as soon as its start is seen, not read to its end first.
//
// The caller may release the document when done with it.
func parseXML(raw []byte, l Limits) (*document, error) {
	if len(raw) > l.MaxBytes {
		return nil, reject(CodeTooLarge, "message of %d bytes exceeds %d", len(raw), l.MaxBytes)
	}
	raw = bytes.TrimPrefix(raw, []byte("\xEF\xBB\xBF")) // a UTF-8 byte order mark
	p := parsers.Get().(*parser)
	p.s, p.l, p.pos, p.elements, p.roots = string(raw), l, 0, 0, 0
	doc, err := p.parse()
	if err != nil {
		p.release()
		return nil, err
	}
	return doc, nil
}

// parsers recycles parsers with their slabs: a document whose owner calls
// release hands its memory to the next parse, which keeps the garbage
// collector out of the hot path of Verify and Sign.
var parsers = sync.Pool{New: func() any { return new(parser) }}

// release returns the memory of a parsed document for reuse. Nothing may
// use the document, or any node of it, afterwards; strings taken from it
// stay valid. Documents built by code, or already released, are left alone.
func (d *document) release() {
	if p := d.p; p != nil && p.doc == d {
		*d = document{}
		p.release()
	}
}

// release clears the parser's references into the tree and pools it. Slabs
// grown for an unusually large message are dropped rather than kept.
func (p *parser) release() {
	p.doc = nil
	p.s = ""
	clear(p.elems)
	clear(p.texts)
	clear(p.kidSlab)
	clear(p.attrSlab)
	clear(p.open[:cap(p.open)])
	clear(p.kids[:cap(p.kids)])
	p.elems, p.texts, p.kidSlab, p.attrSlab = keep(p.elems), keep(p.texts), keep(p.kidSlab), keep(p.attrSlab)
	p.open, p.kids, p.attrs = keep(p.open), keep(p.kids), keep(p.attrs)
	if cap(p.buf) > 64<<10 {
		p.buf = nil
	}
	parsers.Put(p)
}

// keep empties a slab for reuse, or drops it when it is large.
func keep[T any](s []T) []T {
	if cap(s) > slabKeep {
		return nil
	}
	return s[:0]
}

// slab returns s emptied when it can hold n items, or a new slab of n.
func slab[T any](s []T, n int) []T {
	if cap(s) >= n {
		return s[:0]
	}
	return make([]T, 0, n)
}

// parser is the state of one parseXML call. Nodes are carved from slabs
// (elems, texts, kidSlab, attrSlab) so a message costs a handful of
// allocations; names and undecoded values are substrings of s.
type parser struct {
	s   string
	pos int
	l   Limits
	doc *document

	open  []openElement // open elements; open[0] is the document
	kids  []token       // content of the open elements, innermost last
	attrs []attr        // attributes of the start tag being read
	buf   []byte        // decoding scratch

	elems    []element
	texts    []charData
	kidSlab  []token
	attrSlab []attr

	elements, roots int
}

// openElement is an element whose end tag has not been read yet.
type openElement struct {
	el    *element
	qname string
	kids  int // where its content starts in parser.kids
}

// slabMax is the largest slab allocated at once; slabKeep the largest kept
// for reuse.
const (
	slabMax  = 4096
	slabKeep = 1024
)

// errEdgeColon marks names the tokenizer refuses although encoding/xml
// accepted them (differential_test.go tells them apart).
const errEdgeColon = "name with an empty prefix or local part"

func (p *parser) parse() (*document, error) {
	p.doc = &document{p: p, sizeHint: len(p.s)}
	// Every element, comment, CDATA section and the declaration start with
	// '<' (end tags with "</"), text runs lie between them, and every
	// attribute has a '=': the first slabs are sized by these counts (up to
	// slabMax), so a typical message needs one slab of each kind.
	lt := strings.Count(p.s, "<")
	starts := lt - strings.Count(p.s, "</")
	p.elems = slab(p.elems, min(starts, p.l.MaxElements, slabMax))
	p.texts = slab(p.texts, min(lt+1, slabMax))
	p.kidSlab = slab(p.kidSlab, min(starts+lt+1, slabMax))
	p.attrSlab = slab(p.attrSlab, min(strings.Count(p.s, "="), slabMax))
	p.open = append(p.open[:0], openElement{el: &p.doc.element})
	p.kids = p.kids[:0]
	for p.pos < len(p.s) {
		var err error
		if p.s[p.pos] != '<' {
			err = p.text()
		} else if p.pos+1 >= len(p.s) {
			err = p.syntax("unexpected EOF")
		} else {
			switch p.s[p.pos+1] {
			case '/':
				err = p.endTag()
			case '?':
				err = p.procInst()
			case '!':
				err = p.bang()
			default:
				err = p.startTag()
			}
		}
		if err != nil {
			return nil, err
		}
	}
	if len(p.open) != 1 {
		return nil, reject(CodeMalformed, "element %s is not closed", p.open[len(p.open)-1].el.Tag)
	}
	if p.roots == 0 {
		return nil, reject(CodeMalformed, "no root element")
	}
	p.doc.Child = p.content(p.kids)
	return p.doc, nil
}

// syntax is a malformed-input rejection at the current position.
func (p *parser) syntax(format string, args ...any) error {
	line := 1 + strings.Count(p.s[:min(p.pos, len(p.s))], "\n")
	return reject(CodeMalformed, "parse: line %d: %s", line, fmt.Sprintf(format, args...))
}

func (p *parser) depth() int { return len(p.open) - 1 }

// addText appends character data to the innermost open element.
func (p *parser) addText(data string) error {
	if p.depth() == 0 && strings.TrimSpace(data) != "" {
		return reject(CodeMalformed, "text outside the root element")
	}
	if len(p.texts) == cap(p.texts) {
		p.texts = make([]charData, 0, slabMax)
	}
	p.texts = append(p.texts, charData{Data: data})
	p.kids = append(p.kids, &p.texts[len(p.texts)-1])
	return nil
}

// text reads character data up to the next '<' or the end.
func (p *parser) text() error {
	end := strings.IndexByte(p.s[p.pos:], '<')
	if end < 0 {
		end = len(p.s)
	} else {
		end += p.pos
	}
	raw := p.s[p.pos:end]
	if strings.Contains(raw, "]]>") {
		p.pos += strings.Index(raw, "]]>")
		return p.syntax("unescaped ]]> not in CDATA section")
	}
	data, err := p.decode(raw, true)
	if err != nil {
		return err
	}
	p.pos = end
	return p.addText(data)
}

// decode checks raw text or an attribute value and returns it with
// references resolved and line ends normalized (CR LF and CR become LF).
// Only the predefined entities and character references are decoded.
func (p *parser) decode(raw string, refs bool) (string, error) {
	i := 0
	for i < len(raw) {
		c := raw[i]
		if plainByte[c] {
			i++
			continue
		}
		if c >= utf8.RuneSelf {
			r, w := utf8.DecodeRuneInString(raw[i:])
			if r == utf8.RuneError && w == 1 {
				return "", p.syntax("invalid UTF-8")
			}
			if !isXMLChar(r) {
				return "", p.syntax("illegal character code %U", r)
			}
			i += w
			continue
		}
		break // '&', CR or a control character: decode the slow way
	}
	if i == len(raw) {
		return raw, nil
	}
	b := append(p.buf[:0], raw[:i]...)
	for i < len(raw) {
		c := raw[i]
		switch {
		case c == '&' && refs:
			j := strings.IndexByte(raw[i:], ';')
			if j < 0 {
				return "", p.syntax("invalid character entity %s (no semicolon)", clip(raw[i:]))
			}
			ref := raw[i+1 : i+j]
			r, ok := entityValue(ref)
			if !ok {
				return "", p.syntax("invalid character entity &%s;", clip(ref))
			}
			if !isXMLChar(r) {
				return "", p.syntax("illegal character code %U", r)
			}
			b = utf8.AppendRune(b, r)
			i += j + 1
		case c == '\r':
			b = append(b, '\n')
			i++
			if i < len(raw) && raw[i] == '\n' {
				i++
			}
		case c < 0x20 && c != '\n' && c != '\t':
			return "", p.syntax("illegal character code %U", rune(c))
		case c >= utf8.RuneSelf:
			r, w := utf8.DecodeRuneInString(raw[i:])
			if r == utf8.RuneError && w == 1 {
				return "", p.syntax("invalid UTF-8")
			}
			if !isXMLChar(r) {
				return "", p.syntax("illegal character code %U", r)
			}
			b = append(b, raw[i:i+w]...)
			i += w
		default:
			b = append(b, c)
			i++
		}
	}
	p.buf = b
	return string(b), nil
}

// entityValue resolves the reference between '&' and ';': a predefined
// entity or a character reference (&#N; or &#xH;, lower-case x).
func entityValue(ref string) (rune, bool) {
	switch ref {
	case "lt":
		return '<', true
	case "gt":
		return '>', true
	case "amp":
		return '&', true
	case "apos":
		return '\'', true
	case "quot":
		return '"', true
	}
	if len(ref) < 2 || ref[0] != '#' {
		return 0, false
	}
	digits, base := ref[1:], rune(10)
	if digits[0] == 'x' {
		digits, base = digits[1:], 16
	}
	if digits == "" {
		return 0, false
	}
	var n rune
	for i := 0; i < len(digits); i++ {
		c, d := digits[i], rune(-1)
		switch {
		case '0' <= c && c <= '9':
			d = rune(c - '0')
		case base == 16 && 'a' <= c && c <= 'f':
			d = rune(c-'a') + 10
		case base == 16 && 'A' <= c && c <= 'F':
			d = rune(c-'A') + 10
		}
		if d < 0 {
			return 0, false
		}
		if n = n*base + d; n > utf8.MaxRune {
			return 0, false
		}
	}
	// As encoding/xml did: a surrogate becomes U+FFFD.
	if !utf8.ValidRune(n) {
		n = utf8.RuneError
	}
	return n, true
}

// clip shortens s for an error detail.
func clip(s string) string {
	if len(s) > 16 {
		return s[:16] + "…"
	}
	return s
}

// nameByte marks the ASCII bytes of names; plainByte the bytes text and
// attribute values carry as they are (printable ASCII but '&', TAB, LF).
var nameByte, plainByte [256]bool

func init() {
	for c := range utf8.RuneSelf {
		nameByte[c] = 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
			c == '_' || c == ':' || c == '.' || c == '-'
		plainByte[c] = c >= 0x20 && c != '&' || c == '\n' || c == '\t'
	}
}

// name reads an XML name at the current position; "" when there is none.
func (p *parser) name() (string, error) {
	start, ascii := p.pos, true
	for p.pos < len(p.s) {
		c := p.s[p.pos]
		if c >= utf8.RuneSelf {
			ascii = false
		} else if !nameByte[c] {
			break
		}
		p.pos++
	}
	n := p.s[start:p.pos]
	if n == "" {
		return "", nil
	}
	if ascii {
		if c := n[0]; c == '-' || c == '.' || '0' <= c && c <= '9' {
			return "", p.syntax("invalid XML name: %s", clip(n))
		}
	} else if !stdXMLName(n) {
		return "", p.syntax("invalid XML name: %s", clip(n))
	}
	return n, nil
}

// stdXMLName decides a name holding non-ASCII characters the way
// encoding/xml does (its XML 1.0 name character tables). Such names are
// rare in SOAP; the cost of a decoder is paid only for them.
func stdXMLName(n string) bool {
	d := xml.NewDecoder(strings.NewReader("<?" + n + "?>"))
	d.Strict = true
	_, err := d.RawToken()
	return err == nil
}

// qname reads a namespace-qualified name: at most one colon, and not at
// either end.
func (p *parser) qname(what string) (string, error) {
	n, err := p.name()
	if err != nil {
		return "", err
	}
	if n == "" || strings.Count(n, ":") > 1 {
		return "", p.syntax("expected %s", what)
	}
	if n[0] == ':' || n[len(n)-1] == ':' {
		return "", p.syntax("%s %s", errEdgeColon, clip(n))
	}
	return n, nil
}

// space skips XML white space.
func (p *parser) space() {
	for p.pos < len(p.s) {
		switch p.s[p.pos] {
		case ' ', '\t', '\r', '\n':
			p.pos++
		default:
			return
		}
	}
}

// next returns the byte at the current position, or a syntax error at the end.
func (p *parser) next() (byte, error) {
	if p.pos >= len(p.s) {
		return 0, p.syntax("unexpected EOF")
	}
	return p.s[p.pos], nil
}

// startTag reads "<name attr='v' ...>" or "<name .../>".
func (p *parser) startTag() error {
	p.pos++
	qn, err := p.qname("element name after <")
	if err != nil {
		return err
	}
	p.attrs = p.attrs[:0]
	empty := false
	for {
		p.space()
		c, err := p.next()
		if err != nil {
			return err
		}
		if c == '/' {
			p.pos++
			if c, err = p.next(); err != nil {
				return err
			}
			if c != '>' {
				return p.syntax("expected /> in element")
			}
			p.pos++
			empty = true
			break
		}
		if c == '>' {
			p.pos++
			break
		}
		an, err := p.qname("attribute name in element")
		if err != nil {
			return err
		}
		p.space()
		if c, err = p.next(); err != nil {
			return err
		}
		if c != '=' {
			return p.syntax("attribute name without = in element")
		}
		p.pos++
		p.space()
		if c, err = p.next(); err != nil {
			return err
		}
		if c != '"' && c != '\'' {
			return p.syntax("unquoted or missing attribute value in element")
		}
		p.pos++
		end := strings.IndexByte(p.s[p.pos:], c)
		if end < 0 {
			p.pos = len(p.s)
			return p.syntax("unexpected EOF")
		}
		raw := p.s[p.pos : p.pos+end]
		if lt := strings.IndexByte(raw, '<'); lt >= 0 {
			p.pos += lt
			return p.syntax("unescaped < inside quoted string")
		}
		v, err := p.decode(raw, true)
		if err != nil {
			return err
		}
		p.pos += end + 1
		space, local := splitQName(an)
		p.attrs = append(p.attrs, attr{Space: space, Key: local, Value: v})
	}
	return p.open1(qn, empty)
}

// open1 checks the limits and the attributes of a start tag and opens its
// element (closing it again when the tag was empty).
func (p *parser) open1(qn string, empty bool) error {
	p.elements++
	depth := p.depth()
	if depth == 0 {
		p.roots++
		if p.roots > 1 {
			return reject(CodeMalformed, "more than one root element")
		}
	}
	space, local := splitQName(qn)
	if depth+1 > p.l.MaxDepth {
		return reject(CodeTooLarge, "nesting deeper than %d", p.l.MaxDepth)
	}
	if p.elements > p.l.MaxElements {
		return reject(CodeTooLarge, "more than %d elements", p.l.MaxElements)
	}
	if len(p.attrs) > p.l.MaxAttributes {
		return reject(CodeTooLarge, "element %s has more than %d attributes", local, p.l.MaxAttributes)
	}
	if name, dup := duplicateAttr(p.attrs); dup {
		return reject(CodeMalformed, "duplicate attribute %s on element %s", name, local)
	}
	if err := checkNSDecls(p.attrs); err != nil {
		return err
	}
	if len(p.elems) == cap(p.elems) {
		p.elems = make([]element, 0, slabMax)
	}
	parent := p.open[len(p.open)-1].el
	p.elems = append(p.elems, element{Space: space, Tag: local, parent: parent})
	e := &p.elems[len(p.elems)-1]
	if len(p.attrs) > 0 {
		if cap(p.attrSlab)-len(p.attrSlab) < len(p.attrs) {
			p.attrSlab = make([]attr, 0, max(len(p.attrs), slabMax))
		}
		start := len(p.attrSlab)
		p.attrSlab = append(p.attrSlab, p.attrs...)
		e.Attr = p.attrSlab[start:len(p.attrSlab):len(p.attrSlab)]
		if name, dup := duplicateResolvedAttr(e); dup {
			return reject(CodeMalformed, "duplicate attribute %s on element %s", name, local)
		}
	}
	p.kids = append(p.kids, e)
	if !empty {
		p.open = append(p.open, openElement{el: e, qname: qn, kids: len(p.kids)})
	}
	return nil
}

// content copies an element's content into the token slab.
func (p *parser) content(kids []token) []token {
	if len(kids) == 0 {
		return nil
	}
	if cap(p.kidSlab)-len(p.kidSlab) < len(kids) {
		p.kidSlab = make([]token, 0, max(len(kids), slabMax))
	}
	start := len(p.kidSlab)
	p.kidSlab = append(p.kidSlab, kids...)
	return p.kidSlab[start:len(p.kidSlab):len(p.kidSlab)]
}

// endTag reads "</name>" and closes the innermost open element.
func (p *parser) endTag() error {
	p.pos += 2
	qn, err := p.qname("element name after </")
	if err != nil {
		return err
	}
	p.space()
	c, err := p.next()
	if err != nil {
		return err
	}
	if c != '>' {
		return p.syntax("invalid characters between </%s and >", clip(qn))
	}
	p.pos++
	top := p.open[len(p.open)-1]
	if p.depth() == 0 || qn != top.qname {
		_, local := splitQName(qn)
		return reject(CodeMalformed, "end tag %s does not match", local)
	}
	top.el.Child = p.content(p.kids[top.kids:])
	p.kids = p.kids[:top.kids]
	p.open = p.open[:len(p.open)-1]
	return nil
}

// procInst accepts only the XML declaration, at the very start, declaring
// version 1.0 (or none) and UTF-8 (or no encoding).
func (p *parser) procInst() error {
	start := p.pos
	p.pos += 2
	target, err := p.name()
	if err != nil {
		return err
	}
	if target == "" {
		return p.syntax("expected target name after <?")
	}
	if target != "xml" || start != 0 {
		return reject(CodeForbidden, "processing instruction <?%s", clip(target))
	}
	p.space()
	end := strings.Index(p.s[p.pos:], "?>")
	if end < 0 {
		p.pos = len(p.s)
		return p.syntax("unexpected EOF")
	}
	inst := p.s[p.pos : p.pos+end]
	p.pos += end + 2
	if v := declParam("version", inst); v != "" && v != "1.0" {
		return reject(CodeMalformed, "parse: unsupported XML version %q", clip(v))
	}
	if enc := declParam("encoding", inst); enc != "" && !strings.EqualFold(enc, "utf-8") {
		return reject(CodeMalformed, "parse: encoding %q declared, only UTF-8 is accepted", clip(enc))
	}
	p.kids = append(p.kids, &procInst{Target: target, Inst: inst})
	return nil
}

// declParam returns the quoted value of the first "param=" in an XML
// declaration that is directly followed by a quote, or "" (the same lenient
// reading encoding/xml applies).
func declParam(param, s string) string {
	key := param + "="
	for i := 0; i < len(s); {
		k := strings.Index(s[i:], key)
		if k < 0 || i+k+len(key) >= len(s) {
			return ""
		}
		q := s[i+k+len(key)]
		i += k + len(key) + 1
		if q == '"' || q == '\'' {
			if j := strings.IndexByte(s[i:], q); j >= 0 {
				return s[i : i+j]
			}
			return ""
		}
	}
	return ""
}

// bang reads a comment or a CDATA section; anything else after "<!" is a
// DTD or another directive and is refused.
func (p *parser) bang() error {
	start := p.pos
	p.pos += 2
	c, err := p.next()
	if err != nil {
		return err
	}
	switch c {
	case '-':
		p.pos++
		if c, err = p.next(); err != nil {
			return err
		}
		if c != '-' {
			return p.syntax("invalid sequence <!- not part of <!--")
		}
		p.pos++
		// The comment ends at the first "--", which must be followed by '>'.
		end := strings.Index(p.s[p.pos:], "--")
		if end < 0 || p.pos+end+2 >= len(p.s) {
			p.pos = len(p.s)
			return p.syntax("unexpected EOF")
		}
		if p.s[p.pos+end+2] != '>' {
			p.pos += end
			return p.syntax(`invalid sequence "--" not allowed in comments`)
		}
		data := p.s[p.pos : p.pos+end]
		p.pos += end + 3
		p.kids = append(p.kids, &comment{Data: data})
		return nil
	case '[':
		if !strings.HasPrefix(p.s[p.pos+1:], "CDATA[") {
			if len(p.s)-(p.pos+1) < len("CDATA[") && strings.HasPrefix("CDATA[", p.s[p.pos+1:]) {
				p.pos = len(p.s)
				return p.syntax("unexpected EOF")
			}
			return p.syntax("invalid <![ sequence")
		}
		p.pos += 1 + len("CDATA[")
		end := strings.Index(p.s[p.pos:], "]]>")
		if end < 0 {
			p.pos = len(p.s)
			return p.syntax("unexpected EOF in CDATA section")
		}
		data, err := p.decode(p.s[p.pos:p.pos+end], false)
		if err != nil {
			return err
		}
		p.pos += end + 3
		return p.addText(data)
	}
	p.pos = start
	return reject(CodeForbidden, "DTD or directive <!%s", firstWord(p.s[start+2:]))
}

// xmlnsNamespace is the namespace of namespace declarations themselves.
const xmlnsNamespace = "http://www.w3.org/2000/xmlns/"

// checkNSDecls rejects namespace declarations that Namespaces in XML 1.0
// forbids: binding xmlns, rebinding xml, binding the reserved namespaces to
// other prefixes, and undeclaring a prefix (xmlns:p="").
func checkNSDecls(attrs []attr) error {
	for _, a := range attrs {
		switch {
		case a.Space == "xmlns":
			if a.Key == "xmlns" || a.Value == "" || a.Value == xmlnsNamespace ||
				(a.Key == "xml") != (a.Value == xmlNamespace) {
				return reject(CodeMalformed, "invalid namespace declaration xmlns:%s", a.Key)
			}
		case a.Space == "" && a.Key == "xmlns":
			if a.Value == xmlNamespace || a.Value == xmlnsNamespace {
				return reject(CodeMalformed, "invalid default namespace declaration")
			}
		}
	}
	return nil
}

// duplicateResolvedAttr reports whether two prefixed attributes of e have
// the same local name and, after namespace resolution, the same namespace.
func duplicateResolvedAttr(e *element) (string, bool) {
	for i := range e.Attr {
		a := &e.Attr[i]
		if a.Space == "" || a.Space == "xmlns" {
			continue
		}
		for j := range i {
			b := &e.Attr[j]
			if b.Key == a.Key && b.Space != "" && b.Space != "xmlns" && attrNamespace(e, b) == attrNamespace(e, a) {
				return a.Key, true
			}
		}
	}
	return "", false
}

// duplicateAttr reports whether two attributes share a prefix and a local
// name.
func duplicateAttr(attrs []attr) (string, bool) {
	if len(attrs) <= 8 {
		for i := range attrs {
			for j := range i {
				if attrs[i].Space == attrs[j].Space && attrs[i].Key == attrs[j].Key {
					return attrs[i].Key, true
				}
			}
		}
		return "", false
	}
	seen := make(map[[2]string]bool, len(attrs))
	for _, a := range attrs {
		k := [2]string{a.Space, a.Key}
		if seen[k] {
			return a.Key, true
		}
		seen[k] = true
	}
	return "", false
}

// firstWord is the start of a directive, for an error detail.
func firstWord(s string) string {
	if i := strings.IndexAny(s, " \t\r\n[>"); i >= 0 {
		s = s[:i]
	}
	if len(s) > 16 {
		s = s[:16]
	}
	return s
}
