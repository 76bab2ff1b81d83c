package certs

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestInitDevPKIFiles(t *testing.T) {
	p := sharedDevPKI(t)
	roots, err := LoadPool(p.CA)
	if err != nil {
		t.Fatal(err)
	}
	type check struct {
		name     string
		cert     string
		key      string
		cn       string
		ou       string
		rsaBits  int
		eku      x509.ExtKeyUsage
		auditor  bool
		dnsNames []string
		ips      []string
	}
	c1, k1 := p.Client("999002")
	c2, k2 := p.Client("999003")
	c3, k3 := p.Client("auditor")
	cases := []check{
		{name: "server", cert: p.Server, key: p.ServerKey, cn: "localhost", eku: x509.ExtKeyUsageServerAuth, dnsNames: []string{"localhost"}, ips: []string{"127.0.0.1", "::1"}},
		{name: "seal", cert: p.Seal, key: p.SealKey, cn: "konektor seal", ou: "seal", rsaBits: 3072, eku: x509.ExtKeyUsageAny},
		{name: "upstream", cert: p.Upstream, key: p.UpstreamKey, cn: "konektor", eku: x509.ExtKeyUsageClientAuth},
		{name: "client-999002", cert: c1, key: k1, cn: "999002", ou: AISOU, eku: x509.ExtKeyUsageClientAuth},
		{name: "client-999003", cert: c2, key: k2, cn: "999003", ou: AISOU, eku: x509.ExtKeyUsageClientAuth},
		{name: "client-auditor", cert: c3, key: k3, cn: "auditor", ou: AuditorOU, eku: x509.ExtKeyUsageClientAuth, auditor: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			kp, err := LoadKeyPair(tc.cert, tc.key)
			if err != nil {
				t.Fatal(err)
			}
			leaf := kp.Leaf()
			if leaf.Subject.CommonName != tc.cn {
				t.Errorf("CN %q, want %q", leaf.Subject.CommonName, tc.cn)
			}
			if tc.ou != "" && !slices.Equal(leaf.Subject.OrganizationalUnit, []string{tc.ou}) {
				t.Errorf("OU %v, want %q", leaf.Subject.OrganizationalUnit, tc.ou)
			}
			if IsAuditor(leaf) != tc.auditor {
				t.Errorf("IsAuditor = %v", IsAuditor(leaf))
			}
			switch k := kp.Key.(type) {
			case *rsa.PrivateKey:
				if k.N.BitLen() != tc.rsaBits {
					t.Errorf("RSA %d bits, want %d", k.N.BitLen(), tc.rsaBits)
				}
			case *ecdsa.PrivateKey:
				if tc.rsaBits != 0 || k.Curve.Params().Name != "P-256" {
					t.Errorf("got ECDSA %s, want RSA %d", k.Curve.Params().Name, tc.rsaBits)
				}
			default:
				t.Errorf("key type %T", k)
			}
			if _, err := leaf.Verify(x509.VerifyOptions{Roots: roots, CurrentTime: testNow, KeyUsages: []x509.ExtKeyUsage{tc.eku}}); err != nil {
				t.Errorf("does not chain to ca.pem: %v", err)
			}
			if !slices.Equal(leaf.DNSNames, tc.dnsNames) {
				t.Errorf("DNS names %v, want %v", leaf.DNSNames, tc.dnsNames)
			}
			var ips []string
			for _, ip := range leaf.IPAddresses {
				ips = append(ips, ip.String())
			}
			if !slices.Equal(ips, tc.ips) {
				t.Errorf("IPs %v, want %v", ips, tc.ips)
			}
			if !leaf.NotBefore.Before(testNow) || leaf.NotAfter.Before(testNow.Add(365*24*time.Hour)) {
				t.Errorf("validity %v..%v not around the injected clock", leaf.NotBefore, leaf.NotAfter)
			}
			st, err := os.Stat(tc.key)
			if err != nil {
				t.Fatal(err)
			}
			if st.Mode().Perm() != 0o600 {
				t.Errorf("key mode %v, want 0600", st.Mode().Perm())
			}
		})
	}
	t.Run("ca", func(t *testing.T) {
		kp, err := LoadKeyPair(p.CA, p.CAKey)
		if err != nil {
			t.Fatal(err)
		}
		if !kp.Leaf().IsCA || kp.Leaf().KeyUsage&x509.KeyUsageCertSign == 0 {
			t.Error("ca.pem is not a CA certificate")
		}
		st, _ := os.Stat(p.CAKey)
		if st.Mode().Perm() != 0o600 {
			t.Errorf("ca-key.pem mode %v", st.Mode().Perm())
		}
	})
	t.Run("server-ip-sans", func(t *testing.T) {
		kp, _ := LoadKeyPair(p.Server, p.ServerKey)
		for _, h := range []string{"localhost", "127.0.0.1", "::1"} {
			if err := kp.Leaf().VerifyHostname(h); err != nil {
				t.Errorf("%s: %v", h, err)
			}
		}
		if !kp.Leaf().IPAddresses[0].Equal(net.IPv4(127, 0, 0, 1)) {
			t.Error("first IP is not 127.0.0.1")
		}
	})
	t.Run("exactly-these-files", func(t *testing.T) {
		var got []string
		filepath.WalkDir(p.Dir, func(path string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				rel, _ := filepath.Rel(p.Dir, path)
				got = append(got, rel)
			}
			return nil
		})
		want := []string{"ca-key.pem", "ca.pem", "clients/999002-key.pem", "clients/999002.pem", "clients/999003-key.pem",
			"clients/999003.pem", "clients/auditor-key.pem", "clients/auditor.pem", "seal-key.pem", "seal.pem",
			"server-key.pem", "server.pem", "upstream-key.pem", "upstream.pem"}
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("files %v\nwant %v", got, want)
		}
	})
}

func TestInitDevPKIRefusesOverwrite(t *testing.T) {
	dir := t.TempDir()
	now := func() time.Time { return testNow }
	if err := InitDevPKI(dir, DevPKIOptions{Now: now, Clients: []string{"auditor-2"}}); err != nil {
		t.Fatal(err)
	}
	p := DevPKIPaths(dir)
	c, _ := p.Client("auditor-2")
	kp, err := LoadKeyPair(c, "")
	if err == nil || kp != nil {
		t.Fatal("a certificate file alone must not load as a key pair")
	}
	leaf, err := LoadCertificates(c)
	if err != nil {
		t.Fatal(err)
	}
	if !IsAuditor(leaf[0]) {
		t.Error("auditor-2 lacks the auditor role")
	}
	before, _ := os.ReadFile(p.CA)

	err = InitDevPKI(dir, DevPKIOptions{Now: now, Clients: []string{"auditor-2"}})
	if !errors.Is(err, ErrPKIExists) || !strings.Contains(err.Error(), dir) {
		t.Fatalf("second init: %v, want ErrPKIExists naming the file", err)
	}
	// A new client name alone still collides with the existing CA files.
	if err := InitDevPKI(dir, DevPKIOptions{Now: now, Clients: []string{"999010"}}); !errors.Is(err, ErrPKIExists) {
		t.Fatalf("init with other clients: %v", err)
	}
	if err := EnsureDevPKI(dir, DevPKIOptions{Now: now}); err != nil {
		t.Fatalf("ensure on an existing PKI: %v", err)
	}
	if after, _ := os.ReadFile(p.CA); !bytes.Equal(before, after) {
		t.Fatal("ca.pem changed without force")
	}
	if _, err := os.Stat(filepath.Join(dir, "clients", "999002.pem")); !os.IsNotExist(err) {
		t.Fatal("ensure on an existing PKI issued default clients")
	}
	// Force replaces the PKI.
	os.Chmod(p.CAKey, 0o644)
	if err := InitDevPKI(dir, DevPKIOptions{Now: now, Clients: []string{"auditor-2"}, Force: true}); err != nil {
		t.Fatal(err)
	}
	if after, _ := os.ReadFile(p.CA); bytes.Equal(before, after) {
		t.Fatal("force did not replace ca.pem")
	}
	if st, _ := os.Stat(p.CAKey); st.Mode().Perm() != 0o600 {
		t.Errorf("rewritten key mode %v, want 0600", st.Mode().Perm())
	}
	matches, _ := filepath.Glob(filepath.Join(dir, ".*"))
	if len(matches) != 0 {
		t.Errorf("temporary files left behind: %v", matches)
	}
}

func TestEnsureDevPKICreates(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "konektor-data", "pki")
	if DevPKIExists(dir) {
		t.Fatal("exists before creation")
	}
	if err := EnsureDevPKI(dir, DevPKIOptions{Clients: []string{}}); err != nil {
		t.Fatal(err)
	}
	if !DevPKIExists(dir) {
		t.Fatal("ensure did not create ca.pem")
	}
	entries, _ := os.ReadDir(filepath.Join(dir, "clients"))
	if len(entries) != 0 {
		t.Fatalf("empty client list issued %d files", len(entries))
	}
}

func TestInitDevPKIInvalidClients(t *testing.T) {
	cases := []struct {
		name    string
		clients []string
		errText string
	}{
		{name: "path-traversal", clients: []string{"../evil"}, errText: `invalid client name "../evil"`},
		{name: "empty-name", clients: []string{""}, errText: `invalid client name ""`},
		{name: "slash", clients: []string{"a/b"}, errText: "invalid client name"},
		{name: "too-long", clients: []string{strings.Repeat("a", 65)}, errText: "invalid client name"},
		{name: "duplicate", clients: []string{"999002", "999002"}, errText: "listed twice"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			err := InitDevPKI(dir, DevPKIOptions{Clients: tc.clients})
			if err == nil || !strings.Contains(err.Error(), tc.errText) {
				t.Fatalf("error %v, want %q", err, tc.errText)
			}
			if DevPKIExists(dir) {
				t.Fatal("files written despite invalid options")
			}
		})
	}
}
