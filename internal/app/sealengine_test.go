package app

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"konektor/certs"
	"konektor/certs/opensslsign"
	"konektor/certs/wssec"
	"konektor/internal/config"
)

// TestSealRSAEngine: buildSealer signs through the engine seal.rsa_engine
// selects (OpenSSL under auto where libcrypto 3 loads), logs it once, and
// its seals verify; "openssl" without a usable libcrypto fails at start.
func TestSealRSAEngine(t *testing.T) {
	pkiDir := filepath.Join(t.TempDir(), "pki")
	if err := certs.InitDevPKI(pkiDir, certs.DevPKIOptions{}); err != nil {
		t.Fatal(err)
	}
	pki := certs.DevPKIPaths(pkiDir)
	trust, err := wssec.LoadTrust(pki.Seal)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"": "Go crypto/rsa", "auto": "Go crypto/rsa", "go": "Go crypto/rsa", "openssl": ""}
	if opensslsign.Available() {
		want = map[string]string{"": "OpenSSL 3", "auto": "OpenSSL 3", "go": "Go crypto/rsa", "openssl": "OpenSSL 3"}
	}
	for engine, desc := range want {
		t.Run("engine="+engine, func(t *testing.T) {
			c := config.Config{
				Clients: []config.Client{{Name: "999002", SealResponses: true}},
				Seal:    config.Seal{Cert: pki.Seal, Key: pki.SealKey, TTL: config.Duration(5 * time.Minute), RSAEngine: engine},
			}
			core, logs := observer.New(zap.InfoLevel)
			s, err := buildSealer(c, time.Now, zap.New(core))
			if desc == "" {
				if !errors.Is(err, opensslsign.ErrUnavailable) {
					t.Fatalf("rsa_engine openssl without a usable libcrypto: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := logs.FilterMessage("seal: RSA engine").All()
			if len(got) != 1 || !strings.HasPrefix(got[0].ContextMap()["engine"].(string), desc) {
				t.Fatalf("engine log lines %+v, want one naming %q", got, desc)
			}
			sealed, err := s.Seal(sampleE256())
			if err != nil {
				t.Fatal(err)
			}
			if rep := wssec.Check(sealed, trust, time.Time{}); !rep.Valid {
				t.Fatalf("sealed answer does not verify: %+v", rep)
			}
		})
	}
}
