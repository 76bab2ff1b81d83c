package store

import (
	"cmp"
	"context"
	"slices"
	"time"
)

// SearchIndex is implemented by stores whose search indexes are derived from
// the access log and kept up to date in the background rather than in the
// append transaction, so that an append writes only the entry (and its
// primary key) and stays fast however large the log grows.
//
// The index is never needed for correctness: QueryAccess returns every
// entry appended before it was called, reading the entries the index does
// not cover yet (the tail past SearchIndexedThrough) from the log itself.
// After a crash or a lost index file the store catches up (or rebuilds)
// from the log on its own.
type SearchIndex interface {
	// SearchIndexedThrough returns the Seq through which entries are in the
	// search index; the entries after it are read from the log by queries.
	SearchIndexedThrough(ctx context.Context) (int64, error)
	// CatchUpSearchIndex indexes the entries through seq (every stored entry
	// when seq <= 0 or beyond the last) before it returns.
	CatchUpSearchIndex(ctx context.Context, seq int64) error
}

// SearchBucketBits sizes the buckets of a search index: entries
// (seq-1)>>SearchBucketBits share a bucket, 65 536 consecutive entries.
// Every search index leads with the bucket, so an indexer writes into the
// newest bucket's small part of each index (its pages stay in memory and
// one transaction dirties each of them once for many entries), however
// large the log grows; a query searches the buckets newest first and stops
// as soon as no older bucket can hold an entry for its page.
const SearchBucketBits = 16

// SearchBucket is one bucket of a search index with the time range of the
// entries in it (kept in UTC, truncated to TimePrecision).
type SearchBucket struct {
	Bucket           int64
	MinTime, MaxTime time.Time
}

// compareListing orders a and b as a listing does: by (Time, Seq),
// descending unless ascending.
func compareListing(a, b AccessCursor, ascending bool) int {
	c := a.Time.Compare(b.Time)
	if c == 0 {
		c = cmp.Compare(a.Seq, b.Seq)
	}
	if !ascending {
		c = -c
	}
	return c
}

// SortListing sorts keys in q's listing order.
func SortListing(keys []AccessCursor, ascending bool) {
	slices.SortFunc(keys, func(a, b AccessCursor) int { return compareListing(a, b, ascending) })
}

// SearchPage finds the page q (normalised) selects in a bucketed search
// index, as (Time, Seq) keys in listing order. It searches the buckets
// that may hold a match (by their time ranges, q's bounds and cursor),
// newest first (oldest first when ascending), in groups of growing size:
// fetch returns the best q.Limit keys of a group of buckets in any order.
// It stops when the page is full and no bucket left can hold a key that
// belongs on it.
func SearchPage(q AccessQuery, buckets []SearchBucket, fetch func(group []int64) ([]AccessCursor, error)) ([]AccessCursor, error) {
	plan := planBuckets(q, buckets)
	var page []AccessCursor
	for i, size := 0, 1; i < len(plan); size *= 4 {
		if len(page) >= q.Limit && !mayImprove(q, plan[i], page[q.Limit-1]) {
			break
		}
		j := min(len(plan), i+size)
		group := make([]int64, 0, j-i)
		for _, b := range plan[i:j] {
			group = append(group, b.Bucket)
		}
		keys, err := fetch(group)
		if err != nil {
			return nil, err
		}
		page = append(page, keys...)
		SortListing(page, q.Ascending)
		if len(page) > q.Limit {
			page = page[:q.Limit]
		}
		i = j
	}
	return page, nil
}

// planBuckets returns the buckets that may hold an entry q selects, in the
// order SearchPage searches them.
func planBuckets(q AccessQuery, buckets []SearchBucket) []SearchBucket {
	plan := make([]SearchBucket, 0, len(buckets))
	for _, b := range buckets {
		switch {
		case !q.From.IsZero() && b.MaxTime.Before(q.From):
		case !q.To.IsZero() && !b.MinTime.Before(q.To):
		case q.After != nil && !q.Ascending && b.MinTime.After(q.After.Time):
		case q.After != nil && q.Ascending && b.MaxTime.Before(q.After.Time):
		default:
			plan = append(plan, b)
		}
	}
	if q.Ascending {
		slices.SortFunc(plan, func(a, b SearchBucket) int { return a.MinTime.Compare(b.MinTime) })
	} else {
		slices.SortFunc(plan, func(a, b SearchBucket) int { return b.MaxTime.Compare(a.MaxTime) })
	}
	return plan
}

// mayImprove reports whether bucket b may hold a key that comes before
// last, the last key of a full page.
func mayImprove(q AccessQuery, b SearchBucket, last AccessCursor) bool {
	if q.Ascending {
		return !b.MinTime.After(last.Time)
	}
	return !b.MaxTime.Before(last.Time)
}
