package cuzk_test

import (
	"errors"
	"strings"
	"testing"

	"konektor/wsdl/cuzk"
)

func TestParse(t *testing.T) {
	deep := strings.Repeat("<a>", 70) + strings.Repeat("</a>", 70)
	many := "<r>" + strings.Repeat("<a/>", 50) + "</r>"
	tests := []struct {
		name    string
		in      string
		lim     cuzk.Limits
		wantErr error
		check   func(t *testing.T, e *cuzk.Element)
	}{
		{name: "prefixes-resolve-per-scope", in: `<v:R xmlns:v="urn:v" xmlns:c="urn:c"><c:x a="1">t</c:x><y xmlns="urn:d"><z/></y></v:R>`,
			check: func(t *testing.T, e *cuzk.Element) {
				if e.Name.Space != "urn:v" || e.Children[0].Name.Space != "urn:c" || e.Children[1].Children[0].Name.Space != "urn:d" {
					t.Fatalf("namespaces: %+v", e)
				}
				if e.Value("x") != "t" {
					t.Fatalf("text %q", e.Value("x"))
				}
				if v, ok := e.Child("x").AttrValue("a"); !ok || v != "1" {
					t.Fatalf("attr %q", v)
				}
			}},
		{name: "redeclared-prefix-is-scoped", in: `<p:R xmlns:p="urn:a"><p:x xmlns:p="urn:b"/><p:y/></p:R>`,
			check: func(t *testing.T, e *cuzk.Element) {
				if e.Children[0].Name.Space != "urn:b" || e.Children[1].Name.Space != "urn:a" {
					t.Fatalf("scoping: %s %s", e.Children[0].Name.Space, e.Children[1].Name.Space)
				}
			}},
		{name: "utf8-declaration-accepted", in: `<?xml version="1.0" encoding="UTF-8"?><r/>`},
		{name: "doctype-rejected", in: `<!DOCTYPE r [<!ENTITY x "y">]><r>&x;</r>`, wantErr: cuzk.ErrDoctype},
		{name: "processing-instruction-rejected", in: `<r><?php echo 1 ?></r>`, wantErr: cuzk.ErrProcInst},
		{name: "other-encoding-rejected", in: `<?xml version="1.0" encoding="windows-1250"?><r/>`, wantErr: cuzk.ErrBadEncoding},
		{name: "too-deep", in: deep, wantErr: cuzk.ErrTooDeep},
		{name: "too-many-elements", in: many, lim: cuzk.Limits{MaxElements: 10}, wantErr: cuzk.ErrTooMany},
		{name: "too-large", in: many, lim: cuzk.Limits{MaxBytes: 20}, wantErr: cuzk.ErrTooLarge},
		{name: "second-root", in: `<r/><s/>`, wantErr: cuzk.ErrTrailing},
		{name: "empty", in: ``, wantErr: cuzk.ErrNoRoot},
		{name: "undeclared-prefix", in: `<p:r/>`, wantErr: errAny},
		{name: "unclosed", in: `<r><a></r>`, wantErr: errAny},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := cuzk.Parse(strings.NewReader(tt.in), tt.lim)
			switch {
			case tt.wantErr == errAny:
				if err == nil {
					t.Fatal("accepted")
				}
			case tt.wantErr != nil:
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
			case err != nil:
				t.Fatal(err)
			}
			if tt.check != nil && err == nil {
				tt.check(t, e)
			}
		})
	}
}

var errAny = errors.New("any error")

func TestBytesRoundTrip(t *testing.T) {
	in := `<R xmlns="urn:v" xmlns:c="urn:c"><c:x kod="0">a &amp; &lt;b&gt;</c:x><plain xmlns=""><q>1</q></plain></R>`
	e, err := cuzk.Parse(strings.NewReader(in), cuzk.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	out := e.Bytes()
	again, err := cuzk.Parse(strings.NewReader(string(out)), cuzk.Limits{})
	if err != nil {
		t.Fatalf("output does not parse: %v\n%s", err, out)
	}
	if again.Name.Space != "urn:v" || again.Children[0].Name.Space != "urn:c" || again.Children[1].Name.Space != "" ||
		again.Children[1].Children[0].Name.Space != "" {
		t.Fatalf("namespaces lost: %s", out)
	}
	if again.Value("x") != "a & <b>" {
		t.Fatalf("text %q", again.Value("x"))
	}
}
