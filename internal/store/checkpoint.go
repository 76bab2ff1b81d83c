package store

import (
	"context"
	"fmt"
	"time"
)

// Checkpoint is a signed statement of the access log's chain head: "the
// entry with Seq had hash Head". Package gateway/audit makes, signs,
// time-stamps and verifies checkpoints; the store keeps them in order and
// never changes or removes one.
type Checkpoint struct {
	Seq        int64     // the last entry it covers (1-based)
	Head       string    // that entry's Hash
	Time       time.Time // when it was made; kept in UTC, truncated to TimePrecision
	Prev       string    // Hash of the previous checkpoint; "" for the first
	CertSHA256 string    // hex SHA-256 of the signing certificate (DER)
	Algorithm  string    // signature algorithm, named by gateway/audit
	Signature  []byte
	TimeStamp  []byte // RFC 3161 TimeStampToken (DER); nil when unstamped
	Hash       string // hex SHA-256 of the signed message; the next checkpoint's Prev
}

// CheckpointLog is the append-only list of checkpoints.
type CheckpointLog interface {
	// AppendCheckpoint stores c after the last checkpoint. c.Seq must be
	// above the last checkpoint's Seq and not above the last stored entry's
	// Seq, and c.Prev must equal the last checkpoint's Hash ("" for the
	// first); otherwise ErrConflict and nothing is stored.
	AppendCheckpoint(ctx context.Context, c Checkpoint) error
	// LastCheckpoint returns the checkpoint with the highest Seq, or ErrNotFound.
	LastCheckpoint(ctx context.Context) (Checkpoint, error)
	// CheckpointCovering returns the checkpoint with the lowest Seq >= seq
	// (the first one that covers entry seq), or ErrNotFound.
	CheckpointCovering(ctx context.Context, seq int64) (Checkpoint, error)
	// ScanCheckpoints calls fn for every checkpoint with Seq >= from, in
	// Seq order, stopping at the first error fn returns. fn may use the store.
	ScanCheckpoints(ctx context.Context, from int64, fn func(Checkpoint) error) error
}

// MaxCheckpointBlob bounds Signature and TimeStamp (a time-stamp token
// with its certificate chain is a few kilobytes).
const MaxCheckpointBlob = 64 << 10

// ValidateCheckpoint reports, wrapping ErrInvalid, the first field of c
// that a backend could not store faithfully or that is plainly unusable.
func ValidateCheckpoint(c Checkpoint) error {
	if c.Seq < 1 {
		return fmt.Errorf("%w: checkpoint seq %d is below 1", ErrInvalid, c.Seq)
	}
	if y := c.Time.UTC().Year(); y < minYear || y > maxYear {
		return fmt.Errorf("%w: checkpoint %d: time year %d is outside %d–%d", ErrInvalid, c.Seq, y, minYear, maxYear)
	}
	for _, f := range []struct{ name, value string }{
		{"head", c.Head}, {"prev", c.Prev}, {"cert_sha256", c.CertSHA256},
		{"algorithm", c.Algorithm}, {"hash", c.Hash},
	} {
		if err := checkText(f.value); err != nil {
			return fmt.Errorf("%w: checkpoint %d: field %s %s", ErrInvalid, c.Seq, f.name, err.Error())
		}
	}
	if c.Hash == "" {
		return fmt.Errorf("%w: checkpoint %d: hash is empty", ErrInvalid, c.Seq)
	}
	if len(c.Signature) == 0 {
		return fmt.Errorf("%w: checkpoint %d: signature is empty", ErrInvalid, c.Seq)
	}
	if len(c.Signature) > MaxCheckpointBlob || len(c.TimeStamp) > MaxCheckpointBlob {
		return fmt.Errorf("%w: checkpoint %d: signature or time stamp is larger than %d bytes", ErrInvalid, c.Seq, MaxCheckpointBlob)
	}
	return nil
}
