package cuzk

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
)

// Element is a parsed XML element: namespace-resolved name, attributes
// (namespace declarations included, as encoding/xml reports them), child
// elements and the concatenated character data directly inside it.
type Element struct {
	Name     xml.Name
	Attr     []xml.Attr
	Children []*Element
	Text     string
}

// Limits bound what Parse accepts.
type Limits struct {
	MaxBytes    int64 // default 16 MiB
	MaxDepth    int   // default 64
	MaxElements int   // default 200 000
}

// Default limits.
const (
	DefaultMaxBytes    = 16 << 20
	DefaultMaxDepth    = 64
	DefaultMaxElements = 200000
)

func (l Limits) withDefaults() Limits {
	if l.MaxBytes <= 0 {
		l.MaxBytes = DefaultMaxBytes
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = DefaultMaxDepth
	}
	if l.MaxElements <= 0 {
		l.MaxElements = DefaultMaxElements
	}
	return l
}

// Errors of Parse.
var (
	ErrTooLarge    = errors.New("cuzk: document too large")
	ErrTooDeep     = errors.New("cuzk: document nested too deeply")
	ErrTooMany     = errors.New("cuzk: document has too many elements")
	ErrDoctype     = errors.New("cuzk: DOCTYPE is not allowed")
	ErrProcInst    = errors.New("cuzk: processing instructions are not allowed")
	ErrNoRoot      = errors.New("cuzk: no root element")
	ErrTrailing    = errors.New("cuzk: content after the root element")
	ErrBadEncoding = errors.New("cuzk: only UTF-8 documents are accepted")
)

type limitReader struct {
	r    io.Reader
	left int64
}

func (l *limitReader) Read(p []byte) (int, error) {
	if l.left <= 0 {
		return 0, ErrTooLarge
	}
	if int64(len(p)) > l.left {
		p = p[:l.left]
	}
	n, err := l.r.Read(p)
	l.left -= int64(n)
	return n, err
}

// Parse reads one XML document into a tree under the limits. It never
// expands entities beyond the five predefined ones, fetches nothing, and
// rejects DOCTYPE, processing instructions other than the XML declaration,
// and declarations of encodings other than UTF-8.
func Parse(r io.Reader, lim Limits) (*Element, error) {
	lim = lim.withDefaults()
	// One byte more than allowed tells an over-long document apart.
	dec := xml.NewDecoder(&limitReader{r: r, left: lim.MaxBytes + 1})
	dec.Strict = true
	badEncoding := false
	dec.CharsetReader = func(string, io.Reader) (io.Reader, error) {
		badEncoding = true
		return nil, ErrBadEncoding
	}
	var (
		stack []*Element
		root  *Element
		count int
		text  []*strings.Builder
	)
	for {
		tok, err := dec.RawToken()
		if err == io.EOF {
			break
		}
		if err != nil {
			if errors.Is(err, ErrTooLarge) {
				return nil, ErrTooLarge
			}
			if badEncoding {
				return nil, ErrBadEncoding
			}
			return nil, fmt.Errorf("cuzk: malformed XML: %w", err)
		}
		switch t := tok.(type) {
		case xml.Directive:
			return nil, ErrDoctype
		case xml.ProcInst:
			if t.Target != "xml" || root != nil || len(stack) > 0 {
				return nil, ErrProcInst
			}
			if enc := declEncoding(t.Inst); enc != "" && !strings.EqualFold(enc, "utf-8") {
				return nil, ErrBadEncoding
			}
		case xml.StartElement:
			if root != nil && len(stack) == 0 {
				return nil, ErrTrailing
			}
			count++
			if count > lim.MaxElements {
				return nil, ErrTooMany
			}
			if len(stack) >= lim.MaxDepth {
				return nil, ErrTooDeep
			}
			e := &Element{Name: t.Name, Attr: append([]xml.Attr(nil), t.Attr...)}
			if len(stack) > 0 {
				p := stack[len(stack)-1]
				p.Children = append(p.Children, e)
			} else {
				root = e
			}
			stack = append(stack, e)
			text = append(text, new(strings.Builder))
		case xml.EndElement:
			if len(stack) == 0 {
				return nil, errors.New("cuzk: malformed XML: unexpected end element")
			}
			e := stack[len(stack)-1]
			e.Text = text[len(text)-1].String()
			stack, text = stack[:len(stack)-1], text[:len(text)-1]
		case xml.CharData:
			if len(stack) == 0 {
				if len(bytes.TrimSpace(t)) > 0 {
					return nil, ErrTrailing
				}
				continue
			}
			text[len(text)-1].Write(t)
		}
	}
	if root == nil {
		return nil, ErrNoRoot
	}
	if len(stack) > 0 {
		return nil, errors.New("cuzk: malformed XML: unclosed element")
	}
	if err := resolve(root, nil); err != nil {
		return nil, err
	}
	return root, nil
}

// declEncoding returns the encoding pseudo-attribute of an XML declaration.
func declEncoding(inst []byte) string {
	s := string(inst)
	i := strings.Index(s, "encoding")
	if i < 0 {
		return ""
	}
	s = strings.TrimLeft(s[i+len("encoding"):], " \t\r\n=")
	if s == "" || (s[0] != '"' && s[0] != '\'') {
		return ""
	}
	q := s[0]
	if j := strings.IndexByte(s[1:], q); j >= 0 {
		return s[1 : 1+j]
	}
	return ""
}

// resolve turns the raw prefixes RawToken reports into namespaces, element
// by element, so that a prefix declared on an element applies to it and its
// subtree only.
func resolve(e *Element, scope map[string]string) error {
	local, copied := scope, false
	for _, a := range e.Attr {
		if !isNSDecl(a) {
			continue
		}
		if !copied {
			local = make(map[string]string, len(scope)+2)
			for k, v := range scope {
				local[k] = v
			}
			copied = true
		}
		if a.Name.Space == "xmlns" {
			local[a.Name.Local] = a.Value
		} else {
			local[""] = a.Value
		}
	}
	ns, ok := lookupNS(local, e.Name.Space)
	if !ok {
		return fmt.Errorf("cuzk: malformed XML: undeclared prefix %q", e.Name.Space)
	}
	e.Name.Space = ns
	for i, a := range e.Attr {
		switch {
		case a.Name.Space == "xmlns", a.Name.Space == "" && a.Name.Local == "xmlns", a.Name.Space == "":
		case a.Name.Space == "xml":
			e.Attr[i].Name.Space = "http://www.w3.org/XML/1998/namespace"
		default:
			ns, ok := local[a.Name.Space]
			if !ok {
				return fmt.Errorf("cuzk: malformed XML: undeclared prefix %q", a.Name.Space)
			}
			e.Attr[i].Name.Space = ns
		}
	}
	for _, c := range e.Children {
		if err := resolve(c, local); err != nil {
			return err
		}
	}
	return nil
}

func lookupNS(scope map[string]string, prefix string) (string, bool) {
	if prefix == "" {
		return scope[""], true
	}
	ns, ok := scope[prefix]
	return ns, ok
}

// Child returns the first child element with the local name, in any
// namespace, or nil.
func (e *Element) Child(local string) *Element {
	if e == nil {
		return nil
	}
	for _, c := range e.Children {
		if c.Name.Local == local {
			return c
		}
	}
	return nil
}

// All returns the child elements with the local name, in any namespace.
func (e *Element) All(local string) []*Element {
	if e == nil {
		return nil
	}
	var out []*Element
	for _, c := range e.Children {
		if c.Name.Local == local {
			out = append(out, c)
		}
	}
	return out
}

// Value returns the trimmed text of the first child with the local name,
// or "".
func (e *Element) Value(local string) string {
	if c := e.Child(local); c != nil {
		return strings.TrimSpace(c.Text)
	}
	return ""
}

// AttrValue returns the value of an unqualified attribute.
func (e *Element) AttrValue(local string) (string, bool) {
	if e == nil {
		return "", false
	}
	for _, a := range e.Attr {
		if a.Name.Space == "" && a.Name.Local == local {
			return a.Value, true
		}
	}
	return "", false
}

// prefixes are the prefixes the writer uses, as ČÚZK's answers do: the
// message namespace is the default one, common types are ns0.
var prefixes = map[string]string{
	NSCommon: "ns0",
	NSBase:   "ns1",
	NSGML:    "gml",
}

// Bytes writes the element as a standalone document fragment (no XML
// declaration): its own namespace is the default namespace, every other
// namespace used in the subtree is declared on it with a fixed prefix.
// Namespace declarations in Attr are not written; qualified attributes are.
func (e *Element) Bytes() []byte {
	var b bytes.Buffer
	used := map[string]bool{}
	e.collect(used)
	// Elements in no namespace need the default namespace to be empty, so
	// the root's namespace then gets a prefix too.
	noNS := used[""]
	delete(used, "")
	if !noNS {
		delete(used, e.Name.Space)
	}
	pfx := map[string]string{"": ""}
	if !noNS {
		pfx[e.Name.Space] = ""
	}
	var extra []string
	for ns := range used {
		extra = append(extra, ns)
	}
	sort.Strings(extra)
	n := 2
	for _, ns := range extra {
		p, ok := prefixes[ns]
		if !ok {
			p = fmt.Sprintf("ns%d", n)
			n++
		}
		pfx[ns] = p
	}
	b.WriteByte('<')
	if p := pfx[e.Name.Space]; p != "" {
		b.WriteString(p + ":")
	}
	b.WriteString(e.Name.Local)
	if e.Name.Space != "" && !noNS {
		b.WriteString(` xmlns="`)
		b.WriteString(escapeAttr(e.Name.Space))
		b.WriteByte('"')
	}
	for _, ns := range extra {
		b.WriteString(" xmlns:" + pfx[ns] + `="`)
		b.WriteString(escapeAttr(ns))
		b.WriteByte('"')
	}
	e.writeRest(&b, pfx)
	return b.Bytes()
}

func (e *Element) collect(used map[string]bool) {
	used[e.Name.Space] = true
	for _, a := range e.Attr {
		if isNSDecl(a) || a.Name.Space == "" || a.Name.Space == "http://www.w3.org/XML/1998/namespace" {
			continue
		}
		used[a.Name.Space] = true
	}
	for _, c := range e.Children {
		c.collect(used)
	}
}

func isNSDecl(a xml.Attr) bool {
	return a.Name.Space == "xmlns" || (a.Name.Space == "" && a.Name.Local == "xmlns")
}

// writeRest writes e's attributes, content and end tag; the start tag's
// name has been written.
func (e *Element) writeRest(b *bytes.Buffer, pfx map[string]string) {
	for _, a := range e.Attr {
		if isNSDecl(a) {
			continue
		}
		b.WriteByte(' ')
		switch {
		case a.Name.Space == "":
		case a.Name.Space == "http://www.w3.org/XML/1998/namespace":
			b.WriteString("xml:")
		default:
			b.WriteString(pfx[a.Name.Space] + ":")
		}
		b.WriteString(a.Name.Local)
		b.WriteString(`="`)
		b.WriteString(escapeAttr(a.Value))
		b.WriteByte('"')
	}
	if len(e.Children) == 0 && e.Text == "" {
		b.WriteString("/>")
		return
	}
	b.WriteByte('>')
	if len(e.Children) == 0 {
		b.WriteString(escapeText(e.Text))
	}
	for _, c := range e.Children {
		b.WriteByte('<')
		name := c.Name.Local
		if p := pfx[c.Name.Space]; p != "" {
			name = p + ":" + name
		}
		b.WriteString(name)
		c.writeRest(b, pfx)
	}
	b.WriteString("</")
	if p := pfx[e.Name.Space]; p != "" {
		b.WriteString(p + ":")
	}
	b.WriteString(e.Name.Local)
	b.WriteByte('>')
}

var (
	textEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", "\r", "&#xD;")
	attrEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "\r", "&#xD;", "\n", "&#xA;", "\t", "&#x9;")
)

func escapeText(s string) string { return textEscaper.Replace(s) }
func escapeAttr(s string) string { return attrEscaper.Replace(s) }
