package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.uber.org/zap"

	"konektor/internal/store"
)

// The search indexes live on access_search, a copy of the searchable
// columns of every entry (migration 0003), not on access_log: an append
// writes only the entry and its primary key. A background indexer in each
// node copies new entries over in large transactions committed with
// synchronous_commit off (a server crash may lose the last of them, never
// consistency: the rows and indexed_through commit together); one node at a
// time, under an advisory lock. Queries read access_search through
// indexed_through and access_log after it, in one snapshot.

// Indexer tuning.
const (
	// indexChunk is how many entries one indexer transaction copies at most.
	indexChunk = 16384
	// indexPause is how long the indexer waits after catching up before it
	// looks again, so that under load its transactions carry many entries:
	// each dirties the newest bucket's index pages once for all of them
	// (measured at 1M entries under load: 500 ms let appends run about a
	// third faster beside the indexer than 100 ms). The tail queries read
	// from the log stays at about this much of the traffic.
	indexPause = 500 * time.Millisecond
	// indexPoll is how often an idle indexer looks for entries other nodes
	// appended.
	indexPoll = time.Second
	// indexRetry is the wait after a failed indexer step.
	indexRetry = 5 * time.Second
)

const searchColumns = `seq, received_at, upstream, service, ais, ovm, agenda, role, user_name, outcome, subject, purpose`

// indexLock lets one node's indexer work at a time.
const indexLock = `SELECT pg_try_advisory_xact_lock(hashtext(current_schema() || '.access_search'))`

// indexer runs the search indexer of one Store.
type indexer struct {
	s      *Store
	manual bool
	nudge  chan struct{} // capacity 1
	ctx    context.Context
	cancel context.CancelFunc
	done   chan struct{}
}

func newIndexer(s *Store, manual bool) *indexer {
	x := &indexer{s: s, manual: manual, nudge: make(chan struct{}, 1), done: make(chan struct{})}
	x.ctx, x.cancel = context.WithCancel(context.Background())
	if manual {
		close(x.done)
	} else {
		go x.run()
	}
	return x
}

// notify tells the indexer there may be new entries; it never blocks.
func (x *indexer) notify() {
	select {
	case x.nudge <- struct{}{}:
	default:
	}
}

func (x *indexer) stop() {
	x.cancel()
	<-x.done
}

func (x *indexer) run() {
	defer close(x.done)
	poll := time.NewTicker(indexPoll)
	defer poll.Stop()
	for {
		for {
			more, err := x.step(x.ctx, 0)
			if err != nil {
				if x.ctx.Err() != nil {
					return
				}
				x.s.logger.Warn("search indexer step failed; retrying", zap.Error(err))
				select {
				case <-x.ctx.Done():
					return
				case <-time.After(indexRetry):
				}
				continue
			}
			if !more {
				break
			}
		}
		select {
		case <-x.ctx.Done():
			return
		case <-x.nudge:
		case <-poll.C:
		}
		select {
		case <-x.ctx.Done():
			return
		case <-time.After(indexPause):
		}
	}
}

// errBusy: another node's indexer holds the lock.
var errBusy = errors.New("postgres: search index: another node is indexing")

// step copies up to indexChunk entries (through target; everything when
// target <= 0) into access_search in one transaction, and reports whether
// there is more to do. It returns false without error when another node's
// indexer is at work.
func (x *indexer) step(ctx context.Context, target int64) (bool, error) {
	more, err := x.stepLocked(ctx, target)
	if errors.Is(err, errBusy) {
		return false, nil
	}
	return more, err
}

func (x *indexer) stepLocked(ctx context.Context, target int64) (bool, error) {
	more := false
	err := x.s.inTx(ctx, func(q querier) error {
		// Derived data: a commit need not wait for the WAL flush.
		if err := q.exec(ctx, "SET LOCAL synchronous_commit = off"); err != nil {
			return err
		}
		var locked bool
		if err := q.queryRow(ctx, indexLock).Scan(&locked); err != nil {
			return err
		}
		if !locked {
			return errBusy
		}
		var through, head, start int64
		if err := q.queryRow(ctx, `SELECT (SELECT indexed_through FROM access_search_state WHERE id = 1),
            COALESCE((SELECT MAX(seq) FROM access_log), 0),
            (SELECT pruned_through FROM access_retention WHERE id = 1)`).Scan(&through, &head, &start); err != nil {
			return err
		}
		if target <= 0 || target > head {
			target = head
		}
		// Rows a prune removed from the log while they were being copied.
		if err := q.exec(ctx, "DELETE FROM access_search WHERE seq <= $1", start); err != nil {
			return fmt.Errorf("prune: %w", err)
		}
		if err := q.exec(ctx, "DELETE FROM access_search_bucket WHERE bucket < $1::bigint >> $2::int", start, store.SearchBucketBits); err != nil {
			return fmt.Errorf("prune: %w", err)
		}
		if through >= target {
			return nil
		}
		hi := min(target, through+indexChunk)
		lo := max(through, start)
		if err := q.exec(ctx, "INSERT INTO access_search ("+searchColumns+", bucket) SELECT "+searchColumns+
			", (seq - 1) >> $3::int FROM access_log WHERE seq > $1 AND seq <= $2", lo, hi, store.SearchBucketBits); err != nil {
			return fmt.Errorf("copy entries: %w", err)
		}
		if err := q.exec(ctx, `INSERT INTO access_search_bucket (bucket, min_time, max_time)
            SELECT (seq - 1) >> $3::int, MIN(received_at), MAX(received_at) FROM access_log
            WHERE seq > $1 AND seq <= $2 GROUP BY 1
            ON CONFLICT (bucket) DO UPDATE SET min_time = LEAST(access_search_bucket.min_time, excluded.min_time),
                max_time = GREATEST(access_search_bucket.max_time, excluded.max_time)`, lo, hi, store.SearchBucketBits); err != nil {
			return fmt.Errorf("bucket times: %w", err)
		}
		if err := q.exec(ctx, "UPDATE access_search_state SET indexed_through = $1 WHERE id = 1", hi); err != nil {
			return err
		}
		more = hi < target
		return nil
	})
	switch {
	case errors.Is(err, errBusy):
		return false, err
	case err != nil:
		return false, fmt.Errorf("postgres: search index: %w", err)
	}
	return more, nil
}

// SearchIndexedThrough returns the Seq through which the search index is
// caught up. See store.SearchIndex.
func (s *Store) SearchIndexedThrough(ctx context.Context) (int64, error) {
	var n int64
	if err := s.queryRow(ctx, "SELECT indexed_through FROM access_search_state WHERE id = 1").Scan(&n); err != nil {
		return 0, fmt.Errorf("postgres: search index: %w", err)
	}
	return n, nil
}

// CatchUpSearchIndex indexes the entries through seq (every entry when
// seq <= 0) before it returns, waiting for another node's indexer if it
// holds the lock. See store.SearchIndex.
func (s *Store) CatchUpSearchIndex(ctx context.Context, seq int64) error {
	for {
		more, err := s.index.stepLocked(ctx, seq)
		switch {
		case errors.Is(err, errBusy):
			select {
			case <-ctx.Done():
				return fmt.Errorf("postgres: search index: %w", ctx.Err())
			case <-time.After(10 * time.Millisecond):
			}
		case err != nil:
			return err
		case !more:
			return nil
		}
	}
}

var _ store.SearchIndex = (*Store)(nil)
