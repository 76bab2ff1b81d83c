// Package load is the load generator of konektor's performance harness:
// HTTP/1.1 keep-alive clients with mTLS at a fixed concurrency (closed
// loop) or a fixed arrival rate (paced), recording latencies in a
// fixed-bucket, log-linear histogram.
package load

import (
	"math"
	"math/bits"
	"sync/atomic"
	"time"
)

// subBits sets the histogram's precision: 2^subBits buckets per power of
// two, so a recorded value is off by less than 1/2^subBits (0.8 %).
const (
	subBits  = 7
	subCount = 1 << subBits
	// maxShift bounds the range: values up to 2^(maxShift+subBits+1) ns
	// (about 39 hours) are kept; larger ones are clamped.
	maxShift   = 40
	numBuckets = (maxShift + 2) * subCount
)

// Histogram counts latencies in nanoseconds in log-linear buckets, as
// HdrHistogram does. Record is safe for concurrent use (atomic counters);
// reading while recording gives a slightly inconsistent snapshot.
type Histogram struct {
	counts [numBuckets]atomic.Int64
	total  atomic.Int64
	sum    atomic.Int64
	min    atomic.Int64 // 0 while empty; stored as value+1
	max    atomic.Int64
}

// NewHistogram returns an empty histogram.
func NewHistogram() *Histogram { return &Histogram{} }

// bucketOf returns the bucket index of v (v ≥ 0).
func bucketOf(v int64) int {
	if v < 2*subCount {
		return int(v)
	}
	shift := bits.Len64(uint64(v)) - (subBits + 1)
	if shift > maxShift {
		return numBuckets - 1
	}
	sub := int(v >> uint(shift))
	return (shift+1)*subCount + (sub - subCount)
}

// bucketRange returns the lowest value of bucket i and its width.
func bucketRange(i int) (low, width int64) {
	if i < 2*subCount {
		return int64(i), 1
	}
	shift := i/subCount - 1
	sub := int64(i%subCount + subCount)
	return sub << uint(shift), 1 << uint(shift)
}

// Record adds one latency; negative values count as zero.
func (h *Histogram) Record(d time.Duration) {
	v := int64(d)
	if v < 0 {
		v = 0
	}
	h.counts[bucketOf(v)].Add(1)
	h.total.Add(1)
	h.sum.Add(v)
	for {
		cur := h.min.Load()
		if cur != 0 && cur-1 <= v {
			break
		}
		if h.min.CompareAndSwap(cur, v+1) {
			break
		}
	}
	for {
		cur := h.max.Load()
		if cur >= v || h.max.CompareAndSwap(cur, v) {
			break
		}
	}
}

// Count is the number of recorded values.
func (h *Histogram) Count() int64 { return h.total.Load() }

// Min is the smallest recorded value (0 when empty).
func (h *Histogram) Min() time.Duration {
	if m := h.min.Load(); m > 0 {
		return time.Duration(m - 1)
	}
	return 0
}

// Max is the largest recorded value.
func (h *Histogram) Max() time.Duration { return time.Duration(h.max.Load()) }

// Mean is the arithmetic mean of the recorded values.
func (h *Histogram) Mean() time.Duration {
	n := h.total.Load()
	if n == 0 {
		return 0
	}
	return time.Duration(h.sum.Load() / n)
}

// Merge adds every count of o to h.
func (h *Histogram) Merge(o *Histogram) {
	for i := range o.counts {
		if c := o.counts[i].Load(); c != 0 {
			h.counts[i].Add(c)
		}
	}
	h.total.Add(o.total.Load())
	h.sum.Add(o.sum.Load())
	if n := o.Count(); n > 0 {
		m := o.Min()
		for {
			cur := h.min.Load()
			if cur != 0 && cur-1 <= int64(m) {
				break
			}
			if h.min.CompareAndSwap(cur, int64(m)+1) {
				break
			}
		}
		x := int64(o.Max())
		for {
			cur := h.max.Load()
			if cur >= x || h.max.CompareAndSwap(cur, x) {
				break
			}
		}
	}
}

// Quantile returns the value at quantile q (0 < q ≤ 1): the middle of the
// bucket holding the ceil(q·n)-th smallest value, kept within the exact
// minimum and maximum. An empty histogram gives 0.
func (h *Histogram) Quantile(q float64) time.Duration {
	n := h.total.Load()
	if n == 0 {
		return 0
	}
	if q <= 0 {
		return h.Min()
	}
	if q >= 1 {
		return h.Max()
	}
	rank := int64(math.Ceil(q * float64(n)))
	if rank < 1 {
		rank = 1
	}
	var seen int64
	for i := range h.counts {
		seen += h.counts[i].Load()
		if seen >= rank {
			low, width := bucketRange(i)
			v := low + (width-1)/2
			if mn := int64(h.Min()); v < mn {
				v = mn
			}
			if mx := int64(h.Max()); v > mx {
				v = mx
			}
			return time.Duration(v)
		}
	}
	return h.Max()
}
