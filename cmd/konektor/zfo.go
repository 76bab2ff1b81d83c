package main

import (
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"

	"konektor/certs"
	"konektor/certs/zfo"
	"konektor/internal/config"
)

func zfoCmd() *cobra.Command {
	root := &cobra.Command{Use: "zfo", Short: "Soubory ZFO z ISDS / ZFO files from ISDS"}
	var (
		file                   string
		roots, inter, tsaCerts []string
		maxBytes               int
	)
	verify := &cobra.Command{
		Use: "verify [--roots FILE…] [--tsa-cert FILE…] FILE",
		Short: "Ověří podpis, certifikát, dmHash a časové razítko ZFO; JSON; exit 1 není-li platná / " +
			"verify a ZFO's signature, certificate, dmHash and time stamp; JSON; exit 1 unless valid",
		Long: `Ověří datovou zprávu, odeslanou zprávu nebo doručenku (ZFO) a vypíše zprávu JSON
(kind, dmID, signature, chain, dmHash, timestamp, valid, problems).
Kořeny důvěry: --roots, jinak isds.roots z konfigurace, jinak CA vývojové PKI
(sandbox ISDS konektoru). V provozu uveďte kořenové certifikáty PostSignum.

Verifies a data message, sent message or delivery info (ZFO) and prints a JSON
report. Trust roots: --roots, else isds.roots of the configuration, else the dev
PKI's CA (konektor's ISDS sandbox). In production name the PostSignum roots.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o := zfo.Options{Now: time.Now, MaxBytes: maxBytes}
			pool, err := zfoRoots(file, roots)
			if err != nil {
				return err
			}
			o.Roots = pool
			if len(inter) > 0 {
				if o.Intermediates, err = certs.LoadPoolCertificates(inter...); err != nil {
					return fmt.Errorf("--intermediates: %w", err)
				}
			}
			if len(tsaCerts) > 0 {
				if o.TSACertificates, err = certs.LoadPoolCertificates(tsaCerts...); err != nil {
					return fmt.Errorf("--tsa-cert: %w", err)
				}
			}
			data, err := readBounded(args[0], maxBytes)
			if err != nil {
				return err
			}
			rep := zfo.Verify(data, o)
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
	f := verify.Flags()
	f.StringVar(&file, "config", os.Getenv("KONEKTOR_CONFIG"), "konfigurační soubor (isds.roots) / configuration file")
	f.StringSliceVar(&roots, "roots", nil, "kořenové certifikáty PEM (soubory nebo adresáře) / trust roots (PEM files or directories)")
	f.StringSliceVar(&inter, "intermediates", nil, "mezilehlé certifikáty PEM / intermediate CA certificates")
	f.StringSliceVar(&tsaCerts, "tsa-cert", nil, "certifikáty TSA pro razítka bez certifikátu / TSA certificates for tokens that carry none")
	f.IntVar(&maxBytes, "max-bytes", zfo.DefaultMaxBytes, "největší přípustná velikost souboru / largest file accepted")
	root.AddCommand(verify)
	return root
}

// zfoRoots returns the trust roots: the flag's files, else isds.roots of
// the configuration, else the dev PKI's CA when it exists (the sandbox's
// seal and TSA chain to it); nil when there are none (chain "unknown").
func zfoRoots(file string, flag []string) (*x509.CertPool, error) {
	if len(flag) > 0 {
		p, err := certs.LoadPool(flag...)
		if err != nil {
			return nil, fmt.Errorf("--roots: %w", err)
		}
		return p, nil
	}
	cfg, err := config.Load(file, os.Environ())
	if err != nil {
		return nil, err
	}
	if len(cfg.ISDS.Roots) > 0 {
		p, err := certs.LoadPool(cfg.ISDS.Roots...)
		if err != nil {
			return nil, fmt.Errorf("isds.roots: %w", err)
		}
		return p, nil
	}
	ca := certs.DevPKIPaths(cfg.PKIDir()).CA
	if _, err := os.Stat(ca); err != nil {
		return nil, nil
	}
	p, err := certs.LoadPool(ca)
	if err != nil {
		return nil, fmt.Errorf("dev PKI CA: %w", err)
	}
	return p, nil
}

// readBounded reads at most limit+1 bytes of the file, so that an
// oversized file is judged (and reported) by Verify without being read
// whole.
func readBounded(name string, limit int) ([]byte, error) {
	if limit <= 0 {
		limit = zfo.DefaultMaxBytes
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: not a regular file", name)
	}
	return io.ReadAll(io.LimitReader(f, int64(limit)+1))
}
