// Package store defines konektor's persistent storage: small, context-first
// interfaces implemented by the SQLite (default) and PostgreSQL backends.
// The behaviour every backend must show is written in the conformance suite
// in package storetest, not in comments.
package store

import (
	"context"
	"errors"
	"time"
)

// ErrNotFound is returned when a looked-up record does not exist.
var ErrNotFound = errors.New("store: not found")

// ErrConflict is returned when an append would break the sequence of the
// access log (a sequence number already taken, or a gap).
var ErrConflict = errors.New("store: sequence conflict")

// ErrInvalid is returned when a value cannot be stored faithfully by every
// backend (text that is not UTF-8 or contains NUL, a time outside years
// 1–9999, a sequence number below 1). Nothing of the rejected batch is stored.
var ErrInvalid = errors.New("store: invalid value")

// ErrSchemaTooNew is returned by a backend's Open when the database was
// migrated by a newer konektor than this one: it refuses to touch it rather
// than risk the newer data.
var ErrSchemaTooNew = errors.New("store: database schema is newer than this program")

// AccessEntry is one record of the access log: one exchange, accepted or
// refused. Hash chaining is computed by package gateway/audit; the store only
// keeps what it is given, in order.
type AccessEntry struct {
	Seq            int64     // 1-based, gapless
	Time           time.Time // when the exchange was received; kept in UTC, truncated to TimePrecision
	CorrelationID  string
	Upstream       string // iszr, isds, cuzk, records, archive
	Service        string // eGON code (E03) or operation
	AIS            string
	OVM            string
	Agenda         string
	Role           string
	User           string
	Purpose        string
	Subject        string // keyed hash of the data subject, never plain
	Outcome        string // ok, denied, fault, upstream_error, unavailable
	UpstreamStatus string // e.g. "OK", "CHYBA/AIFO NEEXISTUJE", "HTTP 503"
	Reason         string // decision or fault reason (operator readable)
	LatencyMicros  int64
	RequestSHA256  string // hex
	ResponseSHA256 string // hex
	Sealed         bool
	Evidence       string // verification result of upstream evidence, if any
	PrevHash       string // hex; empty for the first entry
	Hash           string // hex
}

// AccessLog is the append-only access log.
//
// Entries appended while a scan runs may or may not be seen by it; a scan
// never holds back appenders.
type AccessLog interface {
	// AppendAccess stores entries in one transaction, in order. The first
	// entry's Seq must be the last stored Seq+1, otherwise ErrConflict.
	AppendAccess(ctx context.Context, entries []AccessEntry) error
	// LastAccess returns the entry with the highest Seq, or ErrNotFound.
	LastAccess(ctx context.Context) (AccessEntry, error)
	// ScanAccess calls fn for every entry with Seq >= from, in Seq order,
	// stopping at the first error fn returns.
	ScanAccess(ctx context.Context, from int64, fn func(AccessEntry) error) error
}

// Store is everything konektor persists.
type Store interface {
	AccessLog
	AccessQuerier
	CheckpointLog
	AccessRetention
	BodyLog
	// Ping reports whether the backend answers.
	Ping(ctx context.Context) error
	Close() error
}
