package audit

import (
	"bufio"
	"bytes"
	"context"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"time"

	"konektor/internal/store"
)

// BundleFormat and BundleVersion name the offline bundle format: JSON Lines,
// a header line, then the log in order (every checkpoint right after the
// entry it covers), then an end line with the counts.
const (
	BundleFormat  = "konektor-audit-bundle"
	BundleVersion = 1
)

// ErrBundle is returned for a bundle that cannot be read.
var ErrBundle = errors.New("audit: bundle")

// maxBundleLine bounds one line of a bundle (an entry with long texts).
const maxBundleLine = 4 << 20

// bundleHeader is the first line of a bundle.
type bundleHeader struct {
	Format  string `json:"format"`
	Version int    `json:"version"`
	Created string `json:"created"`
	// Start: the bundle holds entries after Start; with Start > 0 its first
	// checkpoint is the one at Start, whose head the first entry links to.
	Start int64 `json:"start"`
	// SealCertificates and TSARoots (PEM) are what konektor trusted.
	SealCertificates []string `json:"seal_certificates"`
	TSARoots         []string `json:"tsa_roots"`
}

// bundleLine is every line after the header: exactly one field is set.
type bundleLine struct {
	Entry      *EntryRecord      `json:"entry,omitempty"`
	Checkpoint *checkpointRecord `json:"checkpoint,omitempty"`
	End        *bundleEnd        `json:"end,omitempty"`
}

type bundleEnd struct {
	Entries     int64 `json:"entries"`
	Checkpoints int64 `json:"checkpoints"`
}

// checkpointRecord is a checkpoint in a bundle (binary fields in base64).
type checkpointRecord struct {
	Seq        int64  `json:"seq"`
	Head       string `json:"head"`
	Time       string `json:"time"`
	Prev       string `json:"prev"`
	CertSHA256 string `json:"cert_sha256"`
	Algorithm  string `json:"algorithm"`
	Signature  []byte `json:"signature"`
	TimeStamp  []byte `json:"time_stamp,omitempty"`
	Hash       string `json:"hash"`
}

func toCheckpointRecord(c store.Checkpoint) checkpointRecord {
	return checkpointRecord{Seq: c.Seq, Head: c.Head, Time: store.StoredTime(c.Time).Format(timeLayout), Prev: c.Prev,
		CertSHA256: c.CertSHA256, Algorithm: c.Algorithm, Signature: c.Signature, TimeStamp: c.TimeStamp, Hash: c.Hash}
}

func (r checkpointRecord) checkpoint() (store.Checkpoint, error) {
	t, err := time.Parse(timeLayout, r.Time)
	if err != nil {
		return store.Checkpoint{}, fmt.Errorf("checkpoint %d: time %q: %v", r.Seq, r.Time, err)
	}
	return store.Checkpoint{Seq: r.Seq, Head: r.Head, Time: t.UTC(), Prev: r.Prev, CertSHA256: r.CertSHA256,
		Algorithm: r.Algorithm, Signature: r.Signature, TimeStamp: r.TimeStamp, Hash: r.Hash}, nil
}

func (r EntryRecord) entry() (store.AccessEntry, error) {
	t, err := time.Parse(timeLayout, r.Time)
	if err != nil {
		return store.AccessEntry{}, fmt.Errorf("entry %d: time %q: %v", r.Seq, r.Time, err)
	}
	return store.AccessEntry{Seq: r.Seq, Time: t.UTC(), CorrelationID: r.CorrelationID, Upstream: r.Upstream,
		Service: r.Service, AIS: r.AIS, OVM: r.OVM, Agenda: r.Agenda, Role: r.Role, User: r.User,
		Purpose: r.Purpose, Subject: r.Subject, Outcome: r.Outcome, UpstreamStatus: r.UpstreamStatus,
		Reason: r.Reason, LatencyMicros: r.LatencyMicros, RequestSHA256: r.RequestSHA256,
		ResponseSHA256: r.ResponseSHA256, Sealed: r.Sealed, Evidence: r.Evidence, PrevHash: r.PrevHash,
		Hash: r.Hash}, nil
}

// BundleSource is a store a bundle can be written from.
type BundleSource interface {
	Source
	store.AccessQuerier
}

// BundleOptions configure WriteBundle.
type BundleOptions struct {
	// From and To select entries by time (From <= Time < To; zero = open).
	// The bundle is widened to the checkpoints around the range, so that
	// it starts at a signed head and ends at one.
	From, To time.Time
	// SealCerts and TSARoots are written into the bundle for an auditor
	// without access to konektor's configuration.
	SealCerts []*x509.Certificate
	TSARoots  []*x509.Certificate
	Now       func() time.Time
}

// WriteBundle writes an offline bundle of the log: entries, checkpoints
// with their time stamps, the seal certificates and the TSA roots.
func WriteBundle(ctx context.Context, src BundleSource, o BundleOptions, w io.Writer) error {
	if o.Now == nil {
		o.Now = time.Now
	}
	if !o.From.IsZero() && !o.To.IsZero() && !o.To.After(o.From) {
		return fmt.Errorf("%w: the end of the range (%s) must be after its start (%s)", ErrBundle,
			o.To.UTC().Format(time.RFC3339), o.From.UTC().Format(time.RFC3339))
	}
	anchor, through, empty, err := bundleRange(ctx, src, o.From, o.To)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrBundle, err)
	}
	h := bundleHeader{Format: BundleFormat, Version: BundleVersion, Created: o.Now().UTC().Format(time.RFC3339), Start: anchor}
	for _, c := range o.SealCerts {
		h.SealCertificates = append(h.SealCertificates, string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})))
	}
	for _, c := range o.TSARoots {
		h.TSARoots = append(h.TSARoots, string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})))
	}
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(h); err != nil {
		return fmt.Errorf("%w: %v", ErrBundle, err)
	}
	bs := &bundleSink{enc: enc}
	// Checkpoints from the anchor on; entries after it.
	if !empty {
		if err := feed(ctx, src, anchor, max(anchor-1, 0), through, bs); err != nil {
			return fmt.Errorf("%w: %v", ErrBundle, err)
		}
	}
	if err := enc.Encode(bundleLine{End: &bs.end}); err != nil {
		return fmt.Errorf("%w: %v", ErrBundle, err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("%w: %v", ErrBundle, err)
	}
	return nil
}

type bundleSink struct {
	enc *json.Encoder
	end bundleEnd
}

func (b *bundleSink) entry(e store.AccessEntry) error {
	r := toRecord(&e)
	b.end.Entries++
	return b.enc.Encode(bundleLine{Entry: &r})
}

func (b *bundleSink) checkpoint(c store.Checkpoint) error {
	r := toCheckpointRecord(c)
	b.end.Checkpoints++
	return b.enc.Encode(bundleLine{Checkpoint: &r})
}

// bundleRange finds the entries a bundle of [from, to) holds: after anchor
// (a checkpoint's Seq, or the log's start) through through (a
// checkpoint's Seq, or 0 for the end of the log); empty when no entry is
// in the range.
func bundleRange(ctx context.Context, src BundleSource, from, to time.Time) (anchor, through int64, empty bool, err error) {
	start, err := src.AccessStart(ctx)
	if err != nil {
		return 0, 0, false, err
	}
	if from.IsZero() && to.IsZero() {
		return start, 0, false, nil
	}
	first, err := src.QueryAccess(ctx, store.AccessQuery{From: from, To: to, Ascending: true, Limit: 1})
	if err != nil {
		return 0, 0, false, err
	}
	last, err := src.QueryAccess(ctx, store.AccessQuery{From: from, To: to, Limit: 1})
	if err != nil {
		return 0, 0, false, err
	}
	if len(first) == 0 || len(last) == 0 {
		return 0, 0, true, nil
	}
	// Times are not strictly in Seq order: take the lowest and highest Seq
	// at the two ends of the range.
	lo, hi := min(first[0].Seq, last[0].Seq), max(first[0].Seq, last[0].Seq)
	anchor = start
	err = src.ScanCheckpoints(ctx, start, func(c store.Checkpoint) error {
		if c.Seq >= lo {
			return errStop
		}
		anchor = c.Seq
		return nil
	})
	if err != nil && !errors.Is(err, errStop) {
		return 0, 0, false, err
	}
	c, ok, err := covering(ctx, src, hi)
	if err != nil {
		return 0, 0, false, err
	}
	if ok {
		through = c.Seq
	}
	return anchor, through, false, nil
}

// BundleVerifyOptions configure VerifyBundle.
type BundleVerifyOptions struct {
	// Trust to verify against. Empty SealCerts or nil TSARoots take the
	// bundle's own (BundleInfo says so): compare their fingerprints with
	// ones published by the technology centre.
	Trust Trust
}

// BundleInfo describes a verified bundle.
type BundleInfo struct {
	Created string
	Start   int64
	// SealFromBundle and TSAFromBundle report that trust was taken from
	// the bundle itself rather than given.
	SealFromBundle bool
	TSAFromBundle  bool
	SealCertSHA256 []string
	TSARootSHA256  []string
}

// VerifyBundle verifies a bundle written by WriteBundle with no access to
// the store: the chain, every checkpoint's signature, the chain of
// checkpoints, every time stamp and the heads. A malformed or cut-off file
// is an error (ErrBundle); a bundle that reads but fails verification is a
// Report that is not OK.
func VerifyBundle(r io.Reader, o BundleVerifyOptions) (Report, BundleInfo, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), maxBundleLine)
	line := 0
	next := func() ([]byte, error) {
		if !sc.Scan() {
			if err := sc.Err(); err != nil {
				return nil, fmt.Errorf("%w: line %d: %v", ErrBundle, line+1, err)
			}
			return nil, io.EOF
		}
		line++
		return sc.Bytes(), nil
	}
	first, err := next()
	if err != nil {
		return Report{}, BundleInfo{}, fmt.Errorf("%w: empty file (no header)", ErrBundle)
	}
	var h bundleHeader
	if err := strictJSON(first, &h); err != nil {
		return Report{}, BundleInfo{}, fmt.Errorf("%w: line 1 (header): %v", ErrBundle, err)
	}
	if h.Format != BundleFormat || h.Version != BundleVersion {
		return Report{}, BundleInfo{}, fmt.Errorf("%w: not a %s version %d file (format %q version %d)", ErrBundle, BundleFormat, BundleVersion, h.Format, h.Version)
	}
	if h.Start < 0 {
		return Report{}, BundleInfo{}, fmt.Errorf("%w: header start %d is negative", ErrBundle, h.Start)
	}
	info := BundleInfo{Created: h.Created, Start: h.Start}
	trust := o.Trust
	if len(trust.SealCerts) == 0 {
		if trust.SealCerts, err = parsePEMList(h.SealCertificates); err != nil {
			return Report{}, info, fmt.Errorf("%w: header seal certificates: %v", ErrBundle, err)
		}
		info.SealFromBundle = true
	}
	for _, c := range trust.SealCerts {
		info.SealCertSHA256 = append(info.SealCertSHA256, CertSHA256(c))
	}
	if trust.TSARoots == nil && len(h.TSARoots) > 0 {
		roots, err := parsePEMList(h.TSARoots)
		if err != nil {
			return Report{}, info, fmt.Errorf("%w: header TSA roots: %v", ErrBundle, err)
		}
		trust.TSARoots = x509.NewCertPool()
		for _, c := range roots {
			trust.TSARoots.AddCert(c)
			info.TSARootSHA256 = append(info.TSARootSHA256, CertSHA256(c))
		}
		info.TSAFromBundle = true
	}
	v := newChainVerifier(trust, h.Start, h.Start > 0)
	var seen bundleEnd
	for {
		b, err := next()
		if errors.Is(err, io.EOF) {
			return Report{}, info, fmt.Errorf("%w: the file ends without its end line: it was cut off", ErrBundle)
		}
		if err != nil {
			return Report{}, info, err
		}
		var l bundleLine
		if err := strictJSON(b, &l); err != nil {
			return Report{}, info, fmt.Errorf("%w: line %d: %v", ErrBundle, line, err)
		}
		switch {
		case l.Entry != nil && l.Checkpoint == nil && l.End == nil:
			e, err := l.Entry.entry()
			if err != nil {
				return Report{}, info, fmt.Errorf("%w: line %d: %v", ErrBundle, line, err)
			}
			seen.Entries++
			_ = v.entry(e)
		case l.Checkpoint != nil && l.Entry == nil && l.End == nil:
			c, err := l.Checkpoint.checkpoint()
			if err != nil {
				return Report{}, info, fmt.Errorf("%w: line %d: %v", ErrBundle, line, err)
			}
			seen.Checkpoints++
			_ = v.checkpoint(c)
		case l.End != nil && l.Entry == nil && l.Checkpoint == nil:
			if *l.End != seen {
				return Report{}, info, fmt.Errorf("%w: the end line counts %d entries and %d checkpoints, the file holds %d and %d",
					ErrBundle, l.End.Entries, l.End.Checkpoints, seen.Entries, seen.Checkpoints)
			}
			if _, err := next(); !errors.Is(err, io.EOF) {
				return Report{}, info, fmt.Errorf("%w: line %d: data after the end line", ErrBundle, line)
			}
			return v.finish(), info, nil
		default:
			return Report{}, info, fmt.Errorf("%w: line %d: want exactly one of entry, checkpoint or end", ErrBundle, line)
		}
	}
}

func strictJSON(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("more than one JSON value on the line")
	}
	return nil
}

func parsePEMList(list []string) ([]*x509.Certificate, error) {
	var out []*x509.Certificate
	for i, p := range list {
		block, rest := pem.Decode([]byte(p))
		if block == nil || block.Type != "CERTIFICATE" || len(bytes.TrimSpace(rest)) > 0 {
			return nil, fmt.Errorf("item %d is not one PEM certificate", i+1)
		}
		c, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("item %d: %v", i+1, err)
		}
		out = append(out, c)
	}
	return out, nil
}
