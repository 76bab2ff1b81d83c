package config

import (
	"fmt"
	"net/url"
	"sort"
	"strings"
	"time"
)

// CUZK configures the cadastre (ČÚZK WSDP 2.8). With no nodes, calls go
// to the in-process ČÚZK sandbox on sandbox.cuzk_addr. Which AIS may use
// which WSDP account, and where the account's password lives, is the
// policy's (section cadastre); the account's type is read from the policy
// too, account_types only fills in for accounts whose policy entry names
// none.
type CUZK struct {
	// Nodes are the WSDP endpoints (https://katastr.cuzk.cz); only the
	// first is used: ČÚZK publishes one address.
	Nodes   []Node   `yaml:"nodes"`
	Timeout Duration `yaml:"timeout"` // one attempt
	// CA are the trust roots of ČÚZK's server certificate (PEM files or
	// directories); empty = the system roots.
	CA      string  `yaml:"ca"`
	Breaker Breaker `yaml:"breaker"`
	// AccountTypes map an account to free, paying or verifying where its
	// policy entry has no type.
	AccountTypes map[string]string `yaml:"account_types"`
	// ReportSpacing is the least time between two report requests of one
	// account (ČÚZK asks for 2 s).
	ReportSpacing Duration `yaml:"report_spacing"`
	// BusyRetries: how often a safe read is tried again after 477/210
	// (0 = none); BusyBackoff is the first wait, doubling per retry.
	BusyRetries int      `yaml:"busy_retries"`
	BusyBackoff Duration `yaml:"busy_backoff"`
	// ReportTrust are the certificates (pinned) or CAs that seal XML
	// reports; in sandbox mode empty means the sandbox's dev seal.
	ReportTrust []string `yaml:"report_trust"`
	// AllowUnverifiableReports relays XML reports whose seal konektor
	// cannot check, marked so in the access log.
	AllowUnverifiableReports bool `yaml:"allow_unverifiable_reports"`
	// RefreshAccount asks ČÚZK which code lists changed every
	// RefreshInterval; empty = only relayed seznamCiselniku answers
	// update the dates.
	RefreshAccount  string   `yaml:"refresh_account"`
	RefreshInterval Duration `yaml:"refresh_interval"`
	// SecretWatch is how often the passwords of disabled accounts are read
	// again: an account whose password changed since ČÚZK refused it is
	// enabled again (the operator fixed it). 0 = only `konektor cuzk
	// enable-account` enables.
	SecretWatch Duration `yaml:"secret_watch"`
}

// cuzkDefaults are the cadastre defaults: the sandbox, ČÚZK's own limits.
func cuzkDefaults() CUZK {
	return CUZK{
		Timeout:         Duration(60 * time.Second),
		Breaker:         Breaker{FailuresToOpen: 5, OpenTimeout: Duration(30 * time.Second), HalfOpenRequests: 1},
		ReportSpacing:   Duration(2 * time.Second),
		BusyRetries:     3,
		BusyBackoff:     Duration(2 * time.Second),
		RefreshInterval: Duration(24 * time.Hour),
		SecretWatch:     Duration(30 * time.Second),
	}
}

// UsesCUZKSandbox reports whether cadastre calls go to the in-process
// ČÚZK sandbox.
func (c *Config) UsesCUZKSandbox() bool { return len(c.CUZK.Nodes) == 0 }

// cuzkAccountTypes are the names the adapter reads.
var cuzkAccountTypes = map[string]bool{"free": true, "paying": true, "verifying": true,
	"bezuplatny": true, "bezúplatný": true, "placeny": true, "placený": true, "bezny": true, "běžný": true,
	"overujici": true, "ověřující": true}

// validateCUZK returns every problem of the cadastre section.
func (c *Config) validateCUZK() []string {
	var p []string
	add := func(format string, a ...any) { p = append(p, fmt.Sprintf(format, a...)) }
	z := c.CUZK
	if c.UsesCUZKSandbox() {
		if c.Sandbox.CUZKAddr == "" {
			add("sandbox.cuzk_addr: must be host:port (the in-process ČÚZK sandbox; or set cuzk.nodes)")
		} else if i := strings.LastIndex(c.Sandbox.CUZKAddr, ":"); i < 0 || i == len(c.Sandbox.CUZKAddr)-1 {
			add("sandbox.cuzk_addr: %q is not host:port", c.Sandbox.CUZKAddr)
		}
	}
	if len(z.Nodes) > 1 {
		add("cuzk.nodes: ČÚZK has one address; give one node (got %d)", len(z.Nodes))
	}
	for i, n := range z.Nodes {
		u, err := url.Parse(n.URL)
		if err != nil || u.Scheme != "https" || u.Host == "" {
			add("cuzk.nodes[%d].url: %q must be an https:// URL (e.g. https://katastr.cuzk.cz)", i, n.URL)
		}
		if n.Name == "" {
			add("cuzk.nodes[%d].name: must not be empty", i)
		}
	}
	if z.Timeout.D() <= 0 {
		add("cuzk.timeout: must be positive")
	}
	if z.Breaker.FailuresToOpen < 1 {
		add("cuzk.breaker.failures_to_open: must be at least 1")
	}
	if z.Breaker.OpenTimeout.D() <= 0 {
		add("cuzk.breaker.open_timeout: must be positive")
	}
	if z.Breaker.HalfOpenRequests < 1 {
		add("cuzk.breaker.half_open_requests: must be at least 1")
	}
	names := make([]string, 0, len(z.AccountTypes))
	for name := range z.AccountTypes {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if !cuzkAccountTypes[z.AccountTypes[name]] {
			add("cuzk.account_types.%s: %q is not free, paying or verifying", name, z.AccountTypes[name])
		}
	}
	if z.ReportSpacing.D() < 2*time.Second {
		add("cuzk.report_spacing: %s is below ČÚZK's 2s between report requests", z.ReportSpacing.D())
	}
	if z.BusyRetries < 0 || z.BusyRetries > 10 {
		add("cuzk.busy_retries: must be 0–10")
	}
	if z.BusyBackoff.D() <= 0 {
		add("cuzk.busy_backoff: must be positive")
	}
	if !c.UsesCUZKSandbox() && len(z.ReportTrust) == 0 && !z.AllowUnverifiableReports {
		add("cuzk.report_trust: name the certificates that seal ČÚZK's XML reports (or set allow_unverifiable_reports)")
	}
	for i, f := range z.ReportTrust {
		if strings.TrimSpace(f) == "" {
			add("cuzk.report_trust[%d]: empty path", i)
		}
	}
	if z.RefreshAccount != "" && z.RefreshInterval.D() < time.Minute {
		add("cuzk.refresh_interval: must be at least 1m when refresh_account is set")
	}
	if z.SecretWatch.D() < 0 {
		add("cuzk.secret_watch: must not be negative")
	}
	return p
}
