package soap

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
)

// parseReference is Parse as it was built on encoding/xml's strict
// Decoder; the differential tests hold the byte-level Parse to it.
func parseReference(raw []byte, lim Limits) (*Envelope, error) {
	if lim.MaxBytes > 0 && len(raw) > lim.MaxBytes {
		return nil, reject("too-large",
			fmt.Sprintf("zpráva je větší než povolených %d bajtů", lim.MaxBytes),
			fmt.Sprintf("message exceeds the limit of %d bytes", lim.MaxBytes), nil)
	}
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil, reject("empty", "prázdné tělo požadavku", "empty request body", nil)
	}
	p := refParser{lim: lim, raw: raw, env: &Envelope{Raw: raw}}
	p.dec = xml.NewDecoder(bytes.NewReader(raw))
	p.dec.Strict = true
	p.dec.CharsetReader = func(label string, _ io.Reader) (io.Reader, error) {
		return nil, &encodingError{label}
	}
	if err := p.run(); err != nil {
		return nil, err
	}
	return p.env, nil
}

type refParser struct {
	lim      Limits
	raw      []byte
	dec      *xml.Decoder
	env      *Envelope
	depth    int
	elements int
	ids      map[string]struct{}
	tokens   int
}

func (p *refParser) run() error {
	state := stBeforeRoot
	var sawHeader, sawBody bool
	var bodyChildren int
	var payloadDepth int // depth of the payload element, 0 when not inside
	for {
		start := p.dec.InputOffset()
		tok, err := p.dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return malformed(err)
		}
		p.tokens++
		switch t := tok.(type) {
		case xml.ProcInst:
			if t.Target == "xml" && p.tokens == 1 && start == 0 {
				if err := checkDecl(t.Inst); err != nil {
					return err
				}
				continue
			}
			return reject("processing-instruction",
				"zpráva SOAP nesmí obsahovat instrukce pro zpracování (<?…?>)",
				"a SOAP message must not contain processing instructions (<?…?>)", nil)
		case xml.Directive:
			return reject("doctype",
				"zpráva SOAP nesmí obsahovat DOCTYPE ani deklarace DTD",
				"a SOAP message must not contain a DOCTYPE or DTD declarations", nil)
		case xml.Comment:
			continue
		case xml.CharData:
			if p.depth <= 2 && len(bytes.TrimSpace(t)) > 0 && payloadDepth == 0 {
				return reject("stray-text",
					"text mimo prvky Envelope, Header a Body",
					"text outside the Envelope, Header and Body elements", nil)
			}
		case xml.StartElement:
			p.depth++
			p.elements++
			if err := p.checkElement(t); err != nil {
				return err
			}
			switch {
			case p.depth == 1:
				if state != stBeforeRoot {
					return reject("multiple-roots", "více kořenových prvků", "more than one root element", nil)
				}
				if t.Name.Local != "Envelope" || (t.Name.Space != NS11 && t.Name.Space != NS12) {
					return reject("not-envelope",
						fmt.Sprintf("kořenový prvek musí být SOAP Envelope, je %s", qname(t.Name)),
						fmt.Sprintf("the root element must be a SOAP Envelope, got %s", qname(t.Name)), nil)
				}
				p.env.Version = V11
				if t.Name.Space == NS12 {
					p.env.Version = V12
				}
				state = stInEnvelope
				p.inherit(t.Attr)
			case p.depth == 2:
				ns := p.env.Version.Namespace()
				switch {
				case t.Name.Space == ns && t.Name.Local == "Header":
					if sawHeader {
						return reject("multiple-headers", "zpráva má více prvků Header", "the message has more than one Header", nil)
					}
					if sawBody {
						return reject("header-after-body", "prvek Header musí předcházet Body", "the Header must come before the Body", nil)
					}
					sawHeader = true
					p.env.HasHeader = true
					p.env.HeaderStart = int(start)
				case t.Name.Space == ns && t.Name.Local == "Body":
					if sawBody {
						return reject("multiple-bodies", "zpráva má více prvků Body", "the message has more than one Body", nil)
					}
					sawBody = true
					p.inherit(t.Attr)
				default:
					return reject("unexpected-element",
						fmt.Sprintf("nečekaný prvek %s v Envelope", qname(t.Name)),
						fmt.Sprintf("unexpected element %s in the Envelope", qname(t.Name)), nil)
				}
			case p.depth == 3 && sawBody && state == stInEnvelope:
				bodyChildren++
				if bodyChildren > 1 {
					return reject("multiple-payloads", "Body smí obsahovat jediný prvek", "the Body must hold exactly one element", nil)
				}
				p.env.Payload = t.Name
				p.env.PayloadStart = int(start)
				p.env.Fault = t.Name.Local == "Fault" && t.Name.Space == p.env.Version.Namespace()
				payloadDepth = 3
			}
		case xml.EndElement:
			off := p.dec.InputOffset()
			switch {
			case p.depth == 3 && payloadDepth == 3:
				p.env.PayloadEnd = int(off)
				payloadDepth = -1 // payload closed; further children are counted above
			case p.depth == 2 && t.Name.Local == "Header" && p.env.HasHeader && p.env.HeaderEnd == 0:
				p.env.HeaderEnd = int(off)
			case p.depth == 2 && t.Name.Local == "Body":
				state = stAfterBody
			case p.depth == 1:
				state = stDone
			}
			if payloadDepth == -1 && p.depth == 3 {
				payloadDepth = 0
			}
			p.depth--
		}
	}
	if state != stDone {
		return reject("truncated", "neúplná zpráva SOAP", "incomplete SOAP message", nil)
	}
	if !sawBody {
		return reject("no-body", "zpráva nemá prvek Body", "the message has no Body", nil)
	}
	if bodyChildren == 0 {
		return reject("empty-body", "prvek Body je prázdný", "the Body is empty", nil)
	}
	return nil
}

// inherit records namespace declarations; a later (inner) declaration of
// the same prefix replaces an earlier one.
func (p *refParser) inherit(attrs []xml.Attr) {
	for _, a := range attrs {
		if a.Name.Space != "xmlns" && !(a.Name.Space == "" && a.Name.Local == "xmlns") {
			continue
		}
		replaced := false
		for i, b := range p.env.inherited {
			if b.Name == a.Name {
				p.env.inherited[i] = a
				replaced = true
			}
		}
		if !replaced {
			p.env.inherited = append(p.env.inherited, a)
		}
	}
}

func (p *refParser) checkElement(t xml.StartElement) error {
	if p.lim.MaxDepth > 0 && p.depth > p.lim.MaxDepth {
		return reject("too-deep",
			fmt.Sprintf("zanoření prvků přesahuje %d úrovní", p.lim.MaxDepth),
			fmt.Sprintf("element nesting exceeds %d levels", p.lim.MaxDepth), nil)
	}
	if p.lim.MaxElements > 0 && p.elements > p.lim.MaxElements {
		return reject("too-many-elements",
			fmt.Sprintf("zpráva má více než %d prvků", p.lim.MaxElements),
			fmt.Sprintf("the message has more than %d elements", p.lim.MaxElements), nil)
	}
	if p.lim.MaxAttrs > 0 && len(t.Attr) > p.lim.MaxAttrs {
		return reject("too-many-attributes",
			fmt.Sprintf("prvek %s má více než %d atributů", t.Name.Local, p.lim.MaxAttrs),
			fmt.Sprintf("element %s has more than %d attributes", t.Name.Local, p.lim.MaxAttrs), nil)
	}
	if p.lim.MaxNameLen > 0 && len(t.Name.Local) > p.lim.MaxNameLen {
		return reject("name-too-long", "příliš dlouhý název prvku", "element name too long", nil)
	}
	for i, a := range t.Attr {
		if p.lim.MaxNameLen > 0 && len(a.Name.Local) > p.lim.MaxNameLen {
			return reject("name-too-long", "příliš dlouhý název atributu", "attribute name too long", nil)
		}
		for _, b := range t.Attr[:i] {
			if a.Name == b.Name {
				return reject("duplicate-attribute",
					fmt.Sprintf("prvek %s má atribut %s dvakrát", t.Name.Local, a.Name.Local),
					fmt.Sprintf("element %s has attribute %s twice", t.Name.Local, a.Name.Local), nil)
			}
		}
		if isIDAttr(a.Name) {
			if p.ids == nil {
				p.ids = make(map[string]struct{})
			}
			if _, dup := p.ids[a.Value]; dup {
				return reject("duplicate-id",
					fmt.Sprintf("identifikátor %q je ve zprávě vícekrát", a.Value),
					fmt.Sprintf("the identifier %q occurs more than once", a.Value), nil)
			}
			p.ids[a.Value] = struct{}{}
		}
	}
	return nil
}
