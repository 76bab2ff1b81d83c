// Command konektor is the regional connector between municipal agenda
// systems and the state's central service point. This package holds flags
// and wiring only; the work is done in the packages it calls.
package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"
)

func main() {
	if err := rootCmd().Execute(); err != nil {
		if msg := err.Error(); msg != "" {
			fmt.Fprintln(os.Stderr, "konektor:", msg)
		}
		os.Exit(exitCode(err))
	}
}

func rootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:           "konektor",
		Short:         "Krajský konektor k základním registrům, ISDS a ČÚZK / regional connector to base registers, ISDS and ČÚZK",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	// Each area registers its commands here, one line each.
	commands := []*cobra.Command{
		serveCmd(),
		sandboxCmd(),
		certsCmd(),
		auditCmd(),
		policyCmd(),
		xmlCmd(),
		cuzkCmd(),
		zfoCmd(),
	}
	root.AddCommand(commands...)
	return root
}
