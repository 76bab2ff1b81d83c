package config

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestDefaultsAreValid(t *testing.T) {
	c, err := Load("", nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Bus.Addr != "127.0.0.1:8443" || c.Ops.Addr != "127.0.0.1:9090" || c.DataDir != "./konektor-data" {
		t.Fatalf("defaults: %+v", c)
	}
	if !c.UsesSandbox() || !strings.HasSuffix(c.Bus.Cert, "pki/server.pem") {
		t.Fatalf("derived: %+v", c.Bus)
	}
}

func TestLoadFiles(t *testing.T) {
	tests := []struct {
		name    string
		file    string
		env     []string
		wantErr []string
	}{
		{name: "valid-production", file: "testdata/valid-production.yaml"},
		{name: "invalid-many", file: "testdata/invalid-many.yaml", wantErr: []string{
			"bus.addr", "log.level", "database_url", "nodes[0].url", "limits.max_depth",
			"listed twice", "unknown role", "acts_for",
		}},
		{name: "unknown-key", file: "testdata/unknown-key.yaml", wantErr: []string{"adress"}},
		{name: "env-overrides", env: []string{"KONEKTOR_BUS_ADDR=127.0.0.1:18443", "KONEKTOR_OPS_ADDR=127.0.0.1:19090", "KONEKTOR_UPSTREAMS_ISZR_TIMEOUT=5s"}},
		{name: "env-bad-values", env: []string{"KONEKTOR_UPSTREAMS_ISZR_TIMEOUT=soon", "KONEKTOR_AUDIT_MAX_BATCH=many", "KONEKTOR_NO_SUCH=1"}, wantErr: []string{
			"KONEKTOR_UPSTREAMS_ISZR_TIMEOUT", "KONEKTOR_AUDIT_MAX_BATCH", "KONEKTOR_NO_SUCH: no such configuration key",
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Load(tc.file, tc.env)
			if len(tc.wantErr) == 0 {
				if err != nil {
					t.Fatal(err)
				}
				if tc.name == "env-overrides" && (c.Bus.Addr != "127.0.0.1:18443" || c.Ops.Addr != "127.0.0.1:19090" || c.Upstreams.ISZR.Timeout.D() != 5*time.Second) {
					t.Fatalf("overrides not applied: %+v", c)
				}
				return
			}
			if err == nil {
				t.Fatal("want error")
			}
			for _, w := range tc.wantErr {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
			var ce *Error
			if errors.As(err, &ce) && len(ce.Problems) < len(tc.wantErr) {
				t.Errorf("want at least %d problems listed, got %d", len(tc.wantErr), len(ce.Problems))
			}
		})
	}
}

func TestEnvDatabaseAndRedis(t *testing.T) {
	c, err := Load("", []string{"KONEKTOR_DATABASE_URL=postgres://u@h/db", "KONEKTOR_REDIS_URL=redis://127.0.0.1:6379/0", "KONEKTOR_TEST_REDIS_URL=x"})
	if err != nil {
		t.Fatal(err)
	}
	if c.DatabaseURL != "postgres://u@h/db" || c.RedisURL != "redis://127.0.0.1:6379/0" {
		t.Fatalf("got %q %q", c.DatabaseURL, c.RedisURL)
	}
}

func TestSealRSAEngine(t *testing.T) {
	for _, e := range []string{"auto", "go", "openssl"} {
		c, err := Load("", []string{"KONEKTOR_SEAL_RSA_ENGINE=" + e})
		if err != nil || c.Seal.RSAEngine != e {
			t.Fatalf("rsa_engine %s: %v %q", e, err, c.Seal.RSAEngine)
		}
	}
	if _, err := Load("", []string{"KONEKTOR_SEAL_RSA_ENGINE=fast"}); err == nil || !strings.Contains(err.Error(), "seal.rsa_engine") {
		t.Fatalf("rsa_engine fast: %v", err)
	}
}
