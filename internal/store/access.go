package store

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// TimePrecision is the precision every backend keeps for times. Finer parts
// are truncated (towards the past).
const TimePrecision = time.Microsecond

// Years outside this range cannot be kept by every backend.
const (
	minYear = 1
	maxYear = 9999
)

// StoredTime returns t as a backend gives it back: in UTC, truncated to
// TimePrecision, without a monotonic clock reading.
func StoredTime(t time.Time) time.Time {
	return t.UTC().Truncate(TimePrecision)
}

// ValidateAccessEntry reports, wrapping ErrInvalid, the first field of e that
// a backend could not store faithfully. It does not look at neighbours; see
// CheckAccessBatch for the sequence rules.
func ValidateAccessEntry(e AccessEntry) error {
	if e.Seq < 1 {
		return fmt.Errorf("%w: seq %d is below 1", ErrInvalid, e.Seq)
	}
	if y := e.Time.UTC().Year(); y < minYear || y > maxYear {
		return fmt.Errorf("%w: seq %d: time year %d is outside %d–%d", ErrInvalid, e.Seq, y, minYear, maxYear)
	}
	for _, f := range []struct{ name, value string }{
		{"correlation_id", e.CorrelationID},
		{"upstream", e.Upstream},
		{"service", e.Service},
		{"ais", e.AIS},
		{"ovm", e.OVM},
		{"agenda", e.Agenda},
		{"role", e.Role},
		{"user", e.User},
		{"purpose", e.Purpose},
		{"subject", e.Subject},
		{"outcome", e.Outcome},
		{"upstream_status", e.UpstreamStatus},
		{"reason", e.Reason},
		{"request_sha256", e.RequestSHA256},
		{"response_sha256", e.ResponseSHA256},
		{"evidence", e.Evidence},
		{"prev_hash", e.PrevHash},
		{"hash", e.Hash},
	} {
		if err := checkText(f.value); err != nil {
			return fmt.Errorf("%w: seq %d: field %s %s", ErrInvalid, e.Seq, f.name, err.Error())
		}
	}
	return nil
}

func checkText(s string) error {
	if !utf8.ValidString(s) {
		return errText("is not valid UTF-8")
	}
	if strings.IndexByte(s, 0) >= 0 {
		return errText("contains a NUL character")
	}
	return nil
}

type errText string

func (e errText) Error() string { return string(e) }

// CheckAccessBatch checks what a backend can check without reading the
// database: every entry is valid (ErrInvalid) and the sequence numbers are
// consecutive (ErrConflict). The backend still checks that entries[0].Seq is
// the stored last Seq+1.
func CheckAccessBatch(entries []AccessEntry) error {
	for i, e := range entries {
		if i > 0 && e.Seq != entries[i-1].Seq+1 {
			return fmt.Errorf("%w: entry %d of the batch has seq %d after seq %d", ErrConflict, i, e.Seq, entries[i-1].Seq)
		}
		if err := ValidateAccessEntry(e); err != nil {
			return err
		}
	}
	return nil
}
