package soap

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// diffLimits are tight enough that the limit checks fire on small inputs.
var diffLimits = []Limits{
	DefaultLimits,
	{MaxBytes: 1 << 16, MaxDepth: 4, MaxElements: 12, MaxAttrs: 3, MaxNameLen: 8},
}

// sameParse fails t unless Parse and parseReference agree on raw: the same
// rejection code, or the same envelope and the same payload tokens.
func sameParse(t *testing.T, raw []byte, lim Limits) {
	t.Helper()
	got, gerr := Parse(raw, lim)
	want, werr := parseReference(raw, lim)
	if (gerr == nil) != (werr == nil) {
		t.Fatalf("%q:\nscanner: %v\nreference: %v", clipInput(raw), gerr, werr)
	}
	if gerr != nil {
		var gp, wp *ParseError
		if !errors.As(gerr, &gp) || !errors.As(werr, &wp) {
			t.Fatalf("%q: not ParseErrors: %v / %v", clipInput(raw), gerr, werr)
		}
		if gp.Code != wp.Code {
			t.Fatalf("%q:\nscanner: %s (%v)\nreference: %s (%v)", clipInput(raw), gp.Code, gerr, wp.Code, werr)
		}
		if !errors.Is(gerr, ErrInvalid) {
			t.Fatalf("%q: rejection does not wrap ErrInvalid", clipInput(raw))
		}
		return
	}
	g, w := *got, *want
	g.src = ""
	if !reflect.DeepEqual(g, w) {
		t.Fatalf("%q:\nscanner:   %+v\nreference: %+v", clipInput(raw), g, w)
	}
	ref, err := referenceTokens(got.PayloadDocument())
	if err != nil {
		t.Fatalf("%q: payload document does not re-parse: %v", clipInput(raw), err)
	}
	if toks := collect(got); !sameTokens(toks, ref) {
		t.Fatalf("%q: payload tokens\nscanner:   %+v\nreference: %+v", clipInput(raw), toks, ref)
	}
	toks, err := Tokens(got.PayloadDocument(), Limits{})
	if err != nil {
		t.Fatalf("%q: Tokens of the payload document: %v", clipInput(raw), err)
	}
	// Tokens also reports the konektor-scope wrapper, when there is one.
	if len(toks) >= 2 && toks[0].Name.Local == "konektor-scope" {
		toks = toks[1 : len(toks)-1]
	}
	if !sameTokens(toks, ref) {
		t.Fatalf("%q: Tokens\nscanner:   %+v\nreference: %+v", clipInput(raw), toks, ref)
	}
}

// referenceTokens reads a payload document with encoding/xml and returns
// what PayloadTokens should hold: the wrapper and comments left out.
func referenceTokens(doc []byte) ([]Token, error) {
	dec := xml.NewDecoder(bytes.NewReader(doc))
	dec.Strict = true
	var out []Token
	depth, wrapped := 0, false
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local == "konektor-scope" && depth == 0 {
				wrapped = true
				continue
			}
			depth++
			out = append(out, Token{Kind: StartToken, Name: t.Name, Attr: t.Attr})
		case xml.EndElement:
			if depth == 0 && wrapped {
				continue
			}
			depth--
			out = append(out, Token{Kind: EndToken, Name: t.Name})
		case xml.CharData:
			out = append(out, Token{Kind: TextToken, Text: string(t)})
		}
	}
}

func sameTokens(a, b []Token) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := a[i], b[i]
		if x.Kind != y.Kind || x.Name != y.Name || x.Text != y.Text || len(x.Attr) != len(y.Attr) {
			return false
		}
		for j := range x.Attr {
			if x.Attr[j] != y.Attr[j] {
				return false
			}
		}
	}
	return true
}

func clipInput(b []byte) string {
	if len(b) > 300 {
		return string(b[:300]) + "…"
	}
	return string(b)
}

// diffCases are inputs that probe the lexical corners where a hand-written
// scanner could part ways with encoding/xml.
var diffCases = []string{
	`<s:Envelope xmlns:s="` + NS11 + `"><s:Body><p:Op xmlns:p="urn:x">a &amp; b &lt; &gt; &apos; &quot; &#65; &#x42; &#x1F600; &#xD800;</p:Op></s:Body></s:Envelope>`,
	`<s:Envelope xmlns:s="` + NS11 + `"><s:Body><Op>&#0;</Op></s:Body></s:Envelope>`,
	`<s:Envelope xmlns:s="` + NS11 + `"><s:Body><Op>&#x110000;</Op></s:Body></s:Envelope>`,
	`<s:Envelope xmlns:s="` + NS11 + `"><s:Body><Op>&#;</Op></s:Body></s:Envelope>`,
	`<s:Envelope xmlns:s="` + NS11 + `"><s:Body><Op>&#x;</Op></s:Body></s:Envelope>`,
	`<s:Envelope xmlns:s="` + NS11 + `"><s:Body><Op>&foo;</Op></s:Body></s:Envelope>`,
	`<s:Envelope xmlns:s="` + NS11 + `"><s:Body><Op>&amp</Op></s:Body></s:Envelope>`,
	`<s:Envelope xmlns:s="` + NS11 + `"><s:Body><Op>& </Op></s:Body></s:Envelope>`,
	`<s:Envelope xmlns:s="` + NS11 + `"><s:Body><Op>&1;</Op></s:Body></s:Envelope>`,
	`<s:Envelope xmlns:s="` + NS11 + `"><s:Body><Op>a]]>b</Op></s:Body></s:Envelope>`,
	`<s:Envelope xmlns:s="` + NS11 + `"><s:Body><Op>a]]b]>]</Op></s:Body></s:Envelope>`,
	`<s:Envelope xmlns:s="` + NS11 + `"><s:Body><Op><![CDATA[<x>&amp;]]]]><![CDATA[>]]></Op></s:Body></s:Envelope>`,
	`<s:Envelope xmlns:s="` + NS11 + `"><s:Body><Op><![CDATA[x</Op></s:Body></s:Envelope>`,
	`<s:Envelope xmlns:s="` + NS11 + `"><s:Body><Op><![CDAT[x]]></Op></s:Body></s:Envelope>`,
	`<s:Envelope xmlns:s="` + NS11 + `"><s:Body><Op>a<!-- c -->b<!---->c</Op></s:Body></s:Envelope>`,
	`<s:Envelope xmlns:s="` + NS11 + `"><s:Body><Op><!-- a -- b --></Op></s:Body></s:Envelope>`,
	`<s:Envelope xmlns:s="` + NS11 + `"><s:Body><Op><!--->--></Op></s:Body></s:Envelope>`,
	`<s:Envelope xmlns:s="` + NS11 + `"><s:Body><Op><!-x--></Op></s:Body></s:Envelope>`,
	"<s:Envelope xmlns:s=\"" + NS11 + "\"><s:Body><Op>a\r\nb\rc\n\r</Op></s:Body></s:Envelope>",
	"<s:Envelope xmlns:s=\"" + NS11 + "\"><s:Body><Op a=\"x\r\ny&#13;\tz\">\x01</Op></s:Body></s:Envelope>",
	"<s:Envelope xmlns:s=\"" + NS11 + "\"><s:Body><Op>\xff</Op></s:Body></s:Envelope>",
	"<s:Envelope xmlns:s=\"" + NS11 + "\"><s:Body><Op>\uFFFE</Op></s:Body></s:Envelope>",
	"<s:Envelope xmlns:s=\"" + NS11 + "\"><s:Body><Op>\u00a0</Op>\u00a0</s:Body></s:Envelope>",
	"\xEF\xBB\xBF<s:Envelope xmlns:s=\"" + NS11 + "\"><s:Body><Op/></s:Body></s:Envelope>",
	`<s:Envelope xmlns:s="` + NS11 + `"><s:Body><Op a='1' b="2"c='3'/></s:Body></s:Envelope>`,
	`<s:Envelope xmlns:s="` + NS11 + `"><s:Body><Op a=1/></s:Body></s:Envelope>`,
	`<s:Envelope xmlns:s="` + NS11 + `"><s:Body><Op a/></s:Body></s:Envelope>`,
	`<s:Envelope xmlns:s="` + NS11 + `"><s:Body><Op a="<"/></s:Body></s:Envelope>`,
	`<s:Envelope xmlns:s="` + NS11 + `"><s:Body><Op a="&lt;&#x3c;"/></s:Body></s:Envelope>`,
	`<s:Envelope xmlns:s="` + NS11 + `"><s:Body><Op / ></s:Body></s:Envelope>`,
	`<s:Envelope xmlns:s="` + NS11 + `"><s:Body><Op /x></s:Body></s:Envelope>`,
	`<s:Envelope xmlns:s="` + NS11 + `"><s:Body><Op></Op ></s:Body ></s:Envelope >`,
	`<s:Envelope xmlns:s="` + NS11 + `"><s:Body><Op></Op x></s:Body></s:Envelope>`,
	`<s:Envelope xmlns:s="` + NS11 + `"><s:Body><Op></Oq></s:Body></s:Envelope>`,
	`<s:Envelope xmlns:s="` + NS11 + `" xmlns:t="` + NS11 + `"><s:Body><Op></Op></t:Body></s:Envelope>`,
	`<s:Envelope xmlns:s="` + NS11 + `"><s:Body><Op></Op></s:Body></s:Envelope></x>`,
	`<s:Envelope xmlns:s="` + NS11 + `"><s:Body><a:b:c/></s:Body></s:Envelope>`,
	`<s:Envelope xmlns:s="` + NS11 + `"><s:Body><:a/></s:Body></s:Envelope>`,
	`<s:Envelope xmlns:s="` + NS11 + `"><s:Body><a: x:="1" :y="2"/></s:Body></s:Envelope>`,
	`<s:Envelope xmlns:s="` + NS11 + `"><s:Body><1a/></s:Body></s:Envelope>`,
	`<s:Envelope xmlns:s="` + NS11 + `"><s:Body><-a/></s:Body></s:Envelope>`,
	`<s:Envelope xmlns:s="` + NS11 + `"><s:Body>< a/></s:Body></s:Envelope>`,
	`<s:Envelope xmlns:s="` + NS11 + `"><s:Body><čáp ž="1"/></s:Body></s:Envelope>`,
	`<s:Envelope xmlns:s="` + NS11 + `"><s:Body><a·b/></s:Body></s:Envelope>`,
	`<s:Envelope xmlns:s="` + NS11 + `"><s:Body><·a/></s:Body></s:Envelope>`,
	`<s:Envelope xmlns:s="` + NS11 + `"><s:Body><u:Op xmlns:u="urn:u" u:a="1" xmlns:v="urn:u" v:a="2"/></s:Body></s:Envelope>`,
	`<s:Envelope xmlns:s="` + NS11 + `"><s:Body><Op a="1" a="2"/></s:Body></s:Envelope>`,
	`<s:Envelope xmlns:s="` + NS11 + `"><s:Body><Op xmlns="urn:d"><x xmlns=""><y/></x><z/></Op></s:Body></s:Envelope>`,
	`<s:Envelope xmlns:s="` + NS11 + `"><s:Body><q:Op xmlns:p="urn:p"><p:x xml:lang="cs" xmlns:xml="` + xmlURL + `"/><xml:y/><xmlns:z/></q:Op></s:Body></s:Envelope>`,
	`<s:Envelope xmlns:s="` + NS11 + `"><s:Body><Op><a wsu:Id="x" xmlns:wsu="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"/><b Id="x"/></Op></s:Body></s:Envelope>`,
	`<s:Envelope xmlns:s="` + NS11 + `"><s:Body><Op><a xml:id="x"/><b id="y"/><c ID="y"/></Op></s:Body></s:Envelope>`,
	`<s:Envelope xmlns:s="` + NS11 + `"><s:Body><Op/></s:Body></s:Envelope><!-- tail -->  `,
	`<s:Envelope xmlns:s="` + NS11 + `"><s:Body><Op/></s:Body></s:Envelope>x`,
	`<s:Envelope xmlns:s="` + NS11 + `"><s:Body><Op/></s:Body></s:Envelope><s:Envelope/>`,
	`<s:Envelope xmlns:s="` + NS11 + `"><s:Body><Op/>text</s:Body></s:Envelope>`,
	`<s:Envelope xmlns:s="` + NS11 + `"><s:Header>t<h/></s:Header><s:Body><Op/></s:Body></s:Envelope>`,
	`<s:Envelope xmlns:s="` + NS11 + `"><s:Header><h>deep text</h></s:Header><s:Body><Op/></s:Body></s:Envelope>`,
	`<s:Envelope xmlns:s="` + NS11 + `"><s:Body/></s:Envelope>`,
	`<s:Envelope xmlns:s="` + NS11 + `"/>`,
	`<s:Envelope xmlns:s="` + NS12 + `"><s:Header/><s:Body xmlns:p="urn:p"><p:Op/></s:Body></s:Envelope>`,
	`<Envelope xmlns="` + NS11 + `"><Body><Op/></Body></Envelope>`,
	`<Envelope xmlns="` + NS11 + `"><Body xmlns=""><Op/></Body></Envelope>`,
	`<?xml version="1.0" encoding="UTF-8"?><s:Envelope xmlns:s="` + NS11 + `"><s:Body><Op/></s:Body></s:Envelope>`,
	`<?xml version="1.1"?><s:Envelope xmlns:s="` + NS11 + `"><s:Body><Op/></s:Body></s:Envelope>`,
	`<?xml version='1.0' encoding='utf8'?><s:Envelope xmlns:s="` + NS11 + `"><s:Body><Op/></s:Body></s:Envelope>`,
	`<?xml version="1.0" encoding="ISO-8859-2"?><s:Envelope xmlns:s="` + NS11 + `"><s:Body><Op/></s:Body></s:Envelope>`,
	` <?xml version="1.0"?><s:Envelope xmlns:s="` + NS11 + `"><s:Body><Op/></s:Body></s:Envelope>`,
	`<?xml-stylesheet href="x"?><s:Envelope xmlns:s="` + NS11 + `"><s:Body><Op/></s:Body></s:Envelope>`,
	`<?XML version="1.0"?><s:Envelope xmlns:s="` + NS11 + `"><s:Body><Op/></s:Body></s:Envelope>`,
	`<? xml?><s:Envelope/>`,
	`<?xml version="1.0"?><?xml version="1.0"?><s:Envelope/>`,
	`<s:Envelope xmlns:s="` + NS11 + `"><s:Body><Op><?pi x?></Op></s:Body></s:Envelope>`,
	`<!DOCTYPE s:Envelope [<!ENTITY x "y">]><s:Envelope xmlns:s="` + NS11 + `"><s:Body><Op>&x;</Op></s:Body></s:Envelope>`,
	`<!DOCTYPE x [ <!-- ]> --> "'>" ]><s:Envelope/>`,
	`<!DOCTYPE x [ <!ELEMENT a (#PCDATA)> <!-- x`,
	`<!DOCTYPE x [ <x <y >`,
	`<!DOCTYPE x '>`,
	`<!`,
	`<!-`,
	`<`,
	`<s:Envelope xmlns:s="` + NS11 + `"><s:Body><Op a="x`,
	`<s:Envelope xmlns:s="` + NS11 + `"><s:Body><Op a="` + "\x01",
	`<s:Envelope xmlns:s="` + NS11 + `"><s:Body><Op>` + "\x01",
	`<s:Envelope xmlns:s="` + NS11 + `"><s:Body><Op>&#12`,
	`<s:Envelope xmlns:s="` + NS11 + `"><s:Body><Op>&am`,
	`<s:Envelope xmlns:s="` + NS11 + `"><s:Body><Op>&`,
	`<a:Envelope xmlns:s="` + NS11 + `"><s:Body><Op/></s:Body></a:Envelope>`,
	`<s:Envelope xmlns:s="` + NS11 + `"><s:Body><Op/><Op2/></s:Body></s:Envelope>`,
	`<s:Envelope xmlns:s="` + NS11 + `"><s:Body><s:Fault/></s:Body></s:Envelope>`,
	"<s:Envelope\txmlns:s\n=\r'" + NS11 + "'\n><s:Body\n><Op\n/></s:Body\n></s:Envelope\n>",
}

func TestParseDifferential(t *testing.T) {
	var inputs [][]byte
	for _, c := range diffCases {
		inputs = append(inputs, []byte(c))
	}
	files, _ := filepath.Glob("testdata/*.xml")
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		inputs = append(inputs, raw)
	}
	inputs = append(inputs, envelope5KB())
	for _, raw := range inputs {
		for _, lim := range diffLimits {
			sameParse(t, raw, lim)
		}
	}
}

// TestParseDifferentialCuts compares every prefix of the accepted inputs
// (the truncation and EOF paths) and single-byte changes at every position.
func TestParseDifferentialCuts(t *testing.T) {
	var oks [][]byte
	for _, c := range diffCases {
		if _, err := parseReference([]byte(c), DefaultLimits); err == nil {
			oks = append(oks, []byte(c))
		}
	}
	files, _ := filepath.Glob("testdata/ok-*.xml")
	for _, f := range files {
		raw, _ := os.ReadFile(f)
		oks = append(oks, raw)
	}
	if len(oks) < 10 {
		t.Fatalf("only %d accepted inputs", len(oks))
	}
	special := []byte("<>/&;#x:=\"' \r\n!?-[]]\x00\xc3\x80")
	rnd := rand.New(rand.NewPCG(1, 2))
	for _, raw := range oks {
		for i := range raw {
			sameParse(t, raw[:i], DefaultLimits)
			m := bytes.Clone(raw)
			m[i] = special[rnd.IntN(len(special))]
			sameParse(t, m, DefaultLimits)
			ins := append(append(bytes.Clone(raw[:i]), special[rnd.IntN(len(special))]), raw[i:]...)
			sameParse(t, ins, DefaultLimits)
		}
	}
}

func TestTokensRefuses(t *testing.T) {
	for _, doc := range []string{
		`<!DOCTYPE a><a/>`, `<a/><?pi?>`, `<a/><b/>`, `x<a/>`, `<a>&e;</a>`, ``, `<a>`,
	} {
		if _, err := Tokens([]byte(doc), Limits{}); err == nil {
			t.Errorf("Tokens(%q) accepted", doc)
		}
	}
	if _, err := Tokens([]byte(`<a><b><c/></b></a>`), Limits{MaxDepth: 2}); err == nil {
		t.Errorf("depth limit not applied")
	}
	toks, err := Tokens([]byte(`<?xml version="1.0"?><a xmlns="urn:a" b="1">x<c/></a>`), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	want := []Token{
		{Kind: StartToken, Name: xml.Name{Space: "urn:a", Local: "a"}, Attr: []xml.Attr{{Name: xml.Name{Local: "xmlns"}, Value: "urn:a"}, {Name: xml.Name{Local: "b"}, Value: "1"}}},
		{Kind: TextToken, Text: "x"},
		{Kind: StartToken, Name: xml.Name{Space: "urn:a", Local: "c"}},
		{Kind: EndToken, Name: xml.Name{Space: "urn:a", Local: "c"}},
		{Kind: EndToken, Name: xml.Name{Space: "urn:a", Local: "a"}},
	}
	if !sameTokens(toks, want) {
		t.Fatalf("got %+v", toks)
	}
}

// collect copies the payload tokens out of the walk.
func collect(env *Envelope) []Token {
	var out []Token
	for t := range env.PayloadTokens() {
		t.Attr = append([]xml.Attr(nil), t.Attr...)
		out = append(out, t)
	}
	return out
}
