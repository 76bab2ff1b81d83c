package cuzk_test

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"fmt"
	"math/big"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"konektor/adapters/cuzk"
	"konektor/adapters/cuzk/sim"
	"konektor/certs/docsig"
	"konektor/certs/xmlsig"
	"konektor/gateway/fault"
)

var (
	sealOnce sync.Once
	sealKey  *rsa.PrivateKey
	sealCert *x509.Certificate
)

func sealIdentity(t *testing.T) (*rsa.PrivateKey, *x509.Certificate) {
	t.Helper()
	sealOnce.Do(func() {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic(err)
		}
		tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: "ČÚZK sandbox seal"},
			NotBefore: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), NotAfter: time.Date(2040, 1, 1, 0, 0, 0, 0, time.UTC),
			KeyUsage: x509.KeyUsageDigitalSignature}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.PublicKey, k)
		if err != nil {
			panic(err)
		}
		c, err := x509.ParseCertificate(der)
		if err != nil {
			panic(err)
		}
		sealKey, sealCert = k, c
	})
	return sealKey, sealCert
}

// sealedEnv is a setup whose sandbox seals XML reports as ČÚZK does and
// whose adapter verifies them.
func sealedEnv(t *testing.T, opts func(*cuzk.Options)) *env {
	t.Helper()
	k, crt := sealIdentity(t)
	signer, err := docsig.NewSigner(k, crt, docsig.SignerOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return newEnv(t, setup{simOptions: sim.Options{Sealer: signer}, options: func(o *cuzk.Options) {
		o.Reports = docReports(t, o.Now)
		if opts != nil {
			opts(o)
		}
	}})
}

// docReports verifies reports against the sandbox's seal certificate.
func docReports(t *testing.T, now func() time.Time) *cuzk.DocReports {
	t.Helper()
	_, crt := sealIdentity(t)
	v, err := cuzk.NewDocReports(xmlsig.Trust{Pinned: []*x509.Certificate{crt}}, now)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// report generates an LV report and returns its id once it is ready.
func (e *env) report(t *testing.T, format string) string {
	t.Helper()
	r := e.do(client999002, "sestavy", envelope(req("sestavy", "GenerujLVRequest", "<v:lvId>"+sim.SampleLV+"</v:lvId><v:format>"+format+"</v:format>")))
	if r.err != nil {
		t.Fatal(r.err)
	}
	id := regexp.MustCompile(`<id>(\d+)</id>`).FindSubmatch(r.reply.Body)
	if id == nil {
		t.Fatalf("no report id:\n%s", r.reply.Body)
	}
	e.clock.Advance(time.Minute)
	return string(id[1])
}

func vrat(id string) string {
	return envelope(req("sestavy", "VratSestavuRequest", "<v:idSestavy>"+id+"</v:idSestavy>"))
}

func TestSealedReportVerified(t *testing.T) {
	e := sealedEnv(t, nil)
	id := e.report(t, "xml")
	r := e.do(client999002, "sestavy", vrat(id))
	if r.err != nil {
		t.Fatal(r.err)
	}
	if r.reply.Reason != "account DEMO-WSDP" || r.reply.UpstreamStatus != "OK 0,317" ||
		!strings.HasPrefix(r.reply.Evidence, "xml report "+id+": signature valid, signer CN=ČÚZK sandbox seal, signature ") {
		t.Fatalf("reason %q evidence %q status %q", r.reply.Reason, r.reply.Evidence, r.reply.UpstreamStatus)
	}
	if fmt.Sprint(e.metrics.reports) != "[valid]" {
		t.Fatalf("metric %v", e.metrics.reports)
	}
}

func TestTamperedReportRefused(t *testing.T) {
	e := sealedEnv(t, nil)
	id := e.report(t, "xml")
	e.alter = func(body []byte) []byte { return retouch(t, body, "Nováková", "Novotná") }
	r := e.do(client999002, "sestavy", vrat(id))
	var fe *fault.Error
	if !errorsAs(r.err, &fe) || fe.Code != "cuzk-report-signature" || fe.Kind != fault.BadGateway || !strings.Contains(fe.EN, id) {
		t.Fatalf("%v", r.err)
	}
	if fmt.Sprint(e.metrics.reports) != "[invalid]" {
		t.Fatalf("metric %v", e.metrics.reports)
	}
}

// rewrap puts the sealed report inside a SOAP envelope whose Header holds
// its Signature: the container the sandbox used to deliver, which is not
// ČÚZK's form and must not pass.
func rewrap(t *testing.T, body []byte) []byte {
	t.Helper()
	re := regexp.MustCompile(`<souborSestavy>([^<]*)</souborSestavy>`)
	sig := regexp.MustCompile(`(?s)<ds:Signature .*</ds:Signature>`)
	return re.ReplaceAllFunc(body, func(m []byte) []byte {
		raw, err := base64.StdEncoding.DecodeString(string(re.FindSubmatch(m)[1]))
		if err != nil {
			t.Fatal(err)
		}
		s := sig.Find(raw)
		if s == nil {
			t.Fatalf("no signature in the report")
		}
		report := bytes.TrimPrefix(sig.ReplaceAll(raw, nil), []byte(`<?xml version="1.0" encoding="UTF-8"?>`))
		env := []byte(`<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Header>` + string(s) +
			`</soapenv:Header><soapenv:Body>` + string(report) + `</soapenv:Body></soapenv:Envelope>`)
		return []byte("<souborSestavy>" + base64.StdEncoding.EncodeToString(env) + "</souborSestavy>")
	})
}

// retouch changes the report inside an answer's base64 souborSestavy.
func retouch(t *testing.T, body []byte, from, to string) []byte {
	t.Helper()
	re := regexp.MustCompile(`<souborSestavy>([^<]*)</souborSestavy>`)
	return re.ReplaceAllFunc(body, func(m []byte) []byte {
		raw, err := base64.StdEncoding.DecodeString(string(re.FindSubmatch(m)[1]))
		if err != nil {
			t.Fatal(err)
		}
		raw = bytes.Replace(raw, []byte(from), []byte(to), 1)
		return []byte("<souborSestavy>" + base64.StdEncoding.EncodeToString(raw) + "</souborSestavy>")
	})
}

func TestReportChecks(t *testing.T) {
	tests := []struct {
		name    string
		sealed  bool
		verify  bool
		allow   bool
		format  string
		alter   func(t *testing.T, b []byte) []byte
		reason  string
		code    string
		metrics string
	}{
		{name: "unsealed-xml-relayed-as-such", format: "xml", verify: true, reason: "unsigned (elZnacka n)", metrics: "[unsigned]"},
		{name: "no-verifier-configured", format: "xml", sealed: true, code: "cuzk-report-signature", metrics: "[unverifiable]"},
		{name: "pdf-not-checked", format: "pdf", verify: true, reason: "pdf report ", metrics: "[]"},
		{name: "claims-seal-but-none", format: "xml", verify: true, code: "cuzk-report-signature", metrics: "[unsigned]",
			alter: func(t *testing.T, b []byte) []byte {
				return bytes.Replace(b, []byte("<elZnacka>n</elZnacka>"), []byte("<elZnacka>a</elZnacka>"), 1)
			}},
		{name: "broken-signature-refused", format: "xml", verify: true, code: "cuzk-report-signature", metrics: "[invalid]",
			alter: func(t *testing.T, b []byte) []byte {
				return retouch(t, b, "<LIST_TEXT>", `<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"/><LIST_TEXT>`)
			}},
		{name: "wss-container-refused", format: "xml", verify: true, sealed: true, code: "cuzk-report-signature", metrics: "[invalid]",
			alter: func(t *testing.T, b []byte) []byte { return rewrap(t, b) }},
		{name: "unverifiable-refused", format: "xml", verify: true, sealed: true, code: "cuzk-report-signature", metrics: "[unverifiable]",
			alter: func(t *testing.T, b []byte) []byte {
				return retouch(t, b, "<LIST_TEXT>", `<LIST_TEXT xmlns="">`)
			}},
		{name: "unverifiable-allowed", format: "xml", verify: true, sealed: true, allow: true, reason: "signature NOT verified", metrics: "[unverifiable]",
			alter: func(t *testing.T, b []byte) []byte {
				return retouch(t, b, "<LIST_TEXT>", `<LIST_TEXT xmlns="">`)
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var e *env
			opts := func(o *cuzk.Options) {
				if !tt.verify {
					o.Reports = nil
				}
				o.AllowUnverifiableReports = tt.allow
			}
			if tt.sealed {
				e = sealedEnv(t, opts)
			} else {
				e = newEnv(t, setup{options: func(o *cuzk.Options) {
					if tt.verify {
						o.Reports = docReports(t, o.Now)
					}
					opts(o)
				}})
			}
			id := e.report(t, tt.format)
			if tt.alter != nil {
				e.alter = func(b []byte) []byte { return tt.alter(t, b) }
			}
			r := e.do(client999002, "sestavy", vrat(id))
			if tt.code != "" {
				if r.code() != tt.code {
					t.Fatalf("%v, want %s", r.err, tt.code)
				}
			} else if r.err != nil || !strings.Contains(r.reply.Evidence, tt.reason) || r.reply.Reason != "account DEMO-WSDP" {
				t.Fatalf("%v reason %q evidence %q", r.err, r.reply.Reason, r.reply.Evidence)
			}
			if got := fmt.Sprint(e.metrics.reports); got != tt.metrics {
				t.Fatalf("metrics %s, want %s", got, tt.metrics)
			}
		})
	}
}

// TestMTOMReport: a report delivered as an MTOM attachment is found and
// verified like an inline one.
func TestMTOMReport(t *testing.T) {
	e := sealedEnv(t, nil)
	id := e.report(t, "xml")
	e.alter, e.ctype = toMTOM(t)
	r := e.do(client999002, "sestavy", vrat(id))
	if r.err != nil || !strings.Contains(r.reply.Evidence, "signature valid") || !strings.HasPrefix(r.reply.ContentType, "multipart/related") {
		t.Fatalf("%v %q %q", r.err, r.reply.Evidence, r.reply.ContentType)
	}
}

// toMTOM turns an answer's inline report into an MTOM attachment.
func toMTOM(t *testing.T) (func([]byte) []byte, string) {
	const boundary = "uuid:konektor-test-boundary"
	ctype := `multipart/related; type="application/xop+xml"; boundary="` + boundary + `"; start="<root@konektor>"; start-info="text/xml"`
	re := regexp.MustCompile(`<souborSestavy>([^<]*)</souborSestavy>`)
	return func(body []byte) []byte {
		m := re.FindSubmatch(body)
		if m == nil {
			t.Fatalf("no souborSestavy:\n%s", body)
		}
		raw, err := base64.StdEncoding.DecodeString(string(m[1]))
		if err != nil {
			t.Fatal(err)
		}
		root := re.ReplaceAll(body, []byte(`<souborSestavy><xop:Include xmlns:xop="http://www.w3.org/2004/08/xop/include" href="cid:rep1@konektor"/></souborSestavy>`))
		var b bytes.Buffer
		b.WriteString("--" + boundary + "\r\nContent-Type: application/xop+xml; charset=UTF-8; type=\"text/xml\"\r\nContent-Transfer-Encoding: binary\r\nContent-ID: <root@konektor>\r\n\r\n")
		b.Write(root)
		b.WriteString("\r\n--" + boundary + "\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: binary\r\nContent-ID: <rep1@konektor>\r\n\r\n")
		b.Write(raw)
		b.WriteString("\r\n--" + boundary + "--\r\n")
		return b.Bytes()
	}, ctype
}
