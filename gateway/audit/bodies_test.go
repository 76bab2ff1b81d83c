package audit

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"konektor/internal/store"
)

func testKey(b byte) []byte { return bytes.Repeat([]byte{b}, BodyKeySize) }

func TestRecordBodiesEncryptedAtRest(t *testing.T) {
	t.Parallel()
	st, path := openSQLite(t)
	c, err := NewBodyCipher(testKey(1))
	if err != nil {
		t.Fatal(err)
	}
	r := newRecorder(t, st, Options{Bodies: c})
	reqBody := []byte("<soap:Envelope>Jan Novák, AIFO 1234</soap:Envelope>")
	respBody := []byte("<soap:Envelope>sealed answer</soap:Envelope>")
	e, err := r.RecordBodies(context.Background(), exchange(1), reqBody, respBody)
	if err != nil {
		t.Fatal(err)
	}
	if e.RequestSHA256 != sha256Hex(reqBody) || e.ResponseSHA256 != sha256Hex(respBody) {
		t.Fatalf("entry hashes %s %s do not match the bodies", e.RequestSHA256, e.ResponseSHA256)
	}
	bodies, err := st.AccessBodies(context.Background(), e.Seq)
	if err != nil || len(bodies) != 2 {
		t.Fatalf("AccessBodies = %d, %v", len(bodies), err)
	}
	for i, want := range [][]byte{reqBody, respBody} {
		if bytes.Contains(bodies[i].Data, []byte("Novák")) || bytes.Contains(bodies[i].Data, []byte("sealed answer")) {
			t.Fatal("a body is stored in clear")
		}
		got, err := c.Open(e, bodies[i])
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("Open(%s) = %q, %v", bodies[i].Kind, got, err)
		}
	}
	// The database file holds no plaintext either.
	_ = r.Close(context.Background())
	_ = st.Close()
	if raw := readFile(t, path); bytes.Contains(raw, []byte("Novák")) {
		t.Fatal("the database file holds the body in clear")
	}
	wantIntact(t, reopen(t, path), 1)
}

func TestBodyCipherRefuses(t *testing.T) {
	t.Parallel()
	st, _ := openSQLite(t)
	c, _ := NewBodyCipher(testKey(1))
	r := newRecorder(t, st, Options{Bodies: c})
	e1, err := r.RecordBodies(context.Background(), exchange(1), []byte("req 1"), []byte("resp 1"))
	if err != nil {
		t.Fatal(err)
	}
	e2, err := r.RecordBodies(context.Background(), exchange(2), []byte("req 2"), []byte("resp 2"))
	if err != nil {
		t.Fatal(err)
	}
	b1, _ := st.AccessBodies(context.Background(), e1.Seq)
	b2, _ := st.AccessBodies(context.Background(), e2.Seq)
	other, _ := NewBodyCipher(testKey(2))
	rotated, _ := NewBodyCipher(testKey(2), testKey(1))
	flipped := b1[0]
	flipped.Data = bytes.Clone(flipped.Data)
	flipped.Data[0] ^= 1
	asResponse := b1[0]
	asResponse.Kind = store.BodyResponse
	for _, tc := range []struct {
		name  string
		c     *BodyCipher
		entry store.AccessEntry
		body  store.AccessBody
		want  string
	}{
		{"another-key", other, e1, b1[0], "not configured"},
		{"moved-to-another-entry", c, e2, b1[0], "does not decrypt"},
		{"request-as-response", c, e1, asResponse, "does not decrypt"},
		{"changed-ciphertext", c, e1, flipped, "does not decrypt"},
		{"entry-hash-changed", c, func() store.AccessEntry { e := e1; e.RequestSHA256 = sha256Hex([]byte("x")); return e }(), b1[0], "does not decrypt"},
		{"bad-nonce", c, e1, func() store.AccessBody { b := b1[0]; b.Nonce = []byte{1}; return b }(), "nonce"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := tc.c.Open(tc.entry, tc.body); !errors.Is(err, ErrBody) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Open = %v, want ErrBody mentioning %q", err, tc.want)
			}
		})
	}
	// After a key change the old key still reads old bodies.
	if got, err := rotated.Open(e2, b2[1]); err != nil || string(got) != "resp 2" {
		t.Fatalf("Open with the old key kept = %q, %v", got, err)
	}
}

func TestNewBodyCipherRejectsBadKeys(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name string
		keys [][]byte
	}{
		{"short", [][]byte{make([]byte, 16)}},
		{"empty", [][]byte{nil}},
		{"bad-old-key", [][]byte{testKey(1), make([]byte, 31)}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if _, err := NewBodyCipher(c.keys[0], c.keys[1:]...); !errors.Is(err, ErrBody) {
				t.Fatalf("NewBodyCipher = %v, want ErrBody", err)
			}
		})
	}
}

// Without a body store RecordBodies refuses rather than dropping bodies.
func TestRecordBodiesNeedsABodyStore(t *testing.T) {
	t.Parallel()
	c, _ := NewBodyCipher(testKey(1))
	r := newRecorder(t, &memLog{}, Options{Bodies: c})
	if _, err := r.RecordBodies(context.Background(), exchange(1), nil, nil); !errors.Is(err, ErrNoBodyStore) {
		t.Fatalf("RecordBodies = %v, want ErrNoBodyStore", err)
	}
	// Without a cipher it is Record.
	r2 := newRecorder(t, &memLog{}, Options{})
	if _, err := r2.RecordBodies(context.Background(), exchange(1), []byte("x"), nil); err != nil {
		t.Fatal(err)
	}
}
