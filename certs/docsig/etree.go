package docsig

import (
	"strings"

	"github.com/beevik/etree"

	"konektor/certs/xmlsig"
)

// This file is the only one that builds or writes beevik/etree trees.

type (
	element  = etree.Element
	document = etree.Document
)

// parseTree builds the tree of a document that passed scan.
func parseTree(body []byte, l Limits) (*document, error) {
	doc := etree.NewDocument()
	doc.ReadSettings = etree.ReadSettings{MaxDepth: l.MaxDepth + 1}
	if err := doc.ReadFromBytes(body); err != nil {
		return nil, rejectErr(xmlsig.CodeMalformed, err, "parse")
	}
	if doc.Root() == nil {
		return nil, reject(xmlsig.CodeMalformed, "no root element")
	}
	return doc, nil
}

// serialise writes a document as it is, with no indentation added. Carriage
// returns (and tabs and line breaks in attribute values) are written as
// character references, or a parser reading the result would normalise
// them away and the document would no longer be the one signed.
func serialise(doc *document) ([]byte, error) {
	doc.WriteSettings = etree.WriteSettings{CanonicalText: true, CanonicalAttrVal: true}
	return doc.WriteToBytes()
}

// is reports whether el is the element local in namespace ns.
func is(el *element, ns, local string) bool {
	return el.Tag == local && el.NamespaceURI() == ns
}

// childElements returns el's child elements, and whether el has
// non-whitespace text of its own.
func childElements(el *element) ([]*element, bool) {
	text := false
	for _, t := range el.Child {
		if cd, ok := t.(*etree.CharData); ok && strings.TrimSpace(cd.Data) != "" {
			text = true
		}
	}
	return el.ChildElements(), text
}

// childIndex returns the position of child among parent's tokens.
func childIndex(parent, child *element) int {
	for i, t := range parent.Child {
		if t == child {
			return i
		}
	}
	return -1
}

// attrs returns el's attributes other than namespace declarations; a
// prefixed one has its prefix in the key ("p:a").
func attrs(el *element) map[string]string {
	out := make(map[string]string, len(el.Attr))
	for _, a := range el.Attr {
		if a.Space == "xmlns" || (a.Space == "" && a.Key == "xmlns") {
			continue
		}
		k := a.Key
		if a.Space != "" {
			k = a.Space + ":" + a.Key
		}
		out[k] = a.Value
	}
	return out
}

// textOf returns el's text when el has no child elements.
func textOf(el *element) (string, bool) {
	if len(el.ChildElements()) > 0 {
		return "", false
	}
	var b strings.Builder
	for _, t := range el.Child {
		if cd, ok := t.(*etree.CharData); ok {
			b.WriteString(cd.Data)
		}
	}
	return b.String(), true
}
