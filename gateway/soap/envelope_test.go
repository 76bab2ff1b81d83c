package soap

import (
	"bytes"
	"encoding/xml"
	"errors"
	"flag"
	"mime"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files")

// expectedCode maps a testdata file name to the rejection it must produce;
// "" means the envelope must be accepted.
func expectedCode(name string) string {
	base := strings.TrimSuffix(name, ".xml")
	switch {
	case strings.HasPrefix(base, "ok-"):
		return ""
	case strings.HasPrefix(base, "doctype"):
		return "doctype"
	}
	return base
}

func testLimits() Limits {
	l := DefaultLimits
	l.MaxDepth = 32
	return l
}

func TestParseTestdata(t *testing.T) {
	files, err := filepath.Glob("testdata/*.xml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no testdata: %v", err)
	}
	for _, f := range files {
		name := filepath.Base(f)
		if strings.Contains(name, ".golden.") {
			continue
		}
		t.Run(strings.TrimSuffix(name, ".xml"), func(t *testing.T) {
			raw, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			env, err := Parse(raw, testLimits())
			want := expectedCode(name)
			if want == "" {
				if err != nil {
					t.Fatalf("want accepted, got %v", err)
				}
				if env.PayloadEnd <= env.PayloadStart {
					t.Fatalf("payload span %d..%d", env.PayloadStart, env.PayloadEnd)
				}
				return
			}
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("want rejection %q, got %v", want, err)
			}
			if pe.Code != want {
				t.Fatalf("want code %q, got %q (%v)", want, pe.Code, err)
			}
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("rejection does not wrap ErrInvalid")
			}
			if pe.CS == "" || pe.EN == "" || pe.CS == pe.EN {
				t.Fatalf("want distinct Czech and English reasons, got %q / %q", pe.CS, pe.EN)
			}
		})
	}
}

func TestParseFindsPayload(t *testing.T) {
	tests := []struct {
		name    string
		raw     string
		version Version
		local   string
		space   string
		payload string
		header  bool
		fault   bool
	}{
		{
			name:    "soap11-with-header",
			raw:     `<s:Envelope xmlns:s="` + NS11 + `"><s:Header><h/></s:Header><s:Body><p:Op xmlns:p="urn:x"><p:a/></p:Op></s:Body></s:Envelope>`,
			version: V11, local: "Op", space: "urn:x", payload: `<p:Op xmlns:p="urn:x"><p:a/></p:Op>`, header: true,
		},
		{
			name:    "soap12-self-closing-payload",
			raw:     `<e:Envelope xmlns:e="` + NS12 + `"><e:Body><Op xmlns="urn:y"/></e:Body></e:Envelope>`,
			version: V12, local: "Op", space: "urn:y", payload: `<Op xmlns="urn:y"/>`,
		},
		{
			name:    "payload-prefix-declared-on-envelope",
			raw:     `<s:Envelope xmlns:s="` + NS11 + `" xmlns:p="urn:z"><s:Body><p:Op>1</p:Op></s:Body></s:Envelope>`,
			version: V11, local: "Op", space: "urn:z", payload: `<p:Op>1</p:Op>`,
		},
		{
			name:    "fault",
			raw:     `<s:Envelope xmlns:s="` + NS11 + `"><s:Body><s:Fault><faultcode>s:Server</faultcode></s:Fault></s:Body></s:Envelope>`,
			version: V11, local: "Fault", space: NS11, payload: `<s:Fault><faultcode>s:Server</faultcode></s:Fault>`, fault: true,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env, err := Parse([]byte(tc.raw), DefaultLimits)
			if err != nil {
				t.Fatal(err)
			}
			if env.Version != tc.version || env.Payload.Local != tc.local || env.Payload.Space != tc.space {
				t.Fatalf("got version %v payload %v", env.Version, env.Payload)
			}
			if got := string(env.PayloadBytes()); got != tc.payload {
				t.Fatalf("payload bytes %q, want %q", got, tc.payload)
			}
			if env.HasHeader != tc.header || env.Fault != tc.fault {
				t.Fatalf("header %v fault %v", env.HasHeader, env.Fault)
			}
			// The standalone payload document resolves names as the envelope did.
			dec := xml.NewDecoder(bytes.NewReader(env.PayloadDocument()))
			for {
				tok, err := dec.Token()
				if err != nil {
					t.Fatalf("payload document: %v", err)
				}
				if se, ok := tok.(xml.StartElement); ok && se.Name.Local == tc.local {
					if se.Name.Space != tc.space {
						t.Fatalf("payload document resolves %v", se.Name)
					}
					break
				}
			}
		})
	}
}

func TestParseLimits(t *testing.T) {
	body := func(inner string) []byte {
		return []byte(`<s:Envelope xmlns:s="` + NS11 + `"><s:Body><Op>` + inner + `</Op></s:Body></s:Envelope>`)
	}
	tests := []struct {
		name string
		raw  []byte
		lim  Limits
		code string
	}{
		{"too-large", body(strings.Repeat("x", 2000)), Limits{MaxBytes: 1000}, "too-large"},
		{"too-many-elements", body(strings.Repeat("<a/>", 50)), Limits{MaxElements: 20}, "too-many-elements"},
		{"too-many-attributes", body(`<a a1="1" a2="2" a3="3"/>`), Limits{MaxAttrs: 2}, "too-many-attributes"},
		{"name-too-long", body("<" + strings.Repeat("n", 300) + "/>"), Limits{MaxNameLen: 256}, "name-too-long"},
		{"empty", []byte("  \n"), DefaultLimits, "empty"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse(tc.raw, tc.lim)
			var pe *ParseError
			if !errors.As(err, &pe) || pe.Code != tc.code {
				t.Fatalf("want %q, got %v", tc.code, err)
			}
		})
	}
}

func TestAction(t *testing.T) {
	tests := []struct {
		name, ct, hdr, action string
		v                     Version
	}{
		{"soap11-quoted", "text/xml; charset=utf-8", `"IszrRobCtiAifo"`, "IszrRobCtiAifo", V11},
		{"soap11-bare", "text/xml", `IszrRobCtiAifo`, "IszrRobCtiAifo", V11},
		{"soap12-param", `application/soap+xml; charset=utf-8; action="urn:x/IszrProbe"`, "", "urn:x/IszrProbe", V12},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, v := Action(tc.ct, tc.hdr)
			if a != tc.action || v != tc.v {
				t.Fatalf("got %q %v", a, v)
			}
		})
	}
	matches := []struct {
		action, op string
		want       bool
	}{
		{"IszrRobCtiAifo", "IszrRobCtiAifo", true},
		{"http://x//IszrRobCtiAifo", "IszrRobCtiAifo", true},
		{"urn:a#IszrRobCtiAifo", "IszrRobCtiAifo", true},
		{"IszrRobCtiAifo2", "IszrRobCtiAifo", false},
		{"XIszrRobCtiAifo", "IszrRobCtiAifo", false},
		{"IszrRosCtiIco2", "IszrRobCtiAifo", false},
	}
	for _, m := range matches {
		if got := ActionMatches(m.action, m.op); got != m.want {
			t.Errorf("ActionMatches(%q, %q) = %v", m.action, m.op, got)
		}
	}
}

func TestWriteFaultGolden(t *testing.T) {
	f := Fault{Sender: true, Code: "doctype", CS: "zpráva nesmí obsahovat <DOCTYPE>", EN: "no <DOCTYPE> allowed", CorrelationID: "c-1"}
	for _, v := range []Version{V11, V12} {
		name := "testdata/fault-" + strings.ReplaceAll(v.String(), ".", "") + ".golden.xml"
		got := WriteFault(v, f)
		if *update {
			if err := os.WriteFile(name, got, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("%s differs:\n%s", name, got)
		}
		env, err := Parse(got, DefaultLimits)
		if err != nil {
			t.Fatalf("fault does not parse: %v", err)
		}
		if !env.Fault || env.Version != v {
			t.Fatalf("fault parsed as %+v", env)
		}
	}
}

func TestMediaTypeAgreesWithMime(t *testing.T) {
	for _, ct := range []string{
		"text/xml", "TEXT/XML", "text/xml; charset=utf-8", "text/xml; charset=UTF-8",
		"text/xml;charset=utf-8", `text/xml; charset="utf-8"`, "text/xml; charset=iso-8859-2",
		"application/soap+xml; charset=utf-8; action=\"urn:x\"", "text/xml; charset", "", "text/xml;;",
		"text/html", "text/xml ; charset=utf-8",
	} {
		mt, action, err := MediaType(ct)
		wmt, wparams, werr := mime.ParseMediaType(ct)
		if mt != wmt || (err == nil) != (werr == nil) || action != wparams["action"] {
			t.Errorf("MediaType(%q) = %q %q %v, mime says %q %v %v", ct, mt, action, err, wmt, wparams, werr)
		}
	}
}
