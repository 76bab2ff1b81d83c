package audit

import (
	"context"
	"fmt"

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
}

// SummaryCS is a one-line verdict in Czech.
func (r Report) SummaryCS() string {
	if r.OK {
		return fmt.Sprintf("Protokol přístupů je úplný a neporušený: %d záznamů, poslední č. %d, otisk hlavy %s.", r.Entries, r.LastSeq, headOrNone(r.Head, "žádný"))
	}
	return fmt.Sprintf("Protokol přístupů je porušen od záznamu č. %d: %s", r.FirstBad, r.ProblemCS)
}

// SummaryEN is a one-line verdict in English.
func (r Report) SummaryEN() string {
	if r.OK {
		return fmt.Sprintf("Access log intact: %d entries, last seq %d, head %s.", r.Entries, r.LastSeq, headOrNone(r.Head, "none"))
	}
	return fmt.Sprintf("Access log broken from entry %d: %s", r.FirstBad, r.ProblemEN)
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
