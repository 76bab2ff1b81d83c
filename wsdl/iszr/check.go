package iszr

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"strings"
)

// ErrInvalid wraps every structural complaint of Check.
var ErrInvalid = errors.New("message does not match the ISZR schema")

// InvalidError names the element where Check found a problem.
type InvalidError struct {
	Path   string // /RobCtiAifo/ZadostInfo/Agenda
	Reason string
}

func (e *InvalidError) Error() string { return fmt.Sprintf("%s: %s", e.Path, e.Reason) }

// Unwrap lets errors.Is(err, ErrInvalid) match.
func (e *InvalidError) Unwrap() error { return ErrInvalid }

// Check verifies root against the schemas: root must be a global element
// of one of the services, and every element below it must be declared
// where it appears, in the declared namespace, at most once unless
// repeatable, with its mandatory children present and no unknown
// attributes (xsi:nil excepted). Element order and the facets of simple
// types are not checked; callers validate values they use.
func Check(root *Element) error {
	s, err := schemas()
	if err != nil {
		return err
	}
	t, ok := s.elements[root.Name]
	if !ok {
		return &InvalidError{Path: "/" + root.Name.Local, Reason: fmt.Sprintf("{%s}%s is not a request or response of a known service", root.Name.Space, root.Name.Local)}
	}
	return s.check(root, t, "/"+root.Name.Local)
}

func (s *schemaSet) check(e *Element, t xml.Name, path string) error {
	if opaque(t) {
		return nil
	}
	for _, a := range e.Attr {
		switch {
		case a.Name.Space == "xmlns" || (a.Name.Space == "" && a.Name.Local == "xmlns"):
		case a.Name.Space == NSXSI && a.Name.Local == "nil":
		case a.Name.Space == "" && s.allowsAttr(t, a.Name.Local):
		default:
			return &InvalidError{Path: path, Reason: fmt.Sprintf("unexpected attribute %s", a.Name.Local)}
		}
	}
	if s.textOnly(t) {
		if len(e.Children) > 0 {
			return &InvalidError{Path: path, Reason: fmt.Sprintf("unexpected element %s in a text-only element", e.Children[0].Name.Local)}
		}
		return nil
	}
	if strings.TrimSpace(e.Text) != "" {
		return &InvalidError{Path: path, Reason: "unexpected text"}
	}
	seen := map[string]int{}
	for _, c := range e.Children {
		cp := path + "/" + c.Name.Local
		p, ok := s.lookup(t, c.Name.Local)
		if !ok {
			return &InvalidError{Path: cp, Reason: "element not allowed here"}
		}
		if c.Name.Space != p.name.Space {
			return &InvalidError{Path: cp, Reason: fmt.Sprintf("namespace %q, want %q", c.Name.Space, p.name.Space)}
		}
		seen[c.Name.Local]++
		if seen[c.Name.Local] > 1 && !p.many {
			return &InvalidError{Path: cp, Reason: "element repeated"}
		}
		if isNil(c) {
			continue
		}
		if err := s.check(c, p.typ, cp); err != nil {
			return err
		}
	}
	for _, p := range s.required(t) {
		if seen[p.name.Local] == 0 {
			return &InvalidError{Path: path, Reason: fmt.Sprintf("missing element %s", p.name.Local)}
		}
	}
	return nil
}

func isNil(e *Element) bool {
	for _, a := range e.Attr {
		if a.Name.Space == NSXSI && a.Name.Local == "nil" && (a.Value == "true" || a.Value == "1") {
			return true
		}
	}
	return false
}

// Qualify sets the namespace of root's descendants from the schemas, as
// declared where each appears; root keeps its namespace, or gets the one of
// the global element of that name when it has none. Content of xs:anyType
// elements keeps its own namespaces.
func Qualify(root *Element) error {
	s, err := schemas()
	if err != nil {
		return err
	}
	if root.Name.Space == "" {
		for qn := range s.elements {
			if qn.Local == root.Name.Local {
				root.Name.Space = qn.Space
				break
			}
		}
	}
	t, ok := s.elements[root.Name]
	if !ok {
		return &InvalidError{Path: "/" + root.Name.Local, Reason: "not a request or response of a known service"}
	}
	return s.qualify(root, t, "/"+root.Name.Local)
}

func (s *schemaSet) qualify(e *Element, t xml.Name, path string) error {
	if opaque(t) {
		return nil
	}
	for _, c := range e.Children {
		cp := path + "/" + c.Name.Local
		p, ok := s.lookup(t, c.Name.Local)
		if !ok {
			return &InvalidError{Path: cp, Reason: "element not declared here"}
		}
		c.Name.Space = p.name.Space
		if err := s.qualify(c, p.typ, cp); err != nil {
			return err
		}
	}
	return nil
}

// Marshal encodes v, a value of a generated egon request or response type,
// with every element in its ISZR namespace. The result has no XML
// declaration.
func Marshal(v any) ([]byte, error) {
	e, err := MarshalElement(v)
	if err != nil {
		return nil, err
	}
	return e.Bytes(), nil
}

// MarshalElement is Marshal returning the qualified element tree.
func MarshalElement(v any) (*Element, error) {
	raw, err := xml.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("marshal %T: %w", v, err)
	}
	e, err := Parse(bytes.NewReader(raw), Limits{MaxBytes: 64 << 20, MaxElements: 1 << 20})
	if err != nil {
		return nil, fmt.Errorf("marshal %T: %w", v, err)
	}
	if err := Qualify(e); err != nil {
		return nil, fmt.Errorf("marshal %T: %w", v, err)
	}
	return e, nil
}

// Unmarshal decodes e into v, a pointer to a generated egon type.
func Unmarshal(e *Element, v any) error {
	if err := xml.Unmarshal(e.Bytes(), v); err != nil {
		return fmt.Errorf("unmarshal %s into %T: %w", e.Name.Local, v, err)
	}
	return nil
}

var _ error = (*InvalidError)(nil)
