package wssec

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"konektor/certs"
)

func TestCheckReport(t *testing.T) {
	pinned, err := LoadTrust(filepath.Join("testdata", "keys", "signer.pem"))
	if err != nil || len(pinned.Pinned) != 1 || pinned.Roots != nil {
		t.Fatalf("pinned trust %+v err %v", pinned, err)
	}
	chained, err := LoadTrust(filepath.Join("testdata", "keys", "ca.pem"))
	if err != nil || len(chained.Pinned) != 0 || chained.Roots == nil {
		t.Fatalf("chained trust %+v err %v", chained, err)
	}
	cases := []struct {
		name     string
		file     string
		trust    Trust
		at       time.Time
		valid    bool
		code     Code
		wantJSON []string
	}{
		{name: "valid-pinned", file: "valid/wss-soap11.xml", trust: pinned, at: goldenAt, valid: true,
			wantJSON: []string{`"valid":true`, `"mode":"ws-security"`, `"uri":"#Body-1","element":"Body"`, `"uri":"#TS-1","element":"Timestamp"`, `"signer":"CN=wssec test signer,O=konektor wssec test"`, `"created":"2026-11-23T12:00:00Z"`}},
		{name: "valid-chained-enveloped", file: "valid/xmlsec1-enveloped.xml", trust: chained, at: goldenAt, valid: true,
			wantJSON: []string{`"valid":true`, `"mode":"enveloped"`, `"element":"Envelope"`}},
		{name: "checked-later-is-expired", file: "valid/wss-soap11.xml", trust: pinned, at: t0.Add(24 * time.Hour), code: CodeExpired,
			wantJSON: []string{`"valid":false`, `"code":"timestamp-expired"`, `"reason":"platnost zprávy vypršela"`, `"references":[]`}},
		{name: "wrapping", file: "tampered/xsw1-signed-body-in-header-wrapper-new-body-without-id.xml", trust: pinned, at: goldenAt, code: CodeWrapping,
			wantJSON: []string{`"reason_en":"message contains extra or moved security elements (signature wrapping)"`}},
		{name: "no-trust", file: "valid/wss-soap11.xml", at: goldenAt,
			wantJSON: []string{`"valid":false`, `"reason_en":"invalid verification setup"`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := Check(readTestdata(t, tc.file), tc.trust, tc.at)
			if r.Valid != tc.valid || r.Code != tc.code {
				t.Fatalf("valid %v code %q (%s), want %v %q", r.Valid, r.Code, r.Detail, tc.valid, tc.code)
			}
			b, err := json.Marshal(r)
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range tc.wantJSON {
				if !strings.Contains(string(b), w) {
					t.Errorf("JSON lacks %s:\n%s", w, b)
				}
			}
		})
	}
}

func TestLoadTrustErrors(t *testing.T) {
	if _, err := LoadTrust(filepath.Join("testdata", "keys", "signer-key.pem")); err == nil || !strings.Contains(err.Error(), "signer-key.pem") {
		t.Fatalf("got %v", err)
	}
}

// TestDevPKISealSigns: the seal key `konektor certs init` writes signs
// envelopes that verify against the dev CA.
func TestDevPKISealSigns(t *testing.T) {
	if testing.Short() {
		t.Skip("generates a development PKI (RSA 3072)")
	}
	dir := t.TempDir()
	if err := certs.InitDevPKI(dir, certs.DevPKIOptions{Now: fixedClock(t0), Clients: []string{}}); err != nil {
		t.Fatal(err)
	}
	p := certs.DevPKIPaths(dir)
	s, err := NewSignerFromFiles(p.Seal, p.SealKey, SignerOptions{Now: fixedClock(t0)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := NewSignerFromFiles(p.Server, p.ServerKey, SignerOptions{}); err == nil || !strings.Contains(err.Error(), "server.pem") {
		t.Fatalf("ECDSA server key accepted for signing: %v", err)
	}
	trust, err := LoadTrust(p.CA)
	if err != nil {
		t.Fatal(err)
	}
	r := Check(mustSign(t, s, readTestdata(t, "input/envelope.xml")), trust, goldenAt)
	if !r.Valid || !strings.HasPrefix(r.Signer, "CN=konektor seal,OU=seal,") {
		t.Fatalf("report %+v", r)
	}
}
