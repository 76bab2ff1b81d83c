package load

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// Source makes request bodies: each call returns a body and the request id
// the answer must echo (empty: not checked). It must be safe for
// concurrent use.
type Source interface {
	Next() (body []byte, id string, err error)
}

// Check judges one answer; a non-nil error counts the call as failed.
type Check func(status int, header http.Header, body []byte, id string) error

// Options describe one load run.
type Options struct {
	URL    string
	Header http.Header // sent with every request (Content-Type, SOAPAction)
	TLS    *tls.Config // client certificate and roots; every worker clones it
	Source Source
	Check  Check
	// Concurrency is the number of workers, each with its own kept-alive
	// connection.
	Concurrency int
	// Rate, when positive, paces the whole run to that many requests per
	// second (open loop); latency is then measured from each request's
	// scheduled start, so a stalled server is not hidden (no coordinated
	// omission). Zero runs closed-loop: every worker sends as soon as its
	// previous answer arrived.
	Rate float64
	// Warmup runs before the measured window; its calls are not counted.
	Warmup   time.Duration
	Duration time.Duration
	Timeout  time.Duration // per call; zero: 30 s
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Window, if set, is called at the start and at the end of the measured
	// window (start true, then false), for process statistics.
	Window func(start bool)
}

// Result is what one run measured in its window.
type Result struct {
	Requests int64         // calls completed in the window, failed ones included
	Errors   int64         // calls that failed (transport error or Check)
	Elapsed  time.Duration // length of the window
	Latency  *Histogram    // latencies of the successful calls in the window
	// FirstError describes the first failure, for the report.
	FirstError string
}

// Throughput is successful calls per second in the window.
func (r Result) Throughput() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Requests-r.Errors) / r.Elapsed.Seconds()
}

// ErrorRate is the share of failed calls.
func (r Result) ErrorRate() float64 {
	if r.Requests == 0 {
		return 0
	}
	return float64(r.Errors) / float64(r.Requests)
}

// Run drives the target as the options say and returns the window's
// figures. It stops early when ctx ends.
func Run(ctx context.Context, o Options) (Result, error) {
	if o.Concurrency < 1 {
		return Result{}, errors.New("load: concurrency must be at least 1")
	}
	if o.Duration <= 0 {
		return Result{}, errors.New("load: duration must be positive")
	}
	if o.Source == nil || o.URL == "" {
		return Result{}, errors.New("load: URL and Source are required")
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Timeout == 0 {
		o.Timeout = 30 * time.Second
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	var (
		recording atomic.Bool
		requests  atomic.Int64
		failures  atomic.Int64
		firstErr  atomic.Pointer[string]
		hist      = NewHistogram()
		wg        sync.WaitGroup
		sched     atomic.Pointer[schedule] // paced runs
	)
	var interval time.Duration
	if o.Rate > 0 {
		interval = time.Duration(float64(time.Second) / o.Rate)
	}
	sched.Store(&schedule{base: o.Now()})
	tgt, err := newTarget(o.URL, o.Header, o.TLS)
	if err != nil {
		return Result{}, err
	}
	clients := make([]*client, o.Concurrency)
	for i := range clients {
		clients[i] = newClient(tgt, o.Timeout)
	}
	defer func() {
		for _, c := range clients {
			c.close()
		}
	}()
	fail := func(err error) {
		msg := err.Error()
		firstErr.CompareAndSwap(nil, &msg)
	}
	worker := func(c *client) {
		defer wg.Done()
		for ctx.Err() == nil {
			began := o.Now()
			if interval > 0 {
				s := sched.Load()
				k := s.next.Add(1) - 1
				at := s.base.Add(time.Duration(k) * interval)
				if d := at.Sub(began); d > 0 {
					t := time.NewTimer(d)
					select {
					case <-ctx.Done():
						t.Stop()
						return
					case <-t.C:
					}
				}
				began = at
			}
			err := call(ctx, c, o)
			took := o.Now().Sub(began)
			if !recording.Load() || ctx.Err() != nil {
				continue
			}
			requests.Add(1)
			if err != nil {
				failures.Add(1)
				fail(err)
				continue
			}
			hist.Record(took)
		}
	}
	wg.Add(o.Concurrency)
	for _, c := range clients {
		go worker(c)
	}
	sleep := func(d time.Duration) bool {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-ctx.Done():
			return false
		case <-t.C:
			return true
		}
	}
	var res Result
	if o.Warmup > 0 && !sleep(o.Warmup) {
		cancel()
		wg.Wait()
		return res, ctx.Err()
	}
	if o.Window != nil {
		o.Window(true)
	}
	t0 := o.Now()
	// A paced run starts its measured schedule afresh: a backlog left
	// by a stall during the warm-up must not burst into the window.
	sched.Store(&schedule{base: t0})
	recording.Store(true)
	ok := sleep(o.Duration)
	recording.Store(false)
	t1 := o.Now()
	if o.Window != nil {
		o.Window(false)
	}
	res = Result{Requests: requests.Load(), Errors: failures.Load(), Elapsed: t1.Sub(t0), Latency: hist}
	if p := firstErr.Load(); p != nil {
		res.FirstError = *p
	}
	cancel()
	wg.Wait()
	if !ok {
		return res, ctx.Err()
	}
	return res, nil
}

// schedule is the timetable of a paced run: call k is due at base+k/rate.
type schedule struct {
	base time.Time
	next atomic.Int64
}

// call sends one request and checks the answer.
func call(ctx context.Context, c *client, o Options) error {
	body, id, err := o.Source.Next()
	if err != nil {
		return fmt.Errorf("request body: %w", err)
	}
	status, h, got, err := c.do(ctx, body)
	if err != nil {
		return err
	}
	if o.Check != nil {
		return o.Check(status, h, got, id)
	}
	if status != http.StatusOK {
		return errStatus(status)
	}
	return nil
}
