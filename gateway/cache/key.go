package cache

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
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
	h := sha256.New()
	h.Write([]byte(keyDomain))
	var n [8]byte
	for _, p := range parts {
		binary.BigEndian.PutUint64(n[:], uint64(len(p)))
		h.Write(n[:])
		h.Write(p)
	}
	var sum [sha256.Size]byte
	return hex.EncodeToString(h.Sum(sum[:0]))
}
