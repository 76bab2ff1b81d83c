package tsa

import (
	"bytes"
	"context"
	"crypto"
	"crypto/sha256"
	"encoding/asn1"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// Failure bits of RFC 3161 PKIFailureInfo.
const (
	bitBadAlg           = 0
	bitBadDataFormat    = 5
	bitUnacceptedPolicy = 15
)

func TestRespond(t *testing.T) {
	f := newFixture(t)
	d := digestOf("content")
	tests := []struct {
		name     string
		req      []byte
		granted  bool
		failBit  int
		withCert bool
	}{
		{"granted-with-certificate", tsq(t, crypto.SHA256, d, nil, 42, true), true, -1, true},
		{"granted-without-certificate", tsq(t, crypto.SHA256, d, nil, 42, false), true, -1, false},
		{"granted-own-policy", tsq(t, crypto.SHA256, d, SandboxPolicy, 0, true), true, -1, true},
		{"foreign-policy", tsq(t, crypto.SHA256, d, asn1.ObjectIdentifier{1, 2, 3}, 0, true), false, bitUnacceptedPolicy, false},
		{"sha1-refused", tsq(t, crypto.SHA1, make([]byte, 20), nil, 0, true), false, bitBadAlg, false},
		{"unknown-hash", tsq(t, crypto.MD5, make([]byte, 16), nil, 0, true), false, bitBadAlg, false},
		{"digest-too-short", tsq(t, crypto.SHA256, d[:20], nil, 0, true), false, bitBadDataFormat, false},
		{"not-der", []byte("hello"), false, bitBadDataFormat, false},
		{"empty", nil, false, bitBadDataFormat, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp := f.auth.Respond(tc.req)
			st, fail, hasToken := status(t, resp)
			if tc.granted {
				if st != 0 || !hasToken {
					t.Fatalf("status %d, token %v; want granted with a token", st, hasToken)
				}
				tok, err := tokenOf(resp)
				if err != nil {
					t.Fatal(err)
				}
				var certs = f.auth.Certificate()
				if !tc.withCert {
					if _, err := Parse(tok); !errors.Is(err, ErrNoCertificate) {
						t.Fatalf("token without certificate parsed alone: %v", err)
					}
				} else {
					certs = nil
				}
				opts := VerifyOptions{Roots: f.roots, Hash: crypto.SHA256, Digest: d}
				if certs != nil {
					opts.Certificates = append(opts.Certificates, certs)
				}
				got, err := Verify(tok, opts)
				if err != nil {
					t.Fatalf("Verify: %v", err)
				}
				if tc.name != "granted-own-policy" && (got.Nonce == nil || got.Nonce.Int64() != 42) {
					t.Errorf("nonce %v, want 42 echoed", got.Nonce)
				}
				return
			}
			if st != 2 || hasToken {
				t.Fatalf("status %d, token %v; want rejection (2) without a token", st, hasToken)
			}
			if fail.At(tc.failBit) != 1 {
				t.Fatalf("failure bits %x, want bit %d", fail.Bytes, tc.failBit)
			}
		})
	}
}

func TestServeHTTP(t *testing.T) {
	f := newFixture(t)
	srv := httptest.NewServer(f.auth)
	defer srv.Close()
	good := tsq(t, crypto.SHA256, digestOf("x"), nil, 7, true)
	tests := []struct {
		name        string
		method      string
		contentType string
		body        []byte
		want        int
	}{
		{"query", http.MethodPost, ContentTypeQuery, good, http.StatusOK},
		{"query-with-parameters", http.MethodPost, ContentTypeQuery + "; charset=binary", good, http.StatusOK},
		{"rejected-query-is-still-200", http.MethodPost, ContentTypeQuery, []byte("junk"), http.StatusOK},
		{"get", http.MethodGet, "", nil, http.StatusMethodNotAllowed},
		{"wrong-type", http.MethodPost, "text/xml", good, http.StatusUnsupportedMediaType},
		{"too-large", http.MethodPost, ContentTypeQuery, bytes.Repeat([]byte{0x30}, DefaultMaxRequestBytes+1), http.StatusRequestEntityTooLarge},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest(tc.method, srv.URL, bytes.NewReader(tc.body))
			if tc.contentType != "" {
				req.Header.Set("Content-Type", tc.contentType)
			}
			resp, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tc.want {
				t.Fatalf("HTTP %d, want %d", resp.StatusCode, tc.want)
			}
			if tc.want == http.StatusOK && resp.Header.Get("Content-Type") != ContentTypeReply {
				t.Errorf("Content-Type %q", resp.Header.Get("Content-Type"))
			}
		})
	}
}

func TestRequest(t *testing.T) {
	f := newFixture(t)
	srv := httptest.NewServer(f.auth)
	defer srv.Close()
	d := sha256.Sum256([]byte("checkpoint"))
	tok, err := Request(context.Background(), srv.Client(), srv.URL, crypto.SHA256, d[:])
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Verify(tok, VerifyOptions{Roots: f.roots, Hash: crypto.SHA256, Digest: d[:]}); err != nil {
		t.Fatalf("token from Request does not verify: %v", err)
	}

	// A TSA that stamps something else, or forgets the nonce, is caught.
	other := f.stamp(t, "other")
	liar := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var resp timeStampRespDER
		resp.Token = asn1.RawValue{FullBytes: other}
		b, _ := asn1.Marshal(resp)
		w.Header().Set("Content-Type", ContentTypeReply)
		_, _ = w.Write(b)
	}))
	defer liar.Close()
	if _, err := Request(context.Background(), liar.Client(), liar.URL, crypto.SHA256, d[:]); !errors.Is(err, ErrImprint) {
		t.Fatalf("Request from a TSA stamping other data: %v, want ErrImprint", err)
	}
	rejecting := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", ContentTypeReply)
		_, _ = w.Write(errorResponse(failSystemFailure))
	}))
	defer rejecting.Close()
	if _, err := Request(context.Background(), rejecting.Client(), rejecting.URL, crypto.SHA256, d[:]); !errors.Is(err, ErrRejected) {
		t.Fatalf("Request from a rejecting TSA: %v, want ErrRejected", err)
	}
	if _, err := Request(context.Background(), srv.Client(), srv.URL, crypto.SHA256, d[:5]); !errors.Is(err, ErrDigestLength) {
		t.Fatalf("Request with a short digest: %v", err)
	}
	html := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		_, _ = w.Write([]byte("<html>"))
	}))
	defer html.Close()
	if _, err := Request(context.Background(), html.Client(), html.URL, crypto.SHA256, d[:]); err == nil || !strings.Contains(err.Error(), "text/html") {
		t.Fatalf("Request from a web page: %v", err)
	}
}
