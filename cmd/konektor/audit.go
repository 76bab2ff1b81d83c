package main

import (
	"encoding/json"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"
	"go.uber.org/zap"

	"konektor/gateway/audit"
	"konektor/internal/app"
)

func auditCmd() *cobra.Command {
	root := &cobra.Command{Use: "audit", Short: "Protokol přístupů / the access log"}
	var file, lang string
	var asJSON bool
	verify := &cobra.Command{
		Use:   "verify",
		Short: "Ověří celý řetězec protokolu přístupů / verify the whole access-log chain",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := loadConfig(file)
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			st, err := app.OpenStore(ctx, cfg, zap.NewNop())
			if err != nil {
				return err
			}
			defer st.Close()
			rep, err := audit.Verify(ctx, st)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			switch {
			case asJSON:
				enc := json.NewEncoder(out)
				enc.SetIndent("", "  ")
				_ = enc.Encode(rep)
			case lang == "en":
				fmt.Fprintln(out, rep.SummaryEN())
			default:
				fmt.Fprintln(out, rep.SummaryCS())
			}
			if !rep.OK {
				return exitError{code: 1}
			}
			return nil
		},
	}
	verify.Flags().StringVar(&file, "config", os.Getenv("KONEKTOR_CONFIG"), "konfigurační soubor / configuration file")
	verify.Flags().StringVar(&lang, "lang", "cs", "jazyk výstupu cs|en / output language")
	verify.Flags().BoolVar(&asJSON, "json", false, "výstup v JSON / JSON output")

	var from, to, format string
	export := &cobra.Command{
		Use:   "export",
		Short: "Vypíše záznamy za období jako JSONL nebo CSV / export entries of a period as JSONL or CSV",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			f, err := parseTimeFlag("--from", from)
			if err != nil {
				return err
			}
			t, err := parseTimeFlag("--to", to)
			if err != nil {
				return err
			}
			cfg, err := loadConfig(file)
			if err != nil {
				return err
			}
			st, err := app.OpenStore(cmd.Context(), cfg, zap.NewNop())
			if err != nil {
				return err
			}
			defer st.Close()
			return audit.Export(cmd.Context(), st, f, t, format, cmd.OutOrStdout())
		},
	}
	export.Flags().StringVar(&file, "config", os.Getenv("KONEKTOR_CONFIG"), "konfigurační soubor / configuration file")
	export.Flags().StringVar(&from, "from", "", "od (RFC 3339 nebo YYYY-MM-DD) / from")
	export.Flags().StringVar(&to, "to", "", "do, bez této chvíle (RFC 3339 nebo YYYY-MM-DD) / to, exclusive")
	export.Flags().StringVar(&format, "format", "jsonl", "jsonl nebo csv / jsonl or csv")
	root.AddCommand(verify, export)
	return root
}

func parseTimeFlag(name, v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	for _, layout := range []string{time.RFC3339Nano, time.DateOnly} {
		if t, err := time.Parse(layout, v); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%s: %q není čas RFC 3339 ani datum YYYY-MM-DD / is not an RFC 3339 time or a YYYY-MM-DD date", name, v)
}
