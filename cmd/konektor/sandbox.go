package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"konektor/internal/app"
)

func sandboxCmd() *cobra.Command {
	var file string
	cmd := &cobra.Command{
		Use:   "sandbox",
		Short: "Spustí samotné sandboxy ISZR na vlastních portech / run the sandboxes alone on their own ports",
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
			return app.RunSandboxes(ctx, cfg, app.Options{Now: time.Now, Logger: log, Out: cmd.OutOrStdout()})
		},
	}
	cmd.Flags().StringVar(&file, "config", os.Getenv("KONEKTOR_CONFIG"), "konfigurační soubor YAML / YAML configuration file")
	return cmd
}
