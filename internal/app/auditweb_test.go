package app

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"go.uber.org/zap"

	"konektor/internal/config"
	"konektor/internal/store/sqlite"
)

// TestAuditorUIMounted: the auditor's API is served on the bus listener; an
// auditor certificate gets the chain status, an AIS certificate is refused.
func TestAuditorUIMounted(t *testing.T) {
	in := startInstance(t, nil)
	in.post("999002", "/bus/iszr/E256", "IszrRosCtiIco2", sampleE256())
	get := func(client string) (int, []byte) {
		resp, err := in.client(client).Get("https://" + in.bus + "/audit/api/verify")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, b
	}
	code, body := get("auditor")
	var st struct {
		OK      bool  `json:"ok"`
		Entries int64 `json:"entries"`
	}
	if code != http.StatusOK || json.Unmarshal(body, &st) != nil || !st.OK || st.Entries < 1 {
		t.Fatalf("auditor: %d %s", code, body)
	}
	if code, body := get("999002"); code != http.StatusForbidden {
		t.Fatalf("an AIS certificate got %d %s", code, body)
	}
}

// TestSubjectHashedAndBodiesEncrypted: the access log keeps the data
// subject only as a keyed hash, and with store_bodies the request and the
// answer encrypted, never in the clear.
func TestSubjectHashedAndBodiesEncrypted(t *testing.T) {
	dir := t.TempDir()
	in := startInstanceIn(t, dir, func(c *config.Config) { c.Audit.StoreBodies = true })
	resp, _ := in.post("999002", "/bus/iszr/E256", "IszrRosCtiIco2", sampleE256())
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	if err := in.stop(); err != nil {
		t.Fatal(err)
	}
	st, err := sqlite.Open(context.Background(), filepath.Join(dir, "konektor.db"), zap.NewNop())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	e, err := st.LastAccess(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(e.Subject, "ico:") || strings.Contains(e.Subject, "00838420") {
		t.Fatalf("subject recorded as %q", e.Subject)
	}
	bodies, err := st.AccessBodies(context.Background(), e.Seq)
	if err != nil || len(bodies) != 2 {
		t.Fatalf("bodies %d %v", len(bodies), err)
	}
	for _, b := range bodies {
		if bytes.Contains(b.Data, []byte("00838420")) || bytes.Contains(b.Data, []byte("Envelope")) {
			t.Fatalf("%s body stored in the clear", b.Kind)
		}
	}
}
