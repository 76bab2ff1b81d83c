package iszr

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	deep := strings.Repeat("<a>", 70) + strings.Repeat("</a>", 70)
	many := "<r>" + strings.Repeat("<a/>", 30) + "</r>"
	tests := []struct {
		name    string
		in      string
		lim     Limits
		wantErr error
		want    string // Bytes() of the result
	}{
		{name: "prefixes-resolved", in: `<?xml version="1.0"?><p:a xmlns:p="urn:x"><p:b>1</p:b><c xmlns="urn:y" k="v"/></p:a>`, want: `<a xmlns="urn:x"><b>1</b><c xmlns="urn:y" k="v"/></a>`},
		{name: "whitespace-between-children-dropped", in: "<a>\n  <b> x </b>\n</a>", want: `<a><b> x </b></a>`},
		{name: "escaping", in: `<a k="&quot;&lt;">&amp;&lt;</a>`, want: `<a k="&quot;&lt;">&amp;&lt;</a>`},
		{name: "xsi-attribute-prefixed", in: `<a xmlns:i="http://www.w3.org/2001/XMLSchema-instance" i:nil="true"/>`, want: `<a xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:nil="true"/>`},
		{name: "doctype", in: `<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>`, wantErr: ErrDoctype},
		{name: "processing-instruction", in: `<a><?php echo 1 ?></a>`, wantErr: ErrProcInst},
		{name: "two-roots", in: `<a/><b/>`, wantErr: ErrTrailing},
		{name: "text-after-root", in: `<a/>x`, wantErr: ErrTrailing},
		{name: "mixed-content", in: `<a>x<b/></a>`, wantErr: ErrMixedContent},
		{name: "too-deep", in: deep, wantErr: ErrTooDeep},
		{name: "too-many-elements", in: many, lim: Limits{MaxElements: 10}, wantErr: ErrTooMany},
		{name: "too-large", in: "<a>" + strings.Repeat("x", 2000) + "</a>", lim: Limits{MaxBytes: 1000}, wantErr: ErrTooLarge},
		{name: "too-many-attributes", in: `<a a="1" b="2" c="3"/>`, lim: Limits{MaxAttrs: 2}, wantErr: ErrManyAttrs},
		{name: "empty", in: "  ", wantErr: ErrNoRoot},
		{name: "not-well-formed", in: `<a><b></a>`, wantErr: errAny},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e, err := Parse(strings.NewReader(tc.in), tc.lim)
			if tc.wantErr != nil {
				if err == nil || (tc.wantErr != errAny && !errors.Is(err, tc.wantErr)) {
					t.Fatalf("err = %v, want %v", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := string(e.Bytes()); got != tc.want {
				t.Fatalf("got  %s\nwant %s", got, tc.want)
			}
			// Bytes output parses back to the same document.
			again, err := Parse(bytes.NewReader(e.Bytes()), Limits{})
			if err != nil || !bytes.Equal(again.Bytes(), e.Bytes()) {
				t.Fatalf("round trip: %v\n%s", err, again.Bytes())
			}
		})
	}
}

var errAny = errors.New("any error")

func TestIndentedKeepsText(t *testing.T) {
	e, err := Parse(strings.NewReader(`<a xmlns="urn:x"><b> t </b><c><d/></c></a>`), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	want := "<a xmlns=\"urn:x\">\n  <b> t </b>\n  <c>\n    <d/>\n  </c>\n</a>\n"
	if got := string(e.Indented()); got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
	again, err := Parse(bytes.NewReader(e.Indented()), Limits{})
	if err != nil || !bytes.Equal(again.Bytes(), e.Bytes()) {
		t.Fatalf("indented form does not parse back: %v", err)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		`<a xmlns="urn:x"><b k="v">t</b></a>`,
		`<!DOCTYPE a><a/>`,
		`<a><?x y?></a>`,
		`<p:a xmlns:p="urn:p" xmlns:i="http://www.w3.org/2001/XMLSchema-instance" i:nil="1"/>`,
		sampleE03Request,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		e, err := Parse(bytes.NewReader(data), Limits{MaxBytes: 1 << 16, MaxElements: 2000})
		if err != nil {
			return
		}
		out := e.Bytes()
		again, err := Parse(bytes.NewReader(out), Limits{MaxBytes: 1 << 20, MaxElements: 4000})
		if err != nil {
			t.Fatalf("serialised form does not parse: %v\n%s", err, out)
		}
		if !bytes.Equal(again.Bytes(), out) {
			t.Fatalf("serialisation is not stable:\n%s\n%s", out, again.Bytes())
		}
		_ = Check(e)
	})
}
