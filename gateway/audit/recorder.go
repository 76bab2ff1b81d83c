package audit

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
	"time"

	"go.uber.org/zap"

	"konektor/internal/store"
)

// ErrClosed is returned by Record once Close has been called.
var ErrClosed = errors.New("audit: recorder closed")

// Defaults for Options.
const (
	DefaultMaxBatch = 512
	// lingerGap and lingerMax shape the adaptive wait of MaxDelay 0 (see
	// Recorder.linger).
	lingerGap = 50 * time.Microsecond
	lingerMax = 2 * time.Millisecond
	// maxConflictRetries bounds how often one batch is re-chained after
	// another writer (a second node sharing the log) moved the head.
	maxConflictRetries = 8
)

// Options configure a Recorder. The zero value is usable.
type Options struct {
	// Now gives the time for entries that arrive without one; time.Now if nil.
	Now func() time.Time
	// Logger receives failures (never entry contents); zap.NewNop() if nil.
	Logger *zap.Logger
	// MaxBatch caps how many entries one transaction carries; DefaultMaxBatch if 0 or less.
	MaxBatch int
	// MaxDelay is how long a batch may wait for more entries before it is
	// committed. Zero (the default) adapts: entries that arrive while a
	// commit runs form the next batch, and while that batch is smaller than
	// the last one and entries keep arriving (each within 50 µs), it waits
	// for them, at most half as long as the last commit took (and 2 ms):
	// the callers the last commit answered come back to one commit, not to
	// a commit of their own.
	MaxDelay time.Duration
	// OnCommit, if set, is called after every committed batch with the new
	// head; it must not block (Checkpointer.Notify does not).
	OnCommit func(seq int64, hash string)
	// Bodies, if set, encrypts the bodies RecordBodies is given; they are
	// stored with their entries (the log must be a store.BodyLog).
	Bodies *BodyCipher
}

// ErrNoBodyStore is returned by RecordBodies when bodies are configured but
// the log cannot keep them.
var ErrNoBodyStore = errors.New("audit: the access log cannot store bodies")

// Recorder appends entries to an access log, chaining their hashes. One
// goroutine owns the head of the chain and commits concurrent entries
// together, one AppendAccess (one transaction, one fsync) per batch.
type Recorder struct {
	log      store.AccessLog
	now      func() time.Time
	logger   *zap.Logger
	maxBatch int
	maxDelay time.Duration
	onCommit func(seq int64, hash string)
	bodies   *BodyCipher

	reqs      chan *request
	closing   chan struct{} // closed by Close: drain and stop
	closeOnce sync.Once
	done      chan struct{} // closed when the loop has answered everything it took

	ctx    context.Context // appends run under it; cancelled when Close gives up
	cancel context.CancelFunc

	// The chain head; only the loop goroutine touches these.
	headKnown bool
	headSeq   int64
	headHash  string

	// The last commit, for the adaptive wait; loop goroutine only.
	lastBatch  int
	lastCommit time.Duration
	lingerGap  time.Duration
}

type request struct {
	ctx    context.Context
	entry  store.AccessEntry
	bodies []store.AccessBody // encrypted; Seq is set when chained
	reply  chan result        // buffered: the loop never blocks on a caller
}

type result struct {
	entry store.AccessEntry
	err   error
}

// NewRecorder starts a Recorder appending to log. It loads the chain head
// from log in the background (and again whenever an append fails); Close
// stops it.
func NewRecorder(log store.AccessLog, opts Options) *Recorder {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = zap.NewNop()
	}
	if opts.MaxBatch <= 0 {
		opts.MaxBatch = DefaultMaxBatch
	}
	ctx, cancel := context.WithCancel(context.Background())
	r := &Recorder{
		log:       log,
		now:       opts.Now,
		logger:    opts.Logger,
		maxBatch:  opts.MaxBatch,
		maxDelay:  max(opts.MaxDelay, 0),
		onCommit:  opts.OnCommit,
		bodies:    opts.Bodies,
		reqs:      make(chan *request, opts.MaxBatch),
		closing:   make(chan struct{}),
		done:      make(chan struct{}),
		ctx:       ctx,
		cancel:    cancel,
		lingerGap: lingerGap,
	}
	go r.run()
	return r
}

// Record appends e to the log and returns it as stored: with Seq, PrevHash
// and Hash assigned (any values e had there are ignored), Time in UTC
// truncated to microseconds (the Recorder's clock if e.Time is zero), and
// invalid UTF-8 or NUL in text replaced by U+FFFD. It returns only once the
// entry is durably stored. On error the entry is not acknowledged: the
// caller must not answer as if it were logged. If ctx ends while the entry
// is being committed, Record returns ctx's error although the entry may
// still be stored; a log entry without an answer is harmless, the reverse
// is not.
func (r *Recorder) Record(ctx context.Context, e store.AccessEntry) (store.AccessEntry, error) {
	return r.record(ctx, e, nil, nil, false)
}

// RecordBodies is Record that also keeps the request and response bodies,
// encrypted with Options.Bodies, in the same transaction as the entry
// (store_bodies). The entry's RequestSHA256 and ResponseSHA256 are set
// from the bodies. Without Options.Bodies it is Record.
func (r *Recorder) RecordBodies(ctx context.Context, e store.AccessEntry, reqBody, respBody []byte) (store.AccessEntry, error) {
	if r.bodies == nil {
		return r.Record(ctx, e)
	}
	if _, ok := r.log.(store.BodyLog); !ok {
		return store.AccessEntry{}, ErrNoBodyStore
	}
	return r.record(ctx, e, reqBody, respBody, true)
}

func (r *Recorder) record(ctx context.Context, e store.AccessEntry, reqBody, respBody []byte, withBodies bool) (store.AccessEntry, error) {
	if err := ctx.Err(); err != nil {
		return store.AccessEntry{}, fmt.Errorf("audit: record: %w", err)
	}
	e = r.prepare(e)
	check := e
	check.Seq = 1
	if err := store.ValidateAccessEntry(check); err != nil {
		return store.AccessEntry{}, fmt.Errorf("audit: record: %w", err)
	}
	req := &request{ctx: ctx, entry: e, reply: make(chan result, 1)}
	if withBodies {
		req.entry.RequestSHA256, req.entry.ResponseSHA256 = sha256Hex(reqBody), sha256Hex(respBody)
		for _, b := range []struct {
			kind string
			data []byte
		}{{store.BodyRequest, reqBody}, {store.BodyResponse, respBody}} {
			sealed, err := r.bodies.seal(&req.entry, b.kind, b.data)
			if err != nil {
				return store.AccessEntry{}, fmt.Errorf("audit: record: %w", err)
			}
			req.bodies = append(req.bodies, sealed)
		}
	}
	select {
	case <-r.closing:
		return store.AccessEntry{}, ErrClosed
	default:
	}
	select {
	case r.reqs <- req:
	case <-r.closing:
		return store.AccessEntry{}, ErrClosed
	case <-ctx.Done():
		return store.AccessEntry{}, fmt.Errorf("audit: record: %w", ctx.Err())
	}
	select {
	case res := <-req.reply:
		return res.entry, res.err
	case <-r.done:
		// Everything the loop took is answered before done closes.
		select {
		case res := <-req.reply:
			return res.entry, res.err
		default:
			return store.AccessEntry{}, ErrClosed
		}
	case <-ctx.Done():
		return store.AccessEntry{}, fmt.Errorf("audit: record: %w (the entry may still be stored)", ctx.Err())
	}
}

// prepare normalises what the caller gave.
func (r *Recorder) prepare(e store.AccessEntry) store.AccessEntry {
	if e.Time.IsZero() {
		e.Time = r.now()
	}
	e.Time = store.StoredTime(e.Time)
	e = cleanEntry(e)
	e.Seq, e.PrevHash, e.Hash = 0, "", ""
	return e
}

// Close stops accepting entries, commits every entry already handed to
// Record, and returns once they are answered. If ctx ends first it aborts
// the commit in flight (its callers get an error) and returns ctx's error.
// Close may be called more than once.
func (r *Recorder) Close(ctx context.Context) error {
	r.closeOnce.Do(func() { close(r.closing) })
	select {
	case <-r.done:
		r.cancel()
		return nil
	case <-ctx.Done():
		r.cancel()
		return fmt.Errorf("audit: close: %w", ctx.Err())
	}
}

// run is the loop that owns the chain head.
func (r *Recorder) run() {
	defer close(r.done)
	if err := r.loadHead(); err != nil {
		r.logger.Warn("access log head not loaded; will retry on the first entry", zap.Error(err))
	}
	batch := make([]*request, 0, r.maxBatch)
	for {
		select {
		case req := <-r.reqs:
			batch = r.fill(append(batch[:0], req))
			// The wall clock here only measures how long commits take.
			started := time.Now()
			r.commit(batch)
			r.lastBatch, r.lastCommit = len(batch), time.Since(started)
		case <-r.closing:
			r.drain(batch)
			return
		}
	}
}

// fill adds waiting requests to batch until it is full, the queue is empty
// and MaxDelay has passed since the batch started, or Close is called.
func (r *Recorder) fill(batch []*request) []*request {
	var deadline <-chan time.Time
	for len(batch) < r.maxBatch {
		select {
		case req := <-r.reqs:
			batch = append(batch, req)
			continue
		default:
		}
		if r.maxDelay == 0 {
			return r.linger(batch)
		}
		if deadline == nil {
			t := time.NewTimer(r.maxDelay)
			defer t.Stop()
			deadline = t.C
		}
		select {
		case req := <-r.reqs:
			batch = append(batch, req)
		case <-deadline:
			return batch
		case <-r.closing:
			return batch
		}
	}
	return batch
}

// linger is the adaptive wait of MaxDelay 0. Under load, callers whose
// entries the last commit answered come back while the next batch forms;
// committing without them splits the callers into two groups that take
// turns, each with a commit (an fsync) of its own. So when the batch is
// smaller than the last one, linger waits for more entries as long as they
// keep coming (each within lingerGap of the one before), but at most half
// the time the last commit took (and lingerMax): the wait never costs much
// beside the commit it saves. At low load (a batch as large as the last)
// and with fast storage it does not wait.
func (r *Recorder) linger(batch []*request) []*request {
	budget := min(r.lastCommit/2, lingerMax)
	if len(batch) >= r.lastBatch || budget <= 0 {
		return batch
	}
	deadline := time.Now().Add(budget)
	gap := time.NewTimer(min(r.lingerGap, budget))
	defer gap.Stop()
	for len(batch) < r.maxBatch {
		select {
		case req := <-r.reqs:
			batch = append(batch, req)
			left := time.Until(deadline)
			if left <= 0 {
				return batch
			}
			gap.Reset(min(r.lingerGap, left))
		case <-gap.C:
			return batch
		case <-r.closing:
			return batch
		}
	}
	return batch
}

// drain commits whatever is still queued after Close.
func (r *Recorder) drain(batch []*request) {
	for {
		batch = batch[:0]
	take:
		for len(batch) < r.maxBatch {
			select {
			case req := <-r.reqs:
				batch = append(batch, req)
			default:
				break take
			}
		}
		if len(batch) == 0 {
			return
		}
		r.commit(batch)
	}
}

// loadHead reads the last stored entry into the head.
func (r *Recorder) loadHead() error {
	last, err := r.log.LastAccess(r.ctx)
	switch {
	case errors.Is(err, store.ErrNotFound):
		r.headSeq, r.headHash = 0, ""
	case err != nil:
		r.headKnown = false
		return fmt.Errorf("audit: load head: %w", err)
	default:
		r.headSeq, r.headHash = last.Seq, last.Hash
	}
	r.headKnown = true
	return nil
}

// commit chains and appends one batch and answers every request in it.
func (r *Recorder) commit(batch []*request) {
	live := batch[:0]
	for _, req := range batch {
		if err := req.ctx.Err(); err != nil {
			// The caller gave up before its entry was chained: skip it.
			req.reply <- result{err: fmt.Errorf("audit: record: %w", err)}
			continue
		}
		live = append(live, req)
	}
	if len(live) == 0 {
		return
	}
	entries := make([]store.AccessEntry, len(live))
	err := r.appendChained(live, entries)
	if err != nil {
		r.logger.Error("access log append failed; the exchanges of this batch get a fault",
			zap.Int("entries", len(live)), zap.Error(err))
		for _, req := range live {
			req.reply <- result{err: fmt.Errorf("audit: record: %w", err)}
		}
		return
	}
	for i, req := range live {
		req.reply <- result{entry: entries[i]}
	}
	if r.onCommit != nil {
		last := entries[len(entries)-1]
		r.onCommit(last.Seq, last.Hash)
	}
}

// appendChained chains the batch onto the head and appends it, re-reading
// the head and re-chaining when another writer moved it (ErrConflict: the
// batch was not stored). After any failure the head is re-read, since a
// failed commit may still have reached the disk.
func (r *Recorder) appendChained(live []*request, entries []store.AccessEntry) error {
	for attempt := 0; ; attempt++ {
		if !r.headKnown {
			if err := r.loadHead(); err != nil {
				return err
			}
		}
		seq, prev := r.headSeq, r.headHash
		var bodies []store.AccessBody
		for i, req := range live {
			e := req.entry
			seq++
			e.Seq, e.PrevHash = seq, prev
			e.Hash = Hash(e)
			prev = e.Hash
			entries[i] = e
			for _, b := range req.bodies {
				b.Seq = seq
				bodies = append(bodies, b)
			}
		}
		var err error
		if bl, ok := r.log.(store.BodyLog); ok && len(bodies) > 0 {
			err = bl.AppendAccessWithBodies(r.ctx, entries, bodies)
		} else {
			err = r.log.AppendAccess(r.ctx, entries)
		}
		if err == nil {
			r.headSeq, r.headHash = seq, prev
			return nil
		}
		r.headKnown = false
		if !errors.Is(err, store.ErrConflict) || attempt >= maxConflictRetries {
			if lerr := r.loadHead(); lerr != nil {
				r.logger.Warn("access log head not re-read after a failed append", zap.Error(lerr))
			}
			return err
		}
		r.logger.Debug("access log head moved; re-chaining the batch", zap.Int("attempt", attempt+1))
	}
}

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
