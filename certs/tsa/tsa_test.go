package tsa

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha512"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"testing"
	"time"

	"konektor/certs"
)

func TestStampVerify(t *testing.T) {
	f := newFixture(t)
	other, err := NewSandboxCA(pkix.Name{CommonName: "other root"}, t0)
	if err != nil {
		t.Fatal(err)
	}
	otherRoots := x509.NewCertPool()
	otherRoots.AddCert(other.Leaf())
	tok := f.stamp(t, "dmDm")
	tampered := append([]byte(nil), tok...)
	tampered[len(tampered)-10] ^= 0x01 // inside the signature value

	tests := []struct {
		name  string
		token []byte
		opts  VerifyOptions
		want  error
	}{
		{"valid", tok, VerifyOptions{Roots: f.roots, Hash: crypto.SHA256, Digest: digestOf("dmDm")}, nil},
		{"valid-without-imprint-check", tok, VerifyOptions{Roots: f.roots}, nil},
		{"other-data", tok, VerifyOptions{Roots: f.roots, Hash: crypto.SHA256, Digest: digestOf("other")}, ErrImprint},
		{"other-hash", tok, VerifyOptions{Roots: f.roots, Hash: crypto.SHA512, Digest: digestOf("dmDm")}, ErrImprint},
		{"other-root", tok, VerifyOptions{Roots: otherRoots}, ErrUntrusted},
		{"no-roots", tok, VerifyOptions{}, ErrNoRoots},
		{"tampered-signature", tampered, VerifyOptions{Roots: f.roots}, ErrSignature},
		{"empty", nil, VerifyOptions{Roots: f.roots}, ErrMalformed},
		{"garbage", []byte("not a token"), VerifyOptions{Roots: f.roots}, ErrMalformed},
		{"truncated", tok[:len(tok)/2], VerifyOptions{Roots: f.roots}, ErrMalformed},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Verify(tc.token, tc.opts)
			if !errors.Is(err, tc.want) {
				t.Fatalf("Verify: %v, want %v", err, tc.want)
			}
			if tc.want == nil {
				if !got.Time.Equal(t0) {
					t.Errorf("genTime %v, want %v", got.Time, t0)
				}
				if got.Hash != crypto.SHA256 || !got.Signer.Equal(f.auth.Certificate()) || !got.Policy.Equal(SandboxPolicy) {
					t.Errorf("token %+v", got)
				}
			}
		})
	}
}

func TestChainJudgedAtGenTime(t *testing.T) {
	f := newFixture(t)
	tok, err := Verify(f.stamp(t, "x"), VerifyOptions{Roots: f.roots})
	if err != nil {
		t.Fatal(err)
	}
	cert := f.auth.Certificate()
	tests := []struct {
		name string
		at   time.Time
		want error
	}{
		{"within-validity", cert.NotAfter.Add(-time.Minute), nil},
		{"after-expiry", cert.NotAfter.Add(time.Minute), ErrUntrusted},
		{"before-issue", cert.NotBefore.Add(-time.Minute), ErrUntrusted},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			at := *tok
			at.Time = tc.at
			if err := CheckChain(&at, f.roots, nil); !errors.Is(err, tc.want) {
				t.Fatalf("CheckChain at %v: %v, want %v", tc.at, err, tc.want)
			}
		})
	}
	// A token whose genTime lies past the TSA certificate is refused.
	f.now = cert.NotAfter.Add(time.Hour)
	if _, err := Verify(f.stamp(t, "late"), VerifyOptions{Roots: f.roots}); err == nil {
		t.Fatal("token stamped after the TSA certificate expired was accepted")
	}
}

func TestTimeStampingPurposeRequired(t *testing.T) {
	f := newFixture(t)
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl, err := template(pkix.Name{CommonName: "not a TSA"}, key.Public(), t0, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, f.ca.Leaf(), key.Public(), f.ca.Key)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := x509.ParseCertificate(der)
	if _, err := New(Options{Signer: key, Certificate: c}); !errors.Is(err, ErrNotTSACertificate) {
		t.Fatalf("New with a client certificate: %v", err)
	}
	// A token signed by such a key (bypassing New) must not verify either.
	a := &Authority{key: key, cert: c, policy: SandboxPolicy, now: func() time.Time { return t0 }, accuracy: time.Second}
	tok, err := a.Stamp(crypto.SHA256, digestOf("x"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Verify(tok, VerifyOptions{Roots: f.roots}); !errors.Is(err, ErrUntrusted) {
		t.Fatalf("token of a non-TSA certificate: %v, want ErrUntrusted", err)
	}
}

func TestNewRefusesForeignKey(t *testing.T) {
	f := newFixture(t)
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if _, err := New(Options{Signer: key, Certificate: f.auth.Certificate()}); !errors.Is(err, ErrKeyMismatch) {
		t.Fatalf("New with a foreign key: %v", err)
	}
	if _, err := New(Options{}); err == nil {
		t.Fatal("New without key and certificate succeeded")
	}
}

func TestStampRefusesBadImprint(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		name   string
		h      crypto.Hash
		digest []byte
		want   error
	}{
		{"sha1", crypto.SHA1, make([]byte, 20), ErrUnsupportedHash},
		{"short-digest", crypto.SHA256, make([]byte, 31), ErrDigestLength},
		{"sha512-ok", crypto.SHA512, make([]byte, sha512.Size), nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := f.auth.Stamp(tc.h, tc.digest); !errors.Is(err, tc.want) {
				t.Fatalf("Stamp: %v, want %v", err, tc.want)
			}
		})
	}
}

func TestIssueCertificateRefusesIncompleteCA(t *testing.T) {
	if _, err := IssueCertificate(&certs.KeyPair{}, pkix.Name{CommonName: "x"}, t0, 0); err == nil {
		t.Fatal("IssueCertificate from an empty CA succeeded")
	}
}

func TestStampAt(t *testing.T) {
	f := newFixture(t)
	at := t0.Add(-30 * time.Minute) // within the TSA certificate (from t0-1h)
	tok, err := f.auth.StampAt(at, crypto.SHA256, digestOf("seed"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := Verify(tok, VerifyOptions{Roots: f.roots, Hash: crypto.SHA256, Digest: digestOf("seed")})
	if err != nil || !got.Time.Equal(at) {
		t.Fatalf("StampAt: %v, genTime %v, want %v", err, got, at)
	}
}
