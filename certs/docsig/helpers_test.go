package docsig

import (
	"crypto"
	"crypto/x509"
	"os"
	"path/filepath"
	"testing"
	"time"

	"konektor/certs"
	"konektor/certs/wssec"
	"konektor/certs/xmlsig"
)

// at is the verification time of the tests: inside the validity of every
// test certificate.
var at = time.Date(2027, 6, 1, 12, 0, 0, 0, time.UTC)

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func keyPath(name string) string { return filepath.Join("testdata", "keys", name) }

// testCert loads testdata/keys/NAME.pem.
func testCert(t testing.TB, name string) *x509.Certificate {
	t.Helper()
	cs, err := certs.LoadCertificates(keyPath(name + ".pem"))
	if err != nil || len(cs) != 1 {
		t.Fatalf("%s: %v", name, err)
	}
	return cs[0]
}

// testKey loads testdata/keys/NAME-key.pem.
func testKey(t testing.TB, name string) crypto.Signer {
	t.Helper()
	k, err := certs.LoadPrivateKey(keyPath(name + "-key.pem"))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// testSigner returns a Signer of the key pair NAME.
func testSigner(t testing.TB, name string) *Signer {
	t.Helper()
	s, err := NewSigner(testKey(t, name), testCert(t, name), SignerOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// chainedTrust trusts the test CA; pinnedTrust pins the self-signed seal.
func chainedTrust(t testing.TB) xmlsig.Trust {
	t.Helper()
	tr, err := wssec.LoadTrust(keyPath("ca.pem"))
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

func pinnedTrust(t testing.TB) xmlsig.Trust {
	t.Helper()
	return xmlsig.Trust{Pinned: []*x509.Certificate{testCert(t, "pinned")}}
}

func testVerifier(t testing.TB, tr xmlsig.Trust) *Verifier {
	t.Helper()
	v, err := NewVerifier(VerifierOptions{Trust: tr, Now: func() time.Time { return at }})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func mustSign(t testing.TB, s *Signer, doc []byte) []byte {
	t.Helper()
	out, err := s.Sign(doc)
	if err != nil {
		t.Fatalf("sign: %v", err)
	}
	return out
}
