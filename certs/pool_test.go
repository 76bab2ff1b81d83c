package certs

import (
	"crypto/x509"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLoadPool(t *testing.T) {
	root := t.TempDir()
	caA := testCA(t, "CA A")
	caB := testCA(t, "CA B")
	leafA := testLeaf(t, caA, "leaf A", x509.ExtKeyUsageClientAuth)
	leafB := testLeaf(t, caB, "leaf B", x509.ExtKeyUsageClientAuth)

	good := filepath.Join(root, "good")
	os.Mkdir(good, 0o755)
	writeFile(t, good, "a.pem", pemBytes("CERTIFICATE", caA.Leaf().Raw))
	writeFile(t, good, "b.CRT", pemBytes("CERTIFICATE", caB.Leaf().Raw))
	writeFile(t, good, "README.txt", []byte("ignored"))
	os.Mkdir(filepath.Join(good, "sub"), 0o755)

	withKey := filepath.Join(root, "withkey")
	os.Mkdir(withKey, 0o755)
	writeFile(t, withKey, "a.pem", pemBytes("CERTIFICATE", caA.Leaf().Raw))
	keyFile := writeFile(t, withKey, "a-key.pem", pemBytes("PRIVATE KEY", []byte{1}))

	empty := filepath.Join(root, "empty")
	os.Mkdir(empty, 0o755)
	single := writeFile(t, root, "single.pem", pemBytes("CERTIFICATE", caA.Leaf().Raw))

	cases := []struct {
		name      string
		paths     []string
		trustsA   bool
		trustsB   bool
		wantErr   error
		errMentio string
	}{
		{name: "directory", paths: []string{good}, trustsA: true, trustsB: true},
		{name: "single-file", paths: []string{single}, trustsA: true},
		{name: "file-and-dir", paths: []string{single, good}, trustsA: true, trustsB: true},
		{name: "key-file-in-dir", paths: []string{withKey}, wantErr: ErrNoCertificate, errMentio: keyFile},
		{name: "empty-dir", paths: []string{empty}, wantErr: ErrNoTrustAnchors, errMentio: empty},
		{name: "no-paths", paths: nil, wantErr: ErrNoTrustAnchors},
		{name: "missing", paths: []string{root + "/missing"}, wantErr: os.ErrNotExist, errMentio: "missing"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			pool, err := LoadPool(tc.paths...)
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) || !strings.Contains(err.Error(), tc.errMentio) {
					t.Fatalf("error %v, want %v mentioning %q", err, tc.wantErr, tc.errMentio)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			verifies := func(kp *KeyPair) bool {
				_, err := kp.Leaf().Verify(x509.VerifyOptions{Roots: pool, CurrentTime: testNow, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}})
				return err == nil
			}
			if got := verifies(leafA); got != tc.trustsA {
				t.Errorf("trusts A = %v, want %v", got, tc.trustsA)
			}
			if got := verifies(leafB); got != tc.trustsB {
				t.Errorf("trusts B = %v, want %v", got, tc.trustsB)
			}
		})
	}
}
