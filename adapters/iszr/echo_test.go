package iszr

import (
	"bytes"
	"encoding/xml"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// decodeSpans is the reference for echoSpans: the same spans found with a
// full XML decoder.
func decodeSpans(body []byte) []span {
	dec := xml.NewDecoder(bytes.NewReader(body))
	var spans []span
	inInfo := false
	var open *span
	for {
		before := int(dec.InputOffset())
		tok, err := dec.Token()
		if err != nil {
			return spans
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local == "OdpovedInfo" {
				inInfo = true
				continue
			}
			if inInfo && (t.Name.Local == "CasOdpovedi" || t.Name.Local == "AgendaZadostId") {
				open = &span{name: t.Name.Local, start: int(dec.InputOffset())}
			}
		case xml.EndElement:
			if open != nil {
				open.end = before
				if string(body[open.start-2:open.start]) != "/>" {
					spans = append(spans, *open)
				}
				open = nil
			}
			if t.Name.Local == "OdpovedInfo" {
				return spans
			}
		}
	}
}

func TestEchoSpansMatchesDecoder(t *testing.T) {
	files, _ := filepath.Glob("sim/testdata/golden/*.response.xml")
	if len(files) == 0 {
		t.Fatal("no golden answers")
	}
	cases := map[string][]byte{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		cases[filepath.Base(f)] = b
	}
	cases["comment-cdata-and-quotes"] = []byte(`<a><!-- <reg:CasOdpovedi>x</reg:CasOdpovedi> --><abs:OdpovedInfo x="a>b" y='&gt;'><reg:CasOdpovedi>2026-01-01T00:00:00Z</reg:CasOdpovedi><![CDATA[<reg:AgendaZadostId>no</reg:AgendaZadostId>]]><reg:AgendaZadostId>id</reg:AgendaZadostId></abs:OdpovedInfo><reg:AgendaZadostId>outside</reg:AgendaZadostId></a>`)
	cases["self-closing"] = []byte(`<a><OdpovedInfo><CasOdpovedi/><AgendaZadostId>x</AgendaZadostId></OdpovedInfo></a>`)
	for name, body := range cases {
		t.Run(name, func(t *testing.T) {
			got, _ := echoSpans(body)
			want := decodeSpans(body)
			if len(got) == 0 && len(want) == 0 {
				return
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("scanner %+v, decoder %+v", got, want)
			}
		})
	}
}

func FuzzEchoSpans(f *testing.F) {
	files, _ := filepath.Glob("sim/testdata/golden/*.response.xml")
	for _, fn := range files {
		if b, err := os.ReadFile(fn); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		spans, _ := echoSpans(body)
		for _, s := range spans {
			if s.start < 0 || s.end < s.start || s.end > len(body) {
				t.Fatalf("span %+v outside %d bytes", s, len(body))
			}
		}
	})
}
