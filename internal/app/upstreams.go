package app

import (
	"context"
	"fmt"
	"time"

	"go.uber.org/zap"

	"konektor/adapters/iszr"
	"konektor/adapters/relay"
	"konektor/gateway/breaker"
	"konektor/gateway/cache"
	"konektor/gateway/cache/memory"
	"konektor/gateway/cache/redis"
	"konektor/gateway/catalogue"
	"konektor/gateway/pipeline"
	"konektor/internal/config"
)

// buildISZR builds the ISZR adapter: one relay node and one breaker per
// configured node, in a pool that fails over and retries safe reads.
func buildISZR(c config.Config, nodes []config.Node, now func() time.Time, sleep func(context.Context, time.Duration) error, bm *breaker.Metrics, log *zap.Logger) (*iszr.Upstream, []*relay.Node, error) {
	u := c.Upstreams.ISZR
	tlsConf, err := upstreamTLS(u)
	if err != nil {
		return nil, nil, err
	}
	var rn []*relay.Node
	var bn []breaker.Node
	for _, n := range nodes {
		node := relay.NewNode(relay.Options{Name: n.Name, Base: n.URL, TLS: tlsConf, Timeout: u.Timeout.D()})
		rn = append(rn, node)
		b, err := breaker.New(breaker.Settings{
			Name:                "iszr/" + n.Name,
			FailuresToOpen:      uint32(u.Breaker.FailuresToOpen),
			OpenTimeout:         u.Breaker.OpenTimeout.D(),
			HalfOpenMaxRequests: uint32(u.Breaker.HalfOpenRequests),
			Now:                 now,
			IsFailure:           iszr.IsNodeFailure,
			OnStateChange: func(name string, from, to breaker.State) {
				bm.OnStateChange(name, from, to)
				log.Warn("upstream breaker changed state", zap.String("node", name), zap.Stringer("from", from), zap.Stringer("to", to))
			},
		})
		if err != nil {
			return nil, nil, err
		}
		bm.AddNode("iszr/" + n.Name)
		bn = append(bn, breaker.Node{Name: n.Name, Addr: n.URL, Breaker: b})
	}
	pool, err := breaker.NewPool(bn, breaker.PoolOptions{
		Retry:   breaker.Retry{Attempts: u.Retry.Attempts, BaseDelay: u.Retry.BaseDelay.D(), MaxDelay: u.Retry.MaxDelay.D()},
		Now:     now,
		Sleep:   sleep,
		Observe: func(node string, d time.Duration, err error) { bm.ObserveCall("iszr/"+node, d, err) },
	})
	if err != nil {
		return nil, nil, err
	}
	up, err := iszr.New(iszr.Options{Now: now, Nodes: rn, Pool: pool})
	return up, rn, err
}

// buildCache returns the answer cache: Redis when redis_url is set, else
// in memory; nil when caching is off.
// The ping function is nil for the in-memory cache; close releases the
// Redis connections.
func buildCache(c config.Config, now func() time.Time) (cc cache.Cache, ping func(context.Context) error, close func(), err error) {
	if !c.Cache.Enabled {
		return nil, nil, func() {}, nil
	}
	if c.RedisURL != "" {
		rc, err := redis.New(c.RedisURL, redis.Options{Prefix: c.Cache.RedisPrefix, MaxEntryBytes: c.Cache.MaxEntryBytes, Now: now})
		if err != nil {
			return nil, nil, nil, fmt.Errorf("redis cache: %w", err)
		}
		return rc, rc.Ping, func() { _ = rc.Close() }, nil
	}
	mc, err := memory.New(memory.Options{MaxBytes: int64(c.Cache.MaxBytes), MaxEntryBytes: c.Cache.MaxEntryBytes, Now: now})
	if err != nil {
		return nil, nil, nil, err
	}
	return mc, nil, func() {}, nil
}

func cacheRules(c config.Config) []pipeline.CacheRule {
	var out []pipeline.CacheRule
	for _, o := range c.Cache.Overrides {
		up := o.Upstream
		if up == "" {
			up = "iszr"
		}
		out = append(out, pipeline.CacheRule{Upstream: up, Code: o.Service, OVM: o.OVM,
			Class: catalogue.CacheClass(o.Class), TTL: o.TTL.D(), Stale: o.Stale.D()})
	}
	return out
}
