package tsa

import (
	"crypto"
	"testing"
)

// FuzzRespond feeds arbitrary requests to the authority: it must always
// answer with a TimeStampResp, never panic.
func FuzzRespond(f *testing.F) {
	fx := newFixture(f)
	d := digestOf("seed")
	f.Add(tsq(f, crypto.SHA256, d, nil, 1, true))
	f.Add(tsq(f, crypto.SHA1, make([]byte, 20), nil, 0, false))
	f.Add([]byte{0x30, 0x80, 0x00, 0x00})
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, req []byte) {
		resp := fx.auth.Respond(req)
		st, _, hasToken := status(t, resp)
		if (st == 0) != hasToken {
			t.Fatalf("status %d with token %v", st, hasToken)
		}
	})
}

// FuzzVerify feeds arbitrary tokens to the verifier: errors, never a panic,
// and never success for anything but a token the authority signed.
func FuzzVerify(f *testing.F) {
	fx := newFixture(f)
	good := fx.stamp(f, "seed")
	f.Add(good)
	f.Add(good[:100])
	f.Add([]byte("garbage"))
	f.Add([]byte{0x30, 0x80, 0x30, 0x80, 0x00, 0x00, 0x00, 0x00})
	f.Fuzz(func(t *testing.T, token []byte) {
		got, err := Verify(token, VerifyOptions{Roots: fx.roots, Hash: crypto.SHA256, Digest: digestOf("seed")})
		if err == nil && !got.Signer.Equal(fx.auth.Certificate()) {
			t.Fatalf("accepted a token not signed by the authority")
		}
	})
}
