package wssec

import (
	"bytes"
	"crypto/x509"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"konektor/certs/xmlsig"
)

func TestVerifyResultUsesOnlyVerifiedBytes(t *testing.T) {
	signed := readTestdata(t, "valid/wss-soap11.xml")
	// Unsigned additions outside the signed elements are tolerated, but they
	// never reach the result: a comment and a header the signature does not cover.
	extra := replace(t, signed, "<reg:MessageInfo>", "<!-- unsigned note --><reg:MessageInfo><reg:Unsigned>injected</reg:Unsigned>")
	res, err := pinnedVerifier(t, goldenAt).Verify(bg, extra)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(res.Body, []byte("injected")) || bytes.Contains(res.Body, []byte("<!--")) {
		t.Fatal("unsigned content reached the result")
	}
	if !bytes.Equal(res.Body, readTestdata(t, "valid/wss-soap11.body.golden")) {
		t.Fatal("Body differs from the signed one")
	}
	if res.Mode != ModeWSSecurity || res.Envelope != nil || res.SOAPNamespace != nsSOAP11 {
		t.Fatalf("mode %s envelope %d ns %s", res.Mode, len(res.Envelope), res.SOAPNamespace)
	}
	if !res.Created.Equal(t0) || !res.Expires.Equal(t0.Add(DefaultTTL)) || res.SignatureMethod != xmlsig.AlgRSASHA256 || len(res.SignatureID) != 64 {
		t.Fatalf("result %+v", res)
	}
}

func TestVerifyEnvelopedRejectsComments(t *testing.T) {
	signed := readTestdata(t, "valid/xmlsec1-enveloped.xml")
	res, err := pinnedVerifier(t, goldenAt).Verify(bg, signed)
	if err != nil {
		t.Fatal(err)
	}
	if res.Mode != ModeEnveloped || !bytes.HasPrefix(res.Envelope, []byte("<soap:Envelope")) || bytes.Contains(res.Envelope, []byte("SignatureValue")) {
		t.Fatalf("enveloped result mode %s envelope %.80s", res.Mode, res.Envelope)
	}
	// In an enveloped signature everything is signed, so a comment anywhere
	// is rejected, even in the Header.
	_, err = pinnedVerifier(t, goldenAt).Verify(bg, replace(t, signed, "<soap:Header>", "<soap:Header><!--x-->"))
	if CodeOf(err) != CodeComment {
		t.Fatalf("got %v", err)
	}
}

func TestVerifyClock(t *testing.T) {
	signed := readTestdata(t, "valid/wss-soap11.xml") // Created t0, Expires t0+5m
	cases := []struct {
		name string
		at   time.Time
		skew time.Duration
		code Code
	}{
		{name: "at-created", at: t0},
		{name: "created-within-skew", at: t0.Add(-4 * time.Minute), skew: 5 * time.Minute},
		{name: "created-beyond-skew", at: t0.Add(-2 * time.Minute), skew: time.Minute, code: CodeFuture},
		{name: "no-skew-future", at: t0.Add(-time.Second), skew: -1, code: CodeFuture},
		{name: "at-expires", at: t0.Add(5 * time.Minute), skew: -1},
		{name: "expired-within-skew", at: t0.Add(9 * time.Minute), skew: 5 * time.Minute},
		{name: "expired-beyond-skew", at: t0.Add(11 * time.Minute), skew: 5 * time.Minute, code: CodeExpired},
		{name: "certificate-expired", at: time.Date(2036, 2, 1, 0, 0, 0, 0, time.UTC), code: CodeCertValidity},
		{name: "certificate-not-yet-valid", at: time.Date(2025, 12, 1, 0, 0, 0, 0, time.UTC), code: CodeCertValidity},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			v := pinnedVerifier(t, tc.at, func(o *VerifierOptions) { o.Skew = tc.skew })
			_, err := v.Verify(bg, signed)
			if CodeOf(err) != tc.code {
				t.Fatalf("got %v, want %q", err, tc.code)
			}
		})
	}
}

func TestVerifyReplay(t *testing.T) {
	signed := readTestdata(t, "valid/wss-soap11.xml")
	now := t0
	clock := func() time.Time { return now }
	v, err := NewVerifier(VerifierOptions{Trust: Trust{Pinned: []*x509.Certificate{loadCert(t, "signer")}}, Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := v.Verify(bg, signed); err != nil {
		t.Fatal(err)
	}
	now = t0.Add(4 * time.Minute)
	if _, err := v.Verify(bg, signed); !errors.Is(err, ErrReplay) {
		t.Fatalf("second delivery: %v, want replay", err)
	}
	// Re-serialised differently (whitespace outside signed parts) is the same signature.
	if _, err := v.Verify(bg, replace(t, signed, "<soap:Header>", "<soap:Header>\n")); !errors.Is(err, ErrReplay) {
		t.Fatalf("re-serialised delivery: %v, want replay", err)
	}
	// Another signature of the same content is not a replay.
	fresh := mustSign(t, testSigner(t, "signer", t0.Add(time.Minute)), readTestdata(t, "input/envelope.xml"))
	if _, err := v.Verify(bg, fresh); err != nil {
		t.Fatalf("fresh signature: %v", err)
	}
	// After Expires+skew the old message is rejected as expired, not let through.
	now = t0.Add(11 * time.Minute)
	if _, err := v.Verify(bg, signed); !errors.Is(err, ErrExpired) {
		t.Fatalf("after expiry: %v", err)
	}
}

func TestVerifyReplayCacheFull(t *testing.T) {
	cache := NewMemoryReplayCache(1, fixedClock(goldenAt))
	v := pinnedVerifier(t, goldenAt, func(o *VerifierOptions) { o.DisableReplayCheck = false; o.Replay = cache })
	if _, err := v.Verify(bg, readTestdata(t, "valid/wss-soap11.xml")); err != nil {
		t.Fatal(err)
	}
	_, err := v.Verify(bg, readTestdata(t, "valid/wss-soap12.xml"))
	if CodeOf(err) != CodeInternal || !errors.Is(err, ErrReplayCacheFull) {
		t.Fatalf("got %v, want internal error wrapping ErrReplayCacheFull", err)
	}
}

func TestVerifyTrust(t *testing.T) {
	roots := x509.NewCertPool()
	roots.AddCert(loadCert(t, "ca"))
	rogueRoots := x509.NewCertPool()
	rogueRoots.AddCert(loadCert(t, "rogue"))
	cases := []struct {
		name  string
		trust Trust
		file  string
		code  Code
	}{
		{name: "pinned", trust: Trust{Pinned: []*x509.Certificate{loadCert(t, "signer")}}, file: "valid/wss-soap11.xml"},
		{name: "chained-to-root", trust: Trust{Roots: roots}, file: "valid/wss-soap11.xml"},
		{name: "pinned-other-certificate", trust: Trust{Pinned: []*x509.Certificate{loadCert(t, "seal3072")}}, file: "valid/wss-soap11.xml", code: CodeUntrusted},
		{name: "root-does-not-cover-rogue", trust: Trust{Roots: roots}, file: "tampered/untrusted-signer-same-name.xml", code: CodeUntrusted},
		{name: "leaf-is-not-a-root", trust: Trust{Roots: rogueRoots}, file: "valid/wss-soap11.xml", code: CodeUntrusted},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			v, err := NewVerifier(VerifierOptions{Trust: tc.trust, Now: fixedClock(goldenAt), DisableReplayCheck: true})
			if err != nil {
				t.Fatal(err)
			}
			_, err = v.Verify(bg, readTestdata(t, tc.file))
			if CodeOf(err) != tc.code {
				t.Fatalf("got %v, want %q", err, tc.code)
			}
		})
	}
	t.Run("no-trust-configured", func(t *testing.T) {
		if _, err := NewVerifier(VerifierOptions{}); !errors.Is(err, ErrNoTrust) {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("certificate-without-signing-key-usage", func(t *testing.T) {
		ca := loadPair(t, "ca")
		s := &Signer{key: ca.Key, cert: ca.Leaf(), certB64: b64(ca.Leaf().Raw), now: fixedClock(t0), ttl: DefaultTTL, limits: Limits{}.withDefaults()}
		signed := mustSign(t, s, readTestdata(t, "input/envelope.xml"))
		v := pinnedVerifier(t, goldenAt, func(o *VerifierOptions) { o.Trust = Trust{Pinned: []*x509.Certificate{ca.Leaf()}} })
		if _, err := v.Verify(bg, signed); CodeOf(err) != CodeUntrusted || !strings.Contains(err.Error(), "key usage") {
			t.Fatalf("got %v", err)
		}
	})
}

func TestVerifyOptions(t *testing.T) {
	t.Run("allow-missing-timestamp", func(t *testing.T) {
		file := readTestdata(t, "tampered/missing-timestamp.xml")
		res, err := pinnedVerifier(t, goldenAt, func(o *VerifierOptions) { o.AllowMissingTimestamp = true }).Verify(bg, file)
		if err != nil {
			t.Fatal(err)
		}
		if !res.Created.IsZero() || len(res.References) != 1 {
			t.Fatalf("result %+v", res)
		}
	})
	t.Run("max-timestamp-ttl", func(t *testing.T) {
		file := readTestdata(t, "tampered/timestamp-lifetime-too-long.xml")
		if _, err := pinnedVerifier(t, goldenAt, func(o *VerifierOptions) { o.MaxTimestampTTL = 25 * time.Hour }).Verify(bg, file); err != nil {
			t.Fatal(err)
		}
	})
	limitCases := []struct {
		name   string
		limits Limits
		file   string
	}{
		{name: "oversize", limits: Limits{MaxBytes: 4096}, file: "valid/wss-soap11.xml"},
		{name: "too-many-elements", limits: Limits{MaxElements: 50}, file: "valid/wss-soap11.xml"},
		{name: "too-many-attributes", limits: Limits{MaxAttributes: 2}, file: "valid/wss-soap11.xml"},
		{name: "too-deep", limits: Limits{MaxDepth: 4}, file: "valid/wss-soap11.xml"},
		{name: "too-many-references", limits: Limits{MaxReferences: 1}, file: "valid/wss-soap11.xml"},
	}
	for _, tc := range limitCases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := pinnedVerifier(t, goldenAt, func(o *VerifierOptions) { o.Limits = tc.limits }).Verify(bg, readTestdata(t, tc.file))
			if CodeOf(err) != CodeTooLarge {
				t.Fatalf("got %v", err)
			}
		})
	}
}

func TestVerifyStructure(t *testing.T) {
	signed := readTestdata(t, "valid/wss-soap11.xml")
	cases := []struct {
		name string
		in   []byte
		code Code
	}{
		{name: "not-an-envelope", in: []byte(`<a/>`), code: CodeStructure},
		{name: "wrong-soap-namespace", in: bytes.ReplaceAll(signed, []byte(nsSOAP11), []byte("urn:soap")), code: CodeStructure},
		{name: "text-in-envelope", in: replace(t, signed, "<soap:Header>", "junk<soap:Header>"), code: CodeStructure},
		{name: "body-before-header", in: []byte(`<s:Envelope xmlns:s="` + nsSOAP11 + `"><s:Body/><s:Header/></s:Envelope>`), code: CodeStructure},
		{name: "extra-envelope-child", in: replace(t, signed, "</soap:Body>", "</soap:Body><x/>"), code: CodeStructure},
		{name: "no-header", in: readTestdata(t, "input/envelope12.xml"), code: CodeMissingSig},
		{name: "nested-header", in: replace(t, signed, "<reg:MessageId>", "<soap:Header/><reg:MessageId>"), code: CodeWrapping},
		{name: "signature-object", in: replace(t, signed, "</ds:KeyInfo>", "</ds:KeyInfo><ds:Object/>"), code: CodeBadSignature},
		{name: "keyinfo-two-children", in: replace(t, signed, "</ds:KeyInfo>", "<ds:KeyName>k</ds:KeyName></ds:KeyInfo>"), code: CodeKeyReference},
		{name: "token-not-base64", in: replace(t, signed, `wsu:Id="X509-1">MII`, `wsu:Id="X509-1">!!MII`), code: CodeKeyReference},
		{name: "token-wrong-value-type", in: replace(t, signed, `ValueType="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0#X509v3" wsu:Id="X509-1"`, `ValueType="urn:other" wsu:Id="X509-1"`), code: CodeKeyReference},
		{name: "reference-to-missing-token", in: replace(t, signed, `URI="#X509-1"`, `URI="#X509-9"`), code: CodeKeyReference},
		{name: "timestamp-outside-security", in: edit(t, signed, func(m *message) {
			w := wrapper(m.header)
			w.CreateAttr("xmlns:wsu", nsWSU)
			sec := m.securities[0]
			ts := m.timestamps[0]
			sec.RemoveChildAt(childIndex(sec, ts))
			w.AddChild(ts)
		}), code: CodeWrapping},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := pinnedVerifier(t, goldenAt).Verify(bg, tc.in)
			if CodeOf(err) != tc.code {
				t.Fatalf("got %v, want %q", err, tc.code)
			}
		})
	}
}

func TestVerifyConcurrent(t *testing.T) {
	v := pinnedVerifier(t, goldenAt, func(o *VerifierOptions) { o.DisableReplayCheck = false })
	files := []string{"valid/wss-soap11.xml", "valid/wss-soap12.xml", "valid/wss-default-namespace.xml", "valid/wss-sha512.xml"}
	var wg sync.WaitGroup
	errs := make(chan error, len(files)*8)
	for i := 0; i < 8; i++ {
		for _, f := range files {
			wg.Add(1)
			go func(raw []byte) {
				defer wg.Done()
				_, err := v.Verify(bg, raw)
				errs <- err
			}(readTestdata(t, f))
		}
	}
	wg.Wait()
	close(errs)
	accepted, replays := 0, 0
	for err := range errs {
		switch {
		case err == nil:
			accepted++
		case errors.Is(err, ErrReplay):
			replays++
		default:
			t.Fatal(err)
		}
	}
	if accepted != len(files) || replays != len(files)*7 {
		t.Fatalf("accepted %d replays %d: each signature must be accepted exactly once", accepted, replays)
	}
}
