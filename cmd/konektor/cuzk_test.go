package main

import (
	"context"
	"errors"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"konektor/gateway/httpapi"
)

// fakeCadastre is the ops side of a running konektor's cadastre.
type fakeCadastre struct {
	mu       sync.Mutex
	disabled map[string]bool
	down     bool // the store does not answer
}

func (f *fakeCadastre) accounts(context.Context) (any, error) {
	if f.down {
		return nil, errors.New("dial tcp 127.0.0.1:5432: connection refused")
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []map[string]any
	for _, n := range []string{"DEMO-WSDP", "DEMO-WSDP-FREE"} {
		a := map[string]any{"account": n, "disabled": f.disabled[n], "verified": !f.disabled[n]}
		if f.disabled[n] {
			a["since"], a["reason"] = time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC), "ČÚZK odmítl přihlášení (FailedAuthentication)"
			a["node"] = "uzel-a/4242/0a1b2c"
		}
		out = append(out, a)
	}
	return out, nil
}

func (f *fakeCadastre) enable(_ context.Context, name string) (bool, error) {
	if f.down {
		return false, errors.New("dial tcp 127.0.0.1:5432: connection refused")
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	was := f.disabled[name]
	delete(f.disabled, name)
	return was, nil
}

func TestCUZKCommands(t *testing.T) {
	f := &fakeCadastre{disabled: map[string]bool{"DEMO-WSDP": true}}
	srv := httptest.NewServer(httpapi.NewCUZKOps(httpapi.CUZKOpsOptions{Accounts: f.accounts, Enable: f.enable}))
	defer srv.Close()
	ops := strings.TrimPrefix(srv.URL, "http://")
	broken := &fakeCadastre{disabled: map[string]bool{"DEMO-WSDP": true}, down: true}
	srvDown := httptest.NewServer(httpapi.NewCUZKOps(httpapi.CUZKOpsOptions{Accounts: broken.accounts, Enable: broken.enable}))
	defer srvDown.Close()
	down := strings.TrimPrefix(srvDown.URL, "http://")
	tests := []struct {
		name string
		args []string
		code int
		want []string
	}{
		{"accounts-shows-disabled", []string{"cuzk", "accounts", "--ops", ops}, 0,
			[]string{"DEMO-WSDP                POZASTAVEN / DISABLED od / since 2026-03-01T08:00:00Z (uzel / node uzel-a/4242/0a1b2c): ČÚZK odmítl přihlášení", "DEMO-WSDP-FREE           v provozu"}},
		{"enable-disabled", []string{"cuzk", "enable-account", "DEMO-WSDP", "--ops", ops}, 0, []string{"znovu povolen na všech uzlech"}},
		{"enable-again-reports-not-disabled", []string{"cuzk", "enable-account", "DEMO-WSDP", "--ops", ops}, 0, []string{"nebyl pozastaven"}},
		{"accounts-after-enable", []string{"cuzk", "accounts", "--ops", ops}, 0, []string{"DEMO-WSDP                v provozu"}},
		{"bad-name", []string{"cuzk", "enable-account", "a b", "--ops", ops}, 2, []string{"neplatný název účtu"}},
		{"no-konektor", []string{"cuzk", "accounts", "--ops", "127.0.0.1:1"}, 2, []string{"konektor does not answer"}},
		{"store-down-accounts", []string{"cuzk", "accounts", "--ops", down}, 2, []string{"nelze načíst z úložiště", "cannot be read from the store"}},
		{"store-down-enable", []string{"cuzk", "enable-account", "DEMO-WSDP", "--ops", down}, 2, []string{"úložiště neodpovídá", "the store does not answer"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, code := run(t, tt.args...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d: %s", code, tt.code, out)
			}
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Fatalf("output lacks %q:\n%s", w, out)
				}
			}
		})
	}
}
