package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"time"

	"github.com/spf13/cobra"

	"konektor/gateway/httpapi"
)

// cuzkCmd holds the cadastre's operator commands; they talk to the ops
// listener of a running konektor.
func cuzkCmd() *cobra.Command {
	var file, ops string
	cmd := &cobra.Command{
		Use:   "cuzk",
		Short: "Účty katastru (ČÚZK WSDP) běžícího konektoru / cadastre accounts of a running konektor",
	}
	cmd.PersistentFlags().StringVar(&file, "config", os.Getenv("KONEKTOR_CONFIG"), "konfigurační soubor YAML / YAML configuration file")
	cmd.PersistentFlags().StringVar(&ops, "ops", "", "adresa provozního rozhraní (výchozí ops.addr z konfigurace) / ops listener address (default ops.addr)")
	base := func() (string, error) {
		if ops != "" {
			return "http://" + ops, nil
		}
		cfg, err := loadConfig(file)
		if err != nil {
			return "", err
		}
		return "http://" + cfg.Ops.Addr, nil
	}
	client := &http.Client{Timeout: 10 * time.Second}

	accounts := &cobra.Command{
		Use:   "accounts",
		Short: "Stav účtů katastru (pozastavené po odmítnutém přihlášení) / state of the cadastre accounts",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			b, err := base()
			if err != nil {
				return err
			}
			resp, err := client.Get(b + "/ops/cuzk/accounts")
			if err != nil {
				return fmt.Errorf("konektor neodpovídá / konektor does not answer: %w", err)
			}
			var out struct {
				Accounts []struct {
					Account  string    `json:"account"`
					Disabled bool      `json:"disabled"`
					Since    time.Time `json:"since"`
					Reason   string    `json:"reason"`
					Node     string    `json:"node"`
					Verified bool      `json:"verified"`
				} `json:"accounts"`
			}
			if err := readOps(resp, &out); err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			for _, a := range out.Accounts {
				switch {
				case a.Disabled && a.Node != "":
					fmt.Fprintf(w, "%-24s POZASTAVEN / DISABLED od / since %s (uzel / node %s): %s\n", a.Account, a.Since.Format(time.RFC3339), a.Node, a.Reason)
				case a.Disabled:
					fmt.Fprintf(w, "%-24s POZASTAVEN / DISABLED od / since %s: %s\n", a.Account, a.Since.Format(time.RFC3339), a.Reason)
				case a.Verified:
					fmt.Fprintf(w, "%-24s v provozu, přihlášení ověřeno / in use, login verified\n", a.Account)
				default:
					fmt.Fprintf(w, "%-24s v provozu / in use\n", a.Account)
				}
			}
			return nil
		},
	}
	enable := &cobra.Command{
		Use:   "enable-account NAME",
		Short: "Znovu povolí účet pozastavený po odmítnutém přihlášení, na všech uzlech (nejdřív opravte heslo) / re-enable a disabled account on every node (fix its password first)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			b, err := base()
			if err != nil {
				return err
			}
			req, err := http.NewRequest(http.MethodPost, b+"/ops/cuzk/accounts/"+url.PathEscape(args[0])+"/enable", nil)
			if err != nil {
				return err
			}
			req.Header.Set(httpapi.OperatorHeader, "konektor-cli")
			resp, err := client.Do(req)
			if err != nil {
				return fmt.Errorf("konektor neodpovídá / konektor does not answer: %w", err)
			}
			var out struct {
				WasDisabled bool `json:"was_disabled"`
			}
			if err := readOps(resp, &out); err != nil {
				return err
			}
			if out.WasDisabled {
				fmt.Fprintf(cmd.OutOrStdout(), "účet %s znovu povolen na všech uzlech / account %s enabled again on every node\n", args[0], args[0])
			} else {
				fmt.Fprintf(cmd.OutOrStdout(), "účet %s nebyl pozastaven / account %s was not disabled\n", args[0], args[0])
			}
			return nil
		},
	}
	cmd.AddCommand(accounts, enable)
	return cmd
}

// readOps decodes an ops answer, or returns its error text.
func readOps(resp *http.Response, v any) error {
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		var e struct {
			Error   string `json:"error"`
			ErrorEN string `json:"error_en"`
		}
		if json.Unmarshal(body, &e) == nil && e.Error != "" {
			return fmt.Errorf("%s / %s", e.Error, e.ErrorEN)
		}
		return fmt.Errorf("HTTP %d", resp.StatusCode)
	}
	if err := json.Unmarshal(body, v); err != nil {
		return fmt.Errorf("odpověď konektoru nelze přečíst / cannot read konektor's answer: %w", err)
	}
	return nil
}
