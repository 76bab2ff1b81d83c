package iszr

import (
	"bytes"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"konektor/gateway/pipeline"
	"konektor/gateway/soap"
)

// requestInputs are the sandbox's golden requests, the sample, and
// variants that exercise what the reader and the canonical form must
// treat alike: prefixes, default namespaces, comments, CDATA, references,
// attributes, whitespace, repeated and nested elements.
func requestInputs(t *testing.T) [][]byte {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("sim", "testdata", "golden", "*.request.xml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden requests: %v", err)
	}
	var out [][]byte
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, raw)
	}
	sample := string(FillSample(SampleRosCtiIco2, "2026-11-23T10:00:00.000Z", "6f1c1f7e-3c1b-4b8e-9a57-0d6f5e0f8a11"))
	out = append(out, []byte(sample))
	for _, r := range []struct{ old, new string }{
		{"<reg:Ovm>", "<!-- c --><reg:Ovm>"},
		{"<reg:Ovm>", "<reg:Ovm> <!-- c --> "},
		{"<reg:Agenda>X999", "<reg:Agenda><![CDATA[X9]]>&#57;9"},
		{"<reg:Agenda>X999", "<reg:Agenda>\r\n X999 &amp; &lt;x&gt; \"'"},
		{"<reg:Agenda>X999</reg:Agenda>", "<reg:Agenda>X999</reg:Agenda><reg:Agenda>X998</reg:Agenda>"},
		{"<abs:SeznamUdaju>", "<abs:SeznamUdaju a=\"2\" b='1' xmlns:q=\"urn:q\" q:c=\"&amp;\">"},
		{"<abs:ZadostInfo>", "<abs:ZadostInfo><reg:Ovm><reg:Ovm>1</reg:Ovm></reg:Ovm>"},
		{"<abs:ZadostInfo>", "<abs:ZadostInfo xmlns=\"urn:cz:isvs:reg:schemas:RegTypy:v1\"><Subjekt>s</Subjekt>"},
		{"<sdo:Ico>", "<sdo:Ico> <x:GlobalniAifo xmlns:x=\"urn:x\">123</x:GlobalniAifo>"},
		{"<sdo:Ico>", "<sdo:Ico>" + strings.Repeat("9", 70)},
		{"<reg:DuvodUcel>", "<reg:DuvodUcel>" + strings.Repeat("x", 5000)},
		{"<reg:CasZadosti>", "<reg:CasZadosti><reg:Ovm>1</reg:Ovm>"},
		{"<abs:SeznamUdaju>", "<abs:MaximalniPocetZaznamu> 7 </abs:MaximalniPocetZaznamu><abs:SeznamUdaju>"},
		{"<abs:SeznamUdaju>", "<abs:MaximalniPocetZaznamu>x</abs:MaximalniPocetZaznamu><abs:SeznamUdaju>"},
		{"</abs:AutorizaceInfo>", "</abs:AutorizaceInfo><abs:AutorizaceInfo/>"},
		{"</abs:ZadostInfo>", "</abs:ZadostInfo><abs:ZadostInfo/>"},
	} {
		if !strings.Contains(sample, r.old) {
			t.Fatalf("sample lacks %q", r.old)
		}
		out = append(out, []byte(strings.Replace(sample, r.old, r.new, 1)))
	}
	// Namespaces declared on the Envelope and Body, one of them default.
	out = append(out, []byte(`<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" xmlns:abs="urn:cz:isvs:iszr:schemas:IszrAbstract:v1"><s:Body xmlns:reg="urn:cz:isvs:reg:schemas:RegTypy:v1">`+
		`<RobCtiAifo xmlns="urn:cz:isvs:iszr:schemas:IszrRobCtiAifo:v1"><abs:ZadostInfo><reg:Agenda>X999</reg:Agenda><reg:AgendovaRole>XR2</reg:AgendovaRole><reg:Ovm>12345678</reg:Ovm>`+
		`<reg:AgendaZadostId>id</reg:AgendaZadostId></abs:ZadostInfo><Aifo a="1">x</Aifo></RobCtiAifo></s:Body></s:Envelope>`))
	out = append(out, []byte(`<Envelope xmlns="http://schemas.xmlsoap.org/soap/envelope/"><Body>`+
		`<e:RobCtiAifo xmlns:e="urn:cz:isvs:iszr:schemas:IszrRobCtiAifo:v1" xmlns:abs="urn:cz:isvs:iszr:schemas:IszrAbstract:v1"><abs:ZadostInfo><Agenda xmlns="urn:cz:isvs:reg:schemas:RegTypy:v1">X999</Agenda></abs:ZadostInfo><Aifo>x</Aifo></e:RobCtiAifo></Body></Envelope>`))
	// E100's local ZadostInfo and KodAsyncSluzby, also with an element inside.
	e100 := `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><a:IszrAsyncOdpovedZFronty xmlns:a="urn:cz:isvs:iszr:schemas:IszrAsyncOdpovedZFronty:v1" xmlns:reg="urn:cz:isvs:reg:schemas:RegTypy:v1">` +
		`<a:ZadostInfo><reg:Agenda>A</reg:Agenda></a:ZadostInfo><a:KodAsyncSluzby>E123%s</a:KodAsyncSluzby></a:IszrAsyncOdpovedZFronty></s:Body></s:Envelope>`
	for _, k := range []string{"", " x<a:b>E9<a:c/>y</a:b>z ", "<!-- c -->q"} {
		out = append(out, []byte(strings.Replace(e100, "%s", k, 1)))
	}
	return out
}

// sameRead fails t unless the token-based reader agrees with the former
// encoding/xml one on raw (when soap.Parse accepts it): the same Request
// or an error from both, and the same canonical bytes.
func sameRead(t *testing.T, raw []byte) {
	t.Helper()
	env, err := soap.Parse(raw, soap.DefaultLimits)
	if err != nil {
		return
	}
	doc := env.PayloadDocument()
	want, wantCanon, werr := readRequestCanonicalReference(doc)
	for _, path := range []string{"envelope", "document"} {
		var got Request
		var canon []byte
		var gerr error
		if path == "envelope" {
			got, canon, gerr = ReadEnvelopeCanonical(env)
			if r, err := ReadEnvelope(env); !reflect.DeepEqual(r, got) || (err == nil) != (gerr == nil) {
				t.Fatalf("%s: ReadEnvelope %+v %v, ReadEnvelopeCanonical %+v %v", path, r, err, got, gerr)
			}
		} else {
			got, canon, gerr = ReadRequestCanonical(doc)
		}
		if (gerr == nil) != (werr == nil) {
			t.Fatalf("%s %q:\nnew: %v\nold: %v", path, clip(raw), gerr, werr)
		}
		if werr != nil {
			continue
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%s %q:\nnew: %+v\nold: %+v", path, clip(raw), got, want)
		}
		if !bytes.Equal(canon, unwrapped(wantCanon)) {
			t.Fatalf("%s %q: canonical\nnew: %s\nold: %s", path, clip(raw), canon, wantCanon)
		}
	}
	// Without a ZadostInfo, CanonicalRequest still gives the form the
	// reference gave.
	old, err := canonicalReference(doc)
	if err != nil {
		t.Fatal(err)
	}
	got, err := (&Upstream{}).CanonicalRequest(&pipeline.Exchange{Envelope: env})
	if err != nil || !bytes.Equal(got, unwrapped(old)) {
		t.Fatalf("%q: CanonicalRequest\nnew: %s\nold: %s", clip(raw), got, old)
	}
}

// unwrapped removes the scope wrapper the former canonical form kept when
// an inherited default namespace put the wrapper in that namespace.
func unwrapped(c []byte) []byte {
	if i := bytes.Index(c, []byte("konektor-scope>")); i > 0 && bytes.HasPrefix(c, []byte("<{")) && i < bytes.IndexByte(c, '>') {
		return bytes.TrimSuffix(c[i+len("konektor-scope>"):], []byte("</>"))
	}
	return c
}

func clip(b []byte) string {
	if len(b) > 200 {
		return string(b[:200]) + "…"
	}
	return string(b)
}

func TestReadRequestDifferential(t *testing.T) {
	for _, raw := range requestInputs(t) {
		if _, err := soap.Parse(raw, soap.DefaultLimits); err != nil {
			t.Fatalf("input does not parse: %v\n%s", err, raw)
		}
		sameRead(t, raw)
	}
}

// TestReadRequestDifferentialMutations changes one byte at a time in the
// inputs (those that still parse are compared).
func TestReadRequestDifferentialMutations(t *testing.T) {
	special := []byte("<>/&;#x:=\"' \r\n!-[]\xc3\x80aZ9")
	rnd := rand.New(rand.NewPCG(3, 4))
	n := 0
	for _, raw := range requestInputs(t) {
		for i := 0; i < len(raw); i += 1 + rnd.IntN(3) {
			m := bytes.Clone(raw)
			m[i] = special[rnd.IntN(len(special))]
			sameRead(t, m)
			n++
		}
	}
	if n < 1000 {
		t.Fatalf("only %d mutations", n)
	}
}

// TestIsUUIDMatchesRegexp holds the hand-written check Refresh uses to the
// regular expression it replaced.
func TestIsUUIDMatchesRegexp(t *testing.T) {
	base := "6f1c1f7e-3c1b-4b8e-9a57-0d6f5e0f8a11"
	inputs := []string{base, strings.ToUpper(base), "", "x", base + "0", base[1:], "6f1c1f7e_3c1b-4b8e-9a57-0d6f5e0f8a11", "6f1c1f7e-3c1b-4b8e-9a57-0d6f5e0f8a1g", "6f1c1f7e3c1b-4b8e-9a57-0d6f5e0f8a11-"}
	for i := range base {
		for _, c := range []byte("-0aFgz") {
			b := []byte(base)
			b[i] = c
			inputs = append(inputs, string(b))
		}
	}
	for _, s := range inputs {
		if got, want := isUUID(s), uuidRE.MatchString(s); got != want {
			t.Errorf("isUUID(%q) = %v, regexp says %v", s, got, want)
		}
	}
}
