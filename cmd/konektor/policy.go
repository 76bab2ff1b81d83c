package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"konektor/internal/app"
	"konektor/policies"
)

func policyCmd() *cobra.Command {
	root := &cobra.Command{Use: "policy", Short: "Politika RPP / the RPP policy"}
	var file, lang, items string
	var r policies.Request
	check := &cobra.Command{
		Use:   "check",
		Short: "Rozhodne o volání a vysvětlí proč (exit 0 povoleno, 1 zamítnuto) / decide a call and explain why",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := loadConfig(file)
			if err != nil {
				return err
			}
			snap, err := app.LoadPolicy(cfg)
			if err != nil {
				return err
			}
			if cmd.Flags().Changed("items") {
				r.Items = strings.Fields(items)
			}
			if !policies.Check(cmd.OutOrStdout(), snap, r, lang) {
				return exitError{code: 1}
			}
			return nil
		},
	}
	f := check.Flags()
	f.StringVar(&file, "config", os.Getenv("KONEKTOR_CONFIG"), "konfigurační soubor / configuration file")
	f.StringVar(&r.AIS, "ais", "", "kód AIS / AIS code")
	f.StringVar(&r.OVM, "ovm", "", "identifikátor OVM / OVM id")
	f.StringVar(&r.Agenda, "agenda", "", "kód agendy (A…) / agenda code")
	f.StringVar(&r.Role, "role", "", "činnostní role (CR…) / activity role")
	f.StringVar(&r.Service, "service", "", "kód služby eGON (E…) / eGON service code")
	f.StringVar(&items, "items", "", "požadované údaje (SeznamUdaju), oddělené mezerou / requested data items")
	f.IntVar(&r.MaxRecords, "max-records", 0, "MaximalniPocetZaznamu")
	f.StringVar(&lang, "lang", "cs", "jazyk výstupu cs|en / output language")
	for _, req := range []string{"ais", "ovm", "agenda", "role", "service"} {
		_ = check.MarkFlagRequired(req)
	}

	var out string
	imp := &cobra.Command{
		Use:   "import-rpp DIR",
		Short: "Sestaví model politiky z otevřených dat RPP (JSON) / build the policy model from RPP open data",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			w := cmd.ErrOrStderr()
			m, err := policies.ImportRPP(cmd.Context(), args[0], func(p policies.ImportProgress) {
				pct := ""
				if p.Size > 0 {
					pct = fmt.Sprintf(" %3.0f %%", 100*float64(p.Bytes)/float64(p.Size))
				}
				state := "čtu / reading"
				if p.Done {
					state = "hotovo / done"
				}
				fmt.Fprintf(w, "%s%s: %d záznamů / records, %d přeskočeno / skipped (%s)\n", p.File, pct, p.Records, p.Skipped, state)
				if p.Done && p.Problem != "" {
					fmt.Fprintf(w, "  první přeskočený / first skipped: %s\n", p.Problem)
				}
			})
			if err != nil {
				return err
			}
			if err := os.MkdirAll(filepath.Dir(out), 0o750); err != nil {
				return err
			}
			tmp := out + ".tmp"
			fh, err := os.Create(tmp)
			if err != nil {
				return err
			}
			if err := m.Save(fh); err != nil {
				fh.Close()
				os.Remove(tmp)
				return err
			}
			if err := fh.Sync(); err != nil {
				fh.Close()
				return err
			}
			if err := fh.Close(); err != nil {
				return err
			}
			if err := os.Rename(tmp, out); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "model politiky zapsán do %s; nastavte policy.model / policy model written to %s; set policy.model\n", out, out)
			return nil
		},
	}
	imp.Flags().StringVar(&out, "out", filepath.Join("konektor-data", "policy-model.bin"), "výstupní soubor modelu / model output file")
	root.AddCommand(check, imp)
	return root
}
