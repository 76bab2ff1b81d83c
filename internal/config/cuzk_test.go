package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestCUZKDefaultsRunOnEmbeddedConfig(t *testing.T) {
	c, err := Load("", []string{"KONEKTOR_SECRET_CUZK_DEMO=heslo", "KONEKTOR_CUZK_TIMEOUT=45s", "KONEKTOR_SANDBOX_CUZK_ADDR=127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	if !c.UsesCUZKSandbox() || c.CUZK.Timeout.D() != 45*time.Second || c.Sandbox.CUZKAddr != "127.0.0.1:0" ||
		c.CUZK.ReportSpacing.D() != 2*time.Second || c.CUZK.BusyRetries != 3 {
		t.Fatalf("%+v %s", c.CUZK, c.Sandbox.CUZKAddr)
	}
	if _, err := Load("", []string{"KONEKTOR_CUZK_DEMO_PASSWORD=x"}); err == nil || !strings.Contains(err.Error(), "no such configuration key") {
		t.Fatalf("an unknown KONEKTOR_ variable outside KONEKTOR_SECRET_ passed: %v", err)
	}
}

func TestCUZKValidation(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want []string
	}{
		{"production-needs-report-trust", "cuzk:\n  nodes: [{name: cuzk, url: https://katastr.cuzk.cz}]\n",
			[]string{"cuzk.report_trust"}},
		{"production-allows-unverifiable", "cuzk:\n  nodes: [{name: cuzk, url: https://katastr.cuzk.cz}]\n  allow_unverifiable_reports: true\n", nil},
		{"every-problem-listed", `cuzk:
  nodes: [{name: "", url: http://katastr.cuzk.cz}, {name: b, url: https://b}]
  timeout: 0s
  account_types: {A: gold}
  report_spacing: 1s
  busy_retries: 11
  busy_backoff: 0s
  report_trust: [""]
  refresh_account: A
  refresh_interval: 1s
  breaker: {failures_to_open: 0, open_timeout: 0s, half_open_requests: 0}
`, []string{"cuzk.nodes: ČÚZK has one address", "cuzk.nodes[0].url", "cuzk.nodes[0].name", "cuzk.timeout", "cuzk.account_types.A",
			"cuzk.report_spacing", "cuzk.busy_retries", "cuzk.busy_backoff", "cuzk.report_trust[0]", "cuzk.refresh_interval",
			"cuzk.breaker.failures_to_open", "cuzk.breaker.open_timeout", "cuzk.breaker.half_open_requests"}},
		{"sandbox-addr", "sandbox:\n  cuzk_addr: nowhere\n", []string{"sandbox.cuzk_addr"}},
		{"account-types-czech", "cuzk:\n  account_types: {A: bezúplatný, B: paying}\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := filepath.Join(t.TempDir(), "c.yaml")
			if err := os.WriteFile(f, []byte(tt.yaml), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := Load(f, nil)
			if tt.want == nil {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil {
				t.Fatal("accepted")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("no %q in:\n%v", w, err)
				}
			}
		})
	}
}
