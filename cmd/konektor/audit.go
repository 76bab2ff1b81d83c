package main

import (
	"crypto/x509"
	"encoding/json"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"
	"go.uber.org/zap"

	"konektor/certs"
	"konektor/gateway/audit"
	"konektor/internal/app"
	"konektor/internal/config"
)

func auditCmd() *cobra.Command {
	root := &cobra.Command{Use: "audit", Short: "Protokol přístupů / the access log"}
	var file, lang, bundle string
	var asJSON bool
	verify := &cobra.Command{
		Use:   "verify",
		Short: "Ověří celý řetězec protokolu přístupů / verify the whole access-log chain",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var rep audit.Report
			if bundle != "" {
				// Offline: everything comes from the bundle (its own seal
				// certificate and TSA roots, whose fingerprints are printed).
				f, err := os.Open(bundle)
				if err != nil {
					return err
				}
				defer f.Close()
				r, info, err := audit.VerifyBundle(f, audit.BundleVerifyOptions{})
				if err != nil {
					return err
				}
				rep = r
				fmt.Fprintf(cmd.ErrOrStderr(), "pečeť / seal SHA-256: %s; kořeny TSA / TSA roots SHA-256: %s (z balíku / from the bundle: porovnejte se zveřejněnými / compare with the published ones)\n",
					info.SealCertSHA256, info.TSARootSHA256)
			} else {
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
				trust, _, err := app.AuditTrust(cfg)
				if err != nil {
					return err
				}
				if rep, err = audit.VerifyLog(ctx, st, trust); err != nil {
					return err
				}
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
	verify.Flags().StringVar(&bundle, "bundle", "", "ověřit balík z audit export --bundle, bez úložiště / verify an exported bundle offline")

	var from, to, format, bundleOut string
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
			if bundleOut == "" {
				return audit.Export(cmd.Context(), st, f, t, format, cmd.OutOrStdout())
			}
			trust, _, err := app.AuditTrust(cfg)
			if err != nil {
				return err
			}
			roots, err := tsaRootCerts(cfg)
			if err != nil {
				return err
			}
			out, err := os.Create(bundleOut)
			if err != nil {
				return err
			}
			if err := audit.WriteBundle(cmd.Context(), st, audit.BundleOptions{From: f, To: t, SealCerts: trust.SealCerts, TSARoots: roots}, out); err != nil {
				out.Close()
				return err
			}
			return out.Close()
		},
	}
	export.Flags().StringVar(&file, "config", os.Getenv("KONEKTOR_CONFIG"), "konfigurační soubor / configuration file")
	export.Flags().StringVar(&from, "from", "", "od (RFC 3339 nebo YYYY-MM-DD) / from")
	export.Flags().StringVar(&to, "to", "", "do, bez této chvíle (RFC 3339 nebo YYYY-MM-DD) / to, exclusive")
	export.Flags().StringVar(&format, "format", "jsonl", "jsonl nebo csv / jsonl or csv")
	export.Flags().StringVar(&bundleOut, "bundle", "", "zapsat ověřitelný balík (záznamy, kontrolní body, časová razítka, certifikát pečeti) / write a verifiable bundle")
	root.AddCommand(verify, export, hashPasswordCmd(), pruneCmd())
	return root
}

// tsaRootCerts are the certificates of the TSA roots the bundle carries.
func tsaRootCerts(cfg config.Config) ([]*x509.Certificate, error) {
	files := cfg.Audit.TSARoots
	if cfg.Audit.TSAURL == "" {
		files = []string{certs.DevPKIPaths(cfg.PKIDir()).CA}
	}
	return certs.LoadPoolCertificates(files...)
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
