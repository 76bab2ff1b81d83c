package audit

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"konektor/internal/store"
)

// Export formats.
const (
	FormatJSONL = "jsonl"
	FormatCSV   = "csv"
)

// ErrFormat is returned by Export for a format it does not know.
var ErrFormat = errors.New("audit: unknown export format")

// EntryRecord is an entry as exported (one JSON Lines record, the API's
// JSON): its keys are the canonical field names (see the package doc) plus
// "hash", its values exactly the hashed strings.
type EntryRecord struct {
	Seq            int64  `json:"seq"`
	Time           string `json:"time"`
	CorrelationID  string `json:"correlation_id"`
	Upstream       string `json:"upstream"`
	Service        string `json:"service"`
	AIS            string `json:"ais"`
	OVM            string `json:"ovm"`
	Agenda         string `json:"agenda"`
	Role           string `json:"role"`
	User           string `json:"user"`
	Purpose        string `json:"purpose"`
	Subject        string `json:"subject"`
	Outcome        string `json:"outcome"`
	UpstreamStatus string `json:"upstream_status"`
	Reason         string `json:"reason"`
	LatencyMicros  int64  `json:"latency_micros"`
	RequestSHA256  string `json:"request_sha256"`
	ResponseSHA256 string `json:"response_sha256"`
	Sealed         bool   `json:"sealed"`
	Evidence       string `json:"evidence"`
	PrevHash       string `json:"prev_hash"`
	Hash           string `json:"hash"`
}

// RecordOf returns e as exported.
func RecordOf(e store.AccessEntry) EntryRecord { return toRecord(&e) }

func toRecord(e *store.AccessEntry) EntryRecord {
	return EntryRecord{
		Seq: e.Seq, Time: formatTime(e), CorrelationID: e.CorrelationID, Upstream: e.Upstream,
		Service: e.Service, AIS: e.AIS, OVM: e.OVM, Agenda: e.Agenda, Role: e.Role, User: e.User,
		Purpose: e.Purpose, Subject: e.Subject, Outcome: e.Outcome, UpstreamStatus: e.UpstreamStatus,
		Reason: e.Reason, LatencyMicros: e.LatencyMicros, RequestSHA256: e.RequestSHA256,
		ResponseSHA256: e.ResponseSHA256, Sealed: e.Sealed, Evidence: e.Evidence,
		PrevHash: e.PrevHash, Hash: e.Hash,
	}
}

// Export writes to w, in Seq order, every entry with from <= Time < to; a
// zero from or to leaves that end open. format is FormatJSONL (one JSON
// object per line) or FormatCSV (a header row, then one row per entry).
// Both carry every field under its canonical name plus "hash"; CSV cells
// hold exactly the strings that are hashed, so each row can be re-hashed.
// CSV cells are not altered to defuse spreadsheet formulas: open the file
// as text, or import it with every column typed as text. Some CSV readers
// (Go's encoding/csv among them) turn CR LF inside a cell into LF; JSONL
// keeps every byte, so re-hash from JSONL when text may hold CR LF.
func Export(ctx context.Context, log store.AccessLog, from, to time.Time, format string, w io.Writer) error {
	if !from.IsZero() && !to.IsZero() && !to.After(from) {
		return fmt.Errorf("audit: export: the end of the range (%s) must be after its start (%s)",
			to.UTC().Format(time.RFC3339), from.UTC().Format(time.RFC3339))
	}
	in := func(e *store.AccessEntry) bool {
		return (from.IsZero() || !e.Time.Before(from)) && (to.IsZero() || e.Time.Before(to))
	}
	var err error
	switch strings.ToLower(format) {
	case FormatJSONL:
		err = exportJSONL(ctx, log, in, w)
	case FormatCSV:
		err = exportCSV(ctx, log, in, w)
	default:
		return fmt.Errorf("%w %q (want %s or %s)", ErrFormat, format, FormatJSONL, FormatCSV)
	}
	if err != nil {
		return fmt.Errorf("audit: export: %w", err)
	}
	return nil
}

func exportJSONL(ctx context.Context, log store.AccessLog, in func(*store.AccessEntry) bool, w io.Writer) error {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw) // Encode ends every record with '\n'
	enc.SetEscapeHTML(false)
	err := log.ScanAccess(ctx, 1, func(e store.AccessEntry) error {
		if !in(&e) {
			return nil
		}
		return enc.Encode(toRecord(&e))
	})
	if err != nil {
		return err
	}
	return bw.Flush()
}

func exportCSV(ctx context.Context, log store.AccessLog, in func(*store.AccessEntry) bool, w io.Writer) error {
	cw := csv.NewWriter(w)
	row := make([]string, len(fields)+1)
	for i := range fields {
		row[i] = fields[i].name
	}
	row[len(fields)] = "hash"
	if err := cw.Write(row); err != nil {
		return err
	}
	err := log.ScanAccess(ctx, 1, func(e store.AccessEntry) error {
		if !in(&e) {
			return nil
		}
		for i := range fields {
			row[i] = fields[i].value(&e)
		}
		row[len(fields)] = e.Hash
		return cw.Write(row)
	})
	if err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

// ExportQuery writes every entry q selects (its After, Ascending and Limit
// are ignored: all of them, oldest first) in format (FormatJSONL or
// FormatCSV), like Export. It pages through src, so memory stays bounded
// however many entries match.
func ExportQuery(ctx context.Context, src store.AccessQuerier, q store.AccessQuery, format string, w io.Writer) error {
	format = strings.ToLower(format)
	if format != FormatJSONL && format != FormatCSV {
		return fmt.Errorf("%w %q (want %s or %s)", ErrFormat, format, FormatJSONL, FormatCSV)
	}
	q.After, q.Ascending, q.Limit = nil, true, store.MaxQueryLimit
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	cw := csv.NewWriter(bw)
	row := make([]string, len(fields)+1)
	if format == FormatCSV {
		for i := range fields {
			row[i] = fields[i].name
		}
		row[len(fields)] = "hash"
		if err := cw.Write(row); err != nil {
			return fmt.Errorf("audit: export: %w", err)
		}
	}
	for {
		page, err := src.QueryAccess(ctx, q)
		if err != nil {
			return fmt.Errorf("audit: export: %w", err)
		}
		for i := range page {
			e := &page[i]
			if format == FormatJSONL {
				err = enc.Encode(toRecord(e))
			} else {
				for j := range fields {
					row[j] = fields[j].value(e)
				}
				row[len(fields)] = e.Hash
				err = cw.Write(row)
			}
			if err != nil {
				return fmt.Errorf("audit: export: %w", err)
			}
		}
		if len(page) < q.Limit {
			break
		}
		q.After = store.CursorOf(page[len(page)-1])
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("audit: export: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("audit: export: %w", err)
	}
	return nil
}
