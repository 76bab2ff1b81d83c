package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"konektor/internal/app"
	"konektor/internal/config"
)

func serveCmd() *cobra.Command {
	return runCmd("serve",
		"Spustí konektor (bez konfigurace na vestavěných výchozích hodnotách) / run konektor (embedded defaults without a config)",
		app.Run)
}

// runCmd is a long-running command: it loads the configuration, builds the
// logger and runs until SIGTERM or Ctrl-C.
func runCmd(use, short string, run func(context.Context, config.Config, app.Options) error) *cobra.Command {
	var file string
	cmd := &cobra.Command{
		Use:   use,
		Short: short,
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := loadConfig(file)
			if err != nil {
				return err
			}
			log, err := app.NewLogger(cfg.Log, os.Stderr)
			if err != nil {
				return err
			}
			defer log.Sync()
			ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
			defer stop()
			return run(ctx, cfg, app.Options{Now: time.Now, Logger: log, Out: cmd.OutOrStdout()})
		},
	}
	cmd.Flags().StringVar(&file, "config", os.Getenv("KONEKTOR_CONFIG"), "konfigurační soubor YAML / YAML configuration file")
	return cmd
}

// loadConfig reads the file (if any) and the environment.
func loadConfig(file string) (config.Config, error) {
	return config.Load(file, os.Environ())
}
