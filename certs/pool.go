package certs

import (
	"crypto/x509"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// poolExtensions are the file name endings LoadPool reads inside a directory.
var poolExtensions = []string{".pem", ".crt", ".cer"}

// LoadPool builds a certificate pool from PEM files and directories. In a
// directory, files ending in .pem, .crt or .cer are read (not recursively)
// and files holding no certificate are an error, so a key file left in a
// trust directory is noticed. An empty result is ErrNoTrustAnchors: a pool
// that trusts nothing is almost certainly a configuration mistake.
func LoadPool(paths ...string) (*x509.CertPool, error) {
	certs, err := LoadPoolCertificates(paths...)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	for _, c := range certs {
		pool.AddCert(c)
	}
	return pool, nil
}

// LoadPoolCertificates returns the certificates LoadPool would trust, in
// path order (directory entries sorted by name), e.g. for expiry reporting
// or certificate pinning.
func LoadPoolCertificates(paths ...string) ([]*x509.Certificate, error) {
	var out []*x509.Certificate
	for _, p := range paths {
		files, err := poolFiles(p)
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			cs, err := LoadCertificates(f)
			if err != nil {
				return nil, err
			}
			out = append(out, cs...)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("certs: %s: %w", strings.Join(paths, ", "), ErrNoTrustAnchors)
	}
	return out, nil
}

func poolFiles(p string) ([]string, error) {
	st, err := os.Stat(p)
	if err != nil {
		return nil, fmt.Errorf("certs: %w", err)
	}
	if !st.IsDir() {
		return []string{p}, nil
	}
	entries, err := os.ReadDir(p)
	if err != nil {
		return nil, fmt.Errorf("certs: %w", err)
	}
	var files []string
	for _, e := range entries {
		if e.IsDir() || !hasPoolExtension(e.Name()) {
			continue
		}
		files = append(files, filepath.Join(p, e.Name()))
	}
	sort.Strings(files)
	return files, nil
}

func hasPoolExtension(name string) bool {
	lower := strings.ToLower(name)
	for _, ext := range poolExtensions {
		if strings.HasSuffix(lower, ext) {
			return true
		}
	}
	return false
}
