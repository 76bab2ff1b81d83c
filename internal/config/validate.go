package config

import (
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"
)

// Validate returns every problem in the configuration; none means valid.
// It is pure and fast: files are checked when they are loaded.
func (c *Config) Validate() []string {
	var p []string
	add := func(format string, a ...any) { p = append(p, fmt.Sprintf(format, a...)) }
	if c.DataDir == "" {
		add("data_dir: must not be empty")
	}
	addr := func(key, v string) {
		if _, port, err := net.SplitHostPort(v); err != nil || port == "" {
			add("%s: %q is not host:port", key, v)
		}
	}
	addr("bus.addr", c.Bus.Addr)
	addr("ops.addr", c.Ops.Addr)
	if c.UsesSandbox() {
		addr("sandbox.iszr_addr", c.Sandbox.ISZRAddr)
	}
	p = append(p, c.Sandbox.Faults.validate()...)
	p = append(p, c.validateCUZK()...)
	p = append(p, c.validateISDS()...)
	if c.Bus.Addr != "" && c.Bus.Addr == c.Ops.Addr && !strings.HasSuffix(c.Bus.Addr, ":0") {
		add("ops.addr: must differ from bus.addr (%s)", c.Bus.Addr)
	}
	if c.Bus.DrainTimeout.D() <= 0 {
		add("bus.drain_timeout: must be positive")
	}
	if c.Bus.MaxConcurrent < 0 {
		add("bus.max_concurrent: must be 0 (no bound) or more")
	}
	switch c.Log.Level {
	case "debug", "info", "warn", "error":
	default:
		add("log.level: %q is not one of debug, info, warn, error", c.Log.Level)
	}
	switch c.Log.Format {
	case "json", "console":
	default:
		add("log.format: %q is not json or console", c.Log.Format)
	}
	if c.Log.Flush < 0 || c.Log.Flush.D() > 10*time.Second {
		add("log.flush: must be between 0 and 10s")
	}
	if c.Runtime.GCPercent < 25 || c.Runtime.GCPercent > 1000 {
		add("runtime.gc_percent: must be between 25 and 1000")
	}
	if c.DatabaseURL != "" {
		if u, err := url.Parse(c.DatabaseURL); err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
			add("database_url: must be a postgres:// URL")
		}
	}
	if c.RedisURL != "" {
		if u, err := url.Parse(c.RedisURL); err != nil || (u.Scheme != "redis" && u.Scheme != "rediss") {
			add("redis_url: must be a redis:// or rediss:// URL")
		}
	}
	for i, n := range c.Upstreams.ISZR.Nodes {
		u, err := url.Parse(n.URL)
		if err != nil || u.Scheme != "https" || u.Host == "" {
			add("upstreams.iszr.nodes[%d].url: %q must be an https:// URL (ISZR is reached over mTLS)", i, n.URL)
		}
		if n.Name == "" {
			add("upstreams.iszr.nodes[%d].name: must not be empty", i)
		}
	}
	if c.Upstreams.ISZR.Timeout.D() <= 0 {
		add("upstreams.iszr.timeout: must be positive")
	}
	b, r := c.Upstreams.ISZR.Breaker, c.Upstreams.ISZR.Retry
	if b.FailuresToOpen < 1 {
		add("upstreams.iszr.breaker.failures_to_open: must be at least 1")
	}
	if b.OpenTimeout.D() <= 0 {
		add("upstreams.iszr.breaker.open_timeout: must be positive")
	}
	if b.HalfOpenRequests < 1 {
		add("upstreams.iszr.breaker.half_open_requests: must be at least 1")
	}
	if r.Attempts < 1 || r.Attempts > 10 {
		add("upstreams.iszr.retry.attempts: must be 1–10 (1 = no retry)")
	}
	if r.BaseDelay.D() <= 0 || r.MaxDelay.D() < r.BaseDelay.D() {
		add("upstreams.iszr.retry: base_delay must be positive and max_delay at least base_delay")
	}
	if c.Cache.Enabled {
		if c.Cache.MaxBytes < 1<<20 {
			add("cache.max_bytes: %d is below 1 MiB", c.Cache.MaxBytes)
		}
		if c.Cache.MaxEntryBytes < 1024 || c.Cache.MaxEntryBytes > c.Cache.MaxBytes {
			add("cache.max_entry_bytes: must be between 1 KiB and cache.max_bytes")
		}
	}
	for i, o := range c.Cache.Overrides {
		if o.Service == "" {
			add("cache.overrides[%d].service: must name a service code", i)
		}
		switch o.Class {
		case "never":
		case "ttl":
			if o.TTL.D() <= 0 || o.Stale.D() < 0 {
				add("cache.overrides[%d]: class ttl needs a positive ttl and a non-negative stale", i)
			}
		default:
			add("cache.overrides[%d].class: %q is not never or ttl", i, o.Class)
		}
	}
	if c.Policy.Watch.D() < 0 {
		add("policy.watch: must not be negative")
	}
	if c.Audit.MaxBatch < 1 {
		add("audit.max_batch: must be at least 1")
	}
	if c.Audit.MaxDelay.D() < 0 {
		add("audit.max_delay: must not be negative")
	}
	if c.Audit.CheckpointEvery < 1 || c.Audit.CheckpointInterval.D() <= 0 {
		add("audit: checkpoint_every must be at least 1 and checkpoint_interval positive")
	}
	if c.Audit.Retention.D() < 0 || c.Audit.RetentionCheck.D() <= 0 || c.Audit.VerifyEvery.D() <= 0 || c.Audit.VerifyFullEvery.D() <= 0 {
		add("audit: retention must not be negative; retention_check, verify_every and verify_full_every must be positive")
	}
	if c.Audit.TSAURL != "" {
		if u, err := url.Parse(c.Audit.TSAURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			add("audit.tsa_url: must be an http(s) URL")
		}
		if len(c.Audit.TSARoots) == 0 {
			add("audit.tsa_roots: a real TSA needs its trust roots")
		}
	}
	for name, h := range c.Audit.Users {
		if !strings.HasPrefix(h, "$2") {
			add("audit.users.%s: must be a bcrypt hash (konektor audit hash-password)", name)
		}
	}
	l := c.Limits
	if l.MaxBodyBytes < 1024 {
		add("limits.max_body_bytes: %d is below 1024", l.MaxBodyBytes)
	}
	if l.MaxDepth < 8 {
		add("limits.max_depth: %d is below 8", l.MaxDepth)
	}
	if l.MaxElements < 16 {
		add("limits.max_elements: %d is below 16", l.MaxElements)
	}
	if l.MaxAttrs < 4 {
		add("limits.max_attrs: %d is below 4", l.MaxAttrs)
	}
	if len(c.Clients) == 0 {
		add("clients: at least one client is needed")
	}
	seen := map[string]bool{}
	for i, cl := range c.Clients {
		if cl.Name == "" {
			add("clients[%d].name: must not be empty (it is the certificate CN)", i)
		}
		if seen[cl.Name] {
			add("clients[%d].name: %q is listed twice", i, cl.Name)
		}
		seen[cl.Name] = true
		if cl.AIS == "" && len(cl.Roles) == 0 {
			add("clients[%d]: needs ais or roles", i)
		}
		if cl.AIS != "" && len(cl.ActsFor) == 0 {
			add("clients[%d].acts_for: an AIS must act for at least one OVM", i)
		}
		if cl.RequireSignedRequests && len(cl.SigningTrust) == 0 {
			add("clients[%d].signing_trust: require_signed_requests needs the certificates or CAs the client signs with", i)
		}
		for _, r := range cl.Roles {
			if r != "auditor" {
				add("clients[%d].roles: unknown role %q (known: auditor)", i, r)
			}
		}
	}
	if c.Seal.TTL.D() <= 0 {
		add("seal.ttl: must be positive")
	}
	switch c.Seal.RSAEngine {
	case "", "auto", "go", "openssl":
	default:
		add("seal.rsa_engine: unknown engine %q (auto, go or openssl)", c.Seal.RSAEngine)
	}
	if c.Signatures.Skew.D() < 0 || c.Signatures.MaxTimestampTTL.D() <= 0 {
		add("signatures: skew must not be negative and max_timestamp_ttl must be positive")
	}
	if strings.TrimSpace(c.Bus.PublicBaseURL) != "" {
		if u, err := url.Parse(c.Bus.PublicBaseURL); err != nil || u.Scheme != "https" {
			add("bus.public_base_url: must be an https:// URL")
		}
	}
	return p
}
