package cache

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"hash"
)

// KeyLen is the length of every key Key returns: a hex-encoded SHA-256.
const KeyLen = 2 * sha256.Size

// keyDomain separates cache keys from any other SHA-256 konektor computes,
// and versions the derivation: changing it changes every key.
const keyDomain = "konektor/cache/key/v1\x00"

// Key derives a fixed-length cache key from parts. Each part is hashed with
// its length in front, so part boundaries are unambiguous: ("ab", "c") and
// ("a", "bc") give different keys, and so do ("a") and ("a", "").
//
// The caller passes everything that distinguishes one answer from another,
// in a fixed order: at least the service, the operation, the request body
// canonicalised without volatile fields (CasZadosti, AgendaZadostId, message
// ids) and the authorisation scope (OVM, agenda, role and the permitted data
// items). Leaving out the scope would let one agency read another's entry.
func Key(parts ...[]byte) string {
	k := NewKeyHasher()
	for _, p := range parts {
		k.Part(p)
	}
	return k.Sum()
}

// KeyHasher derives the key [Key] derives, with the parts given one at a
// time and strings taken as they are: a hot caller need not convert or
// join them first.
type KeyHasher struct {
	h   hash.Hash
	buf [256]byte
}

// NewKeyHasher starts a key.
func NewKeyHasher() *KeyHasher {
	k := &KeyHasher{h: sha256.New()}
	k.writeString(keyDomain)
	return k
}

func (k *KeyHasher) length(n int) {
	binary.BigEndian.PutUint64(k.buf[:8], uint64(n))
	k.h.Write(k.buf[:8])
}

// writeString hashes s through the scratch buffer, without allocating.
func (k *KeyHasher) writeString(s string) {
	for len(s) > 0 {
		n := copy(k.buf[:], s)
		k.h.Write(k.buf[:n])
		s = s[n:]
	}
}

// Part adds the next part.
func (k *KeyHasher) Part(p []byte) {
	k.length(len(p))
	k.h.Write(p)
}

// PartString adds the next part, given as a string.
func (k *KeyHasher) PartString(p string) {
	k.length(len(p))
	k.writeString(p)
}

// PartJoined adds the part strings.Join(items, sep).
func (k *KeyHasher) PartJoined(items []string, sep string) {
	n := 0
	for _, it := range items {
		n += len(it)
	}
	if len(items) > 1 {
		n += len(sep) * (len(items) - 1)
	}
	k.length(n)
	for i, it := range items {
		if i > 0 {
			k.writeString(sep)
		}
		k.writeString(it)
	}
}

// Sum returns the key.
func (k *KeyHasher) Sum() string {
	var sum [sha256.Size]byte
	return hex.EncodeToString(k.h.Sum(sum[:0]))
}
