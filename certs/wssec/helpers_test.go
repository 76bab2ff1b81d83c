package wssec

import (
	"context"
	"crypto/x509"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"konektor/certs"
)

// t0 is the fixed clock of golden vectors.
var t0 = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

// fixedClock returns a clock that always reads t.
func fixedClock(t time.Time) func() time.Time { return func() time.Time { return t } }

// loadPair loads testdata/keys/<name>.pem and -key.pem.
func loadPair(t testing.TB, name string) *certs.KeyPair {
	t.Helper()
	kp, err := certs.LoadKeyPair(filepath.Join("testdata", "keys", name+".pem"), filepath.Join("testdata", "keys", name+"-key.pem"))
	if err != nil {
		t.Fatal(err)
	}
	return kp
}

// loadCert loads testdata/keys/<name>.pem.
func loadCert(t testing.TB, name string) *x509.Certificate {
	t.Helper()
	cs, err := certs.LoadCertificates(filepath.Join("testdata", "keys", name+".pem"))
	if err != nil {
		t.Fatal(err)
	}
	return cs[0]
}

// readTestdata reads a file under testdata.
func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// testSigner signs with the test signer key at time at.
func testSigner(t testing.TB, name string, at time.Time) *Signer {
	t.Helper()
	kp := loadPair(t, name)
	s, err := NewSigner(kp.Key, kp.Leaf(), SignerOptions{Now: fixedClock(at)})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// pinnedVerifier trusts the test signer by pinning, at time at, with no
// replay check.
func pinnedVerifier(t testing.TB, at time.Time, mutate ...func(*VerifierOptions)) *Verifier {
	t.Helper()
	o := VerifierOptions{Trust: Trust{Pinned: []*x509.Certificate{loadCert(t, "signer")}}, Now: fixedClock(at), DisableReplayCheck: true}
	for _, f := range mutate {
		f(&o)
	}
	v, err := NewVerifier(o)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// mustSign signs envelope or fails the test.
func mustSign(t testing.TB, s *Signer, envelope []byte) []byte {
	t.Helper()
	out, err := s.Sign(envelope)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// xmlsec1 returns the path of xmlsec1 or skips the test.
func xmlsec1(t testing.TB) string {
	t.Helper()
	p, err := exec.LookPath("xmlsec1")
	if err != nil {
		t.Skip("xmlsec1 not installed")
	}
	return p
}

var bg = context.Background()
