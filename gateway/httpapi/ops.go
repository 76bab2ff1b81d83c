package httpapi

import (
	"context"
	"net/http"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
)

// Check is one readiness check. Warn marks a check whose failure is
// reported but does not make konektor unready (e.g. a certificate that
// expires soon).
type Check struct {
	Name string
	Warn bool
	Run  func(ctx context.Context) error
}

// OpsOptions configure the ops listener.
type OpsOptions struct {
	Checks   []Check
	Metrics  http.Handler
	Timeout  time.Duration // per readiness evaluation; default 2 s
	SetReady func(bool)    // mirrors readiness into a metric
	// Draining reports whether the process is shutting down: /readyz then
	// answers 503 so a load balancer stops sending traffic.
	Draining func() bool
}

// NewOps returns the handler of the ops listener: /healthz (the process
// answers), /readyz (store, upstreams, certificates), /metrics.
func NewOps(o OpsOptions) http.Handler {
	if o.Timeout == 0 {
		o.Timeout = 2 * time.Second
	}
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.GET("/healthz", func(c echo.Context) error {
		return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
	})
	e.GET("/readyz", func(c echo.Context) error {
		ctx, cancel := context.WithTimeout(c.Request().Context(), o.Timeout)
		defer cancel()
		res := runChecks(ctx, o.Checks)
		ready := true
		for _, r := range res {
			if r.Status == "fail" {
				ready = false
			}
		}
		if o.Draining != nil && o.Draining() {
			ready = false
			res = append(res, checkResult{Name: "draining", Status: "fail", Error: "konektor se ukončuje / shutting down"})
		}
		if o.SetReady != nil {
			o.SetReady(ready)
		}
		status, word := http.StatusOK, "ready"
		if !ready {
			status, word = http.StatusServiceUnavailable, "unready"
		}
		return c.JSON(status, map[string]any{"status": word, "checks": res})
	})
	if o.Metrics != nil {
		e.GET("/metrics", echo.WrapHandler(o.Metrics))
	}
	return e
}

type checkResult struct {
	Name   string `json:"name"`
	Status string `json:"status"` // ok, warn, fail
	Error  string `json:"error,omitempty"`
}

func runChecks(ctx context.Context, checks []Check) []checkResult {
	out := make([]checkResult, len(checks))
	var wg sync.WaitGroup
	for i, ch := range checks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out[i] = checkResult{Name: ch.Name, Status: "ok"}
			if err := ch.Run(ctx); err != nil {
				out[i].Status, out[i].Error = "fail", err.Error()
				if ch.Warn {
					out[i].Status = "warn"
				}
			}
		}()
	}
	wg.Wait()
	return out
}
