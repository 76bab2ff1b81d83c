package app

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"path/filepath"
	"testing"
	"time"

	"go.uber.org/zap"

	"konektor/adapters/iszr"
	"konektor/certs"
	"konektor/certs/wssec"
	"konektor/internal/config"
	"konektor/internal/store"
	"konektor/internal/store/sqlite"
)

// TestSignedRequestsAndSealedAnswers runs a client that must sign its
// calls and wants sealed answers: unsigned and replayed calls are refused,
// a signed call is relayed and its answer sealed, and the access log keeps
// the hash of the sealed bytes and the fact that they were sealed.
func TestSignedRequestsAndSealedAnswers(t *testing.T) {
	dir := t.TempDir()
	pkiDir := filepath.Join(dir, "pki")
	if err := certs.InitDevPKI(pkiDir, certs.DevPKIOptions{}); err != nil {
		t.Fatal(err)
	}
	pki := certs.DevPKIPaths(pkiDir)
	in := startInstanceIn(t, dir, func(c *config.Config) {
		for i := range c.Clients {
			if c.Clients[i].Name == "999002" {
				// The test signs with the seal key: an RSA key the dev PKI already has.
				c.Clients[i].RequireSignedRequests = true
				c.Clients[i].SigningTrust = []string{pki.Seal}
				c.Clients[i].SealResponses = true
			}
		}
	})
	signer, err := wssec.NewSignerFromFiles(pki.Seal, pki.SealKey, wssec.SignerOptions{})
	if err != nil {
		t.Fatal(err)
	}
	resp, body := in.post("999002", "/bus/iszr/E256", "IszrRosCtiIco2", sampleE256())
	if resp.StatusCode != 403 || !bytes.Contains(body, []byte("signature-missing-signature")) {
		t.Fatalf("unsigned call: %d %s", resp.StatusCode, body)
	}
	signed, err := signer.Sign(sampleE256())
	if err != nil {
		t.Fatal(err)
	}
	resp, body = in.post("999002", "/bus/iszr/E256", "IszrRosCtiIco2", signed)
	if resp.StatusCode != 200 || iszr.ReadStatus(body).Kod != "OK" {
		t.Fatalf("signed call: %d %s", resp.StatusCode, body)
	}
	trust, _ := wssec.LoadTrust(pki.Seal)
	if rep := wssec.Check(body, trust, time.Time{}); !rep.Valid {
		t.Fatalf("answer is not sealed: %+v", rep)
	}
	sealedHash := sha256.Sum256(body)
	resp, body = in.post("999002", "/bus/iszr/E256", "IszrRosCtiIco2", signed)
	if resp.StatusCode != 403 || !bytes.Contains(body, []byte("signature-replay")) {
		t.Fatalf("replayed call: %d %s", resp.StatusCode, body)
	}
	if err := in.stop(); err != nil {
		t.Fatal(err)
	}
	st, err := sqlite.Open(context.Background(), filepath.Join(dir, "konektor.db"), zap.NewNop())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var entries []store.AccessEntry
	st.ScanAccess(context.Background(), 1, func(e store.AccessEntry) error { entries = append(entries, e); return nil })
	if len(entries) != 3 {
		t.Fatalf("%d entries", len(entries))
	}
	e := entries[1]
	if !e.Sealed || e.ResponseSHA256 != hex.EncodeToString(sealedHash[:]) || e.Evidence == "" {
		t.Fatalf("signed exchange recorded as %+v", e)
	}
	if entries[0].Sealed || entries[0].Outcome != "fault" || entries[2].Outcome != "fault" {
		t.Fatalf("refusals recorded as %+v / %+v", entries[0], entries[2])
	}
}
