package soap

import (
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

// scanner reads an XML document token by token, straight from its bytes.
// It accepts and rejects exactly what encoding/xml's strict
// Decoder.Token did when Parse was built on it (reference_test.go keeps
// that implementation and compares the two, also on fuzzed input): the
// same name rules, references (only the five predefined entities and
// character references, never anything a document declares), character
// ranges, end-tag matching and namespace translation, including its
// leniencies (an undeclared prefix stays as the name's Space; ":a" and
// "a:" are plain local names). A SyntaxError whose Msg is "unexpected EOF"
// marks input that ended too early, as encoding/xml's did.
//
// Names and text are substrings of one string copy of the document, so a
// token costs no allocation unless its text holds a reference or a CR.
type scanner struct {
	s   string
	pos int

	ns   []nsBinding // namespace declarations in scope, innermost last
	open []openElement
	// pendingEnd is set after an empty-element tag: its end token is next.
	pendingEnd bool
	// checked is set when the document was already read to the end by a
	// scanner (Parse, then a payload walk over the same bytes): character
	// and name checks that could only fail the first time are skipped.
	checked bool

	// The current token.
	kind   tokenKind
	start  int // offset of its first byte
	name   xml.Name
	attrs  []xml.Attr // start tag: translated, valid until the next call
	text   string     // character data, comment, PI instruction
	target string     // PI target

	buf []byte // decoding scratch

	// First backing arrays of open, ns and attrs: a typical envelope
	// needs no more.
	openBuf [16]openElement
	nsBuf   [8]nsBinding
	attrBuf [8]xml.Attr
}

type tokenKind uint8

const (
	tokStart tokenKind = iota + 1
	tokEnd
	tokText
	tokComment
	tokProcInst
	tokDirective
)

type nsBinding struct{ prefix, uri string }

type openElement struct {
	prefix, local string // as written
	ns            int    // len(scanner.ns) before the element's declarations
}

const (
	xmlnsPrefix = "xmlns"
	xmlPrefix   = "xml"
	xmlURL      = "http://www.w3.org/XML/1998/namespace"
)

// scanners recycles scanners: one is taken per Parse and per payload walk.
var scanners = sync.Pool{New: func() any { return new(scanner) }}

// getScanner returns a scanner at the start of s; release it when done.
func getScanner(s string) *scanner {
	sc := scanners.Get().(*scanner)
	sc.s = s
	sc.open, sc.ns, sc.attrs = sc.openBuf[:0], sc.nsBuf[:0], sc.attrBuf[:0]
	return sc
}

// release drops the scanner's references into the document and pools it.
func (sc *scanner) release() {
	buf := sc.buf
	if cap(buf) > 4096 {
		buf = nil
	}
	clear(sc.openBuf[:])
	clear(sc.nsBuf[:])
	clear(sc.attrBuf[:])
	*sc = scanner{buf: buf[:0], openBuf: sc.openBuf, nsBuf: sc.nsBuf, attrBuf: sc.attrBuf}
	scanners.Put(sc)
}

// syntax is a lexical error at the current position, worded as
// encoding/xml's.
func (sc *scanner) syntax(msg string) error {
	line := 1 + strings.Count(sc.s[:min(sc.pos, len(sc.s))], "\n")
	return &xml.SyntaxError{Msg: msg, Line: line}
}

func (sc *scanner) eof() error {
	sc.pos = len(sc.s)
	return sc.syntax("unexpected EOF")
}

// next reads the next token; io.EOF after the last one.
func (sc *scanner) next() error {
	if sc.pendingEnd {
		sc.pendingEnd = false
		top := sc.open[len(sc.open)-1]
		sc.start = sc.pos
		return sc.closeElement(top.prefix, top.local)
	}
	if sc.pos >= len(sc.s) {
		if len(sc.open) > 0 {
			return sc.syntax("unexpected EOF")
		}
		return io.EOF
	}
	sc.start = sc.pos
	if sc.s[sc.pos] != '<' {
		t, err := sc.chars(-1, false)
		if err != nil {
			return err
		}
		sc.kind, sc.text = tokText, t
		return nil
	}
	sc.pos++
	if sc.pos >= len(sc.s) {
		return sc.eof()
	}
	switch sc.s[sc.pos] {
	case '/':
		sc.pos++
		return sc.endTag()
	case '?':
		sc.pos++
		return sc.procInst()
	case '!':
		sc.pos++
		return sc.bang()
	}
	return sc.startTag()
}

// readName reads the bytes of a name (encoding/xml's readName): false with
// no error when no name starts here; running into the end is an error.
func (sc *scanner) readName() (string, bool, error) {
	start := sc.pos
	if sc.pos >= len(sc.s) {
		return "", false, sc.eof()
	}
	if c := sc.s[sc.pos]; c < utf8.RuneSelf && !nameByte[c] {
		return "", false, nil
	}
	sc.pos++
	for {
		if sc.pos >= len(sc.s) {
			return "", false, sc.eof()
		}
		if c := sc.s[sc.pos]; c < utf8.RuneSelf && !nameByte[c] {
			break
		}
		sc.pos++
	}
	return sc.s[start:sc.pos], true, nil
}

// readXMLName is readName that also requires a valid XML name.
func (sc *scanner) readXMLName() (string, bool, error) {
	n, ok, err := sc.readName()
	if !ok {
		return "", false, err
	}
	if !sc.checked && !isName(n) {
		return "", false, sc.syntax("invalid XML name: " + n)
	}
	return n, true, nil
}

// nsname reads a name and splits it at its colon (encoding/xml's nsname).
func (sc *scanner) nsname() (xml.Name, bool, error) {
	s, ok, err := sc.readXMLName()
	if !ok {
		return xml.Name{}, false, err
	}
	i := strings.IndexByte(s, ':')
	if i < 0 {
		return xml.Name{Local: s}, true, nil
	}
	space, local := s[:i], s[i+1:]
	if strings.IndexByte(local, ':') >= 0 {
		return xml.Name{}, false, nil // more than one colon
	}
	if space == "" || local == "" {
		return xml.Name{Local: s}, true, nil
	}
	return xml.Name{Space: space, Local: local}, true, nil
}

// nameByte marks the ASCII bytes a name may hold.
var nameByte [utf8.RuneSelf]bool

// plainByte marks the ASCII bytes text carries as they are: printable but
// '&' (and ']', which may start "]]>"), plus TAB and LF.
var plainByte [256]bool

func init() {
	for c := range utf8.RuneSelf {
		b := byte(c)
		nameByte[c] = 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || '0' <= b && b <= '9' ||
			b == '_' || b == ':' || b == '.' || b == '-'
		plainByte[c] = b >= 0x20 && b != '&' && b != ']' || b == '\n' || b == '\t'
	}
}

// isName reports whether n is an XML name. ASCII names are decided here;
// a name with other characters is rare in SOAP and is decided by
// encoding/xml's own tables.
func isName(n string) bool {
	if n == "" {
		return false
	}
	for i := 0; i < len(n); i++ {
		if n[i] >= utf8.RuneSelf {
			return stdName(n)
		}
	}
	c := n[0]
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '_' || c == ':'
}

func stdName(n string) bool {
	d := xml.NewDecoder(strings.NewReader("<?" + n + "?>"))
	d.Strict = true
	tok, err := d.RawToken()
	if err != nil {
		return false
	}
	pi, ok := tok.(xml.ProcInst)
	return ok && pi.Target == n
}

// space skips white space.
func (sc *scanner) space() {
	for sc.pos < len(sc.s) {
		switch sc.s[sc.pos] {
		case ' ', '\r', '\n', '\t':
			sc.pos++
		default:
			return
		}
	}
}

// chars reads character data (encoding/xml's text): quote < 0 for content
// up to the next '<' or the end, otherwise an attribute value up to the
// closing quote; cdata for a CDATA section's content up to "]]>".
func (sc *scanner) chars(quote int, cdata bool) (string, error) {
	if quote < 0 && !cdata {
		// Fast path: a run with no reference, CR or ']' is its own value.
		end := strings.IndexByte(sc.s[sc.pos:], '<')
		if end < 0 {
			end = len(sc.s)
		} else {
			end += sc.pos
		}
		run := sc.s[sc.pos:end]
		if plain, valid := plainText(run); plain {
			sc.pos = end
			if !valid {
				if err := sc.checkChars(run); err != nil {
					return "", err // names the offending character
				}
			}
			return run, nil
		}
	}
	if quote >= 0 {
		// Fast path for attribute values: no reference, CR or '<' before
		// the closing quote.
		end := strings.IndexByte(sc.s[sc.pos:], byte(quote))
		if end >= 0 {
			run := sc.s[sc.pos : sc.pos+end]
			if strings.IndexAny(run, "&\r<") < 0 {
				sc.pos += end + 1
				if err := sc.checkChars(run); err != nil {
					return "", err
				}
				return run, nil
			}
		}
	}
	buf := sc.buf[:0]
	var b0, b1 byte
	trunc := 0
	for {
		if sc.pos >= len(sc.s) {
			if cdata {
				return "", sc.syntax("unexpected EOF in CDATA section")
			}
			break
		}
		b := sc.s[sc.pos]
		sc.pos++
		if quote < 0 && b0 == ']' && b1 == ']' && b == '>' {
			if cdata {
				trunc = 2
				break
			}
			return "", sc.syntax("unescaped ]]> not in CDATA section")
		}
		if b == '<' && !cdata {
			if quote >= 0 {
				return "", sc.syntax("unescaped < inside quoted string")
			}
			sc.pos--
			break
		}
		if quote >= 0 && b == byte(quote) {
			break
		}
		if b == '&' && !cdata {
			r, err := sc.reference(sc.pos - 1)
			if err != nil {
				return "", err
			}
			buf = append(buf, r...)
			b0, b1 = 0, 0
			continue
		}
		switch {
		case b == '\r':
			buf = append(buf, '\n')
		case b1 == '\r' && b == '\n':
		default:
			buf = append(buf, b)
		}
		b0, b1 = b1, b
	}
	sc.buf = buf
	data := string(buf[:len(buf)-trunc])
	if err := sc.checkChars(data); err != nil {
		return "", err
	}
	return data, nil
}

// reference decodes the reference whose '&' is at amp; the position is
// just after the '&'.
func (sc *scanner) reference(amp int) (string, error) {
	mustgetc := func() (byte, bool) {
		if sc.pos >= len(sc.s) {
			return 0, false
		}
		sc.pos++
		return sc.s[sc.pos-1], true
	}
	text, have := "", false
	b, ok := mustgetc()
	if !ok {
		return "", sc.eof()
	}
	if b == '#' {
		if b, ok = mustgetc(); !ok {
			return "", sc.eof()
		}
		base := 10
		if b == 'x' {
			base = 16
			if b, ok = mustgetc(); !ok {
				return "", sc.eof()
			}
		}
		start := sc.pos - 1
		for '0' <= b && b <= '9' || base == 16 && ('a' <= b && b <= 'f' || 'A' <= b && b <= 'F') {
			if b, ok = mustgetc(); !ok {
				return "", sc.eof()
			}
		}
		if b != ';' {
			sc.pos--
		} else {
			n, err := strconv.ParseUint(sc.s[start:sc.pos-1], base, 64)
			if err == nil && n <= utf8.MaxRune {
				text, have = string(rune(n)), true
			}
		}
	} else {
		sc.pos--
		start := sc.pos
		if _, _, err := sc.readName(); err != nil {
			return "", err
		}
		end := sc.pos
		if b, ok = mustgetc(); !ok {
			return "", sc.eof()
		}
		if b != ';' {
			sc.pos--
		} else {
			switch sc.s[start:end] {
			case "lt":
				text, have = "<", true
			case "gt":
				text, have = ">", true
			case "amp":
				text, have = "&", true
			case "apos":
				text, have = "'", true
			case "quot":
				text, have = `"`, true
			}
		}
	}
	if have {
		return text, nil
	}
	ent := sc.s[amp:sc.pos]
	if ent[len(ent)-1] != ';' {
		ent += " (no semicolon)"
	}
	return "", sc.syntax("invalid character entity " + ent)
}

// checkChars rejects invalid UTF-8 and characters XML does not allow.
func (sc *scanner) checkChars(s string) error {
	if sc.checked {
		return nil
	}
	for i := 0; i < len(s); {
		if i+8 <= len(s) && !asciiControlOrHigh(word(s, i)) {
			i += 8 // eight printable ASCII bytes
			continue
		}
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
				return sc.syntax(fmt.Sprintf("illegal character code %U", rune(c)))
			}
			i++
			continue
		}
		r, w := utf8.DecodeRuneInString(s[i:])
		if !xmlRune(r, w) {
			if r == utf8.RuneError && w == 1 {
				return sc.syntax("invalid UTF-8")
			}
			return sc.syntax(fmt.Sprintf("illegal character code %U", r))
		}
		i += w
	}
	return nil
}

// plainText reports whether a text run can be its own value (no reference,
// CR or ']': plainByte) and, if so, whether all its characters are ones
// XML allows (checkChars would accept it). Runs of eight printable ASCII
// bytes are passed a word at a time.
func plainText(run string) (plain, valid bool) {
	valid = true
	for i := 0; i < len(run); {
		if i+8 <= len(run) {
			w := word(run, i)
			if !asciiControlOrHigh(w) && !hasByte(w, '&') && !hasByte(w, ']') {
				i += 8
				continue
			}
		}
		c := run[i]
		if c < utf8.RuneSelf {
			if !plainByte[c] {
				return false, false
			}
			i++
			continue
		}
		r, w := utf8.DecodeRuneInString(run[i:])
		if !xmlRune(r, w) {
			valid = false // reported after the run, as checkChars would
		}
		i += w
	}
	return true, valid
}

// xmlRune reports whether a decoded non-ASCII rune of width w is valid
// UTF-8 and a character XML allows.
func xmlRune(r rune, w int) bool {
	if r == utf8.RuneError && w == 1 {
		return false
	}
	return r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF
}

// Word-at-a-time byte tests (eight bytes, little-endian).
const (
	lsb = 0x0101010101010101
	msb = 0x8080808080808080
)

// word reads the eight bytes of s at i.
func word(s string, i int) uint64 {
	s = s[i : i+8]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// asciiControlOrHigh reports whether any byte of w is below 0x20 or at
// least 0x80. (A borrow out of a byte below 0x20 may mark a higher byte
// too; the answer for the word stays exact.)
func asciiControlOrHigh(w uint64) bool {
	return ((w-0x20*lsb)|w)&msb != 0
}

// hasByte reports whether any byte of w is b.
func hasByte(w uint64, b byte) bool {
	v := w ^ (uint64(b) * lsb)
	return (v-lsb)&^v&msb != 0
}

// startTag reads a start tag; the position is just after '<'.
func (sc *scanner) startTag() error {
	name, ok, err := sc.nsname()
	if !ok {
		if err == nil {
			err = sc.syntax("expected element name after <")
		}
		return err
	}
	sc.attrs = sc.attrs[:0]
	empty := false
	for {
		sc.space()
		if sc.pos >= len(sc.s) {
			return sc.eof()
		}
		b := sc.s[sc.pos]
		sc.pos++
		if b == '/' {
			empty = true
			if sc.pos >= len(sc.s) {
				return sc.eof()
			}
			if sc.s[sc.pos] != '>' {
				sc.pos++
				return sc.syntax("expected /> in element")
			}
			sc.pos++
			break
		}
		if b == '>' {
			break
		}
		sc.pos--
		an, ok, err := sc.nsname()
		if !ok {
			if err == nil {
				err = sc.syntax("expected attribute name in element")
			}
			return err
		}
		sc.space()
		if sc.pos >= len(sc.s) {
			return sc.eof()
		}
		if sc.s[sc.pos] != '=' {
			sc.pos++
			return sc.syntax("attribute name without = in element")
		}
		sc.pos++
		sc.space()
		if sc.pos >= len(sc.s) {
			return sc.eof()
		}
		q := sc.s[sc.pos]
		sc.pos++
		if q != '"' && q != '\'' {
			return sc.syntax("unquoted or missing attribute value in element")
		}
		v, err := sc.chars(int(q), false)
		if err != nil {
			return err
		}
		sc.attrs = append(sc.attrs, xml.Attr{Name: an, Value: v})
	}
	// Namespace declarations apply to the element's own name and
	// attributes.
	mark := len(sc.ns)
	for _, a := range sc.attrs {
		switch {
		case a.Name.Space == xmlnsPrefix:
			sc.ns = append(sc.ns, nsBinding{a.Name.Local, a.Value})
		case a.Name.Space == "" && a.Name.Local == xmlnsPrefix:
			sc.ns = append(sc.ns, nsBinding{"", a.Value})
		}
	}
	sc.open = append(sc.open, openElement{prefix: name.Space, local: name.Local, ns: mark})
	sc.translate(&name, true)
	for i := range sc.attrs {
		sc.translate(&sc.attrs[i].Name, false)
	}
	sc.kind, sc.name, sc.pendingEnd = tokStart, name, empty
	return nil
}

// translate resolves a name's prefix as encoding/xml did.
func (sc *scanner) translate(n *xml.Name, isElementName bool) {
	switch {
	case n.Space == xmlnsPrefix:
		return
	case n.Space == "" && !isElementName:
		return
	case n.Space == xmlPrefix:
		n.Space = xmlURL
	case n.Space == "" && n.Local == xmlnsPrefix:
		return
	}
	for i := len(sc.ns) - 1; i >= 0; i-- {
		if sc.ns[i].prefix == n.Space {
			n.Space = sc.ns[i].uri
			return
		}
	}
}

// endTag reads an end tag; the position is just after "</".
func (sc *scanner) endTag() error {
	name, ok, err := sc.nsname()
	if !ok {
		if err == nil {
			err = sc.syntax("expected element name after </")
		}
		return err
	}
	sc.space()
	if sc.pos >= len(sc.s) {
		return sc.eof()
	}
	if sc.s[sc.pos] != '>' {
		sc.pos++
		return sc.syntax("invalid characters between </" + name.Local + " and >")
	}
	sc.pos++
	return sc.closeElement(name.Space, name.Local)
}

// closeElement matches an end tag against the innermost open element and
// closes it.
func (sc *scanner) closeElement(prefix, local string) error {
	if len(sc.open) == 0 {
		return sc.syntax("unexpected end element </" + local + ">")
	}
	top := sc.open[len(sc.open)-1]
	switch {
	case top.local != local:
		return sc.syntax("element <" + top.local + "> closed by </" + local + ">")
	case top.prefix != prefix:
		ns := prefix
		if ns == "" {
			ns = `""`
		}
		return sc.syntax("element <" + top.local + "> in space " + top.prefix + " closed by </" + local + "> in space " + ns)
	}
	name := xml.Name{Space: prefix, Local: local}
	sc.translate(&name, true)
	sc.open = sc.open[:len(sc.open)-1]
	sc.ns = sc.ns[:top.ns]
	sc.kind, sc.name = tokEnd, name
	return nil
}

// procInst reads a processing instruction; the position is just after
// "<?". An XML declaration must declare version 1.0 and UTF-8, if
// anything.
func (sc *scanner) procInst() error {
	target, ok, err := sc.readXMLName()
	if !ok {
		if err == nil {
			err = sc.syntax("expected target name after <?")
		}
		return err
	}
	sc.space()
	end := strings.Index(sc.s[sc.pos:], "?>")
	if end < 0 {
		return sc.eof()
	}
	inst := sc.s[sc.pos : sc.pos+end]
	sc.pos += end + 2
	if target == "xml" {
		if ver := procInstParam("version", inst); ver != "" && ver != "1.0" {
			return fmt.Errorf("xml: unsupported version %q; only version 1.0 is supported", ver)
		}
		if enc := procInstParam("encoding", inst); enc != "" && !strings.EqualFold(enc, "utf-8") {
			return fmt.Errorf("xml: opening charset %q: %w", enc, &encodingError{enc})
		}
	}
	sc.kind, sc.target, sc.text = tokProcInst, target, inst
	return nil
}

// procInstParam is encoding/xml's lenient reading of a declaration's
// parameter.
func procInstParam(param, s string) string {
	param += "="
	lenp := len(param)
	i := 0
	var sep byte
	for i < len(s) {
		sub := s[i:]
		k := strings.Index(sub, param)
		if k < 0 || lenp+k >= len(sub) {
			return ""
		}
		i += lenp + k + 1
		if c := sub[lenp+k]; c == '\'' || c == '"' {
			sep = c
			break
		}
	}
	if sep == 0 {
		return ""
	}
	j := strings.IndexByte(s[i:], sep)
	if j < 0 {
		return ""
	}
	return s[i : i+j]
}

// bang reads a comment, a CDATA section or a directive; the position is
// just after "<!". A directive is read to its end (quotes, nesting and
// comments inside it as encoding/xml read them) and reported; Parse
// refuses it.
func (sc *scanner) bang() error {
	if sc.pos >= len(sc.s) {
		return sc.eof()
	}
	b := sc.s[sc.pos]
	sc.pos++
	switch b {
	case '-':
		if sc.pos >= len(sc.s) {
			return sc.eof()
		}
		if sc.s[sc.pos] != '-' {
			sc.pos++
			return sc.syntax("invalid sequence <!- not part of <!--")
		}
		sc.pos++
		end := strings.Index(sc.s[sc.pos:], "--")
		if end < 0 || sc.pos+end+2 >= len(sc.s) {
			return sc.eof()
		}
		if sc.s[sc.pos+end+2] != '>' {
			sc.pos += end + 3
			return sc.syntax(`invalid sequence "--" not allowed in comments`)
		}
		sc.kind, sc.text = tokComment, sc.s[sc.pos:sc.pos+end]
		sc.pos += end + 3
		return nil
	case '[':
		for i := 0; i < 6; i++ {
			if sc.pos >= len(sc.s) {
				return sc.eof()
			}
			c := sc.s[sc.pos]
			sc.pos++
			if c != "CDATA["[i] {
				return sc.syntax("invalid <![ sequence")
			}
		}
		t, err := sc.chars(-1, true)
		if err != nil {
			return err
		}
		sc.kind, sc.text = tokText, t
		return nil
	}
	start := sc.pos - 1
	var inquote byte
	depth := 0
	get := func() (byte, bool) {
		if sc.pos >= len(sc.s) {
			return 0, false
		}
		sc.pos++
		return sc.s[sc.pos-1], true
	}
	for {
		b, ok := get()
		if !ok {
			return sc.eof()
		}
		if inquote == 0 && b == '>' && depth == 0 {
			break
		}
	handle:
		switch {
		case b == inquote:
			inquote = 0
		case inquote != 0:
		case b == '\'' || b == '"':
			inquote = b
		case b == '>':
			depth--
		case b == '<':
			for i := 0; i < 3; i++ {
				if b, ok = get(); !ok {
					return sc.eof()
				}
				if b != "!--"[i] {
					depth++
					goto handle
				}
			}
			var c0, c1 byte
			for {
				if b, ok = get(); !ok {
					return sc.eof()
				}
				if c0 == '-' && c1 == '-' && b == '>' {
					break
				}
				c0, c1 = c1, b
			}
		}
	}
	sc.kind, sc.text = tokDirective, sc.s[start:sc.pos-1]
	return nil
}
