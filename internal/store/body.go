package store

import (
	"context"
	"fmt"
)

// Body kinds.
const (
	BodyRequest  = "request"
	BodyResponse = "response"
)

// MaxBodyData bounds one stored body (ciphertext): 64 MiB.
const MaxBodyData = 64 << 20

// AccessBody is a request or response body kept with its entry, encrypted
// by package gateway/audit before it reaches the store: the store never
// sees plaintext and keeps the bytes it is given.
type AccessBody struct {
	Seq   int64  // the entry it belongs to
	Kind  string // BodyRequest or BodyResponse
	KeyID string // names the key it was encrypted with
	Nonce []byte
	Data  []byte // ciphertext
}

// BodyLog keeps encrypted bodies with their entries. Bodies are removed
// only together with their entries (see AccessRetention).
type BodyLog interface {
	// AppendAccessWithBodies is AppendAccess that also stores bodies in the
	// same transaction: all or nothing. Every body's Seq must be one of
	// entries, with at most one body per kind; otherwise ErrInvalid.
	AppendAccessWithBodies(ctx context.Context, entries []AccessEntry, bodies []AccessBody) error
	// AccessBodies returns the bodies stored for entry seq (request first),
	// none when there are none.
	AccessBodies(ctx context.Context, seq int64) ([]AccessBody, error)
}

// CheckBodies checks what a backend can check of bodies without reading
// the database: each belongs to one of entries, its kind is known, at most
// one per (Seq, Kind), and it fits MaxBodyData.
func CheckBodies(entries []AccessEntry, bodies []AccessBody) error {
	if len(bodies) == 0 {
		return nil
	}
	if len(entries) == 0 {
		return fmt.Errorf("%w: bodies without entries", ErrInvalid)
	}
	first, last := entries[0].Seq, entries[len(entries)-1].Seq
	seen := make(map[[2]int64]bool, len(bodies))
	for _, b := range bodies {
		if b.Seq < first || b.Seq > last {
			return fmt.Errorf("%w: body for seq %d is not in the batch %d–%d", ErrInvalid, b.Seq, first, last)
		}
		k := int64(0)
		switch b.Kind {
		case BodyRequest:
		case BodyResponse:
			k = 1
		default:
			return fmt.Errorf("%w: body for seq %d has kind %q (want %s or %s)", ErrInvalid, b.Seq, b.Kind, BodyRequest, BodyResponse)
		}
		if seen[[2]int64{b.Seq, k}] {
			return fmt.Errorf("%w: two %s bodies for seq %d", ErrInvalid, b.Kind, b.Seq)
		}
		seen[[2]int64{b.Seq, k}] = true
		if err := checkText(b.KeyID); err != nil {
			return fmt.Errorf("%w: body for seq %d: key id %s", ErrInvalid, b.Seq, err.Error())
		}
		if len(b.Data) > MaxBodyData {
			return fmt.Errorf("%w: body for seq %d is %d bytes, more than %d", ErrInvalid, b.Seq, len(b.Data), MaxBodyData)
		}
	}
	return nil
}
