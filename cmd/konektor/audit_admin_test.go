package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap"
	"golang.org/x/crypto/bcrypt"

	"konektor/certs"
	"konektor/gateway/audit"
	"konektor/internal/app"
	"konektor/internal/store"
)

func TestHashPassword(t *testing.T) {
	cmd := rootCmd()
	var out, errOut bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&errOut)
	cmd.SetIn(strings.NewReader("správné koňské heslo\n"))
	cmd.SetArgs([]string{"audit", "hash-password"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	h := strings.TrimSpace(out.String())
	if err := bcrypt.CompareHashAndPassword([]byte(h), []byte("správné koňské heslo")); err != nil {
		t.Fatalf("%q: %v", h, err)
	}
	if strings.Contains(out.String()+errOut.String(), "koňské") {
		t.Fatal("the password was printed")
	}
}

func TestHashPasswordRefusesWeakInput(t *testing.T) {
	for _, in := range []string{"", "\n", "short\n", strings.Repeat("x", 80) + "\n"} {
		cmd := rootCmd()
		var out bytes.Buffer
		cmd.SetOut(&out)
		cmd.SetErr(&out)
		cmd.SetIn(strings.NewReader(in))
		cmd.SetArgs([]string{"audit", "hash-password"})
		if err := cmd.Execute(); err == nil || strings.HasPrefix(out.String(), "$2") {
			t.Errorf("%q: accepted: %s", in, out.String())
		}
	}
}

// TestAuditPrune fills a log whose first ten entries and checkpoint are a
// year old, then prunes with a half-year retention: the old part goes, the
// rest stays and still verifies.
func TestAuditPrune(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("KONEKTOR_DATA_DIR", dir)
	t.Setenv("KONEKTOR_CONFIG", "")
	if out, code := run(t, "certs", "init", "--dir", filepath.Join(dir, "pki")); code != 0 {
		t.Fatal(out)
	}
	cfg, err := loadConfig("")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	st, err := app.OpenStore(ctx, cfg, zap.NewNop())
	if err != nil {
		t.Fatal(err)
	}
	seal, err := certs.LoadKeyPair(cfg.Seal.Cert, cfg.Seal.Key)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	old := now.Add(-365 * 24 * time.Hour)
	clock := old
	rec := audit.NewRecorder(st, audit.Options{Now: func() time.Time { return clock }})
	cp, err := audit.NewCheckpointer(st, audit.CheckpointOptions{Seal: seal, Now: func() time.Time { return clock }})
	if err != nil {
		t.Fatal(err)
	}
	add := func(n int) {
		for i := 0; i < n; i++ {
			if _, err := rec.Record(ctx, store.AccessEntry{Upstream: "iszr", Service: "E03", AIS: "999002", Outcome: "ok"}); err != nil {
				t.Fatal(err)
			}
		}
		if _, _, err := cp.Checkpoint(ctx); err != nil {
			t.Fatal(err)
		}
	}
	add(10)
	clock = now.Add(-time.Hour)
	add(5)
	if err := rec.Close(ctx); err != nil {
		t.Fatal(err)
	}
	st.Close()

	out, code := run(t, "audit", "prune")
	if code == 0 || !strings.Contains(out, "audit.retention") {
		t.Fatalf("prune without a period: %d %s", code, out)
	}
	out, code = run(t, "audit", "prune", "--retention", "4380h", "--dry-run")
	if code != 0 || !strings.Contains(out, "would remove 10 entries (1–10)") {
		t.Fatalf("dry run: %d %s", code, out)
	}
	out, code = run(t, "audit", "prune", "--retention", "4380h")
	if code != 0 || !strings.Contains(out, "removed 10 entries, the log starts at entry 11") {
		t.Fatalf("prune: %d %s", code, out)
	}
	out, code = run(t, "audit", "prune", "--retention", "4380h")
	if code != 0 || !strings.Contains(out, "nothing to remove") {
		t.Fatalf("second prune: %d %s", code, out)
	}
	out, code = run(t, "audit", "verify", "--lang", "en")
	if code != 0 || !strings.Contains(out, "intact") {
		t.Fatalf("verify after prune: %d %s", code, out)
	}
}
