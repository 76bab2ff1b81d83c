package wssec

import (
	"bytes"
	"crypto"
	"fmt"
	"strings"
	"sync"
	"unicode/utf8"
)

// xmlNamespace is the namespace bound to the reserved prefix "xml".
const xmlNamespace = "http://www.w3.org/XML/1998/namespace"

// This file implements Exclusive XML Canonicalization 1.0 without comments
// (https://www.w3.org/TR/xml-exc-c14n/) directly over the parsed tree.
// goxmldsig's canonicalizer is not used in production: it orders prefixed
// attributes by local name instead of by namespace URI (so xmlsec1 rejects
// such signatures) and allocates a namespace map per element, which made
// canonicalization half of the verification time. c14n_test.go checks this
// implementation against goxmldsig's wherever the latter is correct,
// differential_test.go against the package's former, simpler canonicalizer
// (reference_test.go) everywhere, and interop_test.go against xmlsec1.

// nsBinding is one prefix → namespace binding.
type nsBinding struct{ prefix, uri string }

// lookupNS returns the binding of prefix in s; later entries shadow
// earlier ones.
func lookupNS(s []nsBinding, prefix string) (string, bool) {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i].prefix == prefix {
			return s[i].uri, true
		}
	}
	return "", false
}

// canonicalizer holds the state of one canonicalization. The attribute and
// declaration slices are scratch space reused from element to element, so a
// whole subtree costs only the growth of the output.
type canonicalizer struct {
	out       []byte
	scope     []nsBinding // namespaces in scope in the input
	rendered  []nsBinding // namespaces rendered by output ancestors
	inclusive []string
	// inclusiveSet holds a long inclusive list for lookups.
	inclusiveSet map[string]bool
	skip         *element // the enveloped Signature, or nil
	attrs        []canonAttr
	decls        []nsBinding
}

// excC14N canonicalizes el, in its document context, with exclusive c14n
// without comments; prefixList is an InclusiveNamespaces PrefixList.
func excC14N(el *element, prefixList string) ([]byte, error) {
	return canonicalizeWith(el, nil, prefixList, func(b []byte) []byte { return bytes.Clone(b) })
}

// excC14NDigest returns the h digest of el's exclusive canonical form (as
// excC14N) without keeping the canonical bytes.
func excC14NDigest(h crypto.Hash, el *element, prefixList string) ([]byte, error) {
	return canonicalizeWith(el, nil, prefixList, func(b []byte) []byte { return digest(h, b) })
}

// c14nBufs recycles the output buffers of canonicalizations.
var c14nBufs = sync.Pool{New: func() any { return new([]byte) }}

// canonicalizeWith canonicalizes into a recycled buffer and returns what
// result makes of the bytes (a copy, a digest), which must not retain them.
func canonicalizeWith(el, skip *element, prefixList string, result func([]byte) []byte) ([]byte, error) {
	bp := c14nBufs.Get().(*[]byte)
	b, err := canonicalize((*bp)[:0], el, skip, prefixList)
	var out []byte
	if err == nil {
		out = result(b)
	}
	if cap(b) <= 1<<20 {
		*bp = b[:0]
		c14nBufs.Put(bp)
	}
	return out, err
}

// excC14NWithout canonicalizes root like excC14N, leaving out the element
// skip (the enveloped-signature transform).
func excC14NWithout(root, skip *element, prefixList string) ([]byte, error) {
	if !isInside(skip, root) {
		return nil, errNotDescendant
	}
	return canonicalizeWith(root, skip, prefixList, func(b []byte) []byte { return bytes.Clone(b) })
}

// canonicalizers recycles the scratch space of canonicalizations.
var canonicalizers = sync.Pool{New: func() any {
	return &canonicalizer{scope: make([]nsBinding, 0, 16), rendered: make([]nsBinding, 0, 16),
		attrs: make([]canonAttr, 0, 16), decls: make([]nsBinding, 0, 16)}
}}

// canonicalize appends the canonical form of el (without skip) to dst.
func canonicalize(dst []byte, el, skip *element, prefixList string) ([]byte, error) {
	c := canonicalizers.Get().(*canonicalizer)
	defer func() {
		// Drop every reference into the tree before the scratch is reused.
		clear(c.scope[:cap(c.scope)])
		clear(c.rendered[:cap(c.rendered)])
		clear(c.attrs[:cap(c.attrs)])
		clear(c.decls[:cap(c.decls)])
		clear(c.inclusive[:cap(c.inclusive)])
		*c = canonicalizer{scope: keep(c.scope), rendered: keep(c.rendered), attrs: keep(c.attrs), decls: keep(c.decls), inclusive: keep(c.inclusive)}
		canonicalizers.Put(c)
	}()
	c.skip, c.out = skip, dst
	for _, p := range strings.Fields(prefixList) {
		if p == "#default" {
			p = ""
		}
		c.inclusive = append(c.inclusive, p)
	}
	if len(c.inclusive) > 8 {
		c.inclusiveSet = make(map[string]bool, len(c.inclusive))
		for _, p := range c.inclusive {
			c.inclusiveSet[p] = true
		}
	}
	var ancestors [32]*element
	anc := ancestors[:0]
	for p := el.Parent(); p != nil; p = p.Parent() {
		anc = append(anc, p)
	}
	for i := len(anc) - 1; i >= 0; i-- {
		if err := c.declare(anc[i]); err != nil {
			return nil, err
		}
	}
	if err := c.element(el); err != nil {
		return nil, err
	}
	return c.out, nil
}

// declare pushes e's namespace declarations onto the input scope.
func (c *canonicalizer) declare(e *element) error {
	for _, a := range e.Attr {
		prefix, ok := isNSDecl(a)
		if !ok {
			continue
		}
		switch {
		case prefix == "xmlns", prefix == "xml" && a.Value != xmlNamespace, prefix != "xml" && a.Value == xmlNamespace:
			return fmt.Errorf("reserved namespace declaration xmlns:%s", prefix)
		case prefix != "" && a.Value == "":
			return fmt.Errorf("empty namespace for prefix %s", prefix)
		}
		c.scope = append(c.scope, nsBinding{prefix, a.Value})
	}
	return nil
}

// canonAttr is an attribute with its resolved namespace.
type canonAttr struct{ uri, prefix, local, value string }

// isInclusive reports whether prefix is on the InclusiveNamespaces list.
func (c *canonicalizer) isInclusive(prefix string) bool {
	if c.inclusiveSet != nil {
		return c.inclusiveSet[prefix]
	}
	for _, p := range c.inclusive {
		if p == prefix {
			return true
		}
	}
	return false
}

// less orders attributes as c14n does: by namespace URI (none first), then
// by local name.
func (a *canonAttr) less(b *canonAttr) bool {
	if a.uri != b.uri {
		return a.uri < b.uri
	}
	return a.local < b.local
}

// use records that e visibly utilizes prefix: its declaration is rendered
// unless an output ancestor already rendered the same binding.
func (c *canonicalizer) use(declsStart int, prefix string) error {
	if prefix == "xml" {
		return nil
	}
	for _, d := range c.decls[declsStart:] {
		if d.prefix == prefix {
			return nil
		}
	}
	uri, ok := lookupNS(c.scope, prefix)
	if !ok && prefix != "" {
		return fmt.Errorf("undeclared namespace prefix %q", prefix)
	}
	prev, had := lookupNS(c.rendered, prefix)
	if (had && prev == uri) || (!had && prefix == "" && uri == "") {
		return nil
	}
	// Insert in prefix order.
	c.decls = append(c.decls, nsBinding{prefix, uri})
	for i := len(c.decls) - 1; i > declsStart && c.decls[i-1].prefix > prefix; i-- {
		c.decls[i], c.decls[i-1] = c.decls[i-1], c.decls[i]
	}
	return nil
}

func (c *canonicalizer) element(e *element) error {
	scopeMark, renderedMark := len(c.scope), len(c.rendered)
	if err := c.declare(e); err != nil {
		return err
	}
	attrsStart, declsStart := len(c.attrs), len(c.decls)

	// Attributes, sorted by namespace URI then local name.
	for i := range e.Attr {
		a := &e.Attr[i]
		if _, ok := isNSDecl(*a); ok {
			continue
		}
		ca := canonAttr{prefix: a.Space, local: a.Key, value: a.Value}
		if a.Space != "" {
			if a.Space == "xml" {
				ca.uri = xmlNamespace
			} else if uri, ok := lookupNS(c.scope, a.Space); ok {
				ca.uri = uri
			} else {
				return fmt.Errorf("undeclared namespace prefix %q", a.Space)
			}
		}
		c.attrs = append(c.attrs, ca)
		for j := len(c.attrs) - 1; j > attrsStart && c.attrs[j].less(&c.attrs[j-1]); j-- {
			c.attrs[j], c.attrs[j-1] = c.attrs[j-1], c.attrs[j]
		}
	}

	// Visibly utilized prefixes: the element's, its attributes', and the
	// InclusiveNamespaces ones that are in scope.
	if err := c.use(declsStart, e.Space); err != nil {
		return err
	}
	for i := range e.Attr {
		a := &e.Attr[i]
		if a.Space == "" || a.Space == "xmlns" {
			continue
		}
		if err := c.use(declsStart, a.Space); err != nil {
			return err
		}
	}
	if len(c.inclusive) > 0 {
		// Every in-scope prefix on the InclusiveNamespaces list (walking the
		// scope rather than the list keeps a huge list cheap).
		for _, b := range c.scope {
			if c.isInclusive(b.prefix) {
				if err := c.use(declsStart, b.prefix); err != nil {
					return err
				}
			}
		}
	}
	c.rendered = append(c.rendered, c.decls[declsStart:]...)

	b := append(c.out, '<')
	b = appendQName(b, e.Space, e.Tag)
	for _, d := range c.decls[declsStart:] {
		if d.prefix == "" {
			b = append(b, ` xmlns="`...)
		} else {
			b = append(b, " xmlns:"...)
			b = append(b, d.prefix...)
			b = append(b, `="`...)
		}
		b = appendEscAttr(b, d.uri)
		b = append(b, '"')
	}
	for i := range c.attrs[attrsStart:] {
		a := &c.attrs[attrsStart+i]
		b = append(b, ' ')
		b = appendQName(b, a.prefix, a.local)
		b = append(b, `="`...)
		b = appendEscAttr(b, a.value)
		b = append(b, '"')
	}
	b = append(b, '>')
	c.out = b
	c.attrs, c.decls = c.attrs[:attrsStart], c.decls[:declsStart]

	for _, t := range e.Child {
		switch t := t.(type) {
		case *element:
			if t == c.skip {
				continue
			}
			if err := c.element(t); err != nil {
				return err
			}
		case *charData:
			c.out = appendEscText(c.out, t.Data)
		case *procInst:
			c.out = append(c.out, "<?"...)
			c.out = append(c.out, t.Target...)
			if t.Inst != "" {
				c.out = append(c.out, ' ')
				c.out = append(c.out, t.Inst...)
			}
			c.out = append(c.out, "?>"...)
		}
	}
	c.out = append(c.out, "</"...)
	c.out = appendQName(c.out, e.Space, e.Tag)
	c.out = append(c.out, '>')
	c.scope, c.rendered = c.scope[:scopeMark], c.rendered[:renderedMark]
	return nil
}

func appendQName(b []byte, prefix, local string) []byte {
	if prefix != "" {
		b = append(b, prefix...)
		b = append(b, ':')
	}
	return append(b, local...)
}

// appendEscText appends character data the way c14n requires.
func appendEscText(b []byte, s string) []byte { return appendEscaped(b, s, &c14nText) }

// appendEscAttr appends an attribute value the way c14n requires.
func appendEscAttr(b []byte, s string) []byte { return appendEscaped(b, s, &c14nAttr) }

// escapeTable marks the bytes an escaping mode must look at.
type escapeTable [256]bool

// The escaping modes: c14n text (& < > CR) and attribute values
// (& < " TAB LF CR); the serializer's modes also replace characters XML
// cannot carry (never present in parsed input) with U+FFFD, as etree did.
var c14nText, c14nAttr, writeText, writeAttr escapeTable

func init() {
	for _, c := range "&<>\r" {
		c14nText[c] = true
	}
	for _, c := range "&<\"\t\n\r" {
		c14nAttr[c] = true
	}
	writeText, writeAttr = c14nText, c14nAttr
	for c := range 256 {
		if c < 0x20 && c != '\t' && c != '\n' || c >= utf8.RuneSelf {
			writeText[c], writeAttr[c] = true, true
		}
	}
}

// appendEscaped appends s, escaped as the table's mode requires.
func appendEscaped(b []byte, s string, tab *escapeTable) []byte {
	last := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !tab[c] {
			continue
		}
		var esc string
		switch c {
		case '&':
			esc = "&amp;"
		case '<':
			esc = "&lt;"
		case '>':
			esc = "&gt;"
		case '"':
			esc = "&quot;"
		case '\t':
			esc = "&#x9;"
		case '\n':
			esc = "&#xA;"
		case '\r':
			esc = "&#xD;"
		default:
			if c >= utf8.RuneSelf {
				r, w := utf8.DecodeRuneInString(s[i:])
				if isXMLChar(r) && !(r == utf8.RuneError && w == 1) {
					i += w - 1
					continue
				}
				b = append(b, s[last:i]...)
				b = append(b, "\uFFFD"...)
				i += w - 1
				last = i + 1
				continue
			}
			esc = "\uFFFD"
		}
		b = append(b, s[last:i]...)
		b = append(b, esc...)
		last = i + 1
	}
	return append(b, s[last:]...)
}
