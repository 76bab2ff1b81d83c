package audit

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"go.uber.org/zap"

	"konektor/certs"
	"konektor/internal/store"
)

// Defaults for CheckpointOptions.
const (
	DefaultCheckpointEvery    = 10000
	DefaultCheckpointInterval = 5 * time.Minute
	// DefaultTimeStampTimeout bounds one request to the TSA.
	DefaultTimeStampTimeout = 30 * time.Second
)

// CheckpointStore is what a Checkpointer reads and writes.
type CheckpointStore interface {
	LastAccess(ctx context.Context) (store.AccessEntry, error)
	store.CheckpointLog
}

// CheckpointOptions configure a Checkpointer.
type CheckpointOptions struct {
	// Every: a checkpoint is made once this many entries follow the last
	// one; DefaultCheckpointEvery if 0 or less.
	Every int64
	// Interval: a checkpoint is made this long after the last one if any
	// entry followed it; DefaultCheckpointInterval if 0 or less.
	Interval time.Duration
	// Seal signs checkpoints (required).
	Seal *certs.KeyPair
	// TSA time-stamps checkpoints; nil leaves them unstamped. When the TSA
	// fails, the checkpoint is stored unstamped (and the failure logged):
	// a signed head is worth keeping while the TSA is down.
	TSA              Timestamper
	TimeStampTimeout time.Duration
	Now              func() time.Time
	Logger           *zap.Logger
	// Ticks, if set, replaces the interval timer (tests drive it).
	Ticks <-chan time.Time
	// Made, if set, is called after every stored checkpoint.
	Made func(store.Checkpoint)
}

// Checkpointer makes signed, time-stamped checkpoints of the chain head:
// after Every entries (the Recorder's OnCommit calls Notify) or Interval,
// whichever comes first. Several nodes may run one against the same
// store: the store accepts one chain of checkpoints and the loser of a race
// simply skips.
type Checkpointer struct {
	st     CheckpointStore
	sign   *signer
	o      CheckpointOptions
	wake   chan struct{}
	stop   chan struct{}
	done   chan struct{}
	once   sync.Once
	mu     sync.Mutex // serialises Checkpoint
	lastMu sync.Mutex
	last   int64 // Seq of the last checkpoint known here
	head   int64 // highest committed Seq notified
}

// NewCheckpointer checks the seal key and returns a Checkpointer; Start
// runs it in the background.
func NewCheckpointer(st CheckpointStore, o CheckpointOptions) (*Checkpointer, error) {
	s, err := newSigner(o.Seal)
	if err != nil {
		return nil, err
	}
	if o.Every <= 0 {
		o.Every = DefaultCheckpointEvery
	}
	if o.Interval <= 0 {
		o.Interval = DefaultCheckpointInterval
	}
	if o.TimeStampTimeout <= 0 {
		o.TimeStampTimeout = DefaultTimeStampTimeout
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = zap.NewNop()
	}
	return &Checkpointer{st: st, sign: s, o: o, wake: make(chan struct{}, 1),
		stop: make(chan struct{}), done: make(chan struct{})}, nil
}

// Notify tells the Checkpointer that entries through seq are committed. It
// never blocks; pass it as Options.OnCommit of the Recorder.
func (c *Checkpointer) Notify(seq int64, _ string) {
	c.lastMu.Lock()
	c.head = max(c.head, seq)
	due := c.head-c.last >= c.o.Every
	c.lastMu.Unlock()
	if due {
		select {
		case c.wake <- struct{}{}:
		default:
		}
	}
}

// Start runs the Checkpointer until Stop.
func (c *Checkpointer) Start() {
	go c.run()
}

// Stop makes a last checkpoint of whatever was committed (bounded by ctx)
// and stops the background loop.
func (c *Checkpointer) Stop(ctx context.Context) error {
	c.once.Do(func() { close(c.stop) })
	select {
	case <-c.done:
	case <-ctx.Done():
		return fmt.Errorf("audit: checkpointer stop: %w", ctx.Err())
	}
	_, _, err := c.Checkpoint(ctx)
	return err
}

func (c *Checkpointer) run() {
	defer close(c.done)
	ticks := c.o.Ticks
	if ticks == nil {
		t := time.NewTicker(c.o.Interval)
		defer t.Stop()
		ticks = t.C
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		select {
		case <-c.stop:
			cancel()
		case <-ctx.Done():
		}
	}()
	for {
		select {
		case <-c.stop:
			return
		case <-ticks:
		case <-c.wake:
		}
		if _, _, err := c.Checkpoint(ctx); err != nil && ctx.Err() == nil {
			c.o.Logger.Error("access log checkpoint failed", zap.Error(err))
		}
	}
}

// Checkpoint makes a checkpoint of the current head now, unless the last
// checkpoint already covers it. It reports whether it stored one.
func (c *Checkpointer) Checkpoint(ctx context.Context) (store.Checkpoint, bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for attempt := 0; ; attempt++ {
		cp, made, err := c.once1(ctx)
		if errors.Is(err, store.ErrConflict) && attempt < 3 {
			continue // another node stored one meanwhile
		}
		return cp, made, err
	}
}

func (c *Checkpointer) once1(ctx context.Context) (store.Checkpoint, bool, error) {
	last, err := c.st.LastCheckpoint(ctx)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return store.Checkpoint{}, false, fmt.Errorf("audit: checkpoint: %w", err)
	}
	head, err := c.st.LastAccess(ctx)
	if errors.Is(err, store.ErrNotFound) {
		return store.Checkpoint{}, false, nil
	}
	if err != nil {
		return store.Checkpoint{}, false, fmt.Errorf("audit: checkpoint: %w", err)
	}
	c.remember(last.Seq)
	if head.Seq <= last.Seq {
		return last, false, nil
	}
	cp := store.Checkpoint{Seq: head.Seq, Head: head.Hash, Time: c.o.Now(), Prev: last.Hash}
	if err := c.sign.sign(&cp); err != nil {
		return store.Checkpoint{}, false, err
	}
	if c.o.TSA != nil {
		tctx, cancel := context.WithTimeout(ctx, c.o.TimeStampTimeout)
		token, err := c.o.TSA.TimeStamp(tctx, TimeStampImprint(cp))
		cancel()
		if err != nil {
			if ctx.Err() != nil {
				return store.Checkpoint{}, false, fmt.Errorf("audit: checkpoint: %w", ctx.Err())
			}
			c.o.Logger.Error("checkpoint stored without a time stamp: the TSA failed",
				zap.Int64("seq", cp.Seq), zap.Error(err))
		} else {
			cp.TimeStamp = token
		}
	}
	if err := c.st.AppendCheckpoint(ctx, cp); err != nil {
		return store.Checkpoint{}, false, fmt.Errorf("audit: checkpoint: %w", err)
	}
	c.remember(cp.Seq)
	c.o.Logger.Debug("access log checkpoint", zap.Int64("seq", cp.Seq), zap.Bool("time_stamped", cp.TimeStamp != nil))
	if c.o.Made != nil {
		c.o.Made(cp)
	}
	return cp, true, nil
}

func (c *Checkpointer) remember(seq int64) {
	c.lastMu.Lock()
	c.last = max(c.last, seq)
	c.lastMu.Unlock()
}
