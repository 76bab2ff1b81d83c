package audit

import (
	"bytes"
	"context"
	"crypto"
	"crypto/sha256"
	"encoding/asn1"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/digitorus/timestamp"

	"konektor/certs"
)

// testTSA is a minimal RFC 3161 TSA for tests; mutate, when set, may alter
// what it stamps.
type testTSA struct {
	kp     *certs.KeyPair
	now    func() time.Time
	calls  atomic.Int32
	broken atomic.Bool // answer HTTP 500
	mutate func(*timestamp.Timestamp)
}

func (s *testTSA) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.calls.Add(1)
	if s.broken.Load() {
		http.Error(w, "down", http.StatusInternalServerError)
		return
	}
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<16))
	req, err := timestamp.ParseRequest(body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	ts := timestamp.Timestamp{HashAlgorithm: req.HashAlgorithm, HashedMessage: req.HashedMessage,
		Time: s.now(), Nonce: req.Nonce, Policy: asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 99999, 1},
		Accuracy: time.Second, AddTSACertificate: req.Certificates}
	if s.mutate != nil {
		s.mutate(&ts)
	}
	resp, err := ts.CreateResponseWithOpts(s.kp.Leaf(), s.kp.Key, crypto.SHA256)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/timestamp-reply")
	_, _ = w.Write(resp)
}

// startTSA serves a test TSA signing with kp and returns it with a client.
func startTSA(t testing.TB, kp *certs.KeyPair) (*testTSA, *TSAClient) {
	t.Helper()
	s := &testTSA{kp: kp, now: func() time.Time { return t0.Add(time.Minute) }}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	c, err := NewTSAClient(srv.URL, srv.Client())
	if err != nil {
		t.Fatal(err)
	}
	return s, c
}

func digest(s string) []byte {
	sum := sha256.Sum256([]byte(s))
	return sum[:]
}

func TestTSAClientRoundTrip(t *testing.T) {
	t.Parallel()
	p := pki(t)
	_, c := startTSA(t, p.tsa)
	token, err := c.TimeStamp(context.Background(), digest("x"))
	if err != nil {
		t.Fatalf("TimeStamp: %v", err)
	}
	info, err := VerifyTimeStamp(token, digest("x"), p.roots)
	if err != nil {
		t.Fatalf("VerifyTimeStamp: %v", err)
	}
	if !info.Time.Equal(t0.Add(time.Minute).Truncate(time.Second)) || !strings.Contains(info.TSA, "konektor test TSA") || info.Serial == "" {
		t.Fatalf("stamp info %+v", info)
	}
}

func TestTSAClientRefusesBadAnswers(t *testing.T) {
	t.Parallel()
	p := pki(t)
	for _, c := range []struct {
		name   string
		setup  func(s *testTSA)
		digest []byte
		want   string
	}{
		{"http-error", func(s *testTSA) { s.broken.Store(true) }, digest("x"), "HTTP 500"},
		{"other-imprint", func(s *testTSA) {
			s.mutate = func(ts *timestamp.Timestamp) { ts.HashedMessage = digest("other") }
		}, digest("x"), "something else"},
		{"nonce-not-echoed", func(s *testTSA) { s.mutate = func(ts *timestamp.Timestamp) { ts.Nonce = nil } }, digest("x"), "nonce"},
		{"short-digest", func(*testTSA) {}, []byte("short"), "SHA-256"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			s, client := startTSA(t, p.tsa)
			c.setup(s)
			_, err := client.TimeStamp(context.Background(), c.digest)
			if !errors.Is(err, ErrTimeStamp) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("TimeStamp = %v, want ErrTimeStamp mentioning %q", err, c.want)
			}
		})
	}
}

func TestTSAClientGarbageAndOversize(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name string
		body []byte
		want string
	}{
		{"garbage", []byte("not DER"), "TSA"},
		{"oversize", bytes.Repeat([]byte{0x30}, maxTSAResponse+10), "larger than"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write(c.body) }))
			defer srv.Close()
			client, err := NewTSAClient(srv.URL, nil)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := client.TimeStamp(context.Background(), digest("x")); !errors.Is(err, ErrTimeStamp) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("TimeStamp = %v, want ErrTimeStamp mentioning %q", err, c.want)
			}
		})
	}
}

func TestNewTSAClientRejectsBadURLs(t *testing.T) {
	t.Parallel()
	for _, u := range []string{"", "ftp://tsa.example", "tsa.example/tsr", "http://"} {
		if _, err := NewTSAClient(u, nil); !errors.Is(err, ErrTimeStamp) {
			t.Errorf("NewTSAClient(%q) = %v, want ErrTimeStamp", u, err)
		}
	}
}

func TestVerifyTimeStampRefuses(t *testing.T) {
	t.Parallel()
	p := pki(t)
	_, client := startTSA(t, p.tsa)
	token, err := client.TimeStamp(context.Background(), digest("x"))
	if err != nil {
		t.Fatal(err)
	}
	other, err := newTestPKI("other")
	if err != nil {
		t.Fatal(err)
	}
	// A TSA certificate without the time-stamping usage, from the trusted CA.
	plain, err := issueTest(p.ca, "not a TSA", nil, false)
	if err != nil {
		t.Fatal(err)
	}
	_, plainClient := startTSA(t, plain)
	plainToken, err := plainClient.TimeStamp(context.Background(), digest("x"))
	if err != nil {
		t.Fatal(err)
	}
	flipped := bytes.Clone(token)
	flipped[len(flipped)-5] ^= 0x01
	for _, c := range []struct {
		name   string
		token  []byte
		digest []byte
		roots  bool
		pool   *testPKI
		want   string
	}{
		{"other-data", token, digest("y"), true, p, "other data"},
		{"untrusted-tsa", token, digest("x"), true, other, "not trusted"},
		{"no-roots", token, digest("x"), false, p, "no trusted TSA roots"},
		{"not-a-tsa-certificate", plainToken, digest("x"), true, p, "not trusted"},
		{"signature-flipped", flipped, digest("x"), true, p, ""},
		{"garbage", []byte("garbage"), digest("x"), true, p, ""},
		{"empty", nil, digest("x"), true, p, "empty"},
	} {
		t.Run(c.name, func(t *testing.T) {
			roots := c.pool.roots
			if !c.roots {
				roots = nil
			}
			_, err := VerifyTimeStamp(c.token, c.digest, roots)
			if !errors.Is(err, ErrTimeStamp) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("VerifyTimeStamp = %v, want ErrTimeStamp mentioning %q", err, c.want)
			}
		})
	}
}
