package certs

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// Validity of development certificates.
const (
	devCALife   = 10 * 365 * 24 * time.Hour
	devLeafLife = 825 * 24 * time.Hour
	sealRSABits = 3072
)

// devOrganization is the subject O of every development certificate.
const devOrganization = "konektor dev PKI (nepoužívat v provozu / not for production)"

// DevPKIOptions configures InitDevPKI and EnsureDevPKI.
type DevPKIOptions struct {
	// Now is the issuing time; nil means time.Now.
	Now func() time.Time
	// Clients are the client certificates to issue; nil means
	// DefaultDevClients(). A name is the AIS code (certificate CN); the name
	// "auditor" or a name starting "auditor-" gets the auditor role
	// (OU=AuditorOU). Names match [A-Za-z0-9][A-Za-z0-9._-]{0,63}.
	Clients []string
	// Force overwrites an existing PKI.
	Force bool
}

// DefaultDevClients returns the client certificates a development PKI gets
// by default: two sample AIS codes and an auditor.
func DefaultDevClients() []string { return []string{"999002", "999003", "auditor"} }

// DevPKIFiles names the files of a development PKI in one directory.
type DevPKIFiles struct {
	Dir                   string
	CA, CAKey             string
	Server, ServerKey     string
	Seal, SealKey         string
	Upstream, UpstreamKey string
}

// DevPKIPaths returns the file names InitDevPKI writes under dir.
func DevPKIPaths(dir string) DevPKIFiles {
	j := func(n string) string { return filepath.Join(dir, n) }
	return DevPKIFiles{
		Dir: dir,
		CA:  j("ca.pem"), CAKey: j("ca-key.pem"),
		Server: j("server.pem"), ServerKey: j("server-key.pem"),
		Seal: j("seal.pem"), SealKey: j("seal-key.pem"),
		Upstream: j("upstream.pem"), UpstreamKey: j("upstream-key.pem"),
	}
}

// Client returns the certificate and key file of a client.
func (f DevPKIFiles) Client(name string) (certFile, keyFile string) {
	d := filepath.Join(f.Dir, "clients")
	return filepath.Join(d, name+".pem"), filepath.Join(d, name+"-key.pem")
}

// DevPKIExists reports whether dir already holds a development CA (ca.pem).
func DevPKIExists(dir string) bool {
	_, err := os.Stat(DevPKIPaths(dir).CA)
	return err == nil
}

// EnsureDevPKI creates the development PKI in dir unless dir/ca.pem exists;
// `konektor serve` calls it on first start.
func EnsureDevPKI(dir string, o DevPKIOptions) error {
	if DevPKIExists(dir) {
		return nil
	}
	return InitDevPKI(dir, o)
}

var clientNameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

// isAuditorName reports whether a development client name gets the auditor role.
func isAuditorName(name string) bool {
	return name == "auditor" || strings.HasPrefix(name, "auditor-")
}

// devFile is one PEM file to write.
type devFile struct {
	path   string
	block  *pem.Block
	secret bool
}

// InitDevPKI writes a development PKI into dir:
//
//	ca.pem, ca-key.pem               ECDSA P-256 CA (10 years)
//	server.pem, server-key.pem       ECDSA P-256, DNS localhost, IP 127.0.0.1 and ::1
//	seal.pem, seal-key.pem           RSA 3072, for XML signing (sealing)
//	upstream.pem, upstream-key.pem   ECDSA P-256, CN konektor, client authentication
//	clients/<name>.pem, clients/<name>-key.pem   ECDSA P-256, CN = AIS code
//
// Keys are PKCS#8 with mode 0600; ca.pem is written last, so an interrupted
// run is not mistaken for a complete PKI. Without o.Force it refuses
// (ErrPKIExists) when any of these files exists.
func InitDevPKI(dir string, o DevPKIOptions) error {
	now := time.Now
	if o.Now != nil {
		now = o.Now
	}
	clients := o.Clients
	if clients == nil {
		clients = DefaultDevClients()
	}
	seen := map[string]bool{}
	for _, c := range clients {
		if !clientNameRE.MatchString(c) {
			return fmt.Errorf("certs: dev PKI: invalid client name %q (want [A-Za-z0-9][A-Za-z0-9._-]{0,63})", c)
		}
		if seen[c] {
			return fmt.Errorf("certs: dev PKI: client %q listed twice", c)
		}
		seen[c] = true
	}
	files, err := buildDevPKI(DevPKIPaths(dir), clients, now().UTC())
	if err != nil {
		return fmt.Errorf("certs: dev PKI: %w", err)
	}
	if !o.Force {
		for _, f := range files {
			if _, err := os.Lstat(f.path); err == nil {
				return fmt.Errorf("certs: %s: %w (use force to replace it)", f.path, ErrPKIExists)
			} else if !errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("certs: %w", err)
			}
		}
	}
	if err := os.MkdirAll(filepath.Join(dir, "clients"), 0o755); err != nil {
		return fmt.Errorf("certs: dev PKI: %w", err)
	}
	for _, f := range files {
		perm := fs.FileMode(0o644)
		if f.secret {
			perm = 0o600
		}
		if err := writeFileAtomic(f.path, pem.EncodeToMemory(f.block), perm); err != nil {
			return fmt.Errorf("certs: dev PKI: %w", err)
		}
	}
	return nil
}

// buildDevPKI generates every key and certificate in memory; ca.pem is last.
func buildDevPKI(p DevPKIFiles, clients []string, now time.Time) ([]devFile, error) {
	ca, err := newCA(pkix.Name{CommonName: "konektor dev CA", Organization: []string{devOrganization}}, now, devCALife)
	if err != nil {
		return nil, err
	}
	var files []devFile
	add := func(certFile, keyFile string, kp *KeyPair) error {
		der, err := x509.MarshalPKCS8PrivateKey(kp.Key)
		if err != nil {
			return err
		}
		files = append(files,
			devFile{path: keyFile, block: &pem.Block{Type: "PRIVATE KEY", Bytes: der}, secret: true},
			devFile{path: certFile, block: &pem.Block{Type: "CERTIFICATE", Bytes: kp.Leaf().Raw}})
		return nil
	}
	leaf := func(cn string, ous []string, bits int, ext ...x509.ExtKeyUsage) (*KeyPair, error) {
		spec := leafSpec{
			subject:  pkix.Name{CommonName: cn, Organization: []string{devOrganization}, OrganizationalUnit: ous},
			usage:    x509.KeyUsageDigitalSignature,
			extUsage: ext,
		}
		if bits > 0 {
			spec.key, err = newRSAKey(bits)
			spec.usage |= x509.KeyUsageContentCommitment
		} else {
			spec.key, err = newECKey()
		}
		if err != nil {
			return nil, err
		}
		if cn == "localhost" {
			spec.dnsNames = []string{"localhost"}
			spec.ips = []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback}
		}
		return issue(ca, spec, now, devLeafLife)
	}

	server, err := leaf("localhost", nil, 0, x509.ExtKeyUsageServerAuth)
	if err != nil {
		return nil, err
	}
	if err := add(p.Server, p.ServerKey, server); err != nil {
		return nil, err
	}
	seal, err := leaf("konektor seal", []string{"seal"}, sealRSABits)
	if err != nil {
		return nil, err
	}
	if err := add(p.Seal, p.SealKey, seal); err != nil {
		return nil, err
	}
	upstream, err := leaf("konektor", nil, 0, x509.ExtKeyUsageClientAuth)
	if err != nil {
		return nil, err
	}
	if err := add(p.Upstream, p.UpstreamKey, upstream); err != nil {
		return nil, err
	}
	for _, name := range clients {
		ou := AISOU
		if isAuditorName(name) {
			ou = AuditorOU
		}
		kp, err := leaf(name, []string{ou}, 0, x509.ExtKeyUsageClientAuth)
		if err != nil {
			return nil, err
		}
		certFile, keyFile := p.Client(name)
		if err := add(certFile, keyFile, kp); err != nil {
			return nil, err
		}
	}
	// The CA goes last: its certificate marks a complete PKI.
	if err := add(p.CA, p.CAKey, ca); err != nil {
		return nil, err
	}
	return files, nil
}

// writeFileAtomic writes data to a temporary file beside path with perm,
// then renames it over path.
func writeFileAtomic(path string, data []byte, perm fs.FileMode) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	name := tmp.Name()
	defer os.Remove(name) // no-op after a successful rename
	if err := tmp.Chmod(perm); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(name, path)
}
