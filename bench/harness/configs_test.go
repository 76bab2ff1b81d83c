package harness

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"konektor/certs"
	"konektor/internal/config"
)

// loadConfig writes y and reads it back as konektor would.
func loadConfig(t *testing.T, y []byte) config.Config {
	t.Helper()
	f := filepath.Join(t.TempDir(), "k.yaml")
	if err := os.WriteFile(f, y, 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := config.Load(f, nil)
	if err != nil {
		t.Fatalf("%v\n%s", err, y)
	}
	return c
}

func client(t *testing.T, c config.Config, name string) config.Client {
	t.Helper()
	for _, cl := range c.Clients {
		if cl.Name == name {
			return cl
		}
	}
	t.Fatalf("no client %s", name)
	return config.Client{}
}

func TestKonektorConfigLoads(t *testing.T) {
	base := KonektorConfig{DataDir: "/tmp/k", BusAddr: "127.0.0.1:7001", OpsAddr: "127.0.0.1:7002",
		UpstreamURL: "https://127.0.0.1:7003/publikace", SigningCert: "/tmp/sign.pem"}

	y, err := base.YAML()
	if err != nil {
		t.Fatal(err)
	}
	c := loadConfig(t, y)
	if c.Bus.Addr != base.BusAddr || c.Ops.Addr != base.OpsAddr || c.DataDir != base.DataDir {
		t.Fatalf("addresses: %+v %+v %s", c.Bus, c.Ops, c.DataDir)
	}
	if c.UsesSandbox() || c.Upstreams.ISZR.Nodes[0].URL != base.UpstreamURL {
		t.Fatalf("upstream: %+v", c.Upstreams.ISZR.Nodes)
	}
	if c.Cache.Enabled || c.RedisURL != "" || c.Sandbox.CUZKAddr != "127.0.0.1:0" || c.Sandbox.ISDSAddr != "127.0.0.1:0" {
		t.Fatalf("pass-through config: cache %v redis %q sandboxes %+v", c.Cache.Enabled, c.RedisURL, c.Sandbox)
	}
	if cl := client(t, c, "999002"); cl.RequireSignedRequests || cl.SealResponses || cl.OVM != "12345678" {
		t.Fatalf("999002: %+v", cl)
	}
	if len(client(t, c, "auditor").Roles) != 1 {
		t.Fatal("auditor lost its role")
	}
	if c.Upstreams.ISZR.Cert != filepath.Join("/tmp/k", "pki", "upstream.pem") {
		t.Fatalf("upstream identity %s", c.Upstreams.ISZR.Cert)
	}

	redis := base
	redis.Cache, redis.RedisURL, redis.RedisPrefix = true, "redis://127.0.0.1:6379/0", "kb:1:"
	y, _ = redis.YAML()
	c = loadConfig(t, y)
	if !c.Cache.Enabled || c.RedisURL != redis.RedisURL || c.Cache.RedisPrefix != "kb:1:" {
		t.Fatalf("redis config: %v %q %q", c.Cache.Enabled, c.RedisURL, c.Cache.RedisPrefix)
	}

	signed := base
	signed.Seal, signed.RequireSig = true, true
	y, _ = signed.YAML()
	c = loadConfig(t, y)
	cl := client(t, c, "999002")
	if !cl.RequireSignedRequests || !cl.SealResponses || len(cl.SigningTrust) != 1 || cl.SigningTrust[0] != "/tmp/sign.pem" {
		t.Fatalf("signed client: %+v", cl)
	}

	for _, bad := range []KonektorConfig{{}, {DataDir: "x", BusAddr: "a:1", OpsAddr: "a:2", UpstreamURL: "https://u", RequireSig: true}} {
		if _, err := bad.YAML(); err == nil {
			t.Errorf("%+v accepted", bad)
		}
	}
}

func TestSandboxConfigLoads(t *testing.T) {
	y, err := SandboxYAML("/tmp/s", "127.0.0.1:7100")
	if err != nil {
		t.Fatal(err)
	}
	c := loadConfig(t, y)
	if c.Sandbox.ISZRAddr != "127.0.0.1:7100" || c.DataDir != "/tmp/s" || !c.UsesSandbox() {
		t.Fatalf("%+v", c.Sandbox)
	}
	if _, err := SandboxYAML("", ""); err == nil {
		t.Fatal("empty sandbox config accepted")
	}
}

func TestNginxConfig(t *testing.T) {
	dir := t.TempDir()
	pki := certs.DevPKIPaths(filepath.Join(dir, "pki"))
	n := NginxConfig{Prefix: dir, Listen: "127.0.0.1:7200", Upstream: "127.0.0.1:7300", PKI: pki}
	b, err := n.Render()
	if err != nil {
		t.Fatal(err)
	}
	conf := string(b)
	for _, want := range []string{
		"daemon off;", "listen 127.0.0.1:7200 ssl;", "server 127.0.0.1:7300;", "ssl_verify_client on;",
		"ssl_client_certificate " + pki.CA + ";", "proxy_pass https://iszr/publikace/;",
		"proxy_ssl_certificate " + pki.Upstream + ";", "proxy_ssl_verify on;", "proxy_set_header Connection \"\";",
		"pid " + dir + "/nginx.pid;", "worker_processes auto;",
	} {
		if !strings.Contains(conf, want) {
			t.Errorf("nginx.conf lacks %q", want)
		}
	}
	n.Workers = 3
	if b, _ := n.Render(); !strings.Contains(string(b), "worker_processes 3;") {
		t.Error("workers not set")
	}
	bad := n
	bad.Prefix = "/tmp/x; include /etc/passwd"
	if _, err := bad.Render(); err == nil {
		t.Fatal("a path with ';' was written into nginx.conf")
	}
	if _, err := (NginxConfig{}).Render(); err == nil {
		t.Fatal("empty nginx config accepted")
	}
}

// TestNginxAcceptsConfig runs `nginx -t` on a rendered configuration with
// a real dev PKI (skipped without nginx or with -short).
func TestNginxAcceptsConfig(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	bin, err := exec.LookPath("nginx")
	if err != nil {
		if _, err2 := os.Stat("/usr/sbin/nginx"); err2 != nil {
			t.Skip("nginx not installed")
		}
		bin = "/usr/sbin/nginx"
	}
	dir := t.TempDir()
	if err := certs.InitDevPKI(filepath.Join(dir, "pki"), certs.DevPKIOptions{}); err != nil {
		t.Fatal(err)
	}
	conf, err := NginxConfig{Prefix: dir, Listen: "127.0.0.1:1", Upstream: "127.0.0.1:2", PKI: certs.DevPKIPaths(filepath.Join(dir, "pki"))}.Render()
	if err != nil {
		t.Fatal(err)
	}
	f := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(f, conf, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "-t", "-p", dir, "-c", f, "-e", filepath.Join(dir, "error.log")).CombinedOutput()
	if err != nil {
		t.Fatalf("nginx -t: %v\n%s\n%s", err, out, conf)
	}
}
