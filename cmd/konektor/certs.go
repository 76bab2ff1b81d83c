package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"konektor/certs"
)

func certsCmd() *cobra.Command {
	root := &cobra.Command{Use: "certs", Short: "Certifikáty a klíče / certificates and keys"}
	var dir string
	var force bool
	var clients []string
	initCmd := &cobra.Command{
		Use:   "init",
		Short: "Vytvoří vývojovou PKI: CA, serverový certifikát, pečeť, klienty AIS / create a dev PKI",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if dir == "" {
				return fmt.Errorf("--dir je povinný / --dir is required")
			}
			o := certs.DevPKIOptions{Now: time.Now, Force: force}
			if len(clients) > 0 {
				o.Clients = clients
			}
			if err := certs.InitDevPKI(dir, o); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "vývojová PKI vytvořena v %s / dev PKI written to %s\n", dir, dir)
			return nil
		},
	}
	initCmd.Flags().StringVar(&dir, "dir", "", "cílový adresář / target directory")
	initCmd.Flags().BoolVar(&force, "force", false, "přepsat existující PKI / overwrite an existing PKI")
	initCmd.Flags().StringSliceVar(&clients, "clients", nil, "klientské certifikáty (výchozí 999002,999003,auditor) / client certificates")
	root.AddCommand(initCmd)
	return root
}
