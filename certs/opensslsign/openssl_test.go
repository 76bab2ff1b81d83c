//go:build openssl && cgo

package opensslsign

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"sync"
	"testing"
)

// testKeys are generated once per test binary (4096 bits takes a while).
var testKeys = sync.OnceValue(func() map[int]*rsa.PrivateKey {
	m := map[int]*rsa.PrivateKey{}
	for _, bits := range []int{2048, 3072, 4096} {
		k, err := rsa.GenerateKey(rand.Reader, bits)
		if err != nil {
			panic(err)
		}
		m[bits] = k
	}
	return m
})

func newSigner(t testing.TB, k *rsa.PrivateKey) *Signer {
	t.Helper()
	s, err := New(k)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func digestOf(h crypto.Hash, msg string) []byte {
	d := h.New()
	d.Write([]byte(msg))
	return d.Sum(nil)
}

// TestSignEqualsCryptoRSA: for each key size and hash, OpenSSL's signature
// verifies with crypto/rsa and is byte for byte crypto/rsa's own.
func TestSignEqualsCryptoRSA(t *testing.T) {
	for _, bits := range []int{2048, 3072, 4096} {
		k := testKeys()[bits]
		s := newSigner(t, k)
		if !s.Public().(*rsa.PublicKey).Equal(&k.PublicKey) {
			t.Fatal("Public differs from the key's public key")
		}
		for _, h := range []crypto.Hash{crypto.SHA256, crypto.SHA384, crypto.SHA512} {
			t.Run(fmt.Sprintf("rsa%d-%v", bits, h), func(t *testing.T) {
				sum := digestOf(h, "konektor "+h.String())
				sig, err := s.Sign(rand.Reader, sum, h)
				if err != nil {
					t.Fatal(err)
				}
				if len(sig) != k.Size() {
					t.Fatalf("signature is %d bytes, want %d", len(sig), k.Size())
				}
				if err := rsa.VerifyPKCS1v15(&k.PublicKey, h, sum, sig); err != nil {
					t.Fatalf("crypto/rsa does not verify OpenSSL's signature: %v", err)
				}
				want, err := rsa.SignPKCS1v15(nil, k, h, sum)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(sig, want) {
					t.Fatal("OpenSSL's PKCS#1 v1.5 signature differs from crypto/rsa's")
				}
				// The signature is bound to the digest and to the hash.
				other := digestOf(h, "something else")
				if rsa.VerifyPKCS1v15(&k.PublicKey, h, other, sig) == nil {
					t.Fatal("signature verifies for another digest")
				}
			})
		}
	}
}

// TestSignConcurrent signs from many goroutines at once (run with -race).
func TestSignConcurrent(t *testing.T) {
	k := testKeys()[2048]
	s := newSigner(t, k)
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for g := range 8 {
		wg.Go(func() {
			for i := range 10 {
				h := []crypto.Hash{crypto.SHA256, crypto.SHA384, crypto.SHA512}[(g+i)%3]
				sum := digestOf(h, fmt.Sprintf("%d/%d", g, i))
				sig, err := s.Sign(nil, sum, h)
				if err != nil {
					errs <- err
					return
				}
				if err := rsa.VerifyPKCS1v15(&k.PublicKey, h, sum, sig); err != nil {
					errs <- fmt.Errorf("goroutine %d op %d: %w", g, i, err)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// TestSignRefusesBadInput: wrong digest lengths, unsupported hashes and
// PSS are errors, never a signature.
func TestSignRefusesBadInput(t *testing.T) {
	s := newSigner(t, testKeys()[2048])
	cases := []struct {
		name        string
		digest      []byte
		opts        crypto.SignerOpts
		unsupported bool
		want        string
	}{
		{"short-digest", make([]byte, 31), crypto.SHA256, false, "digest is 31 bytes"},
		{"long-digest", make([]byte, 33), crypto.SHA256, false, "digest is 33 bytes"},
		{"empty-digest", nil, crypto.SHA512, false, "digest is 0 bytes"},
		{"sha384-length-for-sha256", make([]byte, 48), crypto.SHA256, false, "SHA-256 digest has 32"},
		{"sha1", make([]byte, 20), crypto.SHA1, true, "hash SHA-1"},
		{"sha224", make([]byte, 28), crypto.SHA224, true, "hash SHA-224"},
		{"md5sha1", make([]byte, 36), crypto.MD5SHA1, true, "MD5+SHA1"},
		{"no-hash", make([]byte, 32), crypto.Hash(0), true, "unhashed"},
		{"nil-opts", make([]byte, 32), nil, true, "no hash"},
		{"pss", make([]byte, 32), &rsa.PSSOptions{Hash: crypto.SHA256}, true, "RSA-PSS"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sig, err := s.Sign(nil, tc.digest, tc.opts)
			if err == nil || sig != nil {
				t.Fatalf("Sign = %x, %v; want an error", sig, err)
			}
			if errors.Is(err, ErrUnsupported) != tc.unsupported {
				t.Fatalf("errors.Is(%v, ErrUnsupported) = %v", err, !tc.unsupported)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %q does not say %q", err, tc.want)
			}
		})
	}
}

// TestClose: Sign after Close is ErrClosed; Close twice is fine.
func TestClose(t *testing.T) {
	s, err := New(testKeys()[2048])
	if err != nil {
		t.Fatal(err)
	}
	sum := digestOf(crypto.SHA256, "x")
	if _, err := s.Sign(nil, sum, crypto.SHA256); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Sign(nil, sum, crypto.SHA256); !errors.Is(err, ErrClosed) {
		t.Fatalf("Sign after Close: %v, want ErrClosed", err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestNewRefusesBadKeys: no key or an inconsistent one is an error that
// does not quote the key.
func TestNewRefusesBadKeys(t *testing.T) {
	if _, err := New(nil); err == nil {
		t.Fatal("New(nil) succeeded")
	}
	k := testKeys()[2048]
	bad := *k
	bad.D = new(big.Int).Add(k.D, big.NewInt(2))
	bad.Precomputed = rsa.PrecomputedValues{}
	_, err := New(&bad)
	if err == nil {
		t.Fatal("New accepted a key whose private exponent does not match")
	}
	for _, secret := range []*big.Int{bad.D, bad.Primes[0], bad.Primes[1]} {
		if strings.Contains(err.Error(), secret.String()) || strings.Contains(err.Error(), secret.Text(16)) {
			t.Fatal("the error quotes key material")
		}
	}
}

// TestSelect picks OpenSSL under auto and openssl, Go when forced, and
// refuses what it cannot honour.
func TestSelect(t *testing.T) {
	k := testKeys()[2048]
	for _, engine := range []string{"", EngineAuto, EngineOpenSSL} {
		got, desc, err := Select(k, engine)
		if err != nil {
			t.Fatal(err)
		}
		s, ok := got.(*Signer)
		if !ok {
			t.Fatalf("engine %q: got %T, want *Signer", engine, got)
		}
		s.Close()
		if !strings.Contains(desc, "OpenSSL 3") {
			t.Fatalf("engine %q: description %q does not name OpenSSL", engine, desc)
		}
	}
	if got, desc, err := Select(k, EngineGo); err != nil || got != crypto.Signer(k) || !strings.Contains(desc, GoEngine) {
		t.Fatalf("engine go: %T %q %v", got, desc, err)
	}
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	if got, _, err := Select(ec, EngineAuto); err != nil || got != crypto.Signer(ec) {
		t.Fatalf("auto with an ECDSA key: %T %v, want the key unchanged", got, err)
	}
	if _, _, err := Select(ec, EngineOpenSSL); err == nil {
		t.Fatal("openssl with an ECDSA key succeeded")
	}
	bad := *k
	bad.D = new(big.Int).Add(k.D, big.NewInt(2))
	bad.Precomputed = rsa.PrecomputedValues{}
	if got, desc, err := Select(&bad, EngineAuto); err != nil || got != crypto.Signer(&bad) || !strings.Contains(desc, "refused") {
		t.Fatalf("auto with a key OpenSSL refuses: %T %q %v, want the Go key", got, desc, err)
	}
	if _, _, err := Select(&bad, EngineOpenSSL); err == nil {
		t.Fatal("openssl with a bad key succeeded")
	}
}

// BenchmarkSign compares the bare RSA PKCS#1 v1.5 SHA-256 operation of
// crypto/rsa and of the OpenSSL signer, side by side:
//
//	go test -tags openssl ./certs/opensslsign -run '^$' -bench Sign -count 5
func BenchmarkSign(b *testing.B) {
	sum := digestOf(crypto.SHA256, "SignedInfo")
	for _, bits := range []int{2048, 3072} {
		k := testKeys()[bits]
		s := newSigner(b, k)
		b.Run(fmt.Sprintf("crypto-rsa-%d", bits), func(b *testing.B) {
			for b.Loop() {
				if _, err := rsa.SignPKCS1v15(nil, k, crypto.SHA256, sum); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("openssl-%d", bits), func(b *testing.B) {
			for b.Loop() {
				if _, err := s.Sign(nil, sum, crypto.SHA256); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("openssl-parallel-%d", bits), func(b *testing.B) {
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if _, err := s.Sign(nil, sum, crypto.SHA256); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}
