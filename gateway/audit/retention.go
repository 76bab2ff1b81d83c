package audit

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.uber.org/zap"

	"konektor/internal/store"
)

// PruneStore is what Prune needs of a store.
type PruneStore interface {
	store.CheckpointLog
	store.AccessRetention
}

// errFound ends a checkpoint scan once the answer is known.
var errFound = errors.New("found")

// Prune removes the entries older than period: everything through the
// newest checkpoint made before now-period (every entry it covers was
// logged before it was made, so before the cutoff). The log then starts at
// a signed head and stays verifiable from there. Entries newer than that
// checkpoint stay, even if some are older than the cutoff: the log can only
// be cut at a checkpoint. It returns the new start and how many entries it
// removed; a period of 0 or less keeps everything.
func Prune(ctx context.Context, st PruneStore, period time.Duration, now time.Time) (start, removed int64, err error) {
	start, through, err := PruneTarget(ctx, st, period, now)
	if err != nil || through <= start {
		return start, 0, err
	}
	removed, err = st.PruneAccess(ctx, through)
	if err != nil {
		return start, removed, fmt.Errorf("audit: prune through %d: %w", through, err)
	}
	return through, removed, nil
}

// PruneTarget says what Prune would do without doing it: the log starts
// after start now, and pruning would remove every entry through through
// (through == start: nothing to remove).
func PruneTarget(ctx context.Context, st PruneStore, period time.Duration, now time.Time) (start, through int64, err error) {
	start, err = st.AccessStart(ctx)
	if err != nil || period <= 0 {
		return start, start, err
	}
	cutoff := now.Add(-period)
	through = start
	err = st.ScanCheckpoints(ctx, start, func(c store.Checkpoint) error {
		if !c.Time.Before(cutoff) {
			return errFound
		}
		through = c.Seq
		return nil
	})
	if err != nil && !errors.Is(err, errFound) {
		return start, start, fmt.Errorf("audit: prune: %w", err)
	}
	return start, max(through, start), nil
}

// RetentionOptions configure RunRetention.
type RetentionOptions struct {
	Period time.Duration // how long entries are kept; 0 or less keeps everything
	Every  time.Duration // how often to prune; default one hour
	Now    func() time.Time
	Logger *zap.Logger
	// Ticks, if set, replaces the timer (tests drive it).
	Ticks <-chan time.Time
}

// RunRetention prunes at start and then every o.Every until ctx ends.
func RunRetention(ctx context.Context, st PruneStore, o RetentionOptions) {
	if o.Period <= 0 {
		return
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = zap.NewNop()
	}
	ticks := o.Ticks
	if ticks == nil {
		if o.Every <= 0 {
			o.Every = time.Hour
		}
		t := time.NewTicker(o.Every)
		defer t.Stop()
		ticks = t.C
	}
	for {
		start, removed, err := Prune(ctx, st, o.Period, o.Now())
		switch {
		case err != nil && ctx.Err() == nil:
			o.Logger.Error("access log retention failed", zap.Error(err))
		case removed > 0:
			o.Logger.Info("access log pruned", zap.Int64("removed", removed), zap.Int64("starts_after", start))
		}
		select {
		case <-ctx.Done():
			return
		case <-ticks:
		}
	}
}
