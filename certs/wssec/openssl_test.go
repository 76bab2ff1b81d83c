//go:build cgo && unix && !noopenssl

package wssec

import (
	"bytes"
	"crypto/rsa"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"konektor/certs/opensslsign"
)

// needOpenSSL skips where libcrypto 3 cannot be loaded, except under CI
// (CI=true), which installs libssl3: there the test fails.
func needOpenSSL(t testing.TB) {
	t.Helper()
	if err := opensslsign.LoadError(); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI=%s and the OpenSSL signer is unavailable: %v", os.Getenv("CI"), err)
		}
		t.Skipf("libcrypto 3 cannot be loaded here (install libssl3): %v", err)
	}
}

// opensslTestSigner is testSigner with the key held by OpenSSL.
func opensslTestSigner(t testing.TB, name string) *Signer {
	t.Helper()
	needOpenSSL(t)
	kp := loadPair(t, name)
	key, err := opensslsign.New(kp.Key.(*rsa.PrivateKey))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { key.Close() })
	s, err := NewSigner(key, kp.Leaf(), SignerOptions{Now: fixedClock(t0)})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestOpenSSLSignerEnvelope: an envelope signed through the OpenSSL signer
// is byte for byte the crypto/rsa one, passes the strict verifier and
// verifies with xmlsec1.
func TestOpenSSLSignerEnvelope(t *testing.T) {
	in := readTestdata(t, "input/envelope.xml")
	for _, key := range []string{"signer", "seal3072"} {
		t.Run(key, func(t *testing.T) {
			signed := mustSign(t, opensslTestSigner(t, key), in)
			if want := mustSign(t, testSigner(t, key, t0), in); !bytes.Equal(signed, want) {
				t.Fatal("the OpenSSL-signed envelope differs from the crypto/rsa one")
			}
			v := pinnedVerifier(t, goldenAt, func(o *VerifierOptions) { o.Trust.Pinned = append(o.Trust.Pinned, loadCert(t, key)) })
			if _, err := v.Verify(bg, signed); err != nil {
				t.Fatalf("strict verifier refuses the OpenSSL-signed envelope: %v", err)
			}
			if _, err := v.Verify(bg, bytes.Replace(signed, []byte("RECEIVED"), []byte("REJECTED"), 1)); err == nil {
				t.Fatal("strict verifier accepts a tampered envelope")
			}
			file := filepath.Join(t.TempDir(), "signed.xml")
			if err := os.WriteFile(file, signed, 0o600); err != nil {
				t.Fatal(err)
			}
			args := append([]string{"--verify", "--pubkey-cert-pem", filepath.Join("testdata", "keys", key+".pem")}, xmlsec1IDArgs(nsSOAP11)...)
			out, err := runXmlsec1(t, append(args, file)...)
			if err != nil || !strings.Contains(out, "SignedInfo References (ok/all): 2/2") {
				t.Fatalf("xmlsec1 rejected the OpenSSL-signed envelope: %v\n%s", err, out)
			}
		})
	}
}

// TestNewSignerFromFilesUsesOpenSSL: where libcrypto 3 loads, the
// operator's `konektor xml sign` path signs through OpenSSL.
func TestNewSignerFromFilesUsesOpenSSL(t *testing.T) {
	needOpenSSL(t)
	s, err := NewSignerFromFiles(filepath.Join("testdata", "keys", "signer.pem"), filepath.Join("testdata", "keys", "signer-key.pem"), SignerOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := s.key.(*opensslsign.Signer); !ok {
		t.Fatalf("signer key is %T, want *opensslsign.Signer", s.key)
	}
}
