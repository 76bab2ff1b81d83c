package wssec

import (
	"strings"
)

// This file holds the package's own small XML tree. It replaced
// beevik/etree so that parsing (parse.go) can build the tree from a few
// slabs instead of one allocation per node, with names and values sliced
// from one copy of the input. The API mirrors the subset of etree the
// package used, and writeDocument serializes byte for byte as etree did
// with CanonicalText and CanonicalAttrVal, so signatures konektor makes are
// unchanged (golden files in testdata/valid).

// token is a node in an element's content: *element, *charData, *comment or
// *procInst.
type token interface{ isToken() }

// element is an XML element. Space is the namespace prefix as written, Tag
// the local name.
type element struct {
	Space, Tag string
	Attr       []attr
	Child      []token
	parent     *element
}

// attr is an attribute as written: Space is its prefix ("xmlns" for
// prefixed namespace declarations), Key its local name.
type attr struct {
	Space, Key, Value string
}

// charData is text (CDATA sections included, already decoded).
type charData struct{ Data string }

// comment is an XML comment.
type comment struct{ Data string }

// procInst is a processing instruction (only the XML declaration survives
// parsing).
type procInst struct{ Target, Inst string }

func (*element) isToken()  {}
func (*charData) isToken() {}
func (*comment) isToken()  {}
func (*procInst) isToken() {}

// document is the invisible parent of the root element; its Child holds the
// XML declaration, comments and whitespace outside the root too.
type document struct {
	element
	p        *parser // the parser whose slabs hold the tree, or nil
	sizeHint int     // the size of the parsed input
}

// newDocument returns an empty document.
func newDocument() *document { return &document{} }

// Root returns the document's root element, or nil.
func (d *document) Root() *element {
	for _, t := range d.Child {
		if e, ok := t.(*element); ok {
			return e
		}
	}
	return nil
}

// splitQName splits "p:local" at the first colon.
func splitQName(s string) (prefix, local string) {
	if i := strings.IndexByte(s, ':'); i >= 0 {
		return s[:i], s[i+1:]
	}
	return "", s
}

// newElement returns a detached element with the given (prefixed) tag.
func newElement(tag string) *element {
	e := &element{}
	e.Space, e.Tag = splitQName(tag)
	return e
}

// Parent returns the parent element (the document's for the root), or nil.
func (e *element) Parent() *element { return e.parent }

// ChildElements returns the child elements in order.
func (e *element) ChildElements() []*element {
	var out []*element
	for _, t := range e.Child {
		if c, ok := t.(*element); ok {
			out = append(out, c)
		}
	}
	return out
}

// NamespaceURI returns the namespace bound to e's prefix in scope at e, or
// "" when none is.
func (e *element) NamespaceURI() string { return nsInScope(e, e.Space) }

// nsInScope returns the namespace bound to prefix ("" for the default
// namespace) by the nearest declaration at el or above, or "".
func nsInScope(el *element, prefix string) string {
	for e := el; e != nil; e = e.parent {
		for i := range e.Attr {
			a := &e.Attr[i]
			if prefix == "" && a.Space == "" && a.Key == "xmlns" || prefix != "" && a.Space == "xmlns" && a.Key == prefix {
				return a.Value
			}
		}
	}
	return ""
}

// attrNamespace returns the namespace of e's attribute a ("" when a is
// unprefixed or its prefix is not declared).
func attrNamespace(e *element, a *attr) string {
	if a.Space == "" {
		return ""
	}
	return nsInScope(e, a.Space)
}

// addChild appends t, taking an element away from its previous parent.
func (e *element) addChild(t token) {
	if c, ok := t.(*element); ok {
		c.detach()
		c.parent = e
	}
	e.Child = append(e.Child, t)
}

// detach removes e from its parent's content.
func (e *element) detach() {
	if p := e.parent; p != nil {
		if i := childIndex(p, e); i >= 0 {
			p.RemoveChildAt(i)
		}
	}
}

// AddChild appends t to e's content.
func (e *element) AddChild(t token) { e.addChild(t) }

// CreateElement appends and returns a new child element with the given
// (prefixed) tag.
func (e *element) CreateElement(tag string) *element {
	c := newElement(tag)
	e.addChild(c)
	return c
}

// CreateAttr sets the attribute key ("p:local" or "local") to value,
// replacing an existing one.
func (e *element) CreateAttr(key, value string) {
	space, local := splitQName(key)
	for i := range e.Attr {
		if e.Attr[i].Space == space && e.Attr[i].Key == local {
			e.Attr[i].Value = value
			return
		}
	}
	e.Attr = append(e.Attr, attr{Space: space, Key: local, Value: value})
}

// RemoveAttr removes the attribute key ("p:local" or "local").
func (e *element) RemoveAttr(key string) {
	space, local := splitQName(key)
	for i := range e.Attr {
		if e.Attr[i].Space == space && e.Attr[i].Key == local {
			e.Attr = append(e.Attr[:i:i], e.Attr[i+1:]...)
			return
		}
	}
}

// CreateText appends character data.
func (e *element) CreateText(s string) { e.Child = append(e.Child, &charData{Data: s}) }

// SetText replaces the character data at the start of e's content with s.
func (e *element) SetText(s string) {
	n := 0
	for n < len(e.Child) {
		if _, ok := e.Child[n].(*charData); !ok {
			break
		}
		n++
	}
	rest := e.Child[n:]
	e.Child = append(append(make([]token, 0, len(rest)+1), &charData{Data: s}), rest...)
}

// InsertChildAt inserts t before position i of e's content (at the end when
// i is past it).
func (e *element) InsertChildAt(i int, t token) {
	if c, ok := t.(*element); ok && c.parent != nil {
		if c.parent == e {
			if j := childIndex(e, c); j >= 0 && j < i {
				i--
			}
		}
		c.detach()
	}
	if i >= len(e.Child) {
		e.addChild(t)
		return
	}
	if c, ok := t.(*element); ok {
		c.parent = e
	}
	kids := make([]token, 0, len(e.Child)+1)
	kids = append(append(append(kids, e.Child[:i]...), t), e.Child[i:]...)
	e.Child = kids
}

// RemoveChildAt removes and returns the token at position i, or nil.
func (e *element) RemoveChildAt(i int) token {
	if i < 0 || i >= len(e.Child) {
		return nil
	}
	t := e.Child[i]
	e.Child = append(e.Child[:i:i], e.Child[i+1:]...)
	if c, ok := t.(*element); ok {
		c.parent = nil
	}
	return t
}

// Copy returns a deep copy of e without a parent.
func (e *element) Copy() *element {
	c := &element{Space: e.Space, Tag: e.Tag, Attr: append([]attr(nil), e.Attr...)}
	c.Child = make([]token, len(e.Child))
	for i, t := range e.Child {
		switch t := t.(type) {
		case *element:
			k := t.Copy()
			k.parent = c
			c.Child[i] = k
		case *charData:
			c.Child[i] = &charData{Data: t.Data}
		case *comment:
			c.Child[i] = &comment{Data: t.Data}
		case *procInst:
			c.Child[i] = &procInst{Target: t.Target, Inst: t.Inst}
		}
	}
	return c
}

// isNSDecl reports whether a is a namespace declaration and returns the
// prefix it declares ("" for the default namespace).
func isNSDecl(a attr) (prefix string, ok bool) {
	switch {
	case a.Space == "xmlns":
		return a.Key, true
	case a.Space == "" && a.Key == "xmlns":
		return "", true
	}
	return "", false
}

// childIndex is the position of child among parent's tokens.
func childIndex(parent, child *element) int {
	for i, t := range parent.Child {
		if c, ok := t.(*element); ok && c == child {
			return i
		}
	}
	return -1
}

// hasComment reports whether el's subtree holds a comment.
func hasComment(el *element) bool {
	for _, t := range el.Child {
		switch t := t.(type) {
		case *comment:
			return true
		case *element:
			if hasComment(t) {
				return true
			}
		}
	}
	return false
}

// hasText reports whether el has non-whitespace character data of its own.
func hasText(el *element) bool {
	for _, t := range el.Child {
		if cd, ok := t.(*charData); ok && strings.TrimSpace(cd.Data) != "" {
			return true
		}
	}
	return false
}

// textOf returns el's character data, refusing mixed content.
func textOf(el *element) (string, bool) {
	switch len(el.Child) {
	case 0:
		return "", true
	case 1:
		cd, ok := el.Child[0].(*charData)
		if !ok {
			return "", false
		}
		return cd.Data, true
	}
	var b strings.Builder
	for _, t := range el.Child {
		cd, ok := t.(*charData)
		if !ok {
			return "", false
		}
		b.WriteString(cd.Data)
	}
	return b.String(), true
}

// insertFirst makes child the first child element of parent, keeping any
// leading whitespace before it.
func insertFirst(parent, child *element) {
	for i, t := range parent.Child {
		if _, ok := t.(*element); ok {
			parent.InsertChildAt(i, child)
			return
		}
	}
	parent.AddChild(child)
}

// insertBefore inserts child into parent just before the element next.
func insertBefore(parent, next, child *element) {
	parent.InsertChildAt(childIndex(parent, next), child)
}

// writeDocument serializes doc so that it re-parses to the same canonical
// form: carriage returns in text and tabs and newlines in attribute values
// are written as character references. Empty elements are written as
// <tag/>, comments and processing instructions as they are (with "--" and
// "?>" split by a space).
func writeDocument(doc *document) ([]byte, error) {
	b := make([]byte, 0, doc.sizeHint+8<<10)
	for _, t := range doc.Child {
		b = appendToken(b, t)
	}
	return b, nil
}

func appendToken(b []byte, t token) []byte {
	switch t := t.(type) {
	case *element:
		b = append(b, '<')
		b = appendQName(b, t.Space, t.Tag)
		for i := range t.Attr {
			a := &t.Attr[i]
			b = append(b, ' ')
			b = appendQName(b, a.Space, a.Key)
			b = append(b, `="`...)
			b = appendEscaped(b, a.Value, &writeAttr)
			b = append(b, '"')
		}
		if len(t.Child) == 0 {
			return append(b, "/>"...)
		}
		b = append(b, '>')
		for _, c := range t.Child {
			b = appendToken(b, c)
		}
		b = append(b, "</"...)
		b = appendQName(b, t.Space, t.Tag)
		return append(b, '>')
	case *charData:
		return appendEscaped(b, t.Data, &writeText)
	case *comment:
		b = append(b, "<!--"...)
		hyphen := false
		for i := 0; i < len(t.Data); i++ {
			c := t.Data[i]
			if c == '-' && hyphen {
				b = append(b, ' ')
			}
			hyphen = c == '-'
			b = append(b, c)
		}
		if hyphen {
			b = append(b, ' ')
		}
		return append(b, "-->"...)
	case *procInst:
		b = append(b, "<?"...)
		b = append(b, strings.ReplaceAll(t.Target, "?>", "? >")...)
		if t.Inst != "" {
			b = append(b, ' ')
			b = append(b, strings.ReplaceAll(t.Inst, "?>", "? >")...)
		}
		return append(b, "?>"...)
	}
	return b
}

// isXMLChar reports whether r is in XML 1.0's Char production.
func isXMLChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D ||
		r >= 0x20 && r <= 0xD7FF ||
		r >= 0xE000 && r <= 0xFFFD ||
		r >= 0x10000 && r <= 0x10FFFF
}
