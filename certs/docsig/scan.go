package docsig

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"sort"
	"strings"
	"unicode/utf8"

	"konektor/certs/xmlsig"
)

// Limits bound the work spent on one document. Zero fields take the
// defaults.
type Limits struct {
	// MaxBytes is the largest document accepted (default 32 MiB).
	MaxBytes int
	// MaxDepth is the deepest element nesting (default 100).
	MaxDepth int
	// MaxElements is the most elements in one document (default 1,000,000).
	MaxElements int
	// MaxAttributes is the most attributes on one element, namespace
	// declarations included (default 64).
	MaxAttributes int
}

// Defaults of Limits.
const (
	DefaultMaxBytes      = 32 << 20
	DefaultMaxDepth      = 100
	DefaultMaxElements   = 1000000
	DefaultMaxAttributes = 64
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
	if l.MaxAttributes <= 0 {
		l.MaxAttributes = DefaultMaxAttributes
	}
	return l
}

// scanned is what the lexical pass learned about a document.
type scanned struct {
	body       []byte // the document without a UTF-8 byte order mark
	root       xml.Name
	signatures int // ds:Signature elements anywhere
	sigDepth   int // depth of the first one (1 is the root)
}

// scan checks a document against the lexical policy before any tree is
// built, in one pass over encoding/xml's tokens (which never expands or
// fetches entities): size, UTF-8, no DTD or other directive, no processing
// instruction besides a leading XML declaration, no comment, depth, element
// and attribute counts, no duplicate attributes, one root element and no
// text outside it, absolute namespace names, and none of the constructs
// goxmldsig's canonicalizer renders differently from the specification. It
// also counts the ds:Signature elements and notes where the first one is.
func scan(raw []byte, l Limits) (scanned, error) {
	var s scanned
	if len(raw) > l.MaxBytes {
		return s, reject(xmlsig.CodeTooLarge, "document of %d bytes exceeds %d", len(raw), l.MaxBytes)
	}
	raw = bytes.TrimPrefix(raw, []byte("\xEF\xBB\xBF"))
	s.body = raw
	if !utf8.Valid(raw) {
		return s, reject(xmlsig.CodeMalformed, "document is not valid UTF-8")
	}
	d := xml.NewDecoder(bytes.NewReader(raw))
	d.Strict = true
	depth, elements, first := 0, 0, true
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return s, rejectErr(xmlsig.CodeMalformed, err, "parse")
		}
		switch t := tok.(type) {
		case xml.ProcInst:
			if !first || t.Target != "xml" {
				return s, reject(xmlsig.CodeForbidden, "processing instruction %q", t.Target)
			}
		case xml.Directive:
			return s, reject(xmlsig.CodeForbidden, "DTD or other directive")
		case xml.Comment:
			return s, reject(xmlsig.CodeComment, "comment at depth %d", depth)
		case xml.CharData:
			if depth == 0 && len(bytes.TrimSpace(t)) > 0 {
				return s, reject(xmlsig.CodeMalformed, "text outside the root element")
			}
		case xml.StartElement:
			depth++
			elements++
			switch {
			case depth > l.MaxDepth:
				return s, reject(xmlsig.CodeTooLarge, "nesting deeper than %d", l.MaxDepth)
			case elements > l.MaxElements:
				return s, reject(xmlsig.CodeTooLarge, "more than %d elements", l.MaxElements)
			case len(t.Attr) > l.MaxAttributes:
				return s, reject(xmlsig.CodeTooLarge, "element %s has more than %d attributes", t.Name.Local, l.MaxAttributes)
			}
			if depth == 1 {
				if s.root.Local != "" {
					return s, reject(xmlsig.CodeMalformed, "more than one root element")
				}
				s.root = t.Name
			}
			if err := checkNames(t); err != nil {
				return s, err
			}
			if t.Name.Space == xmlsig.NamespaceDS && t.Name.Local == "Signature" {
				if s.signatures == 0 {
					s.sigDepth = depth
				}
				s.signatures++
			}
		case xml.EndElement:
			depth--
		}
		first = false
	}
	if s.root.Local == "" {
		return s, reject(xmlsig.CodeMalformed, "no root element")
	}
	return s, nil
}

// checkNames applies the attribute and namespace rules to one start tag
// (names as encoding/xml resolved them: a prefix is replaced by its
// namespace name; an unbound prefix stays as it is).
func checkNames(t xml.StartElement) error {
	if t.Name.Space != "" && !absoluteURI(t.Name.Space) {
		return reject(CodeUnsupported, "element %s: prefix %q is not bound to an absolute namespace URI", t.Name.Local, t.Name.Space)
	}
	type qname struct{ space, local string }
	seen := make(map[qname]bool, len(t.Attr))
	var prefixed []qname
	for _, a := range t.Attr {
		k := qname{a.Name.Space, a.Name.Local}
		if seen[k] {
			return reject(xmlsig.CodeMalformed, "element %s: duplicate attribute %s", t.Name.Local, a.Name.Local)
		}
		seen[k] = true
		switch {
		case a.Name.Space == "xmlns":
			if !absoluteURI(a.Value) {
				return reject(CodeUnsupported, "element %s: namespace prefix %s is not bound to an absolute URI", t.Name.Local, a.Name.Local)
			}
		case a.Name.Space == "" && a.Name.Local == "xmlns":
			if a.Value == "" {
				return reject(CodeUnsupported, "element %s: xmlns=\"\" undeclaration", t.Name.Local)
			}
			if !absoluteURI(a.Value) {
				return reject(CodeUnsupported, "element %s: default namespace is not an absolute URI", t.Name.Local)
			}
		default:
			if strings.ContainsAny(a.Value, "\t\n\r") {
				return reject(CodeUnsupported, "element %s: attribute %s holds a tab or line break", t.Name.Local, a.Name.Local)
			}
			if a.Name.Space != "" {
				if !absoluteURI(a.Name.Space) {
					return reject(CodeUnsupported, "element %s: attribute prefix %q is not bound to an absolute namespace URI", t.Name.Local, a.Name.Space)
				}
				prefixed = append(prefixed, k)
			}
		}
	}
	// Exclusive c14n orders prefixed attributes by namespace URI, then local
	// name; goxmldsig orders them by local name. Accept only elements where
	// both orders agree.
	if len(prefixed) > 1 {
		sort.Slice(prefixed, func(i, j int) bool { return prefixed[i].local < prefixed[j].local })
		for i := 1; i < len(prefixed); i++ {
			if prefixed[i].local == prefixed[i-1].local || prefixed[i].space < prefixed[i-1].space {
				return reject(CodeUnsupported, "element %s: prefixed attributes whose canonical order goxmldsig does not reproduce", t.Name.Local)
			}
		}
	}
	return nil
}

// absoluteURI reports whether a namespace name is an absolute URI (has a
// scheme); canonicalization is undefined for relative namespace names.
func absoluteURI(s string) bool {
	i := strings.IndexByte(s, ':')
	if i <= 0 {
		return false
	}
	for j, r := range s[:i] {
		alpha := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'
		if !alpha && (j == 0 || !(r >= '0' && r <= '9' || r == '+' || r == '-' || r == '.')) {
			return false
		}
	}
	return true
}

// rootName returns the root element of a document, reading no further
// than its start tag.
func rootName(raw []byte) (xml.Name, error) {
	d := xml.NewDecoder(bytes.NewReader(bytes.TrimPrefix(raw, []byte("\xEF\xBB\xBF"))))
	d.Strict = true
	for {
		tok, err := d.Token()
		if err != nil {
			if err == io.EOF {
				err = errors.New("no root element")
			}
			return xml.Name{}, err
		}
		if t, ok := tok.(xml.StartElement); ok {
			return t.Name, nil
		}
	}
}
