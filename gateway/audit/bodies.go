package audit

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"

	"konektor/internal/store"
)

// ErrBody is returned when a stored body cannot be opened.
var ErrBody = errors.New("audit: stored body")

// BodyKeySize is the size of a body encryption key (AES-256).
const BodyKeySize = 32

// BodyCipher encrypts stored bodies with AES-256-GCM. The additional data
// binds a body to its entry: version, kind, correlation id and the
// body's SHA-256 as the entry states it, so a body cannot be moved to
// another entry or swapped between request and response unnoticed. Old
// keys stay usable for reading after a key change.
type BodyCipher struct {
	current string
	keys    map[string]cipher.AEAD
}

// NewBodyCipher returns a cipher that encrypts with current and decrypts
// with current or any of old. Every key is BodyKeySize bytes.
func NewBodyCipher(current []byte, old ...[]byte) (*BodyCipher, error) {
	c := &BodyCipher{keys: map[string]cipher.AEAD{}}
	for i, k := range append([][]byte{current}, old...) {
		if len(k) != BodyKeySize {
			return nil, fmt.Errorf("%w: key %d is %d bytes, want %d", ErrBody, i, len(k), BodyKeySize)
		}
		block, err := aes.NewCipher(k)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrBody, err)
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrBody, err)
		}
		id := BodyKeyID(k)
		if i == 0 {
			c.current = id
		}
		c.keys[id] = aead
	}
	return c, nil
}

// BodyKeyID names a key without revealing it: "k" and the first 16 hex
// digits of a SHA-256 over a fixed label and the key.
func BodyKeyID(key []byte) string {
	sum := sha256.Sum256(append([]byte("konektor-body-key-id\x00"), key...))
	return "k" + hex.EncodeToString(sum[:8])
}

// bodyAAD is the additional authenticated data of a body.
func bodyAAD(kind, correlationID, sha string) []byte {
	return appendField(appendField(appendField(appendItem(nil, "konektor-body-v1"), "kind", kind),
		"correlation_id", correlationID), "sha256", sha)
}

// seal encrypts one body of e (kind BodyRequest or BodyResponse); the
// store assigns Seq when the entry is committed.
func (c *BodyCipher) seal(e *store.AccessEntry, kind string, plain []byte) (store.AccessBody, error) {
	aead := c.keys[c.current]
	nonce := make([]byte, aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return store.AccessBody{}, fmt.Errorf("%w: nonce: %v", ErrBody, err)
	}
	sha := e.RequestSHA256
	if kind == store.BodyResponse {
		sha = e.ResponseSHA256
	}
	return store.AccessBody{Kind: kind, KeyID: c.current, Nonce: nonce,
		Data: aead.Seal(nil, nonce, plain, bodyAAD(kind, e.CorrelationID, sha))}, nil
}

// Open decrypts a body stored with entry e and checks that it is the body
// whose SHA-256 the entry states.
func (c *BodyCipher) Open(e store.AccessEntry, b store.AccessBody) ([]byte, error) {
	aead, ok := c.keys[b.KeyID]
	if !ok {
		return nil, fmt.Errorf("%w: entry %d %s: encrypted with key %q, which is not configured", ErrBody, e.Seq, b.Kind, b.KeyID)
	}
	if len(b.Nonce) != aead.NonceSize() {
		return nil, fmt.Errorf("%w: entry %d %s: bad nonce", ErrBody, e.Seq, b.Kind)
	}
	want := e.RequestSHA256
	if b.Kind == store.BodyResponse {
		want = e.ResponseSHA256
	}
	plain, err := aead.Open(nil, b.Nonce, b.Data, bodyAAD(b.Kind, e.CorrelationID, want))
	if err != nil {
		return nil, fmt.Errorf("%w: entry %d %s: does not decrypt (changed, moved or another key)", ErrBody, e.Seq, b.Kind)
	}
	sum := sha256.Sum256(plain)
	if hex.EncodeToString(sum[:]) != want {
		return nil, fmt.Errorf("%w: entry %d %s: the decrypted body does not match the entry's hash", ErrBody, e.Seq, b.Kind)
	}
	return plain, nil
}
