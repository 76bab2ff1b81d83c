package main

import (
	"github.com/spf13/cobra"

	"konektor/internal/app"
)

func sandboxCmd() *cobra.Command {
	return runCmd("sandbox",
		"Spustí samotné sandboxy ISZR, ISDS a ČÚZK na vlastních portech / run the ISZR, ISDS and ČÚZK sandboxes alone on their own ports",
		app.RunSandboxes)
}
