package main

import (
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"konektor/adapters/isds/sim"
	"konektor/certs/tsa"
)

// sandboxZFOs are ZFOs of the three kinds as the ISDS sandbox hands them
// out, and the sandbox's trust root as a PEM file.
type sandboxZFOs struct {
	dir                     string
	message, sent, delivery string // files
	roots                   string
	otherRoots              string // a CA that issued none of them
}

// sandboxFiles makes the ZFOs in a temporary directory of t.
func sandboxFiles(t *testing.T) sandboxZFOs {
	t.Helper()
	var z sandboxZFOs
	if msg := makeSandboxZFOs(&z, t.TempDir()); msg != "" {
		t.Fatal(msg)
	}
	return z
}

// simCall posts one ISDS operation to the sandbox as a box's primary user.
func simCall(s http.Handler, user, svc, op, inner string) []byte {
	body := `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><` + op +
		` xmlns="http://isds.czechpoint.cz/v20">` + inner + `</` + op + `></s:Body></s:Envelope>`
	req := httptest.NewRequest(http.MethodPost, "/DS/"+svc, strings.NewReader(body))
	req.Header.Set("Content-Type", "text/xml; charset=utf-8")
	req.SetBasicAuth(user, "Sandbox-heslo-1")
	w := httptest.NewRecorder()
	s.ServeHTTP(w, req)
	return w.Body.Bytes()
}

func firstField(b []byte, name string) string {
	m := regexp.MustCompile(`<(?:\w+:)?` + name + `(?: [^>]*)?>([^<]*)</`).FindSubmatch(b)
	if m == nil {
		return ""
	}
	return string(m[1])
}

const listInner = `<dmFromTime xsi:nil="true" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"/><dmToTime xsi:nil="true" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"/>` +
	`<dmStatusFilter>-1</dmStatusFilter>`

func makeSandboxZFOs(z *sandboxZFOs, dir string) string {
	z.dir = dir
	now := time.Now()
	ca, err := tsa.NewSandboxCA(pkix.Name{CommonName: "zfo CLI test CA"}, now.Add(-30*24*time.Hour))
	if err != nil {
		return err.Error()
	}
	other, err := tsa.NewSandboxCA(pkix.Name{CommonName: "unrelated CA"}, now.Add(-30*24*time.Hour))
	if err != nil {
		return err.Error()
	}
	s, err := sim.New(sim.Options{CA: ca, SeedMessages: true})
	if err != nil {
		return err.Error()
	}
	user := func(box string) string { return box + ".spravce" }
	// The demo box's received message; the company's login delivers the
	// demo box's sent message, which then has a delivery info.
	rec := firstField(simCall(s, user(sim.BoxDemoOVM), "dx", "GetListOfReceivedMessages", listInner), "dmID")
	sent := firstField(simCall(s, user(sim.BoxCompany), "dx", "GetListOfReceivedMessages", listInner), "dmID")
	if rec == "" || sent == "" {
		return "the sandbox lists no seeded messages"
	}
	for _, c := range []struct {
		file      *string
		name, svc string
		op, user  string
		id        string
	}{
		{&z.message, "message.zfo", "dz", "SignedMessageDownload", user(sim.BoxDemoOVM), rec},
		{&z.sent, "sent.zfo", "dz", "SignedSentMessageDownload", user(sim.BoxDemoOVM), sent},
		{&z.delivery, "delivery.zfo", "dx", "GetSignedDeliveryInfo", user(sim.BoxDemoOVM), sent},
	} {
		ans := simCall(s, c.user, c.svc, c.op, "<dmID>"+c.id+"</dmID>")
		b, err := base64.StdEncoding.DecodeString(firstField(ans, "dmSignature"))
		if err != nil || len(b) == 0 {
			return c.op + ": no ZFO in " + string(ans)
		}
		*c.file = filepath.Join(dir, c.name)
		if err := os.WriteFile(*c.file, b, 0o600); err != nil {
			return err.Error()
		}
	}
	z.roots, z.otherRoots = filepath.Join(dir, "roots.pem"), filepath.Join(dir, "other.pem")
	_ = os.WriteFile(z.roots, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: s.Roots()[0].Raw}), 0o600)
	_ = os.WriteFile(z.otherRoots, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: other.Chain[0].Raw}), 0o600)
	return ""
}

func TestZFOVerify(t *testing.T) {
	t.Setenv("KONEKTOR_CONFIG", "")
	t.Setenv("KONEKTOR_DATA_DIR", t.TempDir()) // no dev PKI: no default roots
	z := sandboxFiles(t)
	tampered := filepath.Join(t.TempDir(), "tampered.zfo")
	b, err := os.ReadFile(z.message)
	if err != nil {
		t.Fatal(err)
	}
	i := strings.Index(string(b), "dmAnnotation>") + len("dmAnnotation>")
	b[i] ^= 0x01 // one bit of the signed content
	if err := os.WriteFile(tampered, b, 0o600); err != nil {
		t.Fatal(err)
	}
	st, _ := os.Stat(z.message)
	tests := []struct {
		name string
		args []string
		code int
		want map[string]string // report fields
	}{
		{"message", []string{"--roots", z.roots, z.message}, 0,
			map[string]string{"kind": "message", "signature": "valid", "chain": "trusted", "dmHash": "match", "timestamp": "valid", "valid": "true"}},
		{"sent", []string{"--roots", z.roots, z.sent}, 0, map[string]string{"kind": "sent", "valid": "true"}},
		{"delivery", []string{"--roots", z.roots, z.delivery}, 0, map[string]string{"kind": "delivery", "valid": "true"}},
		{"untrusted-root", []string{"--roots", z.otherRoots, z.message}, 1, map[string]string{"signature": "valid", "chain": "untrusted", "valid": "false"}},
		{"no-roots", []string{z.message}, 1, map[string]string{"chain": "unknown", "valid": "false"}},
		{"tampered", []string{"--roots", z.roots, tampered}, 1, map[string]string{"signature": "invalid", "valid": "false"}},
		{"too-large", []string{"--roots", z.roots, "--max-bytes", strconv.Itoa(int(st.Size()) - 1), z.message}, 1, map[string]string{"valid": "false"}},
		{"missing-file", []string{"--roots", z.roots, filepath.Join(t.TempDir(), "none.zfo")}, 2, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, code := run(t, append([]string{"zfo", "verify"}, tc.args...)...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d\n%s", code, tc.code, out)
			}
			if tc.want == nil {
				return
			}
			var rep map[string]any
			if err := json.Unmarshal([]byte(out), &rep); err != nil {
				t.Fatalf("not JSON: %v\n%s", err, out)
			}
			for k, v := range tc.want {
				if got := stringOf(rep[k]); got != v {
					t.Errorf("%s = %s, want %s\n%s", k, got, v, out)
				}
			}
			if tc.code == 0 && stringOf(rep["dmID"]) == "" {
				t.Errorf("no dmID: %s", out)
			}
			if tc.code != 0 && rep["problems"] == nil {
				t.Errorf("an invalid ZFO without problems: %s", out)
			}
		})
	}
}

func stringOf(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	}
	return ""
}

// TestZFOVerifyDefaultRootsAreTheDevCA: without --roots, the dev PKI's CA
// (which issues the in-process sandbox's seal) is the trust root.
func TestZFOVerifyDefaultRootsAreTheDevCA(t *testing.T) {
	z := sandboxFiles(t)
	dir := t.TempDir()
	t.Setenv("KONEKTOR_CONFIG", "")
	t.Setenv("KONEKTOR_DATA_DIR", dir)
	pki := filepath.Join(dir, "pki")
	if err := os.MkdirAll(pki, 0o700); err != nil {
		t.Fatal(err)
	}
	root, _ := os.ReadFile(z.roots)
	if err := os.WriteFile(filepath.Join(pki, "ca.pem"), root, 0o600); err != nil {
		t.Fatal(err)
	}
	out, code := run(t, "zfo", "verify", z.message)
	if code != 0 || !strings.Contains(out, `"chain": "trusted"`) {
		t.Fatalf("exit %d\n%s", code, out)
	}
}
