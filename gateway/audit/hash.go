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
	return appendCanonical(make([]byte, 0, 1024), &e)
}

// Hash returns the lowercase hex SHA-256 of Canonical(e).
func Hash(e store.AccessEntry) string {
	var buf [1024]byte
	sum := sha256.Sum256(appendCanonical(buf[:0], &e))
	return hex.EncodeToString(sum[:])
}

// appendCanonical appends the message for e to buf. It spells out what the
// fields table describes, without allocating; TestCanonicalMatchesFields
// keeps the two in step.
func appendCanonical(buf []byte, e *store.AccessEntry) []byte {
	var num [48]byte
	buf = appendItem(buf, HashVersion)
	buf = appendField(buf, "seq", strconv.AppendInt(num[:0], e.Seq, 10))
	buf = appendField(buf, "time", store.StoredTime(e.Time).AppendFormat(num[:0], timeLayout))
	buf = appendField(buf, "correlation_id", e.CorrelationID)
	buf = appendField(buf, "upstream", e.Upstream)
	buf = appendField(buf, "service", e.Service)
	buf = appendField(buf, "ais", e.AIS)
	buf = appendField(buf, "ovm", e.OVM)
	buf = appendField(buf, "agenda", e.Agenda)
	buf = appendField(buf, "role", e.Role)
	buf = appendField(buf, "user", e.User)
	buf = appendField(buf, "purpose", e.Purpose)
	buf = appendField(buf, "subject", e.Subject)
	buf = appendField(buf, "outcome", e.Outcome)
	buf = appendField(buf, "upstream_status", e.UpstreamStatus)
	buf = appendField(buf, "reason", e.Reason)
	buf = appendField(buf, "latency_micros", strconv.AppendInt(num[:0], e.LatencyMicros, 10))
	buf = appendField(buf, "request_sha256", e.RequestSHA256)
	buf = appendField(buf, "response_sha256", e.ResponseSHA256)
	buf = appendField(buf, "sealed", strconv.AppendBool(num[:0], e.Sealed))
	buf = appendField(buf, "evidence", e.Evidence)
	buf = appendField(buf, "prev_hash", e.PrevHash)
	return buf
}

func appendField[T string | []byte](buf []byte, name string, value T) []byte {
	return appendItem(appendItem(buf, name), value)
}

// appendItem appends s as a netstring: its byte length in decimal, ':', s, ','.
func appendItem[T string | []byte](buf []byte, s T) []byte {
	buf = strconv.AppendInt(buf, int64(len(s)), 10)
	buf = append(buf, ':')
	buf = append(buf, s...)
	return append(buf, ',')
}
