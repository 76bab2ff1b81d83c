//go:build cgo && unix && !noopenssl

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
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"konektor/internal/cputime"
)

// needLibcrypto skips a test that needs libcrypto 3 where it cannot be
// loaded, except under CI (CI=true), which installs libssl3: there the
// test fails.
func needLibcrypto(t testing.TB) {
	t.Helper()
	if err := LoadError(); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI=%s and the OpenSSL signer is unavailable: %v", os.Getenv("CI"), err)
		}
		t.Skipf("libcrypto 3 cannot be loaded here (install libssl3): %v", err)
	}
}

// withLoader makes the package load libcrypto from names for the rest of
// the test.
func withLoader(t *testing.T, names ...string) {
	t.Helper()
	old := libcrypto
	libcrypto = &loader{names: names}
	t.Cleanup(func() { libcrypto = old })
}

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
	needLibcrypto(t)
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
	for g := range 32 {
		wg.Go(func() {
			for i := range 12 {
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
	needLibcrypto(t)
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
	needLibcrypto(t)
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
	needLibcrypto(t)
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
		if !strings.HasPrefix(desc, "OpenSSL 3") || !strings.Contains(desc, ", loaded at run time)") {
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

// TestLibcryptoLoads: the default build loads an OpenSSL 3 libcrypto at
// run time (no headers or -tags needed) and names it.
func TestLibcryptoLoads(t *testing.T) {
	needLibcrypto(t)
	if !Available() {
		t.Fatal("Available = false with a loaded libcrypto")
	}
	if v := Version(); !strings.HasPrefix(v, "OpenSSL 3") && !strings.HasPrefix(v, "OpenSSL 4") {
		t.Fatalf("Version = %q, want OpenSSL 3 or later", v)
	}
	lib, err := libcrypto.load()
	if err != nil || lib.name != defaultLibNames()[0] && lib.name != defaultLibNames()[len(defaultLibNames())-1] {
		t.Fatalf("loaded %+v, %v", lib, err)
	}
	if d := description(); d != Version()+" ("+lib.name+", loaded at run time)" {
		t.Fatalf("description %q", d)
	}
	t.Logf("signer: %s", description())
	// Loading is done once: the same table every time.
	again, _ := libcrypto.load()
	if again != lib {
		t.Fatal("libcrypto loaded twice")
	}
}

// TestMissingLibrary: without libcrypto, Select falls back to crypto/rsa
// under auto and says why; openssl and New fail naming the cause.
func TestMissingLibrary(t *testing.T) {
	withLoader(t, "libkonektor-missing.so.3", "libkonektor-missing.so")
	k := testKeys()[2048]
	if Available() || Version() != "" || description() != "" {
		t.Fatalf("Available %v, Version %q, description %q with no library", Available(), Version(), description())
	}
	err := LoadError()
	if !errors.Is(err, ErrUnavailable) || !strings.Contains(err.Error(), "libkonektor-missing.so.3 not found") ||
		!strings.Contains(err.Error(), "libkonektor-missing.so:") {
		t.Fatalf("LoadError = %v", err)
	}
	for _, e := range []string{"", EngineAuto} {
		got, desc, err := Select(k, e)
		if err != nil || got != crypto.Signer(k) {
			t.Fatalf("Select(%q) = %T, %v; want the crypto/rsa key", e, got, err)
		}
		if want := "Go crypto/rsa (libkonektor-missing.so.3 not found)"; desc != want {
			t.Fatalf("Select(%q) description %q, want %q", e, desc, want)
		}
	}
	if got, desc, err := Select(k, EngineGo); err != nil || got != crypto.Signer(k) || desc != GoEngine+" (forced by configuration)" {
		t.Fatalf("Select(go) = %T, %q, %v", got, desc, err)
	}
	if _, _, err := Select(k, EngineOpenSSL); !errors.Is(err, ErrUnavailable) || !strings.Contains(err.Error(), "libkonektor-missing.so.3 not found") {
		t.Fatalf("Select(openssl) = %v, want ErrUnavailable naming the library", err)
	}
	if s, err := New(k); s != nil || !errors.Is(err, ErrUnavailable) {
		t.Fatalf("New = %v, %v; want ErrUnavailable", s, err)
	}
}

// TestUnloadableLibrary: a file dlopen cannot load is named as such, with
// dlerror's text.
func TestUnloadableLibrary(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "libcrypto.so.3")
	if err := os.WriteFile(bad, []byte("not an ELF object"), 0o600); err != nil {
		t.Fatal(err)
	}
	withLoader(t, bad)
	err := LoadError()
	if !errors.Is(err, ErrUnavailable) || !strings.Contains(err.Error(), bad+" cannot be loaded (") {
		t.Fatalf("LoadError = %v", err)
	}
	if _, desc, _ := Select(testKeys()[2048], EngineAuto); desc != GoEngine+" ("+bad+" cannot be loaded)" {
		t.Fatalf("description %q", desc)
	}
}

// TestNotLibcrypto: a library that loads but is not OpenSSL's libcrypto is
// refused with the missing entry point named, and the next name is tried.
func TestNotLibcrypto(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("uses glibc's libc.so.6")
	}
	withLoader(t, "libc.so.6")
	err := LoadError()
	if !errors.Is(err, ErrUnavailable) || !strings.Contains(err.Error(), "libc.so.6 is not OpenSSL's libcrypto (no OpenSSL_version_num)") {
		t.Fatalf("LoadError = %v", err)
	}
	if _, desc, _ := Select(testKeys()[2048], EngineAuto); desc != GoEngine+" (libc.so.6 is not OpenSSL's libcrypto (no OpenSSL_version_num))" {
		t.Fatalf("description %q", desc)
	}
}

// TestLoadTriesNextName: a missing file and a library that is not
// libcrypto are passed over for the next name.
func TestLoadTriesNextName(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("uses glibc's libc.so.6")
	}
	needLibcrypto(t)
	withLoader(t, "libkonektor-missing.so.3", "libc.so.6", defaultLibNames()[0])
	lib, err := libcrypto.load()
	if err != nil || lib.name != defaultLibNames()[0] {
		t.Fatalf("load = %+v, %v; want the third name", lib, err)
	}
	newSigner(t, testKeys()[2048])
}

// TestCheckMajor: OpenSSL 1.x and LibreSSL (which reports 2) are refused.
func TestCheckMajor(t *testing.T) {
	for major, ok := range map[uint]bool{0: false, 1: false, 2: false, 3: true, 4: true} {
		if err := checkMajor(major); (err == nil) != ok {
			t.Fatalf("checkMajor(%d) = %v", major, err)
		}
	}
	if err := checkMajor(1); !strings.Contains(err.Error(), "need OpenSSL 3 or later, not 1.x") {
		t.Fatalf("checkMajor(1) = %v", err)
	}
}

// TestSignWhileClosing: Close racing with many Signs gives each either a
// valid signature or ErrClosed (run with -race).
func TestSignWhileClosing(t *testing.T) {
	k := testKeys()[2048]
	s := newSigner(t, k)
	sum := digestOf(crypto.SHA256, "closing")
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for range 16 {
		wg.Go(func() {
			for range 20 {
				sig, err := s.Sign(nil, sum, crypto.SHA256)
				if errors.Is(err, ErrClosed) {
					return
				}
				if err == nil {
					err = rsa.VerifyPKCS1v15(&k.PublicKey, crypto.SHA256, sum, sig)
				}
				if err != nil {
					errs <- err
					return
				}
			}
		})
	}
	time.Sleep(5 * time.Millisecond)
	s.Close()
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// TestCleanupFreesKey: a Signer dropped without Close has its OpenSSL key
// freed by its cleanup.
func TestCleanupFreesKey(t *testing.T) {
	needLibcrypto(t)
	before := keysFreed.Load()
	func() {
		s, err := New(testKeys()[2048])
		if err != nil {
			t.Fatal(err)
		}
		_ = s.Public()
	}()
	for i := 0; keysFreed.Load() == before; i++ {
		if i == 200 {
			t.Fatal("the key of an unreachable Signer was not freed")
		}
		runtime.GC()
		time.Sleep(5 * time.Millisecond)
	}
	s, err := New(testKeys()[2048])
	if err != nil {
		t.Fatal(err)
	}
	n := keysFreed.Load()
	s.Close()
	s.Close()
	if keysFreed.Load() != n+1 {
		t.Fatalf("Close freed %d keys, want 1", keysFreed.Load()-n)
	}
}

// BenchmarkSign compares the bare RSA PKCS#1 v1.5 SHA-256 operation of
// crypto/rsa and of the OpenSSL signer, side by side; cpu-ns/op is the
// process's CPU time (all threads) per operation, the figure to compare on
// a loaded machine:
//
//	go test ./certs/opensslsign -run '^$' -bench Sign -count 5
func BenchmarkSign(b *testing.B) {
	sum := digestOf(crypto.SHA256, "SignedInfo")
	for _, bits := range []int{2048, 3072} {
		k := testKeys()[bits]
		s := newSigner(b, k)
		b.Run(fmt.Sprintf("crypto-rsa-%d", bits), func(b *testing.B) {
			defer cputime.Start().ReportPerOp(b)
			for b.Loop() {
				if _, err := rsa.SignPKCS1v15(nil, k, crypto.SHA256, sum); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("openssl-%d", bits), func(b *testing.B) {
			defer cputime.Start().ReportPerOp(b)
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
