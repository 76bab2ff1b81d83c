package audit

import (
	"crypto/x509"
	"fmt"

	"konektor/internal/store"
)

// Trust is what checkpoints are verified against.
type Trust struct {
	// SealCerts are the certificates checkpoints may be signed with; a
	// checkpoint names its certificate by SHA-256.
	SealCerts []*x509.Certificate
	// TSARoots are the roots a time-stamping authority's certificate must
	// chain to. With none, no time stamp verifies.
	TSARoots *x509.CertPool
	// RequireTimeStamps makes a checkpoint without a time stamp a problem;
	// otherwise it is only counted (Report.Checkpoints - Report.Stamped).
	RequireTimeStamps bool
}

// chainVerifier checks a stream of entries and checkpoints, fed in log
// order: every checkpoint right after the entry it covers. It records the
// first problem and keeps counting.
type chainVerifier struct {
	trust Trust
	certs map[string]*x509.Certificate
	rep   Report

	// Entries: the last one seen (or the anchor at the start).
	prevSeq  int64
	prevHash string
	// Checkpoints: the last one seen.
	cpSeq  int64
	cpHash string
	// partial: the stream starts at a checkpoint whose own predecessor is
	// not part of it (a bundle of a range), so its Prev is taken as given.
	partial     bool
	anchorKnown bool
}

// newChainVerifier starts a verification of a log that begins after entry
// start (0: from the first entry). With start > 0 the checkpoint at start
// must be fed before any entry: the first entry links to its head.
func newChainVerifier(trust Trust, start int64, partial bool) *chainVerifier {
	v := &chainVerifier{trust: trust, certs: map[string]*x509.Certificate{}, partial: partial}
	for _, c := range trust.SealCerts {
		if c != nil {
			v.certs[CertSHA256(c)] = c
		}
	}
	v.rep = Report{OK: true, Start: start, LastSeq: start}
	v.prevSeq = start
	v.anchorKnown = start == 0
	return v
}

func (v *chainVerifier) fail(seq int64, p Problem, cs, en string) {
	if v.rep.OK {
		v.rep.OK, v.rep.FirstBad, v.rep.Problem, v.rep.ProblemCS, v.rep.ProblemEN = false, seq, p, cs, en
	}
}

// entry checks the next entry.
func (v *chainVerifier) entry(e store.AccessEntry) error {
	v.rep.Entries++
	if !v.anchorKnown {
		v.anchorKnown = true // report once
		v.fail(e.Seq, ProblemRetentionAnchor,
			fmt.Sprintf("protokol začíná po záznamu č. %d, ale k tomuto záznamu chybí kontrolní bod, na který by navazoval.", v.rep.Start),
			fmt.Sprintf("the log starts after entry %d, but there is no checkpoint at that entry for it to link to.", v.rep.Start))
	}
	if p, cs, en := check(e, v.prevSeq, v.prevHash); p != ProblemNone {
		v.fail(e.Seq, p, cs, en)
	}
	v.prevSeq, v.prevHash = e.Seq, e.Hash
	v.rep.LastSeq, v.rep.Head = e.Seq, e.Hash
	return nil
}

// checkpoint checks the next checkpoint: its hash and signature, its link
// to the previous checkpoint, its time stamp, and the head it states.
func (v *chainVerifier) checkpoint(c store.Checkpoint) error {
	v.rep.Checkpoints++
	cert, known := v.certs[c.CertSHA256]
	var sigErr error
	if !known {
		sigErr = fmt.Errorf("it is signed by a certificate that is not trusted (SHA-256 %s)", short(c.CertSHA256))
	} else {
		sigErr = verifyCheckpointSignature(c, cert)
	}
	if sigErr != nil {
		v.fail(c.Seq, ProblemCheckpointSignature,
			fmt.Sprintf("kontrolní bod u záznamu č. %d není platně podepsán pečetí: %v.", c.Seq, sigErr),
			fmt.Sprintf("the checkpoint at entry %d is not validly sealed: %v.", c.Seq, sigErr))
	}
	first := v.rep.Checkpoints == 1
	if !(first && v.partial) && (c.Prev != v.cpHash || c.Seq <= v.cpSeq) {
		v.fail(c.Seq, ProblemCheckpointChain,
			fmt.Sprintf("kontrolní bod u záznamu č. %d nenavazuje na předchozí kontrolní bod (u záznamu č. %d): kontrolní bod byl odstraněn, vložen nebo přesunut.", c.Seq, v.cpSeq),
			fmt.Sprintf("the checkpoint at entry %d does not link to the previous checkpoint (at entry %d): a checkpoint was removed, inserted or moved.", c.Seq, v.cpSeq))
	}
	v.cpSeq, v.cpHash = c.Seq, c.Hash
	v.rep.LastCheckpoint, v.rep.LastCheckpointAt = c.Seq, c.Time
	v.timeStamp(c)
	switch {
	case c.Seq < v.rep.Start:
		// Its entries were pruned: only its signature and link count.
	case c.Seq == v.rep.Start && v.rep.Entries == 0:
		v.anchorKnown = true
		v.prevHash = c.Head
		v.rep.Head = c.Head
	case c.Seq > v.prevSeq:
		v.fail(c.Seq, ProblemTruncated,
			fmt.Sprintf("kontrolní bod potvrzuje záznam č. %d, ale protokol končí záznamem č. %d: záznamy byly odříznuty.", c.Seq, v.prevSeq),
			fmt.Sprintf("a checkpoint vouches for entry %d, but the log ends at entry %d: entries were cut off.", c.Seq, v.prevSeq))
	case c.Seq == v.prevSeq && c.Head != v.prevHash:
		v.fail(c.Seq, ProblemCheckpointHead,
			fmt.Sprintf("záznam č. %d neodpovídá podepsanému kontrolnímu bodu (otisk %s, kontrolní bod uvádí %s): záznamy byly přepsány.", c.Seq, short(v.prevHash), short(c.Head)),
			fmt.Sprintf("entry %d does not match the signed checkpoint (hash %s, the checkpoint states %s): entries were rewritten.", c.Seq, short(v.prevHash), short(c.Head)))
	}
	return nil
}

func (v *chainVerifier) timeStamp(c store.Checkpoint) {
	if len(c.TimeStamp) == 0 {
		if v.trust.RequireTimeStamps {
			v.fail(c.Seq, ProblemTimeStamp,
				fmt.Sprintf("kontrolní bod u záznamu č. %d nemá časové razítko.", c.Seq),
				fmt.Sprintf("the checkpoint at entry %d has no time stamp.", c.Seq))
		}
		return
	}
	info, err := VerifyTimeStamp(c.TimeStamp, TimeStampImprint(c), v.trust.TSARoots)
	if err != nil {
		v.fail(c.Seq, ProblemTimeStamp,
			fmt.Sprintf("časové razítko kontrolního bodu u záznamu č. %d je neplatné: %v.", c.Seq, err),
			fmt.Sprintf("the time stamp of the checkpoint at entry %d is invalid: %v.", c.Seq, err))
		return
	}
	v.rep.Stamped++
	v.rep.LastStampAt = info.Time
}

// finish closes the stream and returns the report.
func (v *chainVerifier) finish() Report {
	if !v.anchorKnown && v.rep.Entries == 0 {
		v.fail(v.rep.Start, ProblemRetentionAnchor,
			fmt.Sprintf("protokol začíná po záznamu č. %d, ale k tomuto záznamu chybí kontrolní bod.", v.rep.Start),
			fmt.Sprintf("the log starts after entry %d, but there is no checkpoint at that entry.", v.rep.Start))
	}
	v.rep.Unsealed = max(v.prevSeq-max(v.cpSeq, v.rep.Start), 0)
	return v.rep
}
