// Package soap reads SOAP 1.1 and 1.2 envelopes defensively and writes
// SOAP faults. It is the first thing that touches a caller's bytes, so it
// enforces limits (size, depth, element and attribute counts) and rejects
// what SOAP forbids or what enables XML attacks: a DOCTYPE, processing
// instructions, duplicate attributes or IDs, more than one Header or Body,
// and stray content around them.
package soap

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"iter"
	"strings"
)

// Namespaces of the two SOAP versions.
const (
	NS11 = "http://schemas.xmlsoap.org/soap/envelope/"
	NS12 = "http://www.w3.org/2003/05/soap-envelope"
)

// Version is the SOAP version of an envelope.
type Version int

// SOAP versions.
const (
	V11 Version = 11
	V12 Version = 12
)

// String returns "1.1" or "1.2".
func (v Version) String() string {
	if v == V12 {
		return "1.2"
	}
	return "1.1"
}

// Namespace returns the envelope namespace of the version.
func (v Version) Namespace() string {
	if v == V12 {
		return NS12
	}
	return NS11
}

// Limits bound the work a single envelope may cause.
type Limits struct {
	MaxBytes    int // whole envelope
	MaxDepth    int // element nesting
	MaxElements int // elements in total
	MaxAttrs    int // attributes on one element
	MaxNameLen  int // local name or prefix length
}

// DefaultLimits are generous for eGON, ISDS and ČÚZK messages and still
// bounded.
var DefaultLimits = Limits{
	MaxBytes:    8 << 20,
	MaxDepth:    64,
	MaxElements: 100_000,
	MaxAttrs:    64,
	MaxNameLen:  256,
}

// Envelope is a parsed envelope. It keeps the original bytes: konektor
// relays exactly what it received, and everything it read is located by
// byte offsets into Raw.
type Envelope struct {
	Version Version
	Raw     []byte
	// HasHeader reports whether a Header element is present.
	HasHeader bool
	// Header spans the whole Header element (start tag to end tag) when
	// HasHeader is set.
	HeaderStart, HeaderEnd int
	// Payload is the name of the single element inside Body.
	Payload xml.Name
	// PayloadStart and PayloadEnd span the payload element in Raw.
	PayloadStart, PayloadEnd int
	// Fault reports whether the payload is a SOAP Fault.
	Fault bool
	// inherited are the namespace declarations made on Envelope and Body,
	// which the payload may rely on.
	inherited []xml.Attr
	// src is Raw as the scanner reads it, kept for PayloadTokens.
	src string
}

// TokenKind tells the kinds of [Token] apart.
type TokenKind uint8

// Token kinds.
const (
	StartToken TokenKind = iota + 1 // a start tag (an empty-element tag gives a start and an end)
	EndToken                        // an end tag
	TextToken                       // character data or a CDATA section
)

// Token is one token of an element as Parse read it, the way
// encoding/xml's Decoder.Token reports it: names resolved against the
// namespaces in scope (an undeclared prefix stays as the Space), attributes
// in document order with the namespace declarations among them
// (Space "xmlns", or Local "xmlns" for the default namespace), character
// data with references decoded and line ends normalised, one token per run
// between markup. Comments are left out. Tokens share memory with the
// envelope and must not be modified.
type Token struct {
	Kind TokenKind
	Name xml.Name   // StartToken and EndToken
	Attr []xml.Attr // StartToken
	Text string     // TextToken
}

// PayloadTokens yields the payload element's tokens, from its start tag
// to its end tag, with the names resolved in the envelope's scope. A stage
// that needs the payload's content (the ISZR adapter's ZadostInfo and
// cache key) walks them instead of decoding the payload document: Parse
// has already checked every byte, and the walk is the same scanner over
// the payload's span again, without allocating and without repeating
// Parse's character and name checks (keeping Parse's tokens instead cost
// more than scanning twice). A token's Attr is valid only
// until the next token is yielded.
func (e *Envelope) PayloadTokens() iter.Seq[Token] {
	return func(yield func(Token) bool) {
		if e.PayloadEnd <= e.PayloadStart {
			return
		}
		src := e.src
		if src == "" {
			src = string(e.Raw)
		}
		sc := getScanner(src[:e.PayloadEnd])
		defer sc.release()
		sc.pos = e.PayloadStart
		sc.checked = e.src != "" // Parse read these very bytes
		for _, a := range e.inherited {
			if a.Name.Space == xmlnsPrefix {
				sc.ns = append(sc.ns, nsBinding{a.Name.Local, a.Value})
			} else {
				sc.ns = append(sc.ns, nsBinding{"", a.Value})
			}
		}
		for {
			if err := sc.next(); err != nil {
				return // io.EOF at the payload's end; Parse accepted the rest
			}
			var t Token
			switch sc.kind {
			case tokStart:
				t = Token{Kind: StartToken, Name: sc.name, Attr: sc.attrs}
			case tokEnd:
				t = Token{Kind: EndToken, Name: sc.name}
			case tokText:
				t = Token{Kind: TextToken, Text: sc.text}
			default:
				continue
			}
			if !yield(t) {
				return
			}
		}
	}
}

// Tokens reads a standalone XML document (such as
// [Envelope.PayloadDocument]) with Parse's scanner and returns its
// tokens. It refuses what Parse refuses lexically (a DOCTYPE or other
// directive, processing instructions other than a leading XML
// declaration, entities, invalid characters) and more than one root or
// text outside it; lim's depth, element and attribute limits apply when
// set.
func Tokens(doc []byte, lim Limits) ([]Token, error) {
	if lim.MaxBytes > 0 && len(doc) > lim.MaxBytes {
		return nil, fmt.Errorf("soap: document exceeds %d bytes", lim.MaxBytes)
	}
	sc := getScanner(string(doc))
	defer sc.release()
	toks := make([]Token, 0, 64)
	depth, elements, roots := 0, 0, 0
	for n := 0; ; n++ {
		err := sc.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		switch sc.kind {
		case tokProcInst:
			if sc.target != "xml" || n != 0 || sc.start != 0 {
				return nil, errors.New("soap: processing instruction in document")
			}
		case tokDirective:
			return nil, errors.New("soap: DOCTYPE or directive in document")
		case tokText:
			if depth == 0 {
				if strings.TrimSpace(sc.text) != "" {
					return nil, errors.New("soap: text outside the root element")
				}
				continue
			}
			toks = append(toks, Token{Kind: TextToken, Text: sc.text})
		case tokStart:
			depth++
			elements++
			if depth == 1 {
				if roots++; roots > 1 {
					return nil, errors.New("soap: more than one root element")
				}
			}
			switch {
			case lim.MaxDepth > 0 && depth > lim.MaxDepth:
				return nil, fmt.Errorf("soap: nesting deeper than %d", lim.MaxDepth)
			case lim.MaxElements > 0 && elements > lim.MaxElements:
				return nil, fmt.Errorf("soap: more than %d elements", lim.MaxElements)
			case lim.MaxAttrs > 0 && len(sc.attrs) > lim.MaxAttrs:
				return nil, fmt.Errorf("soap: element %s has more than %d attributes", sc.name.Local, lim.MaxAttrs)
			}
			var a []xml.Attr
			if len(sc.attrs) > 0 {
				a = append(a, sc.attrs...)
			}
			toks = append(toks, Token{Kind: StartToken, Name: sc.name, Attr: a})
		case tokEnd:
			depth--
			toks = append(toks, Token{Kind: EndToken, Name: sc.name})
		}
	}
	if roots == 0 {
		return nil, errors.New("soap: no root element")
	}
	return toks, nil
}

// PayloadBytes returns the payload element's bytes as they are in Raw.
// Namespace declarations made on Envelope or Body are not inside this
// span; [Envelope.PayloadDocument] adds them.
func (e *Envelope) PayloadBytes() []byte { return e.Raw[e.PayloadStart:e.PayloadEnd] }

// PayloadDocument returns the payload as a standalone document: wrapped in
// an element that declares the namespaces the payload inherits from
// Envelope and Body, so prefixes resolve exactly as in the envelope.
func (e *Envelope) PayloadDocument() []byte {
	if len(e.inherited) == 0 {
		return e.PayloadBytes()
	}
	var b bytes.Buffer
	b.Grow(e.PayloadEnd - e.PayloadStart + 64*len(e.inherited) + 16)
	b.WriteString("<konektor-scope")
	for _, a := range e.inherited {
		b.WriteByte(' ')
		if a.Name.Space == "xmlns" {
			b.WriteString("xmlns:")
			b.WriteString(a.Name.Local)
		} else {
			b.WriteString("xmlns")
		}
		b.WriteString(`="`)
		xml.EscapeText(&b, []byte(a.Value))
		b.WriteByte('"')
	}
	b.WriteByte('>')
	b.Write(e.PayloadBytes())
	b.WriteString("</konektor-scope>")
	return b.Bytes()
}

// ParseError is a rejected envelope. Code is a stable machine name, the two
// texts are safe to show to the caller.
type ParseError struct {
	Code string
	CS   string
	EN   string
	Err  error
}

func (e *ParseError) Error() string {
	if e.Err != nil {
		return "soap: " + e.Code + ": " + e.Err.Error()
	}
	return "soap: " + e.Code
}

func (e *ParseError) Unwrap() error { return e.Err }

// ErrInvalid is wrapped by every ParseError, so callers can test for any
// parse rejection with errors.Is.
var ErrInvalid = errors.New("invalid soap envelope")

func reject(code, cs, en string, cause error) *ParseError {
	if cause == nil {
		cause = ErrInvalid
	} else {
		cause = fmt.Errorf("%w: %w", ErrInvalid, cause)
	}
	return &ParseError{Code: code, CS: cs, EN: en, Err: cause}
}

// Parse checks raw against the limits and SOAP's structure and returns the
// envelope. It never expands entities or fetches anything. It reads raw
// once, with a byte-level scanner (scan.go).
func Parse(raw []byte, lim Limits) (*Envelope, error) {
	if lim.MaxBytes > 0 && len(raw) > lim.MaxBytes {
		return nil, reject("too-large",
			fmt.Sprintf("zpráva je větší než povolených %d bajtů", lim.MaxBytes),
			fmt.Sprintf("message exceeds the limit of %d bytes", lim.MaxBytes), nil)
	}
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil, reject("empty", "prázdné tělo požadavku", "empty request body", nil)
	}
	p := parser{lim: lim, sc: getScanner(string(raw)), env: &Envelope{Raw: raw}}
	defer p.sc.release()
	p.env.src = p.sc.s
	if err := p.run(); err != nil {
		return nil, err
	}
	return p.env, nil
}

type parser struct {
	lim      Limits
	sc       *scanner
	env      *Envelope
	depth    int
	elements int
	ids      map[string]struct{}
	tokens   int
}

// state of the walk through the envelope's fixed top structure.
const (
	stBeforeRoot = iota
	stInEnvelope
	stAfterBody
	stDone
)

func (p *parser) run() error {
	sc := p.sc
	state := stBeforeRoot
	var sawHeader, sawBody bool
	var bodyChildren int
	var payloadDepth int // depth of the payload element, 0 when not inside
	for {
		err := sc.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return malformed(err)
		}
		p.tokens++
		start := sc.start
		switch sc.kind {
		case tokProcInst:
			if sc.target == "xml" && p.tokens == 1 && start == 0 {
				if err := checkDecl([]byte(sc.text)); err != nil {
					return err
				}
				continue
			}
			return reject("processing-instruction",
				"zpráva SOAP nesmí obsahovat instrukce pro zpracování (<?…?>)",
				"a SOAP message must not contain processing instructions (<?…?>)", nil)
		case tokDirective:
			return reject("doctype",
				"zpráva SOAP nesmí obsahovat DOCTYPE ani deklarace DTD",
				"a SOAP message must not contain a DOCTYPE or DTD declarations", nil)
		case tokComment:
			continue
		case tokText:
			if p.depth <= 2 && payloadDepth == 0 && strings.TrimSpace(sc.text) != "" {
				return reject("stray-text",
					"text mimo prvky Envelope, Header a Body",
					"text outside the Envelope, Header and Body elements", nil)
			}
		case tokStart:
			p.depth++
			p.elements++
			name, attrs := sc.name, sc.attrs
			if err := p.checkElement(name, attrs); err != nil {
				return err
			}
			switch {
			case p.depth == 1:
				if state != stBeforeRoot {
					return reject("multiple-roots", "více kořenových prvků", "more than one root element", nil)
				}
				if name.Local != "Envelope" || (name.Space != NS11 && name.Space != NS12) {
					return reject("not-envelope",
						fmt.Sprintf("kořenový prvek musí být SOAP Envelope, je %s", qname(name)),
						fmt.Sprintf("the root element must be a SOAP Envelope, got %s", qname(name)), nil)
				}
				p.env.Version = V11
				if name.Space == NS12 {
					p.env.Version = V12
				}
				state = stInEnvelope
				p.inherit(attrs)
			case p.depth == 2:
				ns := p.env.Version.Namespace()
				switch {
				case name.Space == ns && name.Local == "Header":
					if sawHeader {
						return reject("multiple-headers", "zpráva má více prvků Header", "the message has more than one Header", nil)
					}
					if sawBody {
						return reject("header-after-body", "prvek Header musí předcházet Body", "the Header must come before the Body", nil)
					}
					sawHeader = true
					p.env.HasHeader = true
					p.env.HeaderStart = start
				case name.Space == ns && name.Local == "Body":
					if sawBody {
						return reject("multiple-bodies", "zpráva má více prvků Body", "the message has more than one Body", nil)
					}
					sawBody = true
					p.inherit(attrs)
				default:
					return reject("unexpected-element",
						fmt.Sprintf("nečekaný prvek %s v Envelope", qname(name)),
						fmt.Sprintf("unexpected element %s in the Envelope", qname(name)), nil)
				}
			case p.depth == 3 && sawBody && state == stInEnvelope:
				bodyChildren++
				if bodyChildren > 1 {
					return reject("multiple-payloads", "Body smí obsahovat jediný prvek", "the Body must hold exactly one element", nil)
				}
				p.env.Payload = name
				p.env.PayloadStart = start
				p.env.Fault = name.Local == "Fault" && name.Space == p.env.Version.Namespace()
				payloadDepth = 3
			}
		case tokEnd:
			off := sc.pos
			switch {
			case p.depth == 3 && payloadDepth == 3:
				p.env.PayloadEnd = off
				payloadDepth = -1 // payload closed; further children are counted above
			case p.depth == 2 && sc.name.Local == "Header" && p.env.HasHeader && p.env.HeaderEnd == 0:
				p.env.HeaderEnd = off
			case p.depth == 2 && sc.name.Local == "Body":
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
func (p *parser) inherit(attrs []xml.Attr) {
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

func (p *parser) checkElement(name xml.Name, attrs []xml.Attr) error {
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
	if p.lim.MaxAttrs > 0 && len(attrs) > p.lim.MaxAttrs {
		return reject("too-many-attributes",
			fmt.Sprintf("prvek %s má více než %d atributů", name.Local, p.lim.MaxAttrs),
			fmt.Sprintf("element %s has more than %d attributes", name.Local, p.lim.MaxAttrs), nil)
	}
	if p.lim.MaxNameLen > 0 && len(name.Local) > p.lim.MaxNameLen {
		return reject("name-too-long", "příliš dlouhý název prvku", "element name too long", nil)
	}
	for i, a := range attrs {
		if p.lim.MaxNameLen > 0 && len(a.Name.Local) > p.lim.MaxNameLen {
			return reject("name-too-long", "příliš dlouhý název atributu", "attribute name too long", nil)
		}
		for _, b := range attrs[:i] {
			if a.Name == b.Name {
				return reject("duplicate-attribute",
					fmt.Sprintf("prvek %s má atribut %s dvakrát", name.Local, a.Name.Local),
					fmt.Sprintf("element %s has attribute %s twice", name.Local, a.Name.Local), nil)
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

// isIDAttr reports whether an attribute is used as an element identifier by
// XML Signature references: wsu:Id, xml:id, or an unqualified Id/ID/id.
func isIDAttr(n xml.Name) bool {
	switch n.Local {
	case "Id", "ID", "id":
		return n.Space == "" || strings.HasSuffix(n.Space, "oasis-200401-wss-wssecurity-utility-1.0.xsd") ||
			n.Space == "http://www.w3.org/XML/1998/namespace" || n.Space == "xml"
	}
	return false
}

// checkDecl accepts only UTF-8 (or an absent encoding) in the XML
// declaration.
func checkDecl(inst []byte) error {
	s := string(inst)
	i := strings.Index(s, "encoding")
	if i < 0 {
		return nil
	}
	rest := strings.TrimLeft(s[i+len("encoding"):], " \t\r\n=")
	if len(rest) == 0 {
		return nil
	}
	q := rest[0]
	rest = rest[1:]
	j := strings.IndexByte(rest, q)
	if j < 0 {
		return nil
	}
	enc := strings.ToLower(rest[:j])
	if enc != "utf-8" && enc != "utf8" {
		return reject("encoding",
			fmt.Sprintf("nepodporované kódování %q, zprávy musí být v UTF-8", rest[:j]),
			fmt.Sprintf("unsupported encoding %q, messages must be UTF-8", rest[:j]), nil)
	}
	return nil
}

type encodingError struct{ label string }

func (e *encodingError) Error() string { return "unsupported encoding " + e.label }

func malformed(err error) error {
	var ee *encodingError
	if errors.As(err, &ee) {
		return reject("encoding",
			fmt.Sprintf("nepodporované kódování %q, zprávy musí být v UTF-8", ee.label),
			fmt.Sprintf("unsupported encoding %q, messages must be UTF-8", ee.label), err)
	}
	var se *xml.SyntaxError
	if errors.As(err, &se) && se.Msg == "unexpected EOF" {
		return reject("truncated", "neúplná zpráva SOAP", "incomplete SOAP message", err)
	}
	return reject("malformed",
		"zpráva není správně utvořené XML: "+err.Error(),
		"the message is not well-formed XML: "+err.Error(), err)
}

func qname(n xml.Name) string {
	if n.Space == "" {
		return n.Local
	}
	return "{" + n.Space + "}" + n.Local
}
