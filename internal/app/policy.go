package app

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"go.uber.org/zap"

	"konektor/gateway/metrics"
	"konektor/internal/config"
	"konektor/policies"
)

// PolicySources returns the configured policy sources; ok is false when
// none are configured and the demo policy applies.
func PolicySources(c config.Config) (src policies.Sources, ok bool) {
	src = policies.Sources{ModelFile: c.Policy.Model, YAML: c.Policy.Files}
	return src, src.ModelFile != "" || len(src.YAML) > 0
}

// LoadPolicy returns the configured policy, or the embedded demo policy.
func LoadPolicy(c config.Config) (*policies.Snapshot, error) {
	src, ok := PolicySources(c)
	if !ok {
		return policies.Demo(), nil
	}
	return src.Load()
}

// startPolicy loads the policy into a Holder and keeps it current: on
// SIGHUP and, when policy.watch is set, when a source file changes.
func startPolicy(ctx context.Context, c config.Config, m *metrics.Metrics, log *zap.Logger) (*policies.Holder, error) {
	snap, err := LoadPolicy(c)
	if err != nil {
		return nil, err
	}
	h, err := policies.NewHolder(snap, policies.HolderOptions{Logger: log, OnReload: m.PolicyReloaded})
	if err != nil {
		return nil, err
	}
	src, ok := PolicySources(c)
	if !ok {
		return h, nil
	}
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	go func() {
		defer signal.Stop(hup)
		for {
			select {
			case <-ctx.Done():
				return
			case <-hup:
				_ = h.Reload(src.Load) // logged and counted by the holder
			}
		}
	}()
	if c.Policy.Watch.D() > 0 {
		go func() { _ = h.Watch(ctx, src.Paths(), c.Policy.Watch.D(), src.Load) }()
	}
	return h, nil
}
