package config

import (
	"strings"
	"testing"
	"time"
)

func TestSandboxFaults(t *testing.T) {
	tests := []struct {
		name    string
		file    string
		env     []string
		check   func(t *testing.T, f SandboxFaults)
		wantErr []string
	}{
		{name: "defaults-inject-nothing", check: func(t *testing.T, f SandboxFaults) {
			if len(f.Operators) != 0 || f.ErrorRate != 0 || f.Latency != 0 || f.TLSFailure || len(f.Outages) != 0 {
				t.Fatalf("defaults inject faults or open the control endpoint: %+v", f)
			}
		}},
		{name: "yaml", file: "testdata/sandbox-faults.yaml", check: func(t *testing.T, f SandboxFaults) {
			from := time.Date(2026, 3, 2, 22, 0, 0, 0, time.UTC)
			if len(f.Operators) != 1 || f.Operators[0] != "konektor" || f.Seed != 42 || f.Latency.D() != 250*time.Millisecond ||
				f.ErrorRate != 0.1 || f.ErrorMode != "neni-k-dispozici" || len(f.Outages) != 1 {
				t.Fatalf("got %+v", f)
			}
			w := f.Outages[0]
			if !w.From.Equal(from) || !w.To.Equal(from.Add(time.Hour)) || w.Mode != "close" {
				t.Fatalf("window %+v, want 22:00Z to 00:00+01:00 (23:00Z), close", w)
			}
		}},
		{name: "env", env: []string{"KONEKTOR_SANDBOX_FAULTS_ERROR_RATE=0.5", "KONEKTOR_SANDBOX_FAULTS_TLS_FAILURE=true",
			"KONEKTOR_SANDBOX_FAULTS_OPERATORS=konektor", "KONEKTOR_SANDBOX_FAULTS_LATENCY=1s", "KONEKTOR_SANDBOX_FAULTS_SEED=7"},
			check: func(t *testing.T, f SandboxFaults) {
				if f.ErrorRate != 0.5 || !f.TLSFailure || len(f.Operators) != 1 || f.Latency.D() != time.Second || f.Seed != 7 {
					t.Fatalf("got %+v", f)
				}
			}},
		{name: "env-bad-rate", env: []string{"KONEKTOR_SANDBOX_FAULTS_ERROR_RATE=often"}, wantErr: []string{"KONEKTOR_SANDBOX_FAULTS_ERROR_RATE", "not a number"}},
		{name: "env-rate-out-of-range", env: []string{"KONEKTOR_SANDBOX_FAULTS_ERROR_RATE=2"}, wantErr: []string{"sandbox.faults.error_rate"}},
		{name: "invalid-many", file: "testdata/sandbox-faults-invalid.yaml", wantErr: []string{
			"sandbox.faults.operators[0]", "sandbox.faults.latency", "sandbox.faults.error_rate",
			"sandbox.faults.error_mode", "sandbox.faults.outages[0]:", "sandbox.faults.outages[1].mode",
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Load(tc.file, tc.env)
			if len(tc.wantErr) == 0 {
				if err != nil {
					t.Fatal(err)
				}
				tc.check(t, c.Sandbox.Faults)
				return
			}
			if err == nil {
				t.Fatal("want an error")
			}
			for _, w := range tc.wantErr {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
		})
	}
}
