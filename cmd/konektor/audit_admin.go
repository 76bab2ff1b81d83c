package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"go.uber.org/zap"
	"golang.org/x/term"

	"konektor/gateway/audit"
	"konektor/gateway/httpapi"
	"konektor/internal/app"
)

// maxPassword bounds what hash-password reads (bcrypt uses 72 bytes).
const maxPassword = 72

func hashPasswordCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "hash-password",
		Short: "Vypíše bcrypt hash hesla auditora pro audit.users / print the bcrypt hash of an auditor's password for audit.users",
		Long: "Přečte heslo ze standardního vstupu (z terminálu bez zobrazení) a vypíše hash pro audit.users.\n" +
			"Reads the password from standard input (from a terminal without echo) and prints the hash for audit.users.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			pw, err := readPassword(cmd.InOrStdin(), cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			h, err := httpapi.HashPassword(pw)
			if err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), h)
			return nil
		},
	}
}

// readPassword reads one password: twice without echo from a terminal,
// else the first line of in.
func readPassword(in io.Reader, prompt io.Writer) (string, error) {
	if f, ok := in.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(prompt, "Heslo / password: ")
		a, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(prompt)
		if err != nil {
			return "", err
		}
		fmt.Fprint(prompt, "Znovu / again: ")
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(prompt)
		if err != nil {
			return "", err
		}
		if string(a) != string(b) {
			return "", errors.New("hesla se neshodují / the passwords differ")
		}
		return checkPassword(string(a))
	}
	line, err := bufio.NewReader(io.LimitReader(in, 4096)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	return checkPassword(strings.TrimRight(line, "\r\n"))
}

func checkPassword(pw string) (string, error) {
	switch {
	case pw == "":
		return "", errors.New("heslo je prázdné / the password is empty")
	case len(pw) < 12:
		return "", errors.New("heslo je kratší než 12 znaků / the password is shorter than 12 characters")
	case len(pw) > maxPassword:
		return "", fmt.Errorf("heslo je delší než %d bajtů (bcrypt zbytek ignoruje) / the password is longer than %d bytes (bcrypt ignores the rest)", maxPassword, maxPassword)
	}
	return pw, nil
}

func pruneCmd() *cobra.Command {
	var file string
	var period time.Duration
	var dryRun bool
	cmd := &cobra.Command{
		Use:   "prune",
		Short: "Odstraní záznamy starší než doba uchování, vždy po kontrolní bod / remove entries older than the retention period, always through a checkpoint",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := loadConfig(file)
			if err != nil {
				return err
			}
			if !cmd.Flags().Changed("retention") {
				period = cfg.Audit.Retention.D()
			}
			if period <= 0 {
				return errors.New("doba uchování není nastavena (audit.retention nebo --retention) / no retention period is set (audit.retention or --retention)")
			}
			ctx := cmd.Context()
			st, err := app.OpenStore(ctx, cfg, zap.NewNop())
			if err != nil {
				return err
			}
			defer st.Close()
			now := time.Now()
			out := cmd.OutOrStdout()
			start, through, err := audit.PruneTarget(ctx, st, period, now)
			if err != nil {
				return err
			}
			cutoff := now.Add(-period).UTC().Format(time.RFC3339)
			if through <= start {
				fmt.Fprintf(out, "nic k odstranění: žádný kontrolní bod před %s / nothing to remove: no checkpoint before %s\n", cutoff, cutoff)
				return nil
			}
			if dryRun {
				fmt.Fprintf(out, "odstranilo by se %d záznamů (%d–%d) / would remove %d entries (%d–%d)\n",
					through-start, start+1, through, through-start, start+1, through)
				return nil
			}
			newStart, removed, err := audit.Prune(ctx, st, period, now)
			if err != nil {
				return err
			}
			fmt.Fprintf(out, "odstraněno %d záznamů, protokol začíná záznamem %d / removed %d entries, the log starts at entry %d\n",
				removed, newStart+1, removed, newStart+1)
			return nil
		},
	}
	cmd.Flags().StringVar(&file, "config", os.Getenv("KONEKTOR_CONFIG"), "konfigurační soubor / configuration file")
	cmd.Flags().DurationVar(&period, "retention", 0, "doba uchování (např. 43800h), jinak audit.retention / retention period, else audit.retention")
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "jen vypsat, co by se odstranilo / only say what would be removed")
	return cmd
}
