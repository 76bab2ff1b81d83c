package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"konektor/certs"
	"konektor/certs/docsig"
)

// TestXMLVerifyDocument: `konektor xml verify` recognises a document with
// an enveloped signature in its root (a ČÚZK report), checks it under the
// document rules and prints the same JSON as for WS-Security; exit 0 only
// when valid.
func TestXMLVerifyDocument(t *testing.T) {
	dir := t.TempDir()
	if out, code := run(t, "certs", "init", "--dir", dir); code != 0 {
		t.Fatalf("certs init: %s", out)
	}
	kp, err := certs.LoadKeyPair(filepath.Join(dir, "seal.pem"), filepath.Join(dir, "seal-key.pem"))
	if err != nil {
		t.Fatal(err)
	}
	s, err := docsig.NewSigner(kp.Key, kp.Leaf(), docsig.SignerOptions{})
	if err != nil {
		t.Fatal(err)
	}
	signed, err := s.Sign([]byte(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<VypisZKatastruNemovitosti><CISLO_LV>352</CISLO_LV></VypisZKatastruNemovitosti>`))
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "report.xml")
	os.WriteFile(file, signed, 0o644)
	out, code := run(t, "xml", "verify", "--trust", filepath.Join(dir, "seal.pem"), file)
	var rep struct {
		Valid      bool   `json:"valid"`
		Mode       string `json:"mode"`
		Reason     string `json:"reason"`
		Signer     string `json:"signer"`
		References []struct {
			URI, Element string
		} `json:"references"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &rep) != nil || !rep.Valid || rep.Mode != "enveloped-document" || rep.Signer == "" ||
		len(rep.References) != 1 || rep.References[0].Element != "VypisZKatastruNemovitosti" || rep.References[0].URI != "" {
		t.Fatalf("xml verify: %d %s", code, out)
	}
	// The same rules as the gateway: a changed report, an untrusted seal,
	// a comment in the signed content.
	for name, tc := range map[string]struct {
		doc   []byte
		trust string
		code  string
	}{
		"changed":   {bytes.Replace(signed, []byte(">352<"), []byte(">353<"), 1), "seal.pem", `"code": "digest-mismatch"`},
		"untrusted": {signed, "server.pem", `"code": "untrusted-certificate"`},
		"comment":   {bytes.Replace(signed, []byte(">352<"), []byte("><!---->352<"), 1), "seal.pem", `"code": "comment-in-signed-content"`},
	} {
		os.WriteFile(file, tc.doc, 0o644)
		out, code := run(t, "xml", "verify", "--trust", filepath.Join(dir, tc.trust), file)
		if code != 1 || !strings.Contains(out, `"valid": false`) || !strings.Contains(out, tc.code) || !strings.Contains(out, `"reason": "`) {
			t.Errorf("%s: %d %s", name, code, out)
		}
	}
}
