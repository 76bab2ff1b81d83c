package wssec

import (
	"bytes"
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// xmlNamespace is the namespace bound to the reserved prefix "xml".
const xmlNamespace = "http://www.w3.org/XML/1998/namespace"

// This file implements Exclusive XML Canonicalization 1.0 without comments
// (https://www.w3.org/TR/xml-exc-c14n/) directly over the parsed tree.
// goxmldsig's canonicalizer is not used in production: it orders prefixed
// attributes by local name instead of by namespace URI (so xmlsec1 rejects
// such signatures) and allocates a namespace map per element, which made
// canonicalization half of the verification time. c14n_test.go checks this
// implementation against goxmldsig's wherever the latter is correct, and
// interop_test.go against xmlsec1.

// nsBinding is one prefix → namespace binding.
type nsBinding struct{ prefix, uri string }

// nsStack is a scope of bindings; later entries shadow earlier ones.
type nsStack []nsBinding

func (s nsStack) lookup(prefix string) (string, bool) {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i].prefix == prefix {
			return s[i].uri, true
		}
	}
	return "", false
}

// canonicalizer holds the state of one canonicalization.
type canonicalizer struct {
	buf       bytes.Buffer
	scope     nsStack // namespaces in scope in the input
	rendered  nsStack // namespaces rendered by output ancestors
	inclusive []string
	skip      *element // the enveloped Signature, or nil
}

// excC14N canonicalizes el, in its document context, with exclusive c14n
// without comments; prefixList is an InclusiveNamespaces PrefixList.
func excC14N(el *element, prefixList string) ([]byte, error) {
	return canonicalize(el, nil, prefixList)
}

// excC14NWithout canonicalizes root like excC14N, leaving out the element
// skip (the enveloped-signature transform).
func excC14NWithout(root, skip *element, prefixList string) ([]byte, error) {
	if !isInside(skip, root) {
		return nil, errNotDescendant
	}
	return canonicalize(root, skip, prefixList)
}

func canonicalize(el, skip *element, prefixList string) ([]byte, error) {
	c := &canonicalizer{skip: skip}
	for _, p := range strings.Fields(prefixList) {
		if p == "#default" {
			p = ""
		}
		c.inclusive = append(c.inclusive, p)
	}
	var ancestors []*element
	for p := el.Parent(); p != nil; p = p.Parent() {
		ancestors = append(ancestors, p)
	}
	for i := len(ancestors) - 1; i >= 0; i-- {
		if err := c.declare(ancestors[i]); err != nil {
			return nil, err
		}
	}
	if err := c.element(el); err != nil {
		return nil, err
	}
	return c.buf.Bytes(), nil
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
type canonAttr struct{ uri, local, qname, value string }

func (c *canonicalizer) element(e *element) error {
	scopeMark, renderedMark := len(c.scope), len(c.rendered)
	defer func() { c.scope, c.rendered = c.scope[:scopeMark], c.rendered[:renderedMark] }()
	if err := c.declare(e); err != nil {
		return err
	}

	// Visibly utilized prefixes: the element's, its attributes', and the
	// InclusiveNamespaces ones that are in scope.
	used := make([]string, 0, 4)
	used = append(used, e.Space)
	var attrs []canonAttr
	for _, a := range e.Attr {
		if _, ok := isNSDecl(a); ok {
			continue
		}
		ca := canonAttr{local: a.Key, qname: a.Key, value: a.Value}
		if a.Space != "" {
			used = append(used, a.Space)
			ca.qname = a.Space + ":" + a.Key
			if a.Space == "xml" {
				ca.uri = xmlNamespace
			} else if uri, ok := c.scope.lookup(a.Space); ok {
				ca.uri = uri
			} else {
				return fmt.Errorf("undeclared namespace prefix %q", a.Space)
			}
		}
		attrs = append(attrs, ca)
	}
	for _, p := range c.inclusive {
		if _, ok := c.scope.lookup(p); ok {
			used = append(used, p)
		}
	}

	var decls []nsBinding
	for _, p := range used {
		if p == "xml" || slices.ContainsFunc(decls, func(b nsBinding) bool { return b.prefix == p }) {
			continue
		}
		uri, ok := c.scope.lookup(p)
		if !ok && p != "" {
			return fmt.Errorf("undeclared namespace prefix %q", p)
		}
		prev, had := c.rendered.lookup(p)
		if (had && prev == uri) || (!had && p == "" && uri == "") {
			continue
		}
		decls = append(decls, nsBinding{p, uri})
	}
	slices.SortFunc(decls, func(a, b nsBinding) int { return strings.Compare(a.prefix, b.prefix) })
	slices.SortFunc(attrs, func(a, b canonAttr) int {
		return cmp.Or(strings.Compare(a.uri, b.uri), strings.Compare(a.local, b.local))
	})
	c.rendered = append(c.rendered, decls...)

	qname := e.Tag
	if e.Space != "" {
		qname = e.Space + ":" + e.Tag
	}
	c.buf.WriteByte('<')
	c.buf.WriteString(qname)
	for _, d := range decls {
		if d.prefix == "" {
			c.buf.WriteString(` xmlns="`)
		} else {
			c.buf.WriteString(" xmlns:")
			c.buf.WriteString(d.prefix)
			c.buf.WriteString(`="`)
		}
		escapeAttr(&c.buf, d.uri)
		c.buf.WriteByte('"')
	}
	for _, a := range attrs {
		c.buf.WriteByte(' ')
		c.buf.WriteString(a.qname)
		c.buf.WriteString(`="`)
		escapeAttr(&c.buf, a.value)
		c.buf.WriteByte('"')
	}
	c.buf.WriteByte('>')
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
			escapeText(&c.buf, t.Data)
		case *procInst:
			c.buf.WriteString("<?")
			c.buf.WriteString(t.Target)
			if t.Inst != "" {
				c.buf.WriteByte(' ')
				c.buf.WriteString(t.Inst)
			}
			c.buf.WriteString("?>")
		}
	}
	c.buf.WriteString("</")
	c.buf.WriteString(qname)
	c.buf.WriteByte('>')
	return nil
}

// escapeText writes character data the way c14n requires.
func escapeText(b *bytes.Buffer, s string) {
	last := 0
	for i := 0; i < len(s); i++ {
		var esc string
		switch s[i] {
		case '&':
			esc = "&amp;"
		case '<':
			esc = "&lt;"
		case '>':
			esc = "&gt;"
		case '\r':
			esc = "&#xD;"
		default:
			continue
		}
		b.WriteString(s[last:i])
		b.WriteString(esc)
		last = i + 1
	}
	b.WriteString(s[last:])
}

// escapeAttr writes an attribute value the way c14n requires.
func escapeAttr(b *bytes.Buffer, s string) {
	last := 0
	for i := 0; i < len(s); i++ {
		var esc string
		switch s[i] {
		case '&':
			esc = "&amp;"
		case '<':
			esc = "&lt;"
		case '"':
			esc = "&quot;"
		case '\t':
			esc = "&#x9;"
		case '\n':
			esc = "&#xA;"
		case '\r':
			esc = "&#xD;"
		default:
			continue
		}
		b.WriteString(s[last:i])
		b.WriteString(esc)
		last = i + 1
	}
	b.WriteString(s[last:])
}
