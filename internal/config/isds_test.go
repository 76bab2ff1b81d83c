package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestISDSDefaultsUseTheSandbox(t *testing.T) {
	c, err := Load("", nil)
	if err != nil {
		t.Fatal(err)
	}
	if !c.UsesISDSSandbox() || c.Sandbox.ISDSAddr != "127.0.0.1:8446" || c.ISDS.Retry.Attempts != 3 {
		t.Fatalf("defaults: sandbox %v addr %q retry %+v", c.UsesISDSSandbox(), c.Sandbox.ISDSAddr, c.ISDS.Retry)
	}
}

func TestISDSSection(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want []string // problems, each a substring; none = valid
	}{
		{"production", `
isds:
  url: https://ws1.datovka.gov.cz
  roots: [/etc/konektor/postsignum-qca4-root.pem]
  accounts:
    - {box: mstdemd, login: basic, user: konektor01, password: "env:KONEKTOR_SECRET_ISDS_MSTDEMD", throttled: true}
    - {box: mstdemd, login: basic, user: prehled01, password: "file:/run/secrets/isds", privileges: [PRIVIL_VIEW_INFO]}
    - {box: kraj2xd, login: hspis, url: "https://ws1c.datovka.gov.cz", cert: /etc/konektor/spis.pem, key: /etc/konektor/spis-key.pem}
  routes:
    - {ais: "999002", box: mstdemd, ovm: "12345678"}
    - {ais: "999003", box: kraj2xd, ovm: "87654321"}
`, nil},
		{"sandbox-with-own-routes", `
isds:
  routes: [{ais: "999002", box: kraj2xd, ovm: "87654321"}]
`, nil},
		{"production-needs-accounts-routes-roots", `
isds: {url: "https://ws1.czebox.cz"}
`, []string{"isds.accounts: name at least one", "isds.routes: route at least one", "isds.roots: name the PostSignum"}},
		{"every-account-problem", `
isds:
  url: http://ws1.datovka.gov.cz/DS
  roots: [""]
  timeout: 0s
  retry: {attempts: 0, delay: 0s}
  accounts:
    - {box: abc1234, login: basic, password: hunter2}
    - {box: mstdemd, login: basic, user: u, password: "env:HOME"}
    - {box: mstdemd, login: cert, user: u, password: "env:KONEKTOR_SECRET_X"}
    - {box: mstdemd, login: hspis, cert: a.pem}
    - {box: mstdemd, login: token, privileges: [READ]}
  routes:
    - {ais: "1", box: kraj2xd, ovm: "1"}
    - {ais: "1", box: mstdemd}
`, []string{
			"isds.url: \"http://ws1.datovka.gov.cz/DS\" must be an https:// base URL",
			"isds.accounts[0].box: \"abc1234\" is not a data box ID",
			"isds.accounts[0].user: a basic login needs a user name",
			"isds.accounts[0].password: must be a reference",
			"isds.accounts[1].password: must be a reference",
			"isds.accounts[2]: a cert login takes no user or password",
			"isds.accounts[2].cert: a cert login needs the certificate",
			"isds.accounts[3]: give both cert and key",
			"isds.accounts[4].login: \"token\" is not basic, cert or hspis",
			"isds.accounts[4].privileges[0]: \"READ\" is not an ISDS privilege",
			"isds.routes[0].box: kraj2xd has no account",
			"isds.routes[1].ais: \"1\" has two routes",
			"isds.routes[1].ovm: must name the OVM",
			"isds.roots[0]: empty path",
			"isds.timeout: must be positive",
			"isds.retry.attempts: must be 1–10",
			"isds.retry.delay: must be positive",
		}},
		{"sandbox-address", `
sandbox: {isds_addr: "nowhere"}
`, []string{"sandbox.isds_addr: \"nowhere\" is not host:port"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := filepath.Join(t.TempDir(), "konektor.yaml")
			if err := os.WriteFile(f, []byte(tc.yaml), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := Load(f, nil)
			if len(tc.want) == 0 {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil {
				t.Fatal("invalid configuration accepted")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("missing problem %q in\n%v", w, err)
				}
			}
			if n := strings.Count(err.Error(), "\n  - "); n != len(tc.want) {
				t.Errorf("%d problems, want %d:\n%v", n, len(tc.want), err)
			}
		})
	}
}

func TestISDSSecretEnvIsNoConfigKey(t *testing.T) {
	// Passwords live in KONEKTOR_SECRET_… variables; they are not
	// configuration keys and must not be reported as unknown ones.
	_, err := Load("", []string{"KONEKTOR_SECRET_ISDS_MSTDEMD=x", "KONEKTOR_ISDS_URL=https://ws1.czebox.cz"})
	if err == nil || strings.Contains(err.Error(), "KONEKTOR_SECRET_ISDS_MSTDEMD") || !strings.Contains(err.Error(), "isds.accounts") {
		t.Fatalf("got %v", err)
	}
}
