package config

import (
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"

	wsdl "konektor/wsdl/isds"
)

// ISDS configures the data-box relay (POST /bus/isds/{dz|dx|df|DsManage}).
// With no URL (neither isds.url nor an account's url), calls go to the
// in-process ISDS sandbox on sandbox.isds_addr: accounts and routes then
// default to the sandbox's demo boxes (client 999002 → mstdemd, 999003 →
// kraj2xd) and ZFOs are verified against the sandbox's CA.
//
// Which client may use a box and with which privileges is the policy's
// (section dataBoxes); this section holds how konektor logs into each box
// and which box a client's calls go to.
type ISDS struct {
	// URL is the ISDS base URL of every account that names none:
	// https://ws1.datovka.gov.cz (name and password) or
	// https://ws1c.datovka.gov.cz (certificate logins); the test
	// environment is ws1.czebox.cz / ws1c.czebox.cz.
	URL      string        `yaml:"url"`
	Accounts []ISDSAccount `yaml:"accounts"`
	Routes   []ISDSRoute   `yaml:"routes"`
	// Roots are the trust anchors of the ISDS seal and its TSA (PEM files
	// or directories): the PostSignum qualified root CAs in production.
	// Empty with the sandbox = the sandbox's CA.
	Roots []string `yaml:"roots"`
	// Intermediates help build the seal's chain when a ZFO lacks them
	// (PostSignum Qualified CA 4/5 …); TSACerts are candidate TSA
	// certificates for time stamps that carry none.
	Intermediates []string `yaml:"intermediates"`
	TSACerts      []string `yaml:"tsa_certs"`
	// CA are the trust roots of ISDS's server certificate; empty = the
	// system roots (the dev CA with the sandbox).
	CA      string    `yaml:"ca"`
	Timeout Duration  `yaml:"timeout"` // one attempt
	Retry   ISDSRetry `yaml:"retry"`
	// Breaker guards each ISDS node (base URL): after failures_to_open
	// consecutive transport failures or HTTP 502/503/504 answers konektor
	// stops calling it for open_timeout and answers as ISDS does in an
	// outage (status 9500).
	Breaker Breaker `yaml:"breaker"`
}

// ISDSAccount is how konektor logs into one data box.
type ISDSAccount struct {
	Box string `yaml:"box"` // dbID, 7 characters with a check character
	// Login is basic (name and password), cert (the box's system
	// certificate) or hspis (hosted records service: the provider's
	// certificate, the box ID as user name).
	Login string `yaml:"login"`
	URL   string `yaml:"url"` // overrides isds.url for this account
	User  string `yaml:"user"`
	// Password names where the password lives: env:KONEKTOR_SECRET_… or
	// file:PATH; never the password itself.
	Password string `yaml:"password"`
	// Cert and Key are the TLS client certificate of a cert or hspis
	// login (PEM); default the upstream identity of the dev PKI.
	Cert string `yaml:"cert"`
	Key  string `yaml:"key"`
	// Privileges the ISDS login holds (PRIVIL_VIEW_INFO, …); empty = a
	// full login. A box's account without read privileges lets clients
	// that may only view list received messages without delivering them.
	Privileges []string `yaml:"privileges"`
	// Throttled: the ISDS account is in restricted mode; konektor sends
	// one request of it at a time.
	Throttled bool `yaml:"throttled"`
}

// ISDSRoute sends a client's (AIS's) calls to a box, acting for an OVM
// (the OVM of the policy's dataBoxes grant).
type ISDSRoute struct {
	AIS string `yaml:"ais"`
	Box string `yaml:"box"`
	OVM string `yaml:"ovm"`
}

// ISDSRetry says how often konektor asks again after a status that
// invites it (3006, 3008, 3009, 9xxx) and how long it waits first
// (doubled per retry).
type ISDSRetry struct {
	Attempts int      `yaml:"attempts"` // in total; 1 = no retry
	Delay    Duration `yaml:"delay"`
}

// isdsDefaults run on embedded config: the sandbox, ISDS's own delays.
func isdsDefaults() ISDS {
	return ISDS{Timeout: Duration(60 * time.Second), Retry: ISDSRetry{Attempts: 3, Delay: Duration(3 * time.Second)},
		Breaker: Breaker{FailuresToOpen: 5, OpenTimeout: Duration(30 * time.Second), HalfOpenRequests: 1}}
}

// UsesISDSSandbox reports whether data-box calls go to the in-process
// ISDS sandbox: no ISDS URL is configured.
func (c *Config) UsesISDSSandbox() bool {
	if c.ISDS.URL != "" {
		return false
	}
	for _, a := range c.ISDS.Accounts {
		if a.URL != "" {
			return false
		}
	}
	return true
}

// ISDSPrivileges are the privilege names accounts may list, with their
// bits (userPrivils).
var ISDSPrivileges = map[string]int{
	"PRIVIL_READ_NON_PERSONAL": 1, "PRIVIL_READ_ALL": 2, "PRIVIL_CREATE_DM": 4, "PRIVIL_VIEW_INFO": 8,
	"PRIVIL_SEARCH_DB": 16, "PRIVIL_OWNER_ADM": 32, "PRIVIL_ERASE_VAULT": 128,
}

// validateISDS returns every problem of the isds section.
func (c *Config) validateISDS() []string {
	var p []string
	add := func(format string, a ...any) { p = append(p, fmt.Sprintf(format, a...)) }
	z := c.ISDS
	sandbox := c.UsesISDSSandbox()
	if sandbox {
		if _, port, err := net.SplitHostPort(c.Sandbox.ISDSAddr); err != nil || port == "" {
			add("sandbox.isds_addr: %q is not host:port (the in-process ISDS sandbox; or set isds.url)", c.Sandbox.ISDSAddr)
		}
	}
	httpsURL := func(key, v string) {
		u, err := url.Parse(v)
		if err != nil || u.Scheme != "https" || u.Host == "" || (u.Path != "" && u.Path != "/") {
			add("%s: %q must be an https:// base URL without a path (e.g. https://ws1.datovka.gov.cz)", key, v)
		}
	}
	if z.URL != "" {
		httpsURL("isds.url", z.URL)
	}
	if !sandbox {
		if len(z.Accounts) == 0 {
			add("isds.accounts: name at least one data-box account (isds.url is set)")
		}
		if len(z.Routes) == 0 {
			add("isds.routes: route at least one client (AIS) to a box (isds.url is set)")
		}
		if len(z.Roots) == 0 {
			add("isds.roots: name the PostSignum root certificates that ZFOs are verified against")
		}
	}
	boxes := map[string]bool{}
	for i, a := range z.Accounts {
		at := fmt.Sprintf("isds.accounts[%d]", i)
		if !wsdl.ValidBoxID(a.Box) {
			add("%s.box: %q is not a data box ID (7 characters with a valid check character)", at, a.Box)
		}
		boxes[a.Box] = true
		if a.URL != "" {
			httpsURL(at+".url", a.URL)
		} else if z.URL == "" && !sandbox {
			add("%s.url: no base URL (set isds.url or the account's url)", at)
		}
		switch a.Login {
		case "basic":
			if a.User == "" {
				add("%s.user: a basic login needs a user name", at)
			}
			if !validSecretRef(a.Password) {
				add("%s.password: must be a reference (env:KONEKTOR_SECRET_NAME or file:PATH), never the password itself", at)
			}
			if a.Cert != "" || a.Key != "" {
				add("%s: cert and key belong to cert and hspis logins, not basic", at)
			}
		case "cert", "hspis":
			if a.Password != "" || a.User != "" {
				add("%s: a %s login takes no user or password (the certificate logs in)", at, a.Login)
			}
			if (a.Cert == "") != (a.Key == "") {
				add("%s: give both cert and key, or neither (the dev PKI's upstream identity)", at)
			}
			if a.Cert == "" && !sandbox {
				add("%s.cert: a %s login needs the certificate ISDS knows (cert and key)", at, a.Login)
			}
		default:
			add("%s.login: %q is not basic, cert or hspis", at, a.Login)
		}
		for j, pr := range a.Privileges {
			if _, ok := ISDSPrivileges[pr]; !ok {
				add("%s.privileges[%d]: %q is not an ISDS privilege (PRIVIL_VIEW_INFO, …)", at, j, pr)
			}
		}
	}
	seen := map[string]bool{}
	for i, r := range z.Routes {
		at := fmt.Sprintf("isds.routes[%d]", i)
		if r.AIS == "" {
			add("%s.ais: must not be empty", at)
		} else if seen[r.AIS] {
			add("%s.ais: %q has two routes", at, r.AIS)
		}
		seen[r.AIS] = true
		if !wsdl.ValidBoxID(r.Box) {
			add("%s.box: %q is not a data box ID", at, r.Box)
		} else if len(z.Accounts) > 0 && !boxes[r.Box] {
			add("%s.box: %s has no account in isds.accounts", at, r.Box)
		}
		if r.OVM == "" {
			add("%s.ovm: must name the OVM of the policy's dataBoxes grant", at)
		}
	}
	for _, l := range []struct {
		key   string
		files []string
	}{{"isds.roots", z.Roots}, {"isds.intermediates", z.Intermediates}, {"isds.tsa_certs", z.TSACerts}} {
		for i, f := range l.files {
			if strings.TrimSpace(f) == "" {
				add("%s[%d]: empty path", l.key, i)
			}
		}
	}
	if z.Timeout.D() <= 0 {
		add("isds.timeout: must be positive")
	}
	if z.Retry.Attempts < 1 || z.Retry.Attempts > 10 {
		add("isds.retry.attempts: must be 1–10 (1 = no retry)")
	}
	if z.Retry.Delay.D() <= 0 {
		add("isds.retry.delay: must be positive")
	}
	if z.Breaker.FailuresToOpen < 1 {
		add("isds.breaker.failures_to_open: must be at least 1")
	}
	if z.Breaker.OpenTimeout.D() <= 0 {
		add("isds.breaker.open_timeout: must be positive")
	}
	if z.Breaker.HalfOpenRequests < 1 {
		add("isds.breaker.half_open_requests: must be at least 1")
	}
	return p
}

// validSecretRef reports whether s names a secret (env:NAME or file:PATH)
// rather than holding one.
func validSecretRef(s string) bool {
	kind, ref, ok := strings.Cut(s, ":")
	if !ok || ref == "" {
		return false
	}
	switch kind {
	case "env":
		return strings.HasPrefix(ref, SecretEnvPrefix)
	case "file":
		return true
	}
	return false
}
