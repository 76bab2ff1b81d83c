package xmlsig

import (
	"crypto"
	"crypto/x509"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestTrustCheck(t *testing.T) {
	keys(t)
	root := issue(t, certSpec{name: "root", pub: caKey.Public(), isCA: true, keyUsage: x509.KeyUsageCertSign}, nil, caKey)
	other := issue(t, certSpec{name: "other root", pub: ca2.Public(), isCA: true, keyUsage: x509.KeyUsageCertSign}, nil, ca2)
	inter := issue(t, certSpec{name: "intermediate", pub: ca2.Public(), isCA: true, keyUsage: x509.KeyUsageCertSign}, root, caKey)
	direct := issue(t, certSpec{name: "signer", pub: rsa2048.Public(), keyUsage: x509.KeyUsageDigitalSignature}, root, caKey)
	viaInter := issue(t, certSpec{name: "signer via intermediate", pub: rsa2048.Public(), keyUsage: x509.KeyUsageContentCommitment}, inter, ca2)
	noUsage := issue(t, certSpec{name: "no key usage", pub: rsa2048.Public()}, root, caKey)
	encipher := issue(t, certSpec{name: "encipherment", pub: rsa2048.Public(), keyUsage: x509.KeyUsageKeyEncipherment}, root, caKey)
	expired := issue(t, certSpec{name: "expired", pub: rsa2048.Public(), from: at.Add(-48 * time.Hour), to: at.Add(-time.Second)}, root, caKey)
	early := issue(t, certSpec{name: "not yet", pub: rsa2048.Public(), from: at.Add(time.Second), to: at.Add(48 * time.Hour)}, root, caKey)

	roots := x509.NewCertPool()
	roots.AddCert(root)
	otherRoots := x509.NewCertPool()
	otherRoots.AddCert(other)

	tests := []struct {
		name   string
		trust  Trust
		cert   *x509.Certificate
		extra  []*x509.Certificate
		code   Code
		detail string
	}{
		{name: "pinned", trust: Trust{Pinned: []*x509.Certificate{direct}}, cert: direct},
		{name: "pinned-without-key-usage", trust: Trust{Pinned: []*x509.Certificate{noUsage}}, cert: noUsage},
		{name: "chained-to-root", trust: Trust{Roots: roots}, cert: direct},
		{name: "chained-through-sent-intermediate", trust: Trust{Roots: roots}, cert: viaInter, extra: []*x509.Certificate{inter}},
		{name: "chained-through-configured-intermediate", trust: Trust{Roots: roots, Intermediates: []*x509.Certificate{inter}}, cert: viaInter},
		{name: "intermediate-missing", trust: Trust{Roots: roots}, cert: viaInter, code: CodeUntrusted, detail: "unknown authority"},
		{name: "other-root", trust: Trust{Roots: otherRoots}, cert: direct, code: CodeUntrusted, detail: "unknown authority"},
		{name: "not-pinned-no-roots", trust: Trust{Pinned: []*x509.Certificate{viaInter}}, cert: direct, code: CodeUntrusted, detail: "is not pinned"},
		{name: "pinned-but-not-for-signing", trust: Trust{Pinned: []*x509.Certificate{encipher}}, cert: encipher, code: CodeUntrusted, detail: "key usage"},
		{name: "pinned-but-expired", trust: Trust{Pinned: []*x509.Certificate{expired}}, cert: expired, code: CodeCertValidity, detail: "valid from"},
		{name: "chained-but-not-yet-valid", trust: Trust{Roots: roots}, cert: early, code: CodeCertValidity, detail: "valid from"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.trust.Check(testVocabulary, tc.cert, tc.extra, at)
			if CodeOf(err) != tc.code || (err == nil) != (tc.code == "") {
				t.Fatalf("Check = %v, want code %q", err, tc.code)
			}
			if err == nil {
				return
			}
			var e *Error
			if !errors.As(err, &e) || !strings.Contains(e.Error(), tc.detail) || !strings.HasPrefix(e.Error(), "test: "+string(tc.code)+": ") ||
				e.Message() != commonTexts[tc.code][0] {
				t.Fatalf("refusal %q / %q, want detail %q in test's words", err, e.Message(), tc.detail)
			}
		})
	}
}

func TestTrustEmpty(t *testing.T) {
	keys(t)
	c := issue(t, certSpec{name: "c", pub: rsa2048.Public()}, nil, rsa2048)
	if !(Trust{}).Empty() || !(Trust{Intermediates: []*x509.Certificate{c}}).Empty() {
		t.Fatal("a trust without pinned certificates or roots is not empty")
	}
	if (Trust{Pinned: []*x509.Certificate{c}}).Empty() || (Trust{Roots: x509.NewCertPool()}).Empty() {
		t.Fatal("a trust with a pinned certificate or roots is empty")
	}
}

func TestRSAKey(t *testing.T) {
	keys(t)
	tests := []struct {
		name string
		pub  crypto.PublicKey
		key  crypto.Signer
		code Code
	}{
		{name: "rsa-2048", pub: rsa2048.Public(), key: rsa2048},
		{name: "rsa-1024", pub: rsa1024.Public(), key: rsa1024, code: CodeWeakKey},
		{name: "ecdsa", pub: ecKey.Public(), key: ecKey, code: CodeAlgorithm},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := issue(t, certSpec{name: tc.name, pub: tc.pub}, nil, tc.key)
			pub, err := RSAKey(testVocabulary, c)
			if CodeOf(err) != tc.code {
				t.Fatalf("RSAKey = %v, want code %q", err, tc.code)
			}
			if err == nil && !pub.Equal(tc.pub) {
				t.Fatal("RSAKey returned another key")
			}
			if err != nil && (pub != nil || !strings.HasPrefix(err.Error(), "test: ")) {
				t.Fatalf("refusal %v with key %v", err, pub)
			}
		})
	}
}

func TestCheckSignerKey(t *testing.T) {
	keys(t)
	good := issue(t, certSpec{name: "good", pub: rsa2048.Public()}, nil, rsa2048)
	weak := issue(t, certSpec{name: "weak", pub: rsa1024.Public()}, nil, rsa1024)
	ec := issue(t, certSpec{name: "ec", pub: ecKey.Public()}, nil, ecKey)
	tests := []struct {
		name string
		key  crypto.Signer
		cert *x509.Certificate
		ok   bool
	}{
		{name: "rsa-2048-own-certificate", key: rsa2048, cert: good, ok: true},
		{name: "no-key", cert: good},
		{name: "no-certificate", key: rsa2048},
		{name: "rsa-1024", key: rsa1024, cert: weak},
		{name: "ecdsa", key: ecKey, cert: ec},
		{name: "another-key's-certificate", key: rsa2048, cert: weak},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckSignerKey(tc.key, tc.cert)
			if tc.ok != (err == nil) || (err != nil && !errors.Is(err, ErrSignerKey)) {
				t.Fatalf("CheckSignerKey = %v, want ok %v", err, tc.ok)
			}
		})
	}
}
