package pipeline

import (
	"context"
	"errors"
	"slices"
	"sync/atomic"
	"time"

	"go.uber.org/zap"

	"konektor/gateway/cache"
	"konektor/gateway/catalogue"
)

// CacheHeader tells the caller how its answer was served.
const CacheHeader = "X-Konektor-Cache"

// Cacheable is implemented by upstream adapters whose answers may be
// cached.
type Cacheable interface {
	// CanonicalRequest returns what identifies the question: the request
	// without the fields that differ between two calls asking the same
	// (request time, request ids).
	CanonicalRequest(ex *Exchange) ([]byte, error)
	// Storable reports whether an answer may be stored.
	Storable(r *Reply) bool
	// Refresh rewrites what a stored answer echoes of the call that first
	// got it (request id, answer time) for this call.
	Refresh(ex *Exchange, body []byte) []byte
	// Unavailable reports whether an answer says the service cannot serve
	// now (for ISZR: CHYBA / NENI K DISPOZICI), so a stale answer may serve.
	Unavailable(r *Reply) bool
}

// CacheRule overrides the catalogue's cache class for one service,
// optionally for one OVM only.
type CacheRule struct {
	Upstream string
	Code     string
	OVM      string // empty: every OVM
	Class    catalogue.CacheClass
	TTL      time.Duration
	Stale    time.Duration
}

// CacheMetrics counts cache outcomes.
type CacheMetrics interface {
	Observe(o cache.Outcome)
	ObserveError(op string)
}

// Cache serves what may be cached (it sits outside Outage, so an outage
// answer can be replaced by a stale entry): only reads whose catalogue entry (or an
// override for the agency) allows it. The key covers the service, the
// question without its volatile fields, and the caller's authorisation
// scope (OVM, agenda, role, permitted items), so two agencies with
// different permissions never share an entry. Concurrent identical misses
// make one upstream call. While the upstream fails, an entry within its
// stale window is served and marked stale.
func Cache(d Deps) Middleware {
	if d.Cache == nil {
		return identity
	}
	c, m, log := d.Cache, d.CacheMetrics, d.Logger
	rules := d.CacheRules
	var group cache.Group[*Reply]
	var sorted sortedItems
	return func(next Handler) Handler {
		return func(ctx context.Context, ex *Exchange) (*Reply, error) {
			up, ok := d.Upstreams[ex.Upstream].(Cacheable)
			ttl, cacheable := policyFor(ex, rules)
			if !ok || !cacheable || ex.Async {
				return mark(next(ctx, ex))(cache.OutcomeBypass, m)
			}
			canon, err := up.CanonicalRequest(ex)
			if err != nil {
				return mark(next(ctx, ex))(cache.OutcomeBypass, m)
			}
			key := cacheKey(ex, canon, &sorted)
			e, fresh, err := c.Get(ctx, key)
			switch {
			case err == nil && fresh == cache.Fresh:
				return replay(up, ex, e, cache.OutcomeHit, m), nil
			case err != nil && !errors.Is(err, cache.ErrMiss):
				if m != nil {
					m.ObserveError("get")
				}
				log.Warn("cache read failed", zap.String("correlation_id", ex.ID), zap.Error(err))
			}
			haveStale := err == nil && fresh == cache.Stale
			mine := false // set when this caller's own call ran (it led the flight)
			r, _, callErr := group.Do(ctx, key, func(ctx context.Context) (*Reply, error) {
				mine = true
				r, err := next(ctx, ex)
				if err == nil && up.Storable(r) {
					stored := cache.Entry{Body: r.Body, Header: map[string]string{"Content-Type": r.ContentType, "X-Upstream-Status": r.UpstreamStatus}}
					if serr := c.Set(context.WithoutCancel(ctx), key, stored, ttl); serr != nil && m != nil {
						m.ObserveError("set")
					}
				}
				return r, err
			})
			if callErr != nil {
				if haveStale && upstreamDown(callErr) {
					return replay(up, ex, e, cache.OutcomeStale, m), nil
				}
				return nil, callErr
			}
			if haveStale && (r.Status >= 500 || r.Outcome == OutcomeUnavailable || up.Unavailable(r)) {
				return replay(up, ex, e, cache.OutcomeStale, m), nil
			}
			out := *r // shared by the single-flight group: copy before marking
			if !mine && up.Storable(&out) {
				// Another caller's answer: echo this caller's own fields.
				out.Body = up.Refresh(ex, out.Body)
			}
			out.Header = withHeader(r.Header, cache.OutcomeMiss)
			if m != nil {
				m.Observe(cache.OutcomeMiss)
			}
			return &out, nil
		}
	}
}

// policyFor decides whether the exchange may be cached and for how long.
func policyFor(ex *Exchange, rules []CacheRule) (cache.TTL, bool) {
	e := ex.Entry
	class, ttl, stale := e.Cache, e.TTL, e.Stale
	for _, r := range rules {
		if r.Upstream == e.Upstream && r.Code == e.Code && (r.OVM == "" || r.OVM == ex.Call.OVM) {
			class = r.Class
			if r.TTL > 0 {
				ttl, stale = r.TTL, r.Stale
			}
			if r.OVM != "" {
				break // an agency's own rule wins over a general one
			}
		}
	}
	if class != catalogue.CacheTTL || e.SideEffect != catalogue.Read || ttl <= 0 {
		return cache.TTL{}, false
	}
	return cache.TTL{Fresh: ttl, Stale: stale}, true
}

// cacheKey is cache.Key of the service, the canonical request, the scope
// and the permitted items sorted and joined by spaces, hashed without
// building the joined list.
func cacheKey(ex *Exchange, canonical []byte, sorted *sortedItems) string {
	items := sorted.of(ex.Decision.Items)
	k := cache.NewKeyHasher()
	k.PartString(ex.Entry.Upstream)
	k.PartString(ex.Entry.Code)
	k.PartString(ex.Entry.Operation)
	k.Part(canonical)
	k.PartString(ex.Call.OVM)
	k.PartString(ex.Call.Agenda)
	k.PartString(ex.Call.Role)
	k.PartJoined(items, " ")
	return k.Sum()
}

func replay(up Cacheable, ex *Exchange, e cache.Entry, o cache.Outcome, m CacheMetrics) *Reply {
	if m != nil {
		m.Observe(o)
	}
	return &Reply{
		Status:         200,
		ContentType:    e.Header["Content-Type"],
		Body:           up.Refresh(ex, e.Body),
		Header:         withHeader(nil, o),
		Outcome:        OutcomeOK,
		UpstreamStatus: e.Header["X-Upstream-Status"],
		Reason:         "cache " + string(o),
	}
}

func mark(r *Reply, err error) func(cache.Outcome, CacheMetrics) (*Reply, error) {
	return func(o cache.Outcome, m CacheMetrics) (*Reply, error) {
		if m != nil {
			m.Observe(o)
		}
		if err != nil {
			return nil, err
		}
		out := *r
		out.Header = withHeader(r.Header, o)
		return &out, nil
	}
}

// outcomeHeaders are the headers of a reply that has none of its own
// (every cache hit), one per outcome, shared: a Reply's Header is only
// read after the stage that made it.
var outcomeHeaders = func() map[cache.Outcome]map[string][]string {
	m := map[cache.Outcome]map[string][]string{}
	for _, o := range []cache.Outcome{cache.OutcomeHit, cache.OutcomeMiss, cache.OutcomeStale, cache.OutcomeBypass} {
		m[o] = map[string][]string{CacheHeader: {string(o)}}
	}
	return m
}()

func withHeader(h map[string][]string, o cache.Outcome) map[string][]string {
	if len(h) == 0 {
		if shared, ok := outcomeHeaders[o]; ok {
			return shared
		}
	}
	out := make(map[string][]string, len(h)+1)
	for k, v := range h {
		out[k] = v
	}
	out[CacheHeader] = []string{string(o)}
	return out
}

// sortedItems remembers the sorted copy of the last unsorted item list it
// was asked about. A decision that releases every item the role may read
// carries the policy snapshot's shared, read-only list (in catalogue
// order), the same slice call after call: it is sorted once, not on every
// hit. The list is recognised by its first element's address and length;
// holding that address keeps the list alive, so it cannot be reused for
// another.
type sortedItems struct {
	last atomic.Pointer[sortedList]
}

type sortedList struct {
	first  *string
	n      int
	sorted []string
}

// of returns items sorted, without modifying items.
func (s *sortedItems) of(items []string) []string {
	if len(items) < 2 || slices.IsSorted(items) {
		return items
	}
	if l := s.last.Load(); l != nil && l.first == &items[0] && l.n == len(items) {
		return l.sorted
	}
	out := slices.Clone(items)
	slices.Sort(out)
	s.last.Store(&sortedList{first: &items[0], n: len(items), sorted: out})
	return out
}
