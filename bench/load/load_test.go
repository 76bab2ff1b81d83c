package load

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// exactQuantile is the nearest-rank quantile of sorted values.
func exactQuantile(sorted []int64, q float64) int64 {
	rank := int(math.Ceil(q * float64(len(sorted))))
	if rank < 1 {
		rank = 1
	}
	return sorted[rank-1]
}

func TestHistogramQuantilesMatchSortedSamples(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, dist := range []struct {
		name string
		gen  func() int64
	}{
		{"uniform-µs", func() int64 { return rng.Int64N(5_000_000) }},
		{"lognormal", func() int64 { return int64(math.Exp(rng.NormFloat64()*1.2+13)) + 1 }},
		{"small", func() int64 { return rng.Int64N(300) }},
	} {
		t.Run(dist.name, func(t *testing.T) {
			h := NewHistogram()
			vals := make([]int64, 50_000)
			for i := range vals {
				vals[i] = dist.gen()
				h.Record(time.Duration(vals[i]))
			}
			sort.Slice(vals, func(i, j int) bool { return vals[i] < vals[j] })
			for _, q := range []float64{0.01, 0.5, 0.9, 0.99, 0.999} {
				want := exactQuantile(vals, q)
				got := int64(h.Quantile(q))
				tol := float64(want)/float64(subCount) + 1
				if math.Abs(float64(got-want)) > tol {
					t.Errorf("q%.3f: got %d, want %d ± %.0f", q, got, want, tol)
				}
			}
			if h.Min() != time.Duration(vals[0]) || h.Max() != time.Duration(vals[len(vals)-1]) {
				t.Errorf("min/max %v/%v, want %d/%d", h.Min(), h.Max(), vals[0], vals[len(vals)-1])
			}
			if h.Count() != int64(len(vals)) {
				t.Errorf("count %d", h.Count())
			}
		})
	}
}

func TestHistogramBucketsAreContiguous(t *testing.T) {
	prevEnd := int64(0)
	for i := 0; i < numBuckets; i++ {
		low, width := bucketRange(i)
		if low != prevEnd {
			t.Fatalf("bucket %d starts at %d, previous ended at %d", i, low, prevEnd)
		}
		if bucketOf(low) != i || bucketOf(low+width-1) != i {
			t.Fatalf("bucket %d: [%d,+%d) maps to %d/%d", i, low, width, bucketOf(low), bucketOf(low+width-1))
		}
		prevEnd = low + width
	}
	if bucketOf(math.MaxInt64) != numBuckets-1 {
		t.Fatal("huge values must clamp to the last bucket")
	}
}

func TestHistogramEmptyAndMerge(t *testing.T) {
	h := NewHistogram()
	if h.Quantile(0.99) != 0 || h.Min() != 0 || h.Mean() != 0 {
		t.Fatal("empty histogram must report zeros")
	}
	a, b := NewHistogram(), NewHistogram()
	for i := 1; i <= 100; i++ {
		a.Record(time.Duration(i) * time.Microsecond)
		b.Record(time.Duration(i+100) * time.Microsecond)
	}
	a.Merge(b)
	if a.Count() != 200 || a.Min() != time.Microsecond || a.Max() != 200*time.Microsecond {
		t.Fatalf("merged: n=%d min=%v max=%v", a.Count(), a.Min(), a.Max())
	}
	if p := a.Quantile(0.5); p < 99*time.Microsecond || p > 101*time.Microsecond {
		t.Fatalf("merged median %v", p)
	}
}

// counter is a Source numbering its requests.
type counter struct{ n atomic.Int64 }

func (c *counter) Next() ([]byte, string, error) {
	id := strconv.FormatInt(c.n.Add(1), 10)
	return []byte("req " + id), id, nil
}

func tlsServer(t *testing.T, h http.HandlerFunc) (*httptest.Server, *tls.Config) {
	t.Helper()
	srv := httptest.NewUnstartedServer(h)
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv, srv.Client().Transport.(*http.Transport).TLSClientConfig
}

func TestRunClosedLoopCountsAndChecks(t *testing.T) {
	srv, tc := tlsServer(t, func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		id := strings.TrimPrefix(string(b), "req ")
		w.Header().Set("X-Id", id)
		fmt.Fprintf(w, "answer %s", id)
	})
	src := &counter{}
	check := func(status int, h http.Header, body []byte, id string) error {
		if status != 200 {
			return fmt.Errorf("HTTP %d", status)
		}
		if h.Get("X-Id") != id || string(body) != "answer "+id {
			return errors.New("answer does not echo the id")
		}
		return nil
	}
	var windows []bool
	res, err := Run(context.Background(), Options{
		URL: srv.URL, TLS: tc, Source: src, Check: check, Concurrency: 4,
		Warmup: 300 * time.Millisecond, Duration: 300 * time.Millisecond, // the warm-up covers the TLS handshakes
		Window: func(start bool) { windows = append(windows, start) },
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(windows) != 2 || !windows[0] || windows[1] {
		t.Fatalf("window callbacks %v", windows)
	}
	if res.Requests < 10 || res.Latency.Count() != res.Requests-res.Errors {
		t.Fatalf("requests %d, recorded %d, errors %d", res.Requests, res.Latency.Count(), res.Errors)
	}
	if res.Elapsed < 300*time.Millisecond || res.Elapsed > time.Second {
		t.Fatalf("window %v", res.Elapsed)
	}
	if res.Throughput() <= 0 || res.Latency.Quantile(0.5) <= 0 {
		t.Fatalf("throughput %v p50 %v", res.Throughput(), res.Latency.Quantile(0.5))
	}
	if res.Errors != 0 {
		t.Fatalf("errors %d (%s)", res.Errors, res.FirstError)
	}
}

func TestRunCountsFailures(t *testing.T) {
	srv, tc := tlsServer(t, func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "no", http.StatusServiceUnavailable)
	})
	res, err := Run(context.Background(), Options{URL: srv.URL, TLS: tc, Source: &counter{}, Concurrency: 2,
		Warmup: 300 * time.Millisecond, Duration: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if res.Requests == 0 || res.Errors != res.Requests || res.FirstError != "HTTP 503" || res.Throughput() != 0 || res.ErrorRate() != 1 {
		t.Fatalf("%+v", res)
	}
}

func TestRunPacedHoldsTheRate(t *testing.T) {
	srv, tc := tlsServer(t, func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) })
	res, err := Run(context.Background(), Options{URL: srv.URL, TLS: tc, Source: &counter{}, Concurrency: 8, Rate: 200,
		Warmup: 300 * time.Millisecond, Duration: 500 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	// Never faster than the rate (the schedule restarts with the window);
	// slower only if this machine stalls.
	if got := res.Throughput(); got < 60 || got > 250 {
		t.Fatalf("paced at 200/s, measured %.0f/s", got)
	}
}

func TestRunRejectsBadOptions(t *testing.T) {
	for _, o := range []Options{
		{URL: "https://x", Source: &counter{}, Duration: time.Second},
		{URL: "https://x", Source: &counter{}, Concurrency: 1},
		{Source: &counter{}, Concurrency: 1, Duration: time.Second},
	} {
		if _, err := Run(context.Background(), o); err == nil {
			t.Errorf("%+v accepted", o)
		}
	}
}
