package audit

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"

	"konektor/internal/store"
)

// Canonical returns the message Hash digests for e (version HashVersion):
// netstrings of the version, then of each field's name and value. e.Hash is
// not part of it. See the package doc for the exact rules.
func Canonical(e store.AccessEntry) []byte {
	buf := make([]byte, 0, 512)
	buf = appendItem(buf, HashVersion)
	for i := range fields {
		buf = appendItem(buf, fields[i].name)
		buf = appendItem(buf, fields[i].value(&e))
	}
	return buf
}

// Hash returns the lowercase hex SHA-256 of Canonical(e).
func Hash(e store.AccessEntry) string {
	sum := sha256.Sum256(Canonical(e))
	return hex.EncodeToString(sum[:])
}

// appendItem appends s as a netstring: its byte length in decimal, ':', s, ','.
func appendItem(buf []byte, s string) []byte {
	buf = strconv.AppendInt(buf, int64(len(s)), 10)
	buf = append(buf, ':')
	buf = append(buf, s...)
	return append(buf, ',')
}
