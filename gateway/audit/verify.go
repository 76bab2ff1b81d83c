package audit

import (
	"context"
	"errors"
	"fmt"
	"time"

	"konektor/internal/store"
)

// Problem classifies what Verify found wrong with the first bad entry.
type Problem string

// Problems Verify reports.
const (
	// ProblemNone: the chain is whole.
	ProblemNone Problem = ""
	// ProblemSequenceGap: sequence numbers are missing (entries deleted
	// without renumbering the rest, or cut off the start).
	ProblemSequenceGap Problem = "sequence-gap"
	// ProblemPrevHashMismatch: an entry does not link to the one before it
	// (an entry deleted, inserted or reordered, or the one before rewritten
	// together with its own hash).
	ProblemPrevHashMismatch Problem = "prev-hash-mismatch"
	// ProblemHashMismatch: an entry's content does not match its hash (the
	// entry was changed).
	ProblemHashMismatch Problem = "hash-mismatch"
	// ProblemCheckpointSignature: a checkpoint's hash or seal signature
	// does not verify, or it is signed by an untrusted certificate (a
	// forged or altered checkpoint).
	ProblemCheckpointSignature Problem = "checkpoint-signature"
	// ProblemCheckpointChain: a checkpoint does not link to the one before
	// it (a checkpoint removed, inserted or moved).
	ProblemCheckpointChain Problem = "checkpoint-chain"
	// ProblemCheckpointHead: an entry's hash differs from the head a signed
	// checkpoint states for it (the log was rewritten and re-hashed).
	ProblemCheckpointHead Problem = "checkpoint-head"
	// ProblemTruncated: a checkpoint vouches for an entry the log no longer
	// has (entries cut off the end).
	ProblemTruncated Problem = "truncated"
	// ProblemTimeStamp: a checkpoint's RFC 3161 time stamp does not verify
	// (or is missing where time stamps are required).
	ProblemTimeStamp Problem = "time-stamp"
	// ProblemRetentionAnchor: the log was pruned, but no checkpoint marks
	// where it now starts.
	ProblemRetentionAnchor Problem = "retention-anchor"
)

// Report is the outcome of Verify.
type Report struct {
	OK       bool
	Entries  int64  // entries read
	LastSeq  int64  // Seq of the last entry (0 for an empty log)
	Head     string // Hash of the last entry as stored ("" for an empty log)
	FirstBad int64  // Seq of the first entry that fails; 0 when OK
	Problem  Problem
	// ProblemCS and ProblemEN describe the problem for a person, in Czech
	// and English; empty when OK.
	ProblemCS string
	ProblemEN string

	// Checkpoints (filled by VerifyLog and VerifyBundle; zero for Verify).

	// Start: entries through Start are not part of what was verified
	// (pruned by retention, or before a bundle's range); 0 for a whole log.
	Start            int64
	Checkpoints      int64     // checkpoints read
	Stamped          int64     // of them with a verified time stamp
	LastCheckpoint   int64     // Seq the last checkpoint covers
	LastCheckpointAt time.Time // when it was made
	LastStampAt      time.Time // the time its TSA stated
	// Unsealed counts entries after the last checkpoint: chained, but not
	// yet covered by a signature (cutting them off leaves no trace).
	Unsealed int64
}

// SummaryCS is a one-line verdict in Czech.
func (r Report) SummaryCS() string {
	if !r.OK {
		return fmt.Sprintf("Protokol přístupů je porušen od záznamu č. %d: %s", r.FirstBad, r.ProblemCS)
	}
	s := fmt.Sprintf("Protokol přístupů je úplný a neporušený: %d záznamů, poslední č. %d, otisk hlavy %s.", r.Entries, r.LastSeq, headOrNone(r.Head, "žádný"))
	if r.Start > 0 {
		s += fmt.Sprintf(" Začíná po záznamu č. %d (starší záznamy byly odstraněny podle doby uchování).", r.Start)
	}
	if r.Checkpoints > 0 {
		s += fmt.Sprintf(" Kontrolních bodů %d (s časovým razítkem %d), poslední u záznamu č. %d z %s; bez podpisu zatím %d záznamů.",
			r.Checkpoints, r.Stamped, r.LastCheckpoint, r.LastCheckpointAt.UTC().Format(time.RFC3339), r.Unsealed)
	}
	return s
}

// SummaryEN is a one-line verdict in English.
func (r Report) SummaryEN() string {
	if !r.OK {
		return fmt.Sprintf("Access log broken from entry %d: %s", r.FirstBad, r.ProblemEN)
	}
	s := fmt.Sprintf("Access log intact: %d entries, last seq %d, head %s.", r.Entries, r.LastSeq, headOrNone(r.Head, "none"))
	if r.Start > 0 {
		s += fmt.Sprintf(" It starts after entry %d (older entries were pruned by retention).", r.Start)
	}
	if r.Checkpoints > 0 {
		s += fmt.Sprintf(" %d checkpoints (%d time-stamped), the last at entry %d made %s; %d entries not yet sealed.",
			r.Checkpoints, r.Stamped, r.LastCheckpoint, r.LastCheckpointAt.UTC().Format(time.RFC3339), r.Unsealed)
	}
	return s
}

func headOrNone(h, none string) string {
	if h == "" {
		return none
	}
	return h
}

// Verify walks the whole chain from Seq 1 and reports whether every entry
// follows the one before it, links to its hash and matches its own hash. It
// names the first bad entry and keeps counting to the end. The error is
// only for failures to read the log.
func Verify(ctx context.Context, log store.AccessLog) (Report, error) {
	var (
		rep      = Report{OK: true}
		prevSeq  int64
		prevHash string
	)
	err := log.ScanAccess(ctx, 1, func(e store.AccessEntry) error {
		rep.Entries++
		if rep.OK {
			if p, cs, en := check(e, prevSeq, prevHash); p != ProblemNone {
				rep.OK, rep.FirstBad, rep.Problem, rep.ProblemCS, rep.ProblemEN = false, e.Seq, p, cs, en
			}
		}
		prevSeq, prevHash = e.Seq, e.Hash
		rep.LastSeq, rep.Head = e.Seq, e.Hash
		return nil
	})
	if err != nil {
		return Report{}, fmt.Errorf("audit: verify: %w", err)
	}
	return rep, nil
}

// check tests e against the entry before it.
func check(e store.AccessEntry, prevSeq int64, prevHash string) (p Problem, cs, en string) {
	switch {
	case e.Seq > prevSeq+1 && prevSeq == 0:
		cs, en := missing(1, e.Seq-1)
		return ProblemSequenceGap,
			fmt.Sprintf("protokol začíná záznamem č. %d, %s.", e.Seq, cs),
			fmt.Sprintf("the log starts at entry %d; %s.", e.Seq, en)
	case e.Seq > prevSeq+1:
		cs, en := missing(prevSeq+1, e.Seq-1)
		return ProblemSequenceGap,
			fmt.Sprintf("%s: po záznamu č. %d následuje č. %d.", cs, prevSeq, e.Seq),
			fmt.Sprintf("%s: entry %d follows entry %d.", en, e.Seq, prevSeq)
	case e.Seq <= prevSeq:
		return ProblemSequenceGap,
			fmt.Sprintf("záznam č. %d je mimo pořadí (následuje po záznamu č. %d).", e.Seq, prevSeq),
			fmt.Sprintf("entry %d is out of order (it follows entry %d).", e.Seq, prevSeq)
	case e.PrevHash != prevHash:
		return ProblemPrevHashMismatch,
			fmt.Sprintf("záznam č. %d nenavazuje na předchozí (prev_hash %s, předchozí záznam má %s): záznam byl smazán, vložen nebo přesunut, nebo byl předchozí záznam přepsán.", e.Seq, short(e.PrevHash), short(prevHash)),
			fmt.Sprintf("entry %d does not link to the entry before it (prev_hash %s, the previous entry's hash is %s): an entry was deleted, inserted or moved, or the previous entry was rewritten.", e.Seq, short(e.PrevHash), short(prevHash))
	case Hash(e) != e.Hash:
		return ProblemHashMismatch,
			fmt.Sprintf("záznam č. %d byl změněn: jeho obsah neodpovídá uloženému otisku.", e.Seq),
			fmt.Sprintf("entry %d was changed: its content does not match its stored hash.", e.Seq)
	}
	return ProblemNone, "", ""
}

// missing says, in Czech and English, which sequence numbers are missing.
func missing(from, to int64) (cs, en string) {
	if from == to {
		return fmt.Sprintf("chybí záznam č. %d", from), fmt.Sprintf("entry %d is missing", from)
	}
	return fmt.Sprintf("chybí záznamy č. %d–%d", from, to), fmt.Sprintf("entries %d–%d are missing", from, to)
}

// short abbreviates a hash for a message.
func short(h string) string {
	switch {
	case h == "":
		return `""`
	case len(h) > 12:
		return fmt.Sprintf("%.12q…", h)
	default:
		return fmt.Sprintf("%q", h)
	}
}

// Source is a store an access log with checkpoints can be verified from.
type Source interface {
	store.AccessLog
	store.CheckpointLog
	AccessStart(ctx context.Context) (int64, error)
}

// VerifyLog verifies the whole log in src: the chain of entries from the
// retention start, every checkpoint's seal signature against trust, the
// chain of checkpoints, every time stamp against trust's TSA roots, and
// that every checkpoint's head is the hash of the entry it covers — so
// that entries cut off the end up to the last checkpoint are detected.
// The error is only for failures to read the log.
func VerifyLog(ctx context.Context, src Source, trust Trust) (Report, error) {
	start, err := src.AccessStart(ctx)
	if err != nil {
		return Report{}, fmt.Errorf("audit: verify: %w", err)
	}
	v := newChainVerifier(trust, start, false)
	if err := v.drive(ctx, src); err != nil {
		return Report{}, err
	}
	return v.finish(), nil
}

// drive feeds v, in log order, every entry after the last one it has seen
// and every checkpoint after the last one it has seen.
func (v *chainVerifier) drive(ctx context.Context, src Source) error {
	return feed(ctx, src, v.prevSeq, v.cpSeq, 0, v)
}

// sink receives a log in order: every checkpoint right after the entry it
// covers (or, for checkpoints of entries not fed, before the first entry).
type sink interface {
	entry(e store.AccessEntry) error
	checkpoint(c store.Checkpoint) error
}

// feed sends to s, in log order, the entries after afterEntry and the
// checkpoints after afterCheckpoint, up to entry (and checkpoint) through;
// through 0 means to the end.
func feed(ctx context.Context, src Source, afterEntry, afterCheckpoint, through int64, s sink) error {
	within := func(seq int64) bool { return through == 0 || seq <= through }
	next, ok, err := covering(ctx, src, afterCheckpoint+1)
	if err != nil {
		return err
	}
	ok = ok && within(next.Seq)
	advance := func() error {
		var err error
		next, ok, err = covering(ctx, src, next.Seq+1)
		ok = ok && within(next.Seq)
		return err
	}
	// Checkpoints whose entries are behind: pruned ones, the anchor at the
	// start, or (continuing a verification) ones made since.
	for ok && next.Seq <= afterEntry {
		if err := s.checkpoint(next); err != nil {
			return err
		}
		if err := advance(); err != nil {
			return err
		}
	}
	err = src.ScanAccess(ctx, afterEntry+1, func(e store.AccessEntry) error {
		if !within(e.Seq) {
			return errStop
		}
		if err := s.entry(e); err != nil {
			return err
		}
		for ok && next.Seq <= e.Seq {
			if err := s.checkpoint(next); err != nil {
				return err
			}
			if err := advance(); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil && !errors.Is(err, errStop) {
		return fmt.Errorf("audit: read log: %w", err)
	}
	// Checkpoints past the last entry (the log was cut).
	for ok {
		if err := s.checkpoint(next); err != nil {
			return err
		}
		if err := advance(); err != nil {
			return err
		}
	}
	return nil
}

// errStop ends a scan early.
var errStop = errors.New("stop")

func covering(ctx context.Context, src Source, seq int64) (store.Checkpoint, bool, error) {
	c, err := src.CheckpointCovering(ctx, seq)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return store.Checkpoint{}, false, nil
	case err != nil:
		return store.Checkpoint{}, false, fmt.Errorf("audit: verify: %w", err)
	}
	return c, true, nil
}
