package wssec

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strings"
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

// parseXML builds a tree from raw in one pass over encoding/xml's tokens,
// enforcing the lexical policy on the way: size, UTF-8 only, no DTD or other
// directive, no processing instruction besides a leading XML declaration,
// depth, element and attribute counts, no duplicate attributes (also after
// namespace resolution), matching end tags, one root element and no text
// outside it. encoding/xml never expands DTD entities, so an entity reference
// in content is reported as malformed.
func parseXML(raw []byte, l Limits) (*document, error) {
	if len(raw) > l.MaxBytes {
		return nil, reject(CodeTooLarge, "message of %d bytes exceeds %d", len(raw), l.MaxBytes)
	}
	raw = bytes.TrimPrefix(raw, []byte("\xEF\xBB\xBF")) // a UTF-8 byte order mark
	d := xml.NewDecoder(bytes.NewReader(raw))
	d.Strict = true
	doc := newDocument()
	stack := []*element{&doc.Element}
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
			return nil, reject(CodeForbidden, "DTD or directive <!%s", firstWord(t))
		case xml.ProcInst:
			if t.Target != "xml" || offset != 0 {
				return nil, reject(CodeForbidden, "processing instruction <?%s", t.Target)
			}
			top.CreateProcInst(t.Target, string(t.Inst))
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
				return nil, reject(CodeTooLarge, "element %s has more than %d attributes", t.Name.Local, l.MaxAttributes)
			}
			if name, dup := duplicateAttr(t.Attr); dup {
				return nil, reject(CodeMalformed, "duplicate attribute %s on element %s", name, t.Name.Local)
			}
			if err := checkNSDecls(t.Attr); err != nil {
				return nil, err
			}
			e := top.CreateElement(qualified(t.Name.Space, t.Name.Local))
			e.Attr = make([]attr, 0, len(t.Attr))
			for _, a := range t.Attr {
				e.CreateAttr(qualified(a.Name.Space, a.Name.Local), a.Value)
			}
			if name, dup := duplicateResolvedAttr(e); dup {
				return nil, reject(CodeMalformed, "duplicate attribute %s on element %s", name, t.Name.Local)
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
			top.CreateComment(string(t))
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

// xmlnsNamespace is the namespace of namespace declarations themselves.
const xmlnsNamespace = "http://www.w3.org/2000/xmlns/"

// checkNSDecls rejects namespace declarations that Namespaces in XML 1.0
// forbids: binding xmlns, rebinding xml, binding the reserved namespaces to
// other prefixes, and undeclaring a prefix (xmlns:p="").
func checkNSDecls(attrs []xml.Attr) error {
	for _, a := range attrs {
		switch {
		case a.Name.Space == "xmlns":
			if a.Name.Local == "xmlns" || a.Value == "" || a.Value == xmlnsNamespace ||
				(a.Name.Local == "xml") != (a.Value == xmlNamespace) {
				return reject(CodeMalformed, "invalid namespace declaration xmlns:%s", a.Name.Local)
			}
		case a.Name.Space == "" && a.Name.Local == "xmlns":
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
			if b.Key == a.Key && b.Space != "" && b.Space != "xmlns" && b.NamespaceURI() == a.NamespaceURI() {
				return a.Key, true
			}
		}
	}
	return "", false
}

// duplicateAttr reports whether two attributes share a namespace-resolved name.
func duplicateAttr(attrs []xml.Attr) (string, bool) {
	if len(attrs) <= 8 {
		for i, a := range attrs {
			for _, b := range attrs[:i] {
				if a.Name == b.Name {
					return a.Name.Local, true
				}
			}
		}
		return "", false
	}
	seen := make(map[xml.Name]bool, len(attrs))
	for _, a := range attrs {
		if seen[a.Name] {
			return a.Name.Local, true
		}
		seen[a.Name] = true
	}
	return "", false
}

func firstWord(d xml.Directive) string {
	s := string(d)
	if i := strings.IndexAny(s, " \t\r\n["); i >= 0 {
		s = s[:i]
	}
	if len(s) > 16 {
		s = s[:16]
	}
	return s
}
