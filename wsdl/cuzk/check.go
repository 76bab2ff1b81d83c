package cuzk

import (
	"encoding/base64"
	"encoding/xml"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// InvalidError says why a message does not match the schema. Reason
// starts with the Xerces constraint name (cvc-…) that ČÚZK puts in the
// faultstring of a SOAP-ENV:Client fault.
type InvalidError struct {
	Path   string // /NajdiParceluRequest/parcelaId
	Reason string
}

func (e *InvalidError) Error() string { return e.Reason + " (" + e.Path + ")" }

// Unwrap lets callers test errors.Is(err, ErrInvalid).
func (e *InvalidError) Unwrap() error { return ErrInvalid }

// ErrInvalid is wrapped by every InvalidError.
var ErrInvalid = errors.New("cuzk: message does not match the schema")

// Check validates a message root (a request or an answer element) against
// the schemas: the root must be a global element; every child must be
// declared, in its namespace, in declaration order, at most maxOccurs
// times; mandatory elements and attributes must be present; at most one
// branch of a choice may appear; element-only content holds no text; and
// simple values satisfy their facets (whitespace collapsed for xs:token).
func Check(root *Element) error {
	s, err := schemas()
	if err != nil {
		return err
	}
	t, ok := s.elements[root.Name]
	if !ok {
		return &InvalidError{Path: "/" + root.Name.Local,
			Reason: fmt.Sprintf("cvc-elt.1: Cannot find the declaration of element '%s'.", root.Name.Local)}
	}
	return s.check(root, t, "/"+root.Name.Local)
}

func (s *schemaSet) check(e *Element, t xml.Name, path string) error {
	if t.Space == nsXS || s.simple[t] != nil {
		if len(e.Children) > 0 {
			return &InvalidError{Path: path, Reason: fmt.Sprintf(
				"cvc-type.3.1.2: Element '%s' is a simple type, so it must have no element information item [children].", e.Name.Local)}
		}
		if err := checkNoAttrs(e, nil, path); err != nil {
			return err
		}
		return s.checkValue(e.Text, t, path)
	}
	ct := s.complex[t]
	if err := s.checkAttrs(e, t, path); err != nil {
		return err
	}
	if ct.simple.Local != "" {
		if len(e.Children) > 0 {
			return &InvalidError{Path: path, Reason: fmt.Sprintf(
				"cvc-complex-type.2.2: Element '%s' must have no element [children].", e.Name.Local)}
		}
		return s.checkValue(e.Text, ct.simple, path)
	}
	if strings.TrimSpace(e.Text) != "" {
		return &InvalidError{Path: path, Reason: fmt.Sprintf(
			"cvc-complex-type.2.3: Element '%s' cannot have character [children], because the type's content type is element-only.", e.Name.Local)}
	}
	chain := s.chain(t)
	// position: (level in the extension chain, particle index) must not
	// go back.
	lastLevel, lastIndex := 0, -1
	counts := map[xml.Name]int{}
	chosen := map[*complexType]map[int]string{}
	for _, c := range e.Children {
		level, p, ct, ok := findParticle(chain, c.Name)
		if !ok || level < lastLevel || (level == lastLevel && p.index < lastIndex) ||
			(p.max >= 0 && counts[c.Name] >= p.max) {
			return &InvalidError{Path: path + "/" + c.Name.Local, Reason: fmt.Sprintf(
				"cvc-complex-type.2.4.a: Invalid content was found starting with element '%s'.", c.Name.Local)}
		}
		if p.choice != 0 {
			if chosen[ct] == nil {
				chosen[ct] = map[int]string{}
			}
			if prev, ok := chosen[ct][p.choice]; ok && prev != c.Name.Local {
				return &InvalidError{Path: path + "/" + c.Name.Local, Reason: fmt.Sprintf(
					"cvc-complex-type.2.4.a: Invalid content was found starting with element '%s'.", c.Name.Local)}
			}
			chosen[ct][p.choice] = c.Name.Local
		}
		counts[c.Name]++
		lastLevel, lastIndex = level, p.index
		if err := s.check(c, p.typ, path+"/"+c.Name.Local); err != nil {
			return err
		}
	}
	for _, ct := range chain {
		for _, p := range ct.particles {
			if p.choice == 0 && counts[p.name] < p.min {
				return incomplete(e, p.name.Local, path)
			}
		}
		for i, g := range ct.choices {
			if _, ok := chosen[ct][i+1]; g.required && !ok {
				return incomplete(e, strings.Join(g.names, ", "), path)
			}
		}
	}
	return nil
}

func incomplete(e *Element, want, path string) error {
	return &InvalidError{Path: path, Reason: fmt.Sprintf(
		"cvc-complex-type.2.4.b: The content of element '%s' is not complete. One of '{%s}' is expected.", e.Name.Local, want)}
}

func findParticle(chain []*complexType, name xml.Name) (int, particle, *complexType, bool) {
	for level, ct := range chain {
		for _, p := range ct.particles {
			if p.name == name {
				return level, p, ct, true
			}
		}
	}
	return 0, particle{}, nil, false
}

// checkAttrs allows the declared attributes (and namespace declarations,
// xsi:* and xml:*) and requires the mandatory ones.
func (s *schemaSet) checkAttrs(e *Element, t xml.Name, path string) error {
	decls := map[string]attrDecl{}
	for _, ct := range s.chain(t) {
		for n, a := range ct.attrs {
			decls[n] = a
		}
	}
	if err := checkNoAttrs(e, decls, path); err != nil {
		return err
	}
	for n, a := range decls {
		v, ok := e.AttrValue(n)
		if !ok {
			if a.required {
				return &InvalidError{Path: path, Reason: fmt.Sprintf(
					"cvc-complex-type.4: Attribute '%s' must appear on element '%s'.", n, e.Name.Local)}
			}
			continue
		}
		if err := s.checkValue(v, a.typ, path+"/@"+n); err != nil {
			return err
		}
	}
	return nil
}

func checkNoAttrs(e *Element, decls map[string]attrDecl, path string) error {
	for _, a := range e.Attr {
		switch {
		case isNSDecl(a), a.Name.Space == "http://www.w3.org/2001/XMLSchema-instance",
			a.Name.Space == "http://www.w3.org/XML/1998/namespace":
			continue
		case a.Name.Space == "":
			if _, ok := decls[a.Name.Local]; ok {
				continue
			}
		}
		return &InvalidError{Path: path, Reason: fmt.Sprintf(
			"cvc-complex-type.3.2.2: Attribute '%s' is not allowed to appear in element '%s'.", a.Name.Local, e.Name.Local)}
	}
	return nil
}

// checkValue applies a simple type's facets to raw, the text as received;
// xs:token types are checked on their whitespace-collapsed form.
func (s *schemaSet) checkValue(raw string, t xml.Name, path string) error {
	base, st := t.Local, s.simple[t]
	if st != nil {
		base = st.base
	}
	v := raw
	if base == "token" {
		v = strings.Join(strings.Fields(raw), " ")
	}
	if base == "base64Binary" {
		if _, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(raw), "")); err != nil {
			return &InvalidError{Path: path, Reason: fmt.Sprintf(
				"cvc-datatype-valid.1.2.1: '%s' is not a valid value for 'base64Binary'.", short(strings.TrimSpace(raw)))}
		}
	}
	if st == nil {
		return nil
	}
	tn := t.Local
	if len(st.enums) > 0 {
		found := false
		for _, en := range st.enums {
			if v == en {
				found = true
				break
			}
		}
		if !found {
			return &InvalidError{Path: path, Reason: fmt.Sprintf(
				"cvc-enumeration-valid: Value '%s' is not facet-valid with respect to enumeration '[%s]'. It must be a value from the enumeration.",
				short(v), strings.Join(st.enums, ", "))}
		}
	}
	n := utf8.RuneCountInString(v)
	switch {
	case st.minLen >= 0 && st.minLen == st.maxLen && n != st.minLen:
		return &InvalidError{Path: path, Reason: fmt.Sprintf(
			"cvc-length-valid: Value '%s' with length = '%d' is not facet-valid with respect to length '%d' for type '%s'.", short(v), n, st.minLen, tn)}
	case st.minLen >= 0 && n < st.minLen:
		return &InvalidError{Path: path, Reason: fmt.Sprintf(
			"cvc-minLength-valid: Value '%s' with length = '%d' is not facet-valid with respect to minLength '%d' for type '%s'.", short(v), n, st.minLen, tn)}
	case st.maxLen >= 0 && n > st.maxLen:
		return &InvalidError{Path: path, Reason: fmt.Sprintf(
			"cvc-maxLength-valid: Value '%s' with length = '%d' is not facet-valid with respect to maxLength '%d' for type '%s'.", short(v), n, st.maxLen, tn)}
	}
	for i, re := range st.patterns {
		if !re.MatchString(v) {
			return &InvalidError{Path: path, Reason: fmt.Sprintf(
				"cvc-pattern-valid: Value '%s' is not facet-valid with respect to pattern '%s' for type '%s'.", short(v), st.pattSrc[i], tn)}
		}
	}
	return nil
}

// short bounds a value quoted in an error message.
func short(v string) string {
	if utf8.RuneCountInString(v) <= 64 {
		return v
	}
	r := []rune(v)
	return string(r[:64]) + "…"
}
