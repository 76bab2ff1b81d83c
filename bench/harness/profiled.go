package harness

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"time"

	"konektor/internal/app"
	"konektor/internal/config"
)

// ServeProfiled runs konektor as `konektor serve --config file` does
// (app.Run, the configured logger on w) and serves net/http/pprof on
// pprofAddr until ctx ends, on the clock now. konektor's ops listener has
// no pprof; this is how the harness profiles konektor under load.
func ServeProfiled(ctx context.Context, file, pprofAddr string, now func() time.Time, w io.Writer) error {
	if file == "" || pprofAddr == "" {
		return errors.New("konektor-pprof: -config and -pprof are required")
	}
	cfg, err := config.Load(file, os.Environ())
	if err != nil {
		return err
	}
	log, err := app.NewLogger(cfg.Log, w)
	if err != nil {
		return err
	}
	defer log.Sync()
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	ln, err := net.Listen("tcp", pprofAddr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()
	return app.Run(ctx, cfg, app.Options{Now: now, Logger: log})
}
