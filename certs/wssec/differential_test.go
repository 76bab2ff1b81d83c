package wssec

import (
	"bytes"
	"crypto"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// diffTree returns the first difference between two trees, or "".
func diffTree(path string, a, b *element) string {
	if a.Space != b.Space || a.Tag != b.Tag {
		return fmt.Sprintf("%s: element %s:%s vs %s:%s", path, a.Space, a.Tag, b.Space, b.Tag)
	}
	path += "/" + qualified(a.Space, a.Tag)
	if len(a.Attr) != len(b.Attr) {
		return fmt.Sprintf("%s: %d vs %d attributes", path, len(a.Attr), len(b.Attr))
	}
	for i := range a.Attr {
		if a.Attr[i] != b.Attr[i] {
			return fmt.Sprintf("%s: attribute %+v vs %+v", path, a.Attr[i], b.Attr[i])
		}
	}
	if len(a.Child) != len(b.Child) {
		return fmt.Sprintf("%s: %d vs %d child tokens", path, len(a.Child), len(b.Child))
	}
	for i := range a.Child {
		switch x := a.Child[i].(type) {
		case *element:
			y, ok := b.Child[i].(*element)
			if !ok {
				return fmt.Sprintf("%s: token %d: element vs %T", path, i, b.Child[i])
			}
			if y.Parent() != b || x.Parent() != a {
				return fmt.Sprintf("%s: token %d: wrong parent", path, i)
			}
			if d := diffTree(path, x, y); d != "" {
				return d
			}
		case *charData:
			if y, ok := b.Child[i].(*charData); !ok || x.Data != y.Data {
				return fmt.Sprintf("%s: token %d: text %q vs %#v", path, i, x.Data, b.Child[i])
			}
		case *comment:
			if y, ok := b.Child[i].(*comment); !ok || x.Data != y.Data {
				return fmt.Sprintf("%s: token %d: comment %q vs %#v", path, i, x.Data, b.Child[i])
			}
		case *procInst:
			if y, ok := b.Child[i].(*procInst); !ok || *x != *y {
				return fmt.Sprintf("%s: token %d: PI %+v vs %#v", path, i, *x, b.Child[i])
			}
		}
	}
	return ""
}

// allElements lists e and its descendants in document order.
func allElements(e *element) []*element {
	out := []*element{e}
	for _, c := range e.ChildElements() {
		out = append(out, allElements(c)...)
	}
	return out
}

// compareParsers parses raw with the byte-level tokenizer and with the
// former encoding/xml-based parser: both must accept or both reject (except
// for the names the tokenizer refuses by design), build identical trees,
// and canonicalize every element identically.
func compareParsers(t *testing.T, raw []byte, l Limits) (accepted bool) {
	t.Helper()
	got, gerr := parseXML(raw, l)
	want, werr := refParseXML(raw, l)
	if got != nil {
		defer got.release()
	}
	for _, err := range []error{gerr, werr} {
		if err != nil {
			if _, ok := messages[CodeOf(err)]; !ok {
				t.Fatalf("rejection without a code: %v", err)
			}
		}
	}
	switch {
	case gerr != nil && werr != nil:
		// The same reason, except that a DTD, directive or processing
		// instruction is refused before it is read to its (maybe missing) end.
		if gc, wc := CodeOf(gerr), CodeOf(werr); gc != wc && !(gc == CodeForbidden && wc == CodeMalformed) {
			t.Fatalf("rejected as %v, encoding/xml as %v\ninput %q", gerr, werr, raw)
		}
		return false
	case gerr != nil:
		if strings.Contains(gerr.Error(), errEdgeColon) {
			return false
		}
		t.Fatalf("tokenizer rejects what encoding/xml accepted: %v\ninput %q", gerr, raw)
	case werr != nil:
		t.Fatalf("tokenizer accepts what encoding/xml rejected (%v)\ninput %q", werr, raw)
	}
	if d := diffTree("", &got.element, &want.element); d != "" {
		t.Fatalf("trees differ: %s\ninput %q", d, raw)
	}
	compareCanonicalizers(t, got.Root(), raw)
	return true
}

// compareCanonicalizers canonicalizes every element under root (plain, with
// an InclusiveNamespaces list of every prefix used, and leaving out each
// child in turn) with both canonicalizers.
func compareCanonicalizers(t *testing.T, root *element, raw []byte) int {
	t.Helper()
	var prefixes []string
	for _, e := range allElements(root) {
		prefixes = append(prefixes, e.Space)
		for _, a := range e.Attr {
			if a.Space == "xmlns" {
				prefixes = append(prefixes, a.Key)
			}
		}
	}
	slices.Sort(prefixes)
	prefixes = slices.Compact(prefixes)
	lists := []string{"", "#default " + strings.Join(prefixes[:min(len(prefixes), 6)], " ")}
	if len(prefixes) > 1 {
		// A long list (the canonicalizer switches to a set) with repeats.
		long := append(slices.Repeat([]string{"unused"}, 10), prefixes[len(prefixes)-2:]...)
		lists = append(lists, strings.Join(append(long, long...), " "))
	}
	compared := 0
	for _, e := range allElements(root) {
		for _, pl := range lists {
			got, gerr := excC14N(e, pl)
			want, werr := refExcC14N(e, nil, pl)
			if (gerr == nil) != (werr == nil) || !bytes.Equal(got, want) {
				t.Fatalf("c14n of %s (prefix list %q) differs:\n new %s (%v)\n ref %s (%v)\ninput %q", e.Tag, pl, got, gerr, want, werr, raw)
			}
			sum, derr := excC14NDigest(crypto.SHA256, e, pl)
			if (derr == nil) != (werr == nil) || (derr == nil && !bytes.Equal(sum, digest(crypto.SHA256, want))) {
				t.Fatalf("digest of the c14n of %s differs (%v)", e.Tag, derr)
			}
			compared++
		}
		for _, skip := range e.ChildElements() {
			got, gerr := excC14NWithout(e, skip, "")
			want, werr := refExcC14N(e, skip, "")
			if (gerr == nil) != (werr == nil) || !bytes.Equal(got, want) {
				t.Fatalf("c14n of %s without %s differs:\n new %s (%v)\n ref %s (%v)", e.Tag, skip.Tag, got, gerr, want, werr)
			}
		}
	}
	return compared
}

// parserEdgeCases are inputs where a tokenizer is easily wrong.
var parserEdgeCases = []string{
	`<a/>`, `<a></a>`, `<a x="1" y='2'/>`, `<a x = "1"/>`, "<a\tx=\n'1'\r\n/>", `<a x="1"y="2"/>`,
	`<a>&lt;&gt;&amp;&apos;&quot;</a>`, `<a>&#65;&#x42;&#x0043;&#0068;</a>`, `<a>&#X41;</a>`, `<a>&#;</a>`, `<a>&#x;</a>`,
	`<a>&#0;</a>`, `<a>&#xD800;</a>`, `<a>&#xFFFE;</a>`, `<a>&#x10FFFF;</a>`, `<a>&#x110000;</a>`, `<a>&#99999999999999999999;</a>`,
	`<a>&nbsp;</a>`, `<a>&amp</a>`, `<a>& </a>`, `<a x="&amp"/>`, `<a x="&#60;"/>`, `<a x="<"/>`, `<a x="]]>"/>`,
	`<a>]]></a>`, `<a>]]&gt;</a>`, `<a>]]</a>`, "<a>\r\n\r\r</a>", "<a x=\"\r\n\t\"/>", "<a>\x01</a>", "<a>\x7f</a>",
	"<a>\xc3\xa9\xef\xbf\xbd\xef\xbf\xbe</a>", "<a>\xed\xa0\x80</a>", "<a x=\"\xff\"/>", "<a><!-- \xff --></a>",
	`<a><![CDATA[<&]]></a>`, `<a><![CDATA[]]></a>`, `<a><![CDATA[x]]]></a>`, `<a><![CDATA[`, `<a><![CDAT[x]]></a>`, `<a><![`,
	`<a><!----></a>`, `<a><!-- - --></a>`, `<a><!-- -- --></a>`, `<a><!-- ---></a>`, `<a><!--></a>`, `<a><!-x--></a>`,
	`<!DOCTYPE a><a/>`, `<!doctype a><a/>`, `<!DOCTYPE a [<!ENTITY e "x">]><a>&e;</a>`, `<a><!ELEMENT a ANY></a>`, `<!`, `<a><!`,
	`<?xml version="1.0"?><a/>`, `<?xml version='1.0' encoding='utf-8'?><a/>`, `<?xml?><a/>`, `<?xml version="1.1"?><a/>`,
	`<?xml encoding="latin1"?><a/>`, `<?xml foo-encoding="x"?><a/>`, `<?xml version="1.0" ?><a/>`, `<?xml version="1.0"`,
	` <?xml version="1.0"?><a/>`, `<?xml-stylesheet href="x"?><a/>`, `<a><?pi x?></a>`, `<a/><?pi?>`, `<?`, `<? x?>`,
	"\xef\xbb\xbf<?xml version=\"1.0\"?><a/>", "\xef\xbb\xbf<a/>", "<a/>\n", "\n<a/>\n", "<a/>\u00a0", "<a/>\u2028x",
	`<a/><b/>`, `<a/>x`, `x<a/>`, ``, ` `, `<a>`, `<a><b></a>`, `<a></b>`, `</a>`, `<a></a >`, `<a></ a>`, `<a`, `<a x`,
	`<a x=`, `<a x="1`, `<a/ >`, `<a x/>`, `<a x=1/>`, `<1a/>`, `<-a/>`, `<.a/>`, `<_a/>`, `<a.b-c_d9/>`, `<é/>`, `<aé/>`,
	"<?\u00e9:a:b x?><a/>", "<?a\u00e9?><a/>", "<a\u00e9:b:c/>", "<a\u00b7/>", "<\u00b7/>", "<a\u0300/>", "<\u0300/>", "<a\u3000/>", "<\U00010000/>", `<a:b xmlns:a="u"/>`, `<a:b:c/>`,
	`<:a/>`, `<a:/>`, `<a :x="1"/>`, `<a x:="1"/>`, `<a :x="1" x="2"/>`, `<a xmlns:="u"/>`, `<p:a xmlns:p="u"></q:a>`,
	`<a x="1" x="2"/>`, `<a xmlns:p="u" xmlns:q="u" p:x="1" q:x="2"/>`, `<a xmlns:p="u" p:x="1" xml:x="2"/>`, `<a p:x="1" q:x="2"/>`,
	`<a xmlns:p="u"><b xmlns:q="u" p:x="1" q:x="2"/></a>`, `<a xmlns:xml="http://www.w3.org/XML/1998/namespace"/>`,
	`<a xmlns:p=""/>`, `<a xmlns=""/>`, `<a xmlns="http://www.w3.org/2000/xmlns/"/>`, `<a xmlns:xmlns="u"/>`,
	`<r xmlns:a="urn:b" xmlns:b="urn:a" a:x="1" b:y="2" z="3" c="4"/>`, `<a xmlns="urn:x"><b xmlns=""><c/></b></a>`,
	`<p:a xmlns:p="urn:p" xmlns:q="urn:q" q:x="1"><p:b xmlns:p="urn:r">t&amp;</p:b><!--c--></p:a>`,
}

// TestParserMatchesReference runs the differential check over the edge
// cases, the parse_test table and every envelope under testdata.
func TestParserMatchesReference(t *testing.T) {
	l := Limits{}.withDefaults()
	inputs := append([]string(nil), parserEdgeCases...)
	files, _ := filepath.Glob(filepath.Join("testdata", "*", "*.xml"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		inputs = append(inputs, string(b))
	}
	accepted := 0
	for _, in := range inputs {
		if compareParsers(t, []byte(in), l) {
			accepted++
		}
	}
	if accepted < len(files) {
		t.Fatalf("only %d inputs accepted", accepted)
	}
	// The same inputs under tight limits.
	small := Limits{MaxBytes: 4096, MaxDepth: 4, MaxElements: 6, MaxAttributes: 3}.withDefaults()
	for _, in := range inputs {
		compareParsers(t, []byte(in), small)
	}
}

// TestParserRefusesEdgeColonNames: the one deliberate difference from
// encoding/xml, which took ":x" as the attribute x and so could merge two
// attributes into one.
func TestParserRefusesEdgeColonNames(t *testing.T) {
	for _, in := range []string{`<a :x="1" x="2"/>`, `<a x:="1"/>`, `<a xmlns:="urn:x"/>`, `<:a/>`, `<a:/>`} {
		_, err := parseXML([]byte(in), Limits{}.withDefaults())
		if CodeOf(err) != CodeMalformed || !strings.Contains(err.Error(), errEdgeColon) {
			t.Errorf("%s: got %v", in, err)
		}
	}
	if doc, err := refParseXML([]byte(`<a :x="1" x="2"/>`), Limits{}.withDefaults()); err != nil || len(doc.Root().Attr) != 1 {
		t.Fatal("encoding/xml no longer merges :x and x; revisit the exception")
	}
}

// TestParserReleaseReuse: a released document's memory serves the next
// parse without leaking nodes of the old tree into the new one.
func TestParserReleaseReuse(t *testing.T) {
	l := Limits{}.withDefaults()
	big := readTestdata(t, "valid/wss-soap11.xml")
	for range 20 {
		a, err := parseXML(big, l)
		if err != nil {
			t.Fatal(err)
		}
		a.release()
		a.release() // idempotent
		b, err := parseXML([]byte(`<x:a xmlns:x="urn:x"><b c="d">e</b></x:a>`), l)
		if err != nil {
			t.Fatal(err)
		}
		c, err := excC14N(b.Root(), "")
		if err != nil || string(c) != `<x:a xmlns:x="urn:x"><b c="d">e</b></x:a>` {
			t.Fatalf("%s %v", c, err)
		}
		b.release()
	}
}

// FuzzParseXML compares the tokenizer and the canonicalizer with the former
// encoding/xml-based parser and canonicalizer on arbitrary input.
func FuzzParseXML(f *testing.F) {
	for _, s := range parserEdgeCases {
		f.Add([]byte(s))
	}
	for _, name := range []string{"input/envelope-c14n-edge.xml", "input/envelope-default-ns.xml", "valid/xmlsec1-wss-inclusive-namespaces.xml"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	l := Limits{MaxBytes: 16 << 10, MaxDepth: 32, MaxElements: 500, MaxAttributes: 16}.withDefaults()
	f.Fuzz(func(t *testing.T, raw []byte) {
		compareParsers(t, raw, l)
	})
}
