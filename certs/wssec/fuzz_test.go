package wssec

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// FuzzVerify checks that the verifier never panics, that every rejection is
// a coded *Error, and that whatever it accepts carries one of the Bodies the
// test signer really signed: no mutation of a signed envelope may change
// what the caller is handed. Seeds are the golden envelopes.
func FuzzVerify(f *testing.F) {
	var bodies [][]byte
	for _, dir := range []string{"valid", "tampered"} {
		files, _ := filepath.Glob(filepath.Join("testdata", dir, "*.xml"))
		for _, file := range files {
			b, err := os.ReadFile(file)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(b)
		}
	}
	goldens, _ := filepath.Glob(filepath.Join("testdata", "valid", "*.body.golden"))
	for _, g := range goldens {
		b, err := os.ReadFile(g)
		if err != nil {
			f.Fatal(err)
		}
		bodies = append(bodies, b)
	}
	if len(bodies) == 0 {
		f.Fatal("no golden bodies")
	}
	v := pinnedVerifier(f, goldenAt)
	f.Fuzz(func(t *testing.T, raw []byte) {
		res, err := v.Verify(bg, raw)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("rejection is not a *wssec.Error: %v", err)
			}
			if _, ok := messages[e.Code]; !ok {
				t.Fatalf("unknown code %q", e.Code)
			}
			return
		}
		for _, b := range bodies {
			if bytes.Equal(res.Body, b) {
				return
			}
		}
		t.Fatalf("accepted a Body nobody signed:\n%s", res.Body)
	})
}
