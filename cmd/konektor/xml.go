package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"

	"konektor/certs/docsig"
	"konektor/certs/wssec"
	"konektor/certs/xmlsig"
)

func xmlCmd() *cobra.Command {
	root := &cobra.Command{Use: "xml", Short: "Podpisy XML (WS-Security) / XML signatures (WS-Security)"}
	var key, cert, out string
	var ttl time.Duration
	sign := &cobra.Command{
		Use:   "sign --key K --cert C FILE",
		Short: "Podepíše obálku SOAP (BinarySecurityToken, Timestamp, Body; exc-c14n, RSA-SHA256) / sign a SOAP envelope",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := wssec.NewSignerFromFiles(cert, key, wssec.SignerOptions{TTL: ttl})
			if err != nil {
				return err
			}
			data, err := readInput(args[0])
			if err != nil {
				return err
			}
			signed, err := s.Sign(data)
			if err != nil {
				return err
			}
			if out == "" || out == "-" {
				_, err = cmd.OutOrStdout().Write(signed)
				return err
			}
			return os.WriteFile(out, signed, 0o644)
		},
	}
	sign.Flags().StringVar(&key, "key", "", "soukromý klíč PEM (RSA ≥ 2048) / PEM private key")
	sign.Flags().StringVar(&cert, "cert", "", "certifikát PEM / PEM certificate")
	sign.Flags().StringVarP(&out, "out", "o", "", "výstupní soubor (výchozí stdout) / output file")
	sign.Flags().DurationVar(&ttl, "ttl", 5*time.Minute, "platnost Timestamp / Timestamp validity")
	_ = sign.MarkFlagRequired("key")
	_ = sign.MarkFlagRequired("cert")

	var trust []string
	var at string
	verify := &cobra.Command{
		Use:   "verify --trust CERT.pem [--at TIME] FILE",
		Short: "Ověří podpis WS-Security obálky SOAP nebo obálkový podpis dokumentu (ds:Signature v kořeni, např. sestavy ČÚZK) podle přísných pravidel; JSON / verify a WS-Security or enveloped document signature strictly; JSON out",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			t, err := wssec.LoadTrust(trust...)
			if err != nil {
				return err
			}
			var when time.Time
			if at != "" {
				if when, err = time.Parse(time.RFC3339Nano, at); err != nil {
					return fmt.Errorf("--at: %q není čas RFC 3339 / is not an RFC 3339 time", at)
				}
			}
			data, err := readInput(args[0])
			if err != nil {
				return err
			}
			// A SOAP envelope is checked as WS-Security (or an enveloped
			// signature over the envelope); any other document as a
			// document with an enveloped signature in its root.
			var rep xmlsig.Report
			if docsig.IsSOAPEnvelope(data) {
				rep = wssec.Check(data, t, when)
			} else {
				rep = docsig.Check(data, t, when)
			}
			enc := json.NewEncoder(cmd.OutOrStdout())
			enc.SetIndent("", "  ")
			if err := enc.Encode(rep); err != nil {
				return err
			}
			if !rep.Valid {
				return exitError{code: 1}
			}
			return nil
		},
	}
	verify.Flags().StringSliceVar(&trust, "trust", nil, "důvěryhodné certifikáty nebo CA (PEM, soubor nebo adresář) / trusted certificates or CAs")
	verify.Flags().StringVar(&at, "at", "", "ověřit čerstvost k tomuto okamžiku (RFC 3339) místo teď / check freshness at this moment")
	_ = verify.MarkFlagRequired("trust")
	root.AddCommand(sign, verify)
	return root
}

// readInput reads a file, or standard input for "-", bounded to 64 MiB.
func readInput(name string) ([]byte, error) {
	var r io.Reader = os.Stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}
	const limit = 64 << 20
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if len(data) > limit {
		return nil, fmt.Errorf("%s: soubor je větší než 64 MiB / file larger than 64 MiB", name)
	}
	return data, nil
}
