package cuzk

import (
	"bytes"
	"encoding/xml"
	"fmt"
)

// Marshal encodes v, a value of a global element type of package wsdp
// (e.g. *wsdp.NajdiParceluResponseType), and puts every element in the
// namespace the schemas declare it in: gowsdl's struct tags carry no
// namespaces, so encoding/xml alone would write the children of a vyhledat
// answer in the vyhledat namespace, while zprava, idParcely and the other
// common-type elements belong to commonTypes. The output has no XML
// declaration; the message namespace is the default one and commonTypes
// is ns0, as in ČÚZK's answers.
func Marshal(v any) ([]byte, error) {
	e, err := MarshalElement(v)
	if err != nil {
		return nil, err
	}
	return e.Bytes(), nil
}

// MarshalElement is Marshal returning the qualified tree.
func MarshalElement(v any) (*Element, error) {
	raw, err := xml.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("cuzk: marshal: %w", err)
	}
	e, err := Parse(bytes.NewReader(raw), Limits{MaxBytes: 1 << 30})
	if err != nil {
		return nil, fmt.Errorf("cuzk: marshal: %w", err)
	}
	if err := Qualify(e); err != nil {
		return nil, err
	}
	return e, nil
}

// Qualify sets the namespace of every element below root from the schemas,
// matching children by local name. root must be a global element.
func Qualify(root *Element) error {
	s, err := schemas()
	if err != nil {
		return err
	}
	t, ok := s.elements[root.Name]
	if !ok {
		return fmt.Errorf("cuzk: qualify: {%s}%s is not a global element of the contract", root.Name.Space, root.Name.Local)
	}
	return s.qualify(root, t, "/"+root.Name.Local)
}

func (s *schemaSet) qualify(e *Element, t xml.Name, path string) error {
	if s.complex[t] == nil {
		if len(e.Children) > 0 {
			return fmt.Errorf("cuzk: qualify %s: a simple value has child elements", path)
		}
		return nil
	}
	chain := s.chain(t)
	for _, c := range e.Children {
		p, ok := particleByLocal(chain, c.Name.Local)
		if !ok {
			return fmt.Errorf("cuzk: qualify %s: element %s is not declared", path, c.Name.Local)
		}
		c.Name.Space = p.name.Space
		if err := s.qualify(c, p.typ, path+"/"+c.Name.Local); err != nil {
			return err
		}
	}
	return nil
}

func particleByLocal(chain []*complexType, local string) (particle, bool) {
	for _, ct := range chain {
		for _, p := range ct.particles {
			if p.name.Local == local {
				return p, true
			}
		}
	}
	return particle{}, false
}

// Unmarshal decodes e into v, a pointer to a global element type of
// package wsdp. The root's name and namespace must match v's; children are
// matched by local name, so e should have passed Check first.
func Unmarshal(e *Element, v any) error {
	if err := xml.Unmarshal(e.Bytes(), v); err != nil {
		return fmt.Errorf("cuzk: unmarshal %s: %w", e.Name.Local, err)
	}
	return nil
}
