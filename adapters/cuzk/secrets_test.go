package cuzk_test

import (
	"errors"
	"os"
	"strings"
	"testing"

	"konektor/adapters/cuzk"
	"konektor/policies"
)

func TestPolicySecrets(t *testing.T) {
	yaml := func(secret string) cuzk.Policy {
		s, err := policies.LoadYAML(strings.NewReader(`
ais:
  - {ais: "999002", agendas: [X999], ovms: ["12345678"]}
cadastre:
  - {account: ACCT, secret: "` + secret + `", ais: ["999002"], ovms: ["12345678"], services: [vyhledat]}
`))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	tests := []struct {
		name, secret, account string
		env                   map[string]string
		files                 map[string]string
		want                  string
		wantErr               string
	}{
		{name: "env", secret: "env:PW", account: "ACCT", env: map[string]string{"PW": "heslo"}, want: "heslo"},
		{name: "env-empty", secret: "env:PW", account: "ACCT", wantErr: "env:PW is empty"},
		{name: "file-trailing-newline", secret: "file:/s/pw", account: "ACCT", files: map[string]string{"/s/pw": "heslo\n"}, want: "heslo"},
		{name: "file-missing", secret: "file:/s/none", account: "ACCT", wantErr: "no password"},
		{name: "file-too-large", secret: "file:/s/big", account: "ACCT", files: map[string]string{"/s/big": strings.Repeat("x", cuzk.MaxSecretBytes+1)}, wantErr: "too large"},
		{name: "unknown-account", secret: "env:PW", account: "OTHER", wantErr: "not in the policy"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pol := yaml(tt.secret)
			p := cuzk.PolicySecrets{Policy: func() cuzk.Policy { return pol },
				Getenv: func(k string) string { return tt.env[k] },
				ReadFile: func(f string) ([]byte, error) {
					if v, ok := tt.files[f]; ok {
						return []byte(v), nil
					}
					return nil, os.ErrNotExist
				}}
			got, err := p.Password(tt.account)
			if tt.wantErr != "" {
				if !errors.Is(err, cuzk.ErrNoSecret) || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("%q %v", got, err)
			}
		})
	}
}

func TestParseAccountType(t *testing.T) {
	for in, want := range map[string]cuzk.AccountType{"free": cuzk.Free, "bezúplatný": cuzk.Free, "paying": cuzk.Paying, "verifying": cuzk.Verifying} {
		if got, ok := cuzk.ParseAccountType(in); !ok || got != want {
			t.Errorf("%s: %v %v", in, got, ok)
		}
	}
	if _, ok := cuzk.ParseAccountType("vip"); ok {
		t.Error("unknown type accepted")
	}
}

func TestNewValidates(t *testing.T) {
	_, err := cuzk.New(cuzk.Options{})
	if err == nil || !strings.Contains(err.Error(), "no WSDP node") || !strings.Contains(err.Error(), "no policy") || !strings.Contains(err.Error(), "no credentials") {
		t.Fatalf("%v", err)
	}
}
