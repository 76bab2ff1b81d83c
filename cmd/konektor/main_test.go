package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// run executes the command line in-process and returns its output and
// exit code.
func run(t *testing.T, args ...string) (string, int) {
	t.Helper()
	cmd := rootCmd()
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SetArgs(args)
	err := cmd.Execute()
	if err == nil {
		return out.String(), 0
	}
	var ee exitError
	if errors.As(err, &ee) {
		return out.String(), ee.code
	}
	return out.String() + err.Error(), 2
}

func TestPolicyCheck(t *testing.T) {
	t.Setenv("KONEKTOR_CONFIG", "")
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"permit", []string{"--ais", "999002", "--ovm", "12345678", "--agenda", "X999", "--role", "XR2", "--service", "E03"}, 0, "999002"},
		{"deny-rob-to-999003", []string{"--ais", "999003", "--ovm", "87654321", "--agenda", "X998", "--role", "XR1", "--service", "E03"}, 1, "E03"},
		{"deny-item-english", []string{"--ais", "999003", "--ovm", "87654321", "--agenda", "X998", "--role", "XR1", "--service", "E256", "--items", "Ico Jmeno", "--lang", "en"}, 1, "Jmeno"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, code := run(t, append([]string{"policy", "check"}, tc.args...)...)
			if code != tc.code || !strings.Contains(out, tc.want) {
				t.Fatalf("exit %d, output:\n%s", code, out)
			}
		})
	}
}

func TestCertsInitAndXMLSignVerify(t *testing.T) {
	dir := t.TempDir()
	if out, code := run(t, "certs", "init", "--dir", dir); code != 0 {
		t.Fatalf("certs init: %s", out)
	}
	for _, f := range []string{"ca.pem", "ca-key.pem", "server.pem", "server-key.pem", "seal.pem", "seal-key.pem",
		"clients/999002.pem", "clients/999002-key.pem", "clients/999003.pem", "clients/auditor-key.pem"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Fatalf("missing %s", f)
		}
	}
	if out, code := run(t, "certs", "init", "--dir", dir); code == 0 {
		t.Fatalf("a second init must refuse to overwrite: %s", out)
	}
	env := filepath.Join(dir, "env.xml")
	os.WriteFile(env, []byte(`<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><x xmlns="urn:x">1</x></s:Body></s:Envelope>`), 0o644)
	signed := filepath.Join(dir, "signed.xml")
	if out, code := run(t, "xml", "sign", "--key", filepath.Join(dir, "seal-key.pem"), "--cert", filepath.Join(dir, "seal.pem"), "-o", signed, env); code != 0 {
		t.Fatalf("xml sign: %s", out)
	}
	out, code := run(t, "xml", "verify", "--trust", filepath.Join(dir, "seal.pem"), signed)
	var rep struct {
		Valid  bool   `json:"valid"`
		Signer string `json:"signer"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &rep) != nil || !rep.Valid || rep.Signer == "" {
		t.Fatalf("xml verify: %d %s", code, out)
	}
	// Tampered: the verdict is JSON and the exit code non-zero.
	data, _ := os.ReadFile(signed)
	os.WriteFile(signed, bytes.Replace(data, []byte(">1<"), []byte(">2<"), 1), 0o644)
	out, code = run(t, "xml", "verify", "--trust", filepath.Join(dir, "seal.pem"), signed)
	if code != 1 || !strings.Contains(out, `"valid": false`) {
		t.Fatalf("tampered: %d %s", code, out)
	}
}

func TestAuditVerifyEmptyLog(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("KONEKTOR_DATA_DIR", dir)
	if out, code := run(t, "certs", "init", "--dir", filepath.Join(dir, "pki")); code != 0 {
		t.Fatal(out)
	}
	out, code := run(t, "audit", "verify", "--lang", "en")
	if code != 0 || !strings.Contains(out, "intact") {
		t.Fatalf("%d %s", code, out)
	}
}

func TestInvalidConfigListsEveryProblem(t *testing.T) {
	f := filepath.Join(t.TempDir(), "bad.yaml")
	os.WriteFile(f, []byte("bus:\n  addr: nope\nlog:\n  level: loud\n"), 0o644)
	out, code := run(t, "serve", "--config", f)
	if code == 0 || !strings.Contains(out, "bus.addr") || !strings.Contains(out, "log.level") {
		t.Fatalf("%d %s", code, out)
	}
}
