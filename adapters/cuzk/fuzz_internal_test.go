package cuzk

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"konektor/gateway/soap"
)

// FuzzReadAnswer feeds arbitrary answers (untrusted upstream input, SOAP
// or MTOM): an error or an answer, never a panic.
func FuzzReadAnswer(f *testing.F) {
	f.Add("text/xml", []byte(`<S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/"><S:Body><GenerujSestavuResponse xmlns="http://katastr.cuzk.cz/sestavy/types/v2.8" xmlns:ns0="http://katastr.cuzk.cz/commonTypes/v2.8"><vysledek><ns0:zprava kod="0" uroven="INFORMACE">OK</ns0:zprava></vysledek><reportList><report><id>1</id><format>xml</format><elZnacka>a</elZnacka><souborSestavy>PGEvPg==</souborSestavy></report></reportList></GenerujSestavuResponse></S:Body></S:Envelope>`))
	f.Add("text/xml", []byte(`<S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/"><S:Body><S:Fault xmlns:wsse="x"><faultcode>wsse:FailedAuthentication</faultcode><faultstring>x</faultstring></S:Fault></S:Body></S:Envelope>`))
	f.Add("text/xml", []byte(`<S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/"><S:Body><SeznamCiselnikuResponse><vysledek/><ciselnik><nazev>seznamKU</nazev><datumPosledniZmeny>2024-01-01</datumPosledniZmeny></ciselnik></SeznamCiselnikuResponse></S:Body></S:Envelope>`))
	f.Add(`multipart/related; boundary="b"; start="<r>"`, []byte("--b\r\nContent-ID: <r>\r\n\r\n<S:Envelope xmlns:S=\"http://schemas.xmlsoap.org/soap/envelope/\"><S:Body><x><report><souborSestavy><xop:Include xmlns:xop=\"http://www.w3.org/2004/08/xop/include\" href=\"cid:a\"/></souborSestavy></report></x></S:Body></S:Envelope>\r\n--b\r\nContent-ID: <a>\r\nContent-Transfer-Encoding: base64\r\n\r\nPGEvPg==\r\n--b--\r\n"))
	f.Fuzz(func(t *testing.T, contentType string, body []byte) {
		a, err := readAnswer(contentType, body)
		if err != nil {
			return
		}
		_ = a.status()
		_ = a.failed()
		_ = a.busy()
	})
}

// FuzzOutgoing rewrites arbitrary envelopes the gateway accepts: the
// result parses again and carries exactly konektor's UsernameToken and no
// Kontext header.
func FuzzOutgoing(f *testing.F) {
	for _, s := range []string{
		`<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/"><e:Body><a/></e:Body></e:Envelope>`,
		`<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/"><e:Header/><e:Body><a/></e:Body></e:Envelope>`,
		`<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/"><e:Body><v:NajdiOSRequest xmlns:v="http://katastr.cuzk.cz/vyhledat/types/v2.8"><v:prijmeni>Nováková</v:prijmeni><v:rc>7553120102</v:rc></v:NajdiOSRequest></e:Body></e:Envelope>`,
		`<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/" xmlns:k="urn:cz:konektor:cuzk:kontext:v1"><e:Header><k:Kontext><k:Ovm>1</k:Ovm></k:Kontext><w:Security xmlns:w="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"><w:UsernameToken/></w:Security><t>x</t></e:Header><e:Body><a/></e:Body></e:Envelope>`,
	} {
		f.Add([]byte(s))
	}
	lim := soap.Limits{MaxBytes: 1 << 16, MaxDepth: 32, MaxElements: 1000}
	f.Fuzz(func(t *testing.T, raw []byte) {
		env, err := soap.Parse(raw, lim)
		if err != nil || env.Version != soap.V11 {
			return
		}
		k, err := readKontext(env)
		if err != nil {
			return
		}
		if kind, id := k.subject(); (kind == "") != (id == "") {
			t.Fatalf("subject %q %q", kind, id)
		}
		out, err := outgoing(env, "ACCT", "pw<&>")
		if err != nil {
			return
		}
		again, err := soap.Parse(out, soap.Limits{MaxBytes: 1 << 17, MaxDepth: 40, MaxElements: 2000})
		if err != nil {
			t.Fatalf("rewritten envelope does not parse: %v\nin:  %s\nout: %s", err, raw, out)
		}
		l, err := layout(again.Raw)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, h := range l.blocks {
			if dropped(h.name) {
				n++
			}
		}
		if n != 1 || !bytes.Contains(out, []byte("<wsse:Username>ACCT</wsse:Username>")) || !strings.Contains(string(out), "pw&lt;&amp;&gt;") {
			t.Fatalf("%d security/kontext blocks\nout: %s", n, out)
		}
	})
}

func TestTimerWaiter(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := (timerWaiter{}).Wait(ctx, time.Hour); err == nil {
		t.Fatal("a cancelled wait returned nil")
	}
	if err := (timerWaiter{}).Wait(context.Background(), 0); err != nil {
		t.Fatal(err)
	}
}
