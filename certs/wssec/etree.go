package wssec

// This file is the only one in the package that imports etree: the rest of
// the package uses the aliases below.

import (
	"bytes"
	"strings"

	"github.com/beevik/etree"
)

type (
	element  = etree.Element
	document = etree.Document
	attr     = etree.Attr
	charData = etree.CharData
	procInst = etree.ProcInst
)

// newDocument returns an empty document.
func newDocument() *document { return etree.NewDocument() }

// newElement returns a detached element with the given prefixed tag.
func newElement(tag string) *element { return etree.NewElement(tag) }

// writeDocument serializes doc so that it re-parses to the same canonical
// form: carriage returns in text and tabs and newlines in attribute values
// are written as character references.
func writeDocument(doc *document) ([]byte, error) {
	doc.WriteSettings = etree.WriteSettings{CanonicalText: true, CanonicalAttrVal: true}
	return doc.WriteToBytes()
}

// isNSDecl reports whether a is a namespace declaration and returns the
// prefix it declares ("" for the default namespace).
func isNSDecl(a etree.Attr) (prefix string, ok bool) {
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
		if t == etree.Token(child) {
			return i
		}
	}
	return -1
}

// hasComment reports whether el's subtree holds a comment.
func hasComment(el *element) bool {
	for _, t := range el.Child {
		switch t := t.(type) {
		case *etree.Comment:
			return true
		case *etree.Element:
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
		if cd, ok := t.(*etree.CharData); ok && strings.TrimSpace(cd.Data) != "" {
			return true
		}
	}
	return false
}

// textOf returns el's character data, refusing mixed content.
func textOf(el *element) (string, bool) {
	var b bytes.Buffer
	for _, t := range el.Child {
		switch t := t.(type) {
		case *etree.CharData:
			b.WriteString(t.Data)
		default:
			return "", false
		}
	}
	return b.String(), true
}

// insertFirst makes child the first child element of parent, keeping any
// leading whitespace before it.
func insertFirst(parent, child *element) {
	for i, t := range parent.Child {
		if _, ok := t.(*etree.Element); ok {
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
