package iszr

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io/fs"
	"strings"
	"sync"
)

const nsXS = "http://www.w3.org/2001/XMLSchema"

// particle is one element declaration inside a complex type.
type particle struct {
	name     xml.Name // element name; Space is the declaring schema's namespace
	typ      xml.Name // its type (xs:* for built-ins)
	required bool     // minOccurs ≥ 1 outside any choice or optional group
	many     bool     // maxOccurs > 1
}

// complexType is the part of an XSD complex type that Check and Qualify
// need: its element children (its own and inherited) and attributes.
type complexType struct {
	base      xml.Name // complexContent extension base, if any
	simple    bool     // simpleContent: text only
	particles []particle
	attrs     map[string]bool
}

// schemaSet is the model of every schema in xsd/.
type schemaSet struct {
	elements map[xml.Name]xml.Name // global element → type
	complex  map[xml.Name]*complexType
	simple   map[xml.Name]bool
}

var (
	setOnce sync.Once
	set     *schemaSet
	setErr  error
)

// schemas loads the embedded XSDs once.
func schemas() (*schemaSet, error) {
	setOnce.Do(func() { set, setErr = loadSchemas(files, "xsd") })
	return set, setErr
}

func loadSchemas(fsys fs.FS, dir string) (*schemaSet, error) {
	s := &schemaSet{
		elements: map[xml.Name]xml.Name{},
		complex:  map[xml.Name]*complexType{},
		simple:   map[xml.Name]bool{},
	}
	names, err := fs.Glob(fsys, dir+"/*.xsd")
	if err != nil {
		return nil, err
	}
	for _, n := range names {
		data, err := fs.ReadFile(fsys, n)
		if err != nil {
			return nil, err
		}
		root, err := Parse(bytes.NewReader(data), Limits{MaxBytes: 4 << 20})
		if err != nil {
			return nil, fmt.Errorf("%s: %w", n, err)
		}
		if err := s.add(root); err != nil {
			return nil, fmt.Errorf("%s: %w", n, err)
		}
	}
	for qn, ct := range s.complex {
		if ct.base.Local != "" && s.complex[ct.base] == nil {
			return nil, fmt.Errorf("type {%s}%s: unknown base {%s}%s", qn.Space, qn.Local, ct.base.Space, ct.base.Local)
		}
		for _, p := range ct.particles {
			if !s.known(p.typ) {
				return nil, fmt.Errorf("type {%s}%s: element %s has unknown type {%s}%s", qn.Space, qn.Local, p.name.Local, p.typ.Space, p.typ.Local)
			}
		}
	}
	for qn, t := range s.elements {
		if !s.known(t) {
			return nil, fmt.Errorf("element {%s}%s: unknown type {%s}%s", qn.Space, qn.Local, t.Space, t.Local)
		}
	}
	return s, nil
}

func (s *schemaSet) known(t xml.Name) bool {
	return t.Space == nsXS || s.simple[t] || s.complex[t] != nil
}

// schemaDoc resolves QName attribute values against the prefixes declared
// on the xs:schema element.
type schemaDoc struct {
	tns      string
	prefixes map[string]string
}

func (d schemaDoc) qname(v string) (xml.Name, error) {
	prefix, local, ok := strings.Cut(v, ":")
	if !ok {
		local, prefix = prefix, ""
	}
	ns, found := d.prefixes[prefix]
	if !found {
		return xml.Name{}, fmt.Errorf("undeclared prefix in %q", v)
	}
	return xml.Name{Space: ns, Local: local}, nil
}

func (s *schemaSet) add(root *Element) error {
	if root.Name != (xml.Name{Space: nsXS, Local: "schema"}) {
		return fmt.Errorf("root is not xs:schema")
	}
	doc := schemaDoc{prefixes: map[string]string{}}
	doc.tns, _ = root.AttrValue("targetNamespace")
	if form, _ := root.AttrValue("elementFormDefault"); form != "qualified" {
		return fmt.Errorf("elementFormDefault must be qualified")
	}
	for _, a := range root.Attr {
		switch {
		case a.Name.Space == "xmlns":
			doc.prefixes[a.Name.Local] = a.Value
		case a.Name.Space == "" && a.Name.Local == "xmlns":
			doc.prefixes[""] = a.Value
		}
	}
	for _, c := range root.Children {
		if c.Name.Space != nsXS {
			continue
		}
		name, _ := c.AttrValue("name")
		qn := xml.Name{Space: doc.tns, Local: name}
		switch c.Name.Local {
		case "element":
			t, ok := c.AttrValue("type")
			if !ok {
				return fmt.Errorf("global element %s: only named types are supported", name)
			}
			tq, err := doc.qname(t)
			if err != nil {
				return err
			}
			s.elements[qn] = tq
		case "simpleType":
			s.simple[qn] = true
		case "complexType":
			ct := &complexType{attrs: map[string]bool{}}
			if err := ct.read(doc, c, true); err != nil {
				return fmt.Errorf("complexType %s: %w", name, err)
			}
			s.complex[qn] = ct
		}
	}
	return nil
}

// read fills ct from the children of a complexType, complexContent,
// simpleContent, extension, sequence or choice element.
func (ct *complexType) read(doc schemaDoc, e *Element, required bool) error {
	for _, c := range e.Children {
		if c.Name.Space != nsXS {
			continue
		}
		switch c.Name.Local {
		case "annotation":
		case "sequence", "all":
			req := required && minOccurs(c) > 0
			if err := ct.read(doc, c, req); err != nil {
				return err
			}
		case "choice":
			if err := ct.read(doc, c, false); err != nil {
				return err
			}
		case "complexContent":
			if err := ct.read(doc, c, required); err != nil {
				return err
			}
		case "simpleContent":
			ct.simple = true
			if err := ct.read(doc, c, required); err != nil {
				return err
			}
		case "extension":
			base, _ := c.AttrValue("base")
			bq, err := doc.qname(base)
			if err != nil {
				return err
			}
			if !ct.simple {
				ct.base = bq
			}
			if err := ct.read(doc, c, required); err != nil {
				return err
			}
		case "attribute":
			n, _ := c.AttrValue("name")
			ct.attrs[n] = true
		case "element":
			name, _ := c.AttrValue("name")
			t, ok := c.AttrValue("type")
			if !ok || name == "" {
				return fmt.Errorf("element %q: only named elements with a named type are supported", name)
			}
			tq, err := doc.qname(t)
			if err != nil {
				return err
			}
			max, _ := c.AttrValue("maxOccurs")
			ct.particles = append(ct.particles, particle{
				name:     xml.Name{Space: doc.tns, Local: name},
				typ:      tq,
				required: required && minOccurs(c) > 0,
				many:     max == "unbounded" || (max != "" && max != "1"),
			})
		default:
			return fmt.Errorf("unsupported xs:%s", c.Name.Local)
		}
	}
	return nil
}

func minOccurs(e *Element) int {
	if v, ok := e.AttrValue("minOccurs"); ok && v == "0" {
		return 0
	}
	return 1
}

// lookup finds the declaration of child local under type t, searching the
// base types too.
func (s *schemaSet) lookup(t xml.Name, local string) (particle, bool) {
	for ct := s.complex[t]; ct != nil; ct = s.complex[ct.base] {
		for _, p := range ct.particles {
			if p.name.Local == local {
				return p, true
			}
		}
		if ct.base.Local == "" {
			break
		}
	}
	return particle{}, false
}

// allowsAttr reports whether type t (or a base) declares attribute name.
func (s *schemaSet) allowsAttr(t xml.Name, name string) bool {
	for ct := s.complex[t]; ct != nil; ct = s.complex[ct.base] {
		if ct.attrs[name] {
			return true
		}
		if ct.base.Local == "" {
			break
		}
	}
	return false
}

// required lists the mandatory children of t, base first.
func (s *schemaSet) required(t xml.Name) []particle {
	var chain []*complexType
	for ct := s.complex[t]; ct != nil; ct = s.complex[ct.base] {
		chain = append(chain, ct)
		if ct.base.Local == "" {
			break
		}
	}
	var out []particle
	for i := len(chain) - 1; i >= 0; i-- {
		for _, p := range chain[i].particles {
			if p.required {
				out = append(out, p)
			}
		}
	}
	return out
}

// opaque reports whether elements of type t carry arbitrary content.
func opaque(t xml.Name) bool { return t == xml.Name{Space: nsXS, Local: "anyType"} }

// textOnly reports whether elements of type t hold text and no children.
func (s *schemaSet) textOnly(t xml.Name) bool {
	if opaque(t) {
		return false
	}
	if t.Space == nsXS || s.simple[t] {
		return true
	}
	ct := s.complex[t]
	return ct != nil && ct.simple
}
