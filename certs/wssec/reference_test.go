package wssec

import (
	"bytes"
	"cmp"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
)

// This file keeps the package's previous parser (encoding/xml tokens) and
// previous exclusive canonicalizer, unchanged in behaviour, as oracles for
// the differential tests in differential_test.go: the byte-level tokenizer
// of parse.go and the scratch-reusing canonicalizer of c14n.go must agree
// with them.

// refParseXML is the former parseXML: one pass over encoding/xml's strict
// RawToken stream, the same lexical policy, building the same tree.
func refParseXML(raw []byte, l Limits) (*document, error) {
	if len(raw) > l.MaxBytes {
		return nil, reject(CodeTooLarge, "message of %d bytes exceeds %d", len(raw), l.MaxBytes)
	}
	raw = bytes.TrimPrefix(raw, []byte("\xEF\xBB\xBF"))
	d := xml.NewDecoder(bytes.NewReader(raw))
	d.Strict = true
	doc := newDocument()
	stack := []*element{&doc.element}
	elements, roots := 0, 0
	for {
		offset := d.InputOffset()
		tok, err := d.RawToken()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, rejectErr(CodeMalformed, err, "parse")
		}
		top, depth := stack[len(stack)-1], len(stack)-1
		switch t := tok.(type) {
		case xml.Directive:
			return nil, reject(CodeForbidden, "DTD or directive")
		case xml.ProcInst:
			if t.Target != "xml" || offset != 0 {
				return nil, reject(CodeForbidden, "processing instruction <?%s", t.Target)
			}
			top.Child = append(top.Child, &procInst{Target: t.Target, Inst: string(t.Inst)})
		case xml.StartElement:
			elements++
			if depth == 0 {
				roots++
				if roots > 1 {
					return nil, reject(CodeMalformed, "more than one root element")
				}
			}
			if depth+1 > l.MaxDepth {
				return nil, reject(CodeTooLarge, "nesting deeper than %d", l.MaxDepth)
			}
			if elements > l.MaxElements {
				return nil, reject(CodeTooLarge, "more than %d elements", l.MaxElements)
			}
			if len(t.Attr) > l.MaxAttributes {
				return nil, reject(CodeTooLarge, "too many attributes")
			}
			for i, a := range t.Attr {
				for _, b := range t.Attr[:i] {
					if a.Name == b.Name {
						return nil, reject(CodeMalformed, "duplicate attribute %s", a.Name.Local)
					}
				}
			}
			var decls []attr
			for _, a := range t.Attr {
				decls = append(decls, attr{Space: a.Name.Space, Key: a.Name.Local, Value: a.Value})
			}
			if err := checkNSDecls(decls); err != nil {
				return nil, err
			}
			e := top.CreateElement(qualified(t.Name.Space, t.Name.Local))
			for _, a := range t.Attr {
				e.CreateAttr(qualified(a.Name.Space, a.Name.Local), a.Value)
			}
			if name, dup := duplicateResolvedAttr(e); dup {
				return nil, reject(CodeMalformed, "duplicate attribute %s", name)
			}
			stack = append(stack, e)
		case xml.EndElement:
			if depth == 0 || t.Name.Space != top.Space || t.Name.Local != top.Tag {
				return nil, reject(CodeMalformed, "end tag %s does not match", t.Name.Local)
			}
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if depth == 0 && len(bytes.TrimSpace(t)) > 0 {
				return nil, reject(CodeMalformed, "text outside the root element")
			}
			top.CreateText(string(t))
		case xml.Comment:
			top.Child = append(top.Child, &comment{Data: string(t)})
		}
	}
	if len(stack) != 1 {
		return nil, reject(CodeMalformed, "element %s is not closed", stack[len(stack)-1].Tag)
	}
	if roots == 0 {
		return nil, reject(CodeMalformed, "no root element")
	}
	return doc, nil
}

// refExcC14N is the former canonicalizer: a fresh namespace stack walk with
// per-element slices and sorting.
func refExcC14N(el, skip *element, prefixList string) ([]byte, error) {
	c := &refCanonicalizer{skip: skip}
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

type refCanonicalizer struct {
	buf       bytes.Buffer
	scope     []nsBinding
	rendered  []nsBinding
	inclusive []string
	skip      *element
}

func (c *refCanonicalizer) declare(e *element) error {
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

func (c *refCanonicalizer) element(e *element) error {
	scopeMark, renderedMark := len(c.scope), len(c.rendered)
	defer func() { c.scope, c.rendered = c.scope[:scopeMark], c.rendered[:renderedMark] }()
	if err := c.declare(e); err != nil {
		return err
	}
	used := []string{e.Space}
	type refAttr struct{ uri, local, qname, value string }
	var attrs []refAttr
	for _, a := range e.Attr {
		if _, ok := isNSDecl(a); ok {
			continue
		}
		ca := refAttr{local: a.Key, qname: a.Key, value: a.Value}
		if a.Space != "" {
			used = append(used, a.Space)
			ca.qname = a.Space + ":" + a.Key
			if a.Space == "xml" {
				ca.uri = xmlNamespace
			} else if uri, ok := lookupNS(c.scope, a.Space); ok {
				ca.uri = uri
			} else {
				return fmt.Errorf("undeclared namespace prefix %q", a.Space)
			}
		}
		attrs = append(attrs, ca)
	}
	for _, p := range c.inclusive {
		if _, ok := lookupNS(c.scope, p); ok {
			used = append(used, p)
		}
	}
	var decls []nsBinding
	for _, p := range used {
		if p == "xml" || slices.ContainsFunc(decls, func(b nsBinding) bool { return b.prefix == p }) {
			continue
		}
		uri, ok := lookupNS(c.scope, p)
		if !ok && p != "" {
			return fmt.Errorf("undeclared namespace prefix %q", p)
		}
		prev, had := lookupNS(c.rendered, p)
		if (had && prev == uri) || (!had && p == "" && uri == "") {
			continue
		}
		decls = append(decls, nsBinding{p, uri})
	}
	slices.SortFunc(decls, func(a, b nsBinding) int { return strings.Compare(a.prefix, b.prefix) })
	slices.SortFunc(attrs, func(a, b refAttr) int {
		return cmp.Or(strings.Compare(a.uri, b.uri), strings.Compare(a.local, b.local))
	})
	c.rendered = append(c.rendered, decls...)
	qname := qualified(e.Space, e.Tag)
	c.buf.WriteByte('<')
	c.buf.WriteString(qname)
	for _, d := range decls {
		if d.prefix == "" {
			c.buf.WriteString(` xmlns="`)
		} else {
			c.buf.WriteString(" xmlns:" + d.prefix + `="`)
		}
		c.buf.Write(appendEscAttr(nil, d.uri))
		c.buf.WriteByte('"')
	}
	for _, a := range attrs {
		c.buf.WriteString(" " + a.qname + `="`)
		c.buf.Write(appendEscAttr(nil, a.value))
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
			c.buf.Write(appendEscText(nil, t.Data))
		case *procInst:
			c.buf.WriteString("<?" + t.Target)
			if t.Inst != "" {
				c.buf.WriteString(" " + t.Inst)
			}
			c.buf.WriteString("?>")
		}
	}
	c.buf.WriteString("</" + qname + ">")
	return nil
}
