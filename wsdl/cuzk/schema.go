package cuzk

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io/fs"
	"regexp"
	"strconv"
	"strings"
	"sync"
)

const nsXS = "http://www.w3.org/2001/XMLSchema"

// particle is one element declaration inside a complex type.
type particle struct {
	name   xml.Name // element name; Space is the declaring schema's namespace (or the ref's)
	typ    xml.Name // its type (xs:* for built-ins)
	min    int
	max    int // -1 = unbounded
	index  int // position in the content model, for order checks
	choice int // 0 outside a choice; else the choice's number within the type
}

// choiceGroup is a choice of single elements inside a complex type.
type choiceGroup struct {
	required bool
	names    []string
}

// complexType is the part of an XSD complex type that Check and Marshal
// need.
type complexType struct {
	name      xml.Name
	base      xml.Name // complexContent extension base
	simple    xml.Name // simpleContent extension base (text only)
	particles []particle
	choices   []choiceGroup // index = choice number - 1
	attrs     map[string]attrDecl
}

type attrDecl struct {
	typ      xml.Name
	required bool
}

// simpleType is a restriction of a built-in type with facets.
type simpleType struct {
	name     xml.Name
	base     string // built-in local name: string, token, base64Binary
	patterns []*regexp.Regexp
	pattSrc  []string
	enums    []string
	minLen   int // -1: none
	maxLen   int // -1: none
}

// schemaSet is the model of every schema in xsd/.
type schemaSet struct {
	elements map[xml.Name]xml.Name // global element → its type
	complex  map[xml.Name]*complexType
	simple   map[xml.Name]*simpleType
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
		simple:   map[xml.Name]*simpleType{},
	}
	names, err := fs.Glob(fsys, dir+"/*.xsd")
	if err != nil {
		return nil, err
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("cuzk: no schemas in %s", dir)
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
	return s, s.verify()
}

// verify checks that every referenced type and base is declared.
func (s *schemaSet) verify() error {
	for qn, t := range s.elements {
		if !s.known(t) {
			return fmt.Errorf("element {%s}%s: unknown type {%s}%s", qn.Space, qn.Local, t.Space, t.Local)
		}
	}
	for qn, ct := range s.complex {
		if ct.base.Local != "" && s.complex[ct.base] == nil {
			return fmt.Errorf("type {%s}%s: unknown base {%s}%s", qn.Space, qn.Local, ct.base.Space, ct.base.Local)
		}
		if ct.simple.Local != "" && !s.known(ct.simple) {
			return fmt.Errorf("type {%s}%s: unknown simple base {%s}%s", qn.Space, qn.Local, ct.simple.Space, ct.simple.Local)
		}
		for i, p := range ct.particles {
			if p.typ.Local == "" { // a ref: the global element's type
				t, ok := s.elements[p.name]
				if !ok {
					return fmt.Errorf("type {%s}%s: ref to unknown element {%s}%s", qn.Space, qn.Local, p.name.Space, p.name.Local)
				}
				ct.particles[i].typ = t
				continue
			}
			if !s.known(p.typ) {
				return fmt.Errorf("type {%s}%s: element %s has unknown type {%s}%s", qn.Space, qn.Local, p.name.Local, p.typ.Space, p.typ.Local)
			}
		}
		for name, a := range ct.attrs {
			if !s.known(a.typ) {
				return fmt.Errorf("type {%s}%s: attribute %s has unknown type", qn.Space, qn.Local, name)
			}
		}
	}
	return nil
}

// builtins are the XSD built-in types the schemas may use.
var builtins = map[string]bool{"string": true, "token": true, "base64Binary": true}

func (s *schemaSet) known(t xml.Name) bool {
	if t.Space == nsXS {
		return builtins[t.Local]
	}
	return s.complex[t] != nil || s.simple[t] != nil
}

// schemaDoc resolves QName values inside one schema document.
type schemaDoc struct {
	target string
	prefix map[string]string
}

func (d schemaDoc) qname(v string) (xml.Name, error) {
	p, local, ok := strings.Cut(v, ":")
	if !ok {
		return xml.Name{Space: d.prefix[""], Local: v}, nil
	}
	ns, known := d.prefix[p]
	if !known {
		return xml.Name{}, fmt.Errorf("undeclared prefix %q in %q", p, v)
	}
	return xml.Name{Space: ns, Local: local}, nil
}

func (s *schemaSet) add(root *Element) error {
	if root.Name != (xml.Name{Space: nsXS, Local: "schema"}) {
		return fmt.Errorf("root is %s, not xs:schema", root.Name.Local)
	}
	target, _ := root.AttrValue("targetNamespace")
	doc := schemaDoc{target: target, prefix: map[string]string{}}
	for _, a := range root.Attr {
		switch {
		case a.Name.Space == "xmlns":
			doc.prefix[a.Name.Local] = a.Value
		case a.Name.Space == "" && a.Name.Local == "xmlns":
			doc.prefix[""] = a.Value
		}
	}
	if v, _ := root.AttrValue("elementFormDefault"); v != "qualified" {
		return fmt.Errorf("schema %s: elementFormDefault must be qualified", target)
	}
	for _, c := range root.Children {
		if c.Name.Space != nsXS {
			return fmt.Errorf("unexpected %s at top level", c.Name.Local)
		}
		name, _ := c.AttrValue("name")
		qn := xml.Name{Space: target, Local: name}
		switch c.Name.Local {
		case "import", "annotation":
		case "element":
			tv, ok := c.AttrValue("type")
			if !ok || name == "" {
				return fmt.Errorf("global element %q needs a name and a type", name)
			}
			t, err := doc.qname(tv)
			if err != nil {
				return err
			}
			s.elements[qn] = t
		case "complexType":
			ct := &complexType{name: qn, attrs: map[string]attrDecl{}}
			if err := ct.read(doc, c); err != nil {
				return fmt.Errorf("complexType %s: %w", name, err)
			}
			s.complex[qn] = ct
		case "simpleType":
			st, err := readSimple(doc, c, qn)
			if err != nil {
				return fmt.Errorf("simpleType %s: %w", name, err)
			}
			s.simple[qn] = st
		default:
			return fmt.Errorf("unsupported top-level xs:%s", c.Name.Local)
		}
	}
	return nil
}

// read fills a complex type from its declaration.
func (ct *complexType) read(doc schemaDoc, e *Element) error {
	for _, c := range e.Children {
		if c.Name.Space != nsXS {
			return fmt.Errorf("unexpected %s", c.Name.Local)
		}
		switch c.Name.Local {
		case "annotation":
		case "sequence":
			if err := ct.readGroup(doc, c, 0); err != nil {
				return err
			}
		case "choice":
			if err := ct.readChoice(doc, c); err != nil {
				return err
			}
		case "attribute":
			if err := ct.readAttr(doc, c); err != nil {
				return err
			}
		case "complexContent", "simpleContent":
			ext := c.Child("extension")
			if ext == nil || len(c.Children) != 1 {
				return fmt.Errorf("%s must hold one xs:extension", c.Name.Local)
			}
			bv, _ := ext.AttrValue("base")
			base, err := doc.qname(bv)
			if err != nil {
				return err
			}
			if c.Name.Local == "complexContent" {
				ct.base = base
			} else {
				ct.simple = base
			}
			if err := ct.read(doc, ext); err != nil {
				return err
			}
		default:
			return fmt.Errorf("unsupported xs:%s", c.Name.Local)
		}
	}
	return nil
}

// readGroup reads a sequence's elements (a nested sequence is read in
// place; a nested choice becomes a choice group).
func (ct *complexType) readGroup(doc schemaDoc, seq *Element, choice int) error {
	for _, c := range seq.Children {
		switch c.Name.Local {
		case "annotation":
		case "element":
			if err := ct.readElement(doc, c, choice); err != nil {
				return err
			}
		case "sequence":
			if choice != 0 {
				return fmt.Errorf("a sequence inside a choice is not supported (gowsdl drops it)")
			}
			if err := ct.readGroup(doc, c, 0); err != nil {
				return err
			}
		case "choice":
			if choice != 0 {
				return fmt.Errorf("nested choices are not supported")
			}
			if err := ct.readChoice(doc, c); err != nil {
				return err
			}
		default:
			return fmt.Errorf("unsupported xs:%s in a sequence", c.Name.Local)
		}
	}
	return nil
}

func (ct *complexType) readChoice(doc schemaDoc, c *Element) error {
	ct.choices = append(ct.choices, choiceGroup{required: minOccurs(c) > 0})
	n := len(ct.choices)
	for _, k := range c.Children {
		switch k.Name.Local {
		case "annotation":
		case "element":
			if err := ct.readElement(doc, k, n); err != nil {
				return err
			}
			p := ct.particles[len(ct.particles)-1]
			ct.choices[n-1].names = append(ct.choices[n-1].names, p.name.Local)
		default:
			return fmt.Errorf("only elements may appear in a choice, found xs:%s", k.Name.Local)
		}
	}
	return nil
}

func (ct *complexType) readElement(doc schemaDoc, c *Element, choice int) error {
	p := particle{min: minOccurs(c), max: maxOccurs(c), index: len(ct.particles), choice: choice}
	if ref, ok := c.AttrValue("ref"); ok {
		qn, err := doc.qname(ref)
		if err != nil {
			return err
		}
		p.name = qn // type resolved in verify
	} else {
		name, _ := c.AttrValue("name")
		tv, ok := c.AttrValue("type")
		if name == "" || !ok {
			return fmt.Errorf("local element %q needs a name and a type", name)
		}
		t, err := doc.qname(tv)
		if err != nil {
			return err
		}
		p.name, p.typ = xml.Name{Space: doc.target, Local: name}, t
	}
	for _, q := range ct.particles {
		if q.name == p.name {
			return fmt.Errorf("element %s declared twice", p.name.Local)
		}
	}
	ct.particles = append(ct.particles, p)
	return nil
}

func (ct *complexType) readAttr(doc schemaDoc, c *Element) error {
	name, _ := c.AttrValue("name")
	tv, _ := c.AttrValue("type")
	if name == "" || tv == "" {
		return fmt.Errorf("attribute needs a name and a type")
	}
	t, err := doc.qname(tv)
	if err != nil {
		return err
	}
	use, _ := c.AttrValue("use")
	ct.attrs[name] = attrDecl{typ: t, required: use == "required"}
	return nil
}

func minOccurs(e *Element) int {
	v, ok := e.AttrValue("minOccurs")
	if !ok {
		return 1
	}
	n, _ := strconv.Atoi(v)
	return n
}

func maxOccurs(e *Element) int {
	v, ok := e.AttrValue("maxOccurs")
	if !ok {
		return 1
	}
	if v == "unbounded" {
		return -1
	}
	n, _ := strconv.Atoi(v)
	return n
}

func readSimple(doc schemaDoc, e *Element, qn xml.Name) (*simpleType, error) {
	st := &simpleType{name: qn, minLen: -1, maxLen: -1}
	r := e.Child("restriction")
	if r == nil {
		return nil, fmt.Errorf("only restrictions are supported")
	}
	bv, _ := r.AttrValue("base")
	base, err := doc.qname(bv)
	if err != nil {
		return nil, err
	}
	if base.Space != nsXS || !builtins[base.Local] {
		return nil, fmt.Errorf("base %s: simple types restrict xs:string, xs:token or xs:base64Binary directly (gowsdl)", bv)
	}
	st.base = base.Local
	for _, f := range r.Children {
		v, _ := f.AttrValue("value")
		switch f.Name.Local {
		case "annotation":
		case "pattern":
			re, err := regexp.Compile(`^(?:` + v + `)$`)
			if err != nil {
				return nil, fmt.Errorf("pattern %q: %w", v, err)
			}
			st.patterns = append(st.patterns, re)
			st.pattSrc = append(st.pattSrc, v)
		case "enumeration":
			st.enums = append(st.enums, v)
		case "minLength", "maxLength", "length":
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				return nil, fmt.Errorf("%s %q", f.Name.Local, v)
			}
			if f.Name.Local != "maxLength" {
				st.minLen = n
			}
			if f.Name.Local != "minLength" {
				st.maxLen = n
			}
		default:
			return nil, fmt.Errorf("unsupported facet xs:%s", f.Name.Local)
		}
	}
	return st, nil
}

// chain returns t and its bases, base first.
func (s *schemaSet) chain(t xml.Name) []*complexType {
	var out []*complexType
	for ct := s.complex[t]; ct != nil; ct = s.complex[ct.base] {
		out = append([]*complexType{ct}, out...)
	}
	return out
}
