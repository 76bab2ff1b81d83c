package iszr

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Element is one parsed XML element with namespaces resolved. Text holds the
// element's character data (whitespace-only text between child elements is
// dropped). Attr keeps the attributes as the decoder reports them, namespace
// declarations included; writers ignore the declarations and emit their own.
type Element struct {
	Name     xml.Name
	Attr     []xml.Attr
	Text     string
	Children []*Element
}

// Limits bound what Parse accepts. Zero fields take the defaults.
type Limits struct {
	MaxBytes    int64 // default 1 MiB
	MaxDepth    int   // default 64
	MaxElements int   // default 20 000
	MaxAttrs    int   // attributes per element, default 64
}

// Errors reported by Parse.
var (
	ErrTooLarge     = errors.New("xml document exceeds the size limit")
	ErrTooDeep      = errors.New("xml document exceeds the nesting limit")
	ErrTooMany      = errors.New("xml document exceeds the element limit")
	ErrDoctype      = errors.New("xml document contains a DOCTYPE")
	ErrProcInst     = errors.New("xml document contains a processing instruction")
	ErrNoRoot       = errors.New("xml document has no root element")
	ErrTrailing     = errors.New("xml document has content after the root element")
	ErrManyAttrs    = errors.New("xml element has too many attributes")
	ErrMixedContent = errors.New("xml element mixes text and child elements")
)

func (l Limits) withDefaults() Limits {
	if l.MaxBytes <= 0 {
		l.MaxBytes = 1 << 20
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = 64
	}
	if l.MaxElements <= 0 {
		l.MaxElements = 20000
	}
	if l.MaxAttrs <= 0 {
		l.MaxAttrs = 64
	}
	return l
}

// limitReader fails with ErrTooLarge instead of returning a silent EOF.
type limitReader struct {
	r io.Reader
	n int64
}

func (l *limitReader) Read(p []byte) (int, error) {
	if l.n <= 0 {
		var one [1]byte
		if n, _ := l.r.Read(one[:]); n > 0 {
			return 0, ErrTooLarge
		}
		return 0, io.EOF
	}
	if int64(len(p)) > l.n {
		p = p[:l.n]
	}
	n, err := l.r.Read(p)
	l.n -= int64(n)
	return n, err
}

// Parse reads one XML document within lim. It rejects DOCTYPE declarations
// and processing instructions (other than the XML declaration), documents
// deeper or larger than the limits, and text mixed with child elements.
func Parse(r io.Reader, lim Limits) (*Element, error) {
	lim = lim.withDefaults()
	d := xml.NewDecoder(&limitReader{r: r, n: lim.MaxBytes})
	d.Strict = true
	var (
		root  *Element
		stack []*Element
		count int
		texts []*bytes.Buffer
	)
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			if errors.Is(err, ErrTooLarge) {
				return nil, ErrTooLarge
			}
			return nil, fmt.Errorf("xml: %w", err)
		}
		switch tok := tok.(type) {
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
			if len(tok.Attr) > lim.MaxAttrs {
				return nil, ErrManyAttrs
			}
			e := &Element{Name: tok.Name, Attr: append([]xml.Attr(nil), tok.Attr...)}
			if len(stack) == 0 {
				root = e
			} else {
				parent := stack[len(stack)-1]
				parent.Children = append(parent.Children, e)
			}
			stack = append(stack, e)
			texts = append(texts, new(bytes.Buffer))
		case xml.EndElement:
			e := stack[len(stack)-1]
			text := texts[len(texts)-1].String()
			if len(e.Children) > 0 {
				if strings.TrimSpace(text) != "" {
					return nil, fmt.Errorf("%w: <%s>", ErrMixedContent, e.Name.Local)
				}
			} else {
				e.Text = text
			}
			stack = stack[:len(stack)-1]
			texts = texts[:len(texts)-1]
		case xml.CharData:
			if len(stack) == 0 {
				if len(bytes.TrimSpace(tok)) > 0 {
					return nil, ErrTrailing
				}
				continue
			}
			texts[len(texts)-1].Write(tok)
		case xml.Directive:
			return nil, ErrDoctype
		case xml.ProcInst:
			if tok.Target != "xml" || root != nil {
				return nil, ErrProcInst
			}
		}
	}
	if root == nil {
		return nil, ErrNoRoot
	}
	return root, nil
}

// Child returns the first child with the given local name, or nil.
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

// Path follows Child through the local names, returning nil when a step is
// missing.
func (e *Element) Path(locals ...string) *Element {
	for _, l := range locals {
		e = e.Child(l)
	}
	return e
}

// AttrValue returns the value of the unqualified attribute name.
func (e *Element) AttrValue(name string) (string, bool) {
	for _, a := range e.Attr {
		if a.Name.Space == "" && a.Name.Local == name {
			return a.Value, true
		}
	}
	return "", false
}

const xmlNS = "http://www.w3.org/XML/1998/namespace"

// Bytes serialises e compactly, declaring the default namespace wherever it
// changes and a prefix for each qualified attribute.
func (e *Element) Bytes() []byte {
	var b bytes.Buffer
	e.write(&b, "", -1, 0)
	return b.Bytes()
}

// Indented serialises e with two-space indentation between elements (never
// inside text), for golden files and logs.
func (e *Element) Indented() []byte {
	var b bytes.Buffer
	e.write(&b, "", 0, 0)
	b.WriteByte('\n')
	return b.Bytes()
}

func (e *Element) write(b *bytes.Buffer, parentNS string, indent, depth int) {
	if indent >= 0 && depth > 0 {
		b.WriteByte('\n')
		b.WriteString(strings.Repeat("  ", depth))
	}
	b.WriteByte('<')
	b.WriteString(e.Name.Local)
	if e.Name.Space != parentNS {
		b.WriteString(` xmlns="`)
		b.WriteString(escapeAttr(e.Name.Space))
		b.WriteByte('"')
	}
	prefixes := map[string]string{}
	for _, a := range e.Attr {
		switch {
		case a.Name.Space == "xmlns" || (a.Name.Space == "" && a.Name.Local == "xmlns"):
			continue
		case a.Name.Space == "":
			fmt.Fprintf(b, ` %s="%s"`, a.Name.Local, escapeAttr(a.Value))
		case a.Name.Space == xmlNS:
			fmt.Fprintf(b, ` xml:%s="%s"`, a.Name.Local, escapeAttr(a.Value))
		default:
			p, ok := prefixes[a.Name.Space]
			if !ok {
				p = "p" + fmt.Sprint(len(prefixes)+1)
				if a.Name.Space == NSXSI {
					p = "xsi"
				}
				prefixes[a.Name.Space] = p
				fmt.Fprintf(b, ` xmlns:%s="%s"`, p, escapeAttr(a.Name.Space))
			}
			fmt.Fprintf(b, ` %s:%s="%s"`, p, a.Name.Local, escapeAttr(a.Value))
		}
	}
	if len(e.Children) == 0 && e.Text == "" {
		b.WriteString("/>")
		return
	}
	b.WriteByte('>')
	if len(e.Children) == 0 {
		b.WriteString(escapeText(e.Text))
	} else {
		for _, c := range e.Children {
			c.write(b, e.Name.Space, indent, depth+1)
		}
		if indent >= 0 {
			b.WriteByte('\n')
			b.WriteString(strings.Repeat("  ", depth))
		}
	}
	b.WriteString("</")
	b.WriteString(e.Name.Local)
	b.WriteByte('>')
}

var (
	textEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", "\r", "&#xD;")
	attrEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "\r", "&#xD;", "\n", "&#xA;", "\t", "&#x9;")
)

func escapeText(s string) string { return textEscaper.Replace(s) }
func escapeAttr(s string) string { return attrEscaper.Replace(s) }
