package zfo

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"
)

// parsePayloadReference is parsePayload written on encoding/xml: slower,
// but built on the standard library's reader. The differential fuzz test
// below requires the scanner to agree with it.
func parsePayloadReference(data []byte) (*payload, error) {
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true
	p := &payload{}
	var stack []xml.Name
	var text strings.Builder
	collect := false
	count := 0
	var dmDmStart int64 = -1
	dmDmDepth := -1
	rootDone, seen := false, false
	for {
		before := d.InputOffset()
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrPayload, err)
		}
		switch t := tok.(type) {
		case xml.Directive:
			return nil, fmt.Errorf("%w: directive", ErrPayload)
		case xml.ProcInst:
			if t.Target != "xml" || before != 0 {
				return nil, fmt.Errorf("%w: processing instruction", ErrPayload)
			}
		case xml.StartElement:
			if rootDone {
				return nil, fmt.Errorf("%w: second root", ErrPayload)
			}
			count++
			depth := len(stack)
			if count > maxXMLElements || depth >= maxXMLDepth {
				return nil, fmt.Errorf("%w: too many or too deep", ErrPayload)
			}
			open := make([]openElement, len(stack))
			for i, n := range stack {
				open[i].name = n
			}
			if err := p.start(xmlToken{name: t.Name, attrs: unprefixed(t.Attr)}, depth, open); err != nil {
				return nil, err
			}
			if depth == 2 && t.Name.Local == "dmDm" && isV20(t.Name.Space) {
				if dmDmStart >= 0 {
					return nil, fmt.Errorf("%w: two dmDm elements", ErrPayload)
				}
				dmDmStart, dmDmDepth = before, depth
			}
			stack = append(stack, t.Name)
			collect = wantedName(len(stack), t.Name.Local, dmDmDepth)
			text.Reset()
		case xml.CharData:
			if len(stack) == 0 {
				if len(bytes.TrimSpace(t)) > 0 {
					return nil, fmt.Errorf("%w: text outside the root", ErrPayload)
				}
				continue
			}
			if collect {
				if text.Len()+len(t) > maxTextField {
					return nil, fmt.Errorf("%w: field too long", ErrPayload)
				}
				text.Write(t)
			}
		case xml.EndElement:
			depth := len(stack) - 1
			if collect {
				if err := p.store(len(stack), stack[depth].Local, dmDmDepth, strings.TrimSpace(text.String())); err != nil {
					return nil, err
				}
			}
			if depth == dmDmDepth && dmDmStart >= 0 && p.dmDm == nil {
				p.dmDm = data[dmDmStart:d.InputOffset()]
			}
			stack = stack[:depth]
			collect = false
			if depth == 0 {
				rootDone = true
			}
		}
		seen = true
	}
	_ = seen
	if p.kind == "" {
		return nil, fmt.Errorf("%w: empty document", ErrPayload)
	}
	if p.dmDm == nil {
		return nil, fmt.Errorf("%w: no dmDm element", ErrPayload)
	}
	return p, nil
}

func unprefixed(attrs []xml.Attr) []xml.Attr {
	var out []xml.Attr
	for _, a := range attrs {
		if a.Name.Space == "" && a.Name.Local != "xmlns" {
			out = append(out, a)
		}
	}
	return out
}

func TestParsePayload(t *testing.T) {
	p := sandboxPKI(t)
	head := `<q:MessageDownloadResponse xmlns:q="http://isds.czechpoint.cz/v20/message"><q:dmReturnedMessage>`
	tail := `</q:dmReturnedMessage></q:MessageDownloadResponse>`
	dm := `<p:dmDm xmlns:p="http://isds.czechpoint.cz/v20"><p:dmID>42</p:dmID></p:dmDm>`
	tests := []struct {
		name   string
		doc    string
		ok     bool
		dmID   string
		dmDm   string
		status int
	}{
		{"message", string(p.payload(t, sample, payloadSpec{kind: KindMessage})), true, sample.dmID, "", 6},
		{"delivery", string(p.payload(t, sample, payloadSpec{kind: KindDelivery})), true, sample.dmID, "", 6},
		{"minimal", head + dm + tail, true, "42", dm, 0},
		{"declaration-and-comments", `<?xml version="1.0" encoding="UTF-8"?><!-- c -->` + head + `<!-- <p:dmDm> -->` + dm + tail + "\n", true, "42", dm, 0},
		{"cdata-id", head + `<p:dmDm xmlns:p="http://isds.czechpoint.cz/v20"><p:dmID><![CDATA[4&2]]></p:dmID></p:dmDm>` + tail, true, "4&2", "", 0},
		{"entity-in-id", head + `<p:dmDm xmlns:p="http://isds.czechpoint.cz/v20"><p:dmID>4&#50;</p:dmID></p:dmDm>` + tail, true, "42", "", 0},
		{"default-namespace", `<MessageDownloadResponse xmlns="http://isds.czechpoint.cz/v20/message"><dmReturnedMessage><dmDm xmlns="http://isds.czechpoint.cz/v20"><dmID>7</dmID></dmDm></dmReturnedMessage></MessageDownloadResponse>`, true, "7", "", 0},
		{"gt-in-attribute", head + `<p:dmDm xmlns:p="http://isds.czechpoint.cz/v20" a="x>y"><p:dmID>42</p:dmID></p:dmDm>` + tail, true, "42", "", 0},
		{"self-closing-dmdm", head + `<p:dmDm xmlns:p="http://isds.czechpoint.cz/v20"/>` + tail, true, "", `<p:dmDm xmlns:p="http://isds.czechpoint.cz/v20"/>`, 0},
		{"doctype", `<!DOCTYPE x>` + head + dm + tail, false, "", "", 0},
		{"pi-inside", head + `<?php x?>` + dm + tail, false, "", "", 0},
		{"wrong-root", `<q:Other xmlns:q="http://isds.czechpoint.cz/v20/message"/>`, false, "", "", 0},
		{"wrong-container", `<q:MessageDownloadResponse xmlns:q="http://isds.czechpoint.cz/v20/message"><q:dmDelivery/></q:MessageDownloadResponse>`, false, "", "", 0},
		{"dmdm-in-other-namespace", head + `<x:dmDm xmlns:x="urn:other"/>` + tail, false, "", "", 0},
		{"two-dmdm", head + dm + dm + tail, false, "", "", 0},
		{"mismatched-end", head + dm + `</q:dmDelivery></q:MessageDownloadResponse>`, false, "", "", 0},
		{"unclosed", head + dm, false, "", "", 0},
		{"second-root", head + dm + tail + `<a/>`, false, "", "", 0},
		{"text-after-root", head + dm + tail + `x`, false, "", "", 0},
		{"latin2", `<?xml version="1.0" encoding="ISO-8859-2"?>` + head + dm + tail, false, "", "", 0},
		{"unknown-entity", head + `<p:dmDm xmlns:p="http://isds.czechpoint.cz/v20"><p:dmID>&x;</p:dmID></p:dmDm>` + tail, false, "", "", 0},
		{"hash-not-base64", head + dm + `<q:dmHash algorithm="SHA-256">!!</q:dmHash>` + tail, false, "", "", 0},
		{"too-deep", head + strings.Repeat("<a>", maxXMLDepth) + strings.Repeat("</a>", maxXMLDepth) + dm + tail, false, "", "", 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, parse := range []struct {
				name string
				fn   func([]byte) (*payload, error)
			}{{"scanner", parsePayload}, {"encoding-xml", parsePayloadReference}} {
				got, err := parse.fn([]byte(tc.doc))
				if (err == nil) != tc.ok {
					t.Fatalf("%s: %v, want ok=%v", parse.name, err, tc.ok)
				}
				if err != nil {
					continue
				}
				if got.dmID != tc.dmID || got.status != tc.status || (tc.dmDm != "" && string(got.dmDm) != tc.dmDm) {
					t.Errorf("%s: dmID %q status %d dmDm %q", parse.name, got.dmID, got.status, got.dmDm)
				}
			}
		})
	}
}

// FuzzPayloadScannerAgrees is the differential test: on every document
// encoding/xml reads, the scanner must read the same.
func FuzzPayloadScannerAgrees(f *testing.F) {
	p := sandboxPKI(f)
	for _, k := range []string{KindMessage, KindSent, KindDelivery} {
		f.Add(p.payload(f, sample, payloadSpec{kind: k}))
	}
	f.Add([]byte(`<q:MessageDownloadResponse xmlns:q="http://isds.czechpoint.cz/v20/message"><q:dmReturnedMessage><!--x--><p:dmDm xmlns:p="http://isds.czechpoint.cz/v20"><p:dmID><![CDATA[1]]></p:dmID></p:dmDm><q:dmHash algorithm='SHA-1'>AAAA</q:dmHash></q:dmReturnedMessage></q:MessageDownloadResponse>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		want, err := parsePayloadReference(data)
		if err != nil {
			return
		}
		got, err := parsePayload(data)
		if err != nil {
			t.Fatalf("encoding/xml reads the document, the scanner fails: %v", err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("scanner read\n%+v\nencoding/xml read\n%+v", got, want)
		}
	})
}
