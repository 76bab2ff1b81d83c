package opensslsign

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"testing"
)

// TestSelectRefusesUnknownEngine names the bad setting.
func TestSelectRefusesUnknownEngine(t *testing.T) {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range []string{"OpenSSL", "boring", "rsa"} {
		if ValidEngine(e) {
			t.Fatalf("ValidEngine(%q) = true", e)
		}
		if _, _, err := Select(k, e); err == nil {
			t.Fatalf("Select(%q) succeeded", e)
		}
	}
	if _, _, err := Select(nil, EngineAuto); err == nil {
		t.Fatal("Select(nil) succeeded")
	}
	if !Available() {
		// Without the signer (CGO_ENABLED=0, -tags noopenssl or no
		// libcrypto 3): auto and go keep crypto/rsa, openssl fails.
		for _, e := range []string{"", EngineAuto, EngineGo} {
			got, desc, err := Select(k, e)
			if err != nil || got != crypto.Signer(k) || desc == "" {
				t.Fatalf("Select(%q) = %T, %q, %v; want the key unchanged", e, got, desc, err)
			}
		}
		if _, _, err := Select(k, EngineOpenSSL); !errors.Is(err, ErrUnavailable) {
			t.Fatalf("Select(openssl) = %v, want ErrUnavailable", err)
		}
		if _, err := New(k); !errors.Is(err, ErrUnavailable) {
			t.Fatalf("New = %v, want ErrUnavailable", err)
		}
	}
}
