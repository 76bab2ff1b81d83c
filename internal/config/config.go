// Package config is konektor's configuration: one YAML file, defaults that
// run on a fresh machine, an environment override for every key
// (KONEKTOR_<PATH>, e.g. KONEKTOR_BUS_ADDR), and validation that reports
// every problem at once.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"gopkg.in/yaml.v3"
)

// Config is the whole configuration.
type Config struct {
	DataDir     string `yaml:"data_dir"`
	DatabaseURL string `yaml:"database_url"` // PostgreSQL when set, else SQLite in data_dir
	RedisURL    string `yaml:"redis_url"`    // Redis cache when set, else in-memory

	Bus        Bus        `yaml:"bus"`
	Ops        Ops        `yaml:"ops"`
	Log        Log        `yaml:"log"`
	Upstreams  Upstreams  `yaml:"upstreams"`
	Sandbox    Sandbox    `yaml:"sandbox"`
	Policy     Policy     `yaml:"policy"`
	Audit      Audit      `yaml:"audit"`
	Clients    []Client   `yaml:"clients"`
	Limits     SOAPLimits `yaml:"limits"`
	Cache      Cache      `yaml:"cache"`
	Seal       Seal       `yaml:"seal"`
	Signatures Signatures `yaml:"signatures"`
	CUZK       CUZK       `yaml:"cuzk"`
	ISDS       ISDS       `yaml:"isds"`
	Runtime    Runtime    `yaml:"runtime"`
}

// DefaultGCPercent is runtime.gc_percent's default: konektor's live heap is
// small (connections, policy snapshot, cache), so collecting at three times
// it rather than twice costs about 10 MB at 128 connections and 5-8 % less
// CPU per cached call (BENCHMARKS.md, "Memory" in the README).
const DefaultGCPercent = 200

// Runtime tunes the Go runtime. The standard GOGC environment variable,
// when set, wins over GCPercent (as GOMEMLIMIT sets the memory limit).
type Runtime struct {
	// GCPercent is the garbage collector's target: the heap may grow by this
	// many percent of the live heap between collections (Go's default is
	// 100). More collects less often, trading memory for CPU.
	GCPercent int `yaml:"gc_percent"`
}

// Cache configures answer caching. Redis is used when redis_url is set,
// else an in-memory cache bounded by max_bytes.
type Cache struct {
	Enabled       bool        `yaml:"enabled"`
	MaxBytes      int         `yaml:"max_bytes"`
	MaxEntryBytes int         `yaml:"max_entry_bytes"`
	RedisPrefix   string      `yaml:"redis_prefix"`
	Overrides     []CacheRule `yaml:"overrides"`
}

// CacheRule overrides the catalogue's cache class of one service, for
// every OVM or for one.
type CacheRule struct {
	Upstream string   `yaml:"upstream"` // default iszr
	Service  string   `yaml:"service"`  // e.g. E36
	OVM      string   `yaml:"ovm"`      // empty: every OVM
	Class    string   `yaml:"class"`    // never or ttl
	TTL      Duration `yaml:"ttl"`
	Stale    Duration `yaml:"stale"`
}

// Breaker configures the circuit breaker of each upstream node.
type Breaker struct {
	FailuresToOpen   int      `yaml:"failures_to_open"`
	OpenTimeout      Duration `yaml:"open_timeout"`
	HalfOpenRequests int      `yaml:"half_open_requests"`
}

// Retry configures retries of safe reads (never of writes or paid calls).
type Retry struct {
	Attempts  int      `yaml:"attempts"`
	BaseDelay Duration `yaml:"base_delay"`
	MaxDelay  Duration `yaml:"max_delay"`
}

// Bus is the mTLS listener agenda systems call.
type Bus struct {
	Addr          string   `yaml:"addr"`
	Cert          string   `yaml:"cert"`
	Key           string   `yaml:"key"`
	ClientCA      string   `yaml:"client_ca"`
	DrainTimeout  Duration `yaml:"drain_timeout"`
	ReadTimeout   Duration `yaml:"read_timeout"`
	MaxConcurrent int      `yaml:"max_concurrent"`
	PublicBaseURL string   `yaml:"public_base_url"` // printed in the start banner and WSDLs
}

// Ops is the plain-HTTP listener for health, readiness and metrics.
type Ops struct {
	Addr string `yaml:"addr"`
}

// Log configures zap.
type Log struct {
	Level  string `yaml:"level"`  // debug, info, warn, error
	Format string `yaml:"format"` // json or console
	// Flush is how long debug and info lines (one per exchange) may wait in
	// a buffer before they are written; warnings and errors are written at
	// once, and everything is flushed on shutdown. 0 writes every line as
	// it comes (one write per line).
	Flush Duration `yaml:"flush"`
}

// Upstreams are the services konektor relays to.
type Upstreams struct {
	ISZR Upstream `yaml:"iszr"`
}

// Upstream is one upstream service with its nodes.
type Upstream struct {
	Nodes   []Node   `yaml:"nodes"` // primary first; empty = the in-process sandbox
	Timeout Duration `yaml:"timeout"`
	Breaker Breaker  `yaml:"breaker"`
	Retry   Retry    `yaml:"retry"`
	Cert    string   `yaml:"cert"` // konektor's client identity towards the upstream
	Key     string   `yaml:"key"`
	CA      string   `yaml:"ca"` // trust roots for the upstream's server certificate
}

// Node is one upstream node.
type Node struct {
	Name string `yaml:"name"`
	URL  string `yaml:"url"`
}

// Sandbox configures the in-process sandboxes.
type Sandbox struct {
	ISZRAddr string        `yaml:"iszr_addr"`
	CUZKAddr string        `yaml:"cuzk_addr"` // ČÚZK sandbox (TLS), when cuzk.nodes is empty
	ISDSAddr string        `yaml:"isds_addr"` // ISDS sandbox (TLS) and its TSA at /tsa, when no isds url is set
	Faults   SandboxFaults `yaml:"faults"`
}

// Policy names the policy sources: a model file written by `konektor policy
// import-rpp` and local YAML files merged over it in order. With neither,
// the embedded demo policy is used. Changed files are reloaded (also on
// SIGHUP); an invalid new policy keeps the old one.
type Policy struct {
	Model string   `yaml:"model"`
	Files []string `yaml:"files"`
	Watch Duration `yaml:"watch"` // poll interval for changed files; 0 = SIGHUP only
}

// Audit configures the access log, its checkpoints and the auditor UI.
type Audit struct {
	MaxBatch int      `yaml:"max_batch"`
	MaxDelay Duration `yaml:"max_delay"`
	// Checkpoints sign the chain head with the seal key and are
	// time-stamped (RFC 3161) by tsa_url, or the in-process sandbox TSA.
	CheckpointEvery    int      `yaml:"checkpoint_every"`
	CheckpointInterval Duration `yaml:"checkpoint_interval"`
	TSAURL             string   `yaml:"tsa_url"`
	TSARoots           []string `yaml:"tsa_roots"`
	RequireTimeStamps  bool     `yaml:"require_time_stamps"`
	SealHistory        []string `yaml:"seal_history"` // earlier seal certificates, for old checkpoints
	// Retention removes entries older than this (through a checkpoint);
	// 0 keeps everything.
	Retention       Duration `yaml:"retention"`
	RetentionCheck  Duration `yaml:"retention_check"`
	VerifyEvery     Duration `yaml:"verify_every"`
	VerifyFullEvery Duration `yaml:"verify_full_every"`
	SubjectKeyFile  string   `yaml:"subject_key_file"`
	StoreBodies     bool     `yaml:"store_bodies"`
	BodyKeyFile     string   `yaml:"body_key_file"`
	// Users are auditors who sign in with a password: name → bcrypt hash
	// (konektor audit hash-password).
	Users          map[string]string `yaml:"users"`
	SessionKeyFile string            `yaml:"session_key_file"`
	SessionTTL     Duration          `yaml:"session_ttl"`
}

// Client is a known caller (see package clients).
type Client struct {
	Name    string   `yaml:"name"`
	AIS     string   `yaml:"ais"`
	OVM     string   `yaml:"ovm"`
	ActsFor []string `yaml:"acts_for"`
	Roles   []string `yaml:"roles"`
	// RequireSignedRequests refuses calls without a valid WS-Security
	// signature by a certificate in SigningTrust.
	RequireSignedRequests bool     `yaml:"require_signed_requests"`
	SigningTrust          []string `yaml:"signing_trust"` // PEM files or dirs: pinned certificates or CAs
	// SealResponses signs every answer to this client with the seal key.
	SealResponses bool `yaml:"seal_responses"`
}

// Seal is the technology centre's seal: the key answers are signed with.
type Seal struct {
	Cert string   `yaml:"cert"`
	Key  string   `yaml:"key"`
	TTL  Duration `yaml:"ttl"` // Timestamp validity of a sealed answer
	// RSAEngine chooses the RSA implementation for sealing: "auto" (or
	// empty: OpenSSL's libcrypto 3, loaded at run time, where the build has
	// cgo and the library exists, else Go), "go" (always Go's crypto/rsa)
	// or "openssl" (start-up fails when libcrypto 3 cannot be used).
	RSAEngine string `yaml:"rsa_engine"`
}

// Signatures configures the verification of signed calls.
type Signatures struct {
	Skew            Duration `yaml:"skew"`
	MaxTimestampTTL Duration `yaml:"max_timestamp_ttl"`
}

// SOAPLimits bound what one message may cost.
type SOAPLimits struct {
	MaxBodyBytes int `yaml:"max_body_bytes"`
	MaxDepth     int `yaml:"max_depth"`
	MaxElements  int `yaml:"max_elements"`
	MaxAttrs     int `yaml:"max_attrs"`
}

// Duration is a time.Duration written as "30s" in YAML.
type Duration time.Duration

// UnmarshalYAML reads a Go duration string.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	var s string
	if err := n.Decode(&s); err != nil {
		return err
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("line %d: %q is not a duration (e.g. 30s, 5m)", n.Line, s)
	}
	*d = Duration(v)
	return nil
}

// MarshalYAML writes the duration as a string.
func (d Duration) MarshalYAML() (any, error) { return time.Duration(d).String(), nil }

// D returns the time.Duration.
func (d Duration) D() time.Duration { return time.Duration(d) }

// Default returns the embedded defaults: everything on this machine, data
// in ./konektor-data, the in-process sandboxes, the demo clients.
func Default() Config {
	return Config{
		DataDir: "./konektor-data",
		Bus: Bus{
			Addr:          "127.0.0.1:8443",
			DrainTimeout:  Duration(30 * time.Second),
			ReadTimeout:   Duration(30 * time.Second),
			MaxConcurrent: 256,
		},
		Ops: Ops{Addr: "127.0.0.1:9090"},
		Log: Log{Level: "info", Format: "json", Flush: Duration(200 * time.Millisecond)},
		Upstreams: Upstreams{ISZR: Upstream{
			Timeout: Duration(30 * time.Second),
			Breaker: Breaker{FailuresToOpen: 5, OpenTimeout: Duration(30 * time.Second), HalfOpenRequests: 1},
			Retry:   Retry{Attempts: 2, BaseDelay: Duration(100 * time.Millisecond), MaxDelay: Duration(2 * time.Second)},
		}},
		Cache:   Cache{Enabled: true, MaxBytes: 64 << 20, MaxEntryBytes: 1 << 20, RedisPrefix: "konektor:cache:"},
		Sandbox: Sandbox{ISZRAddr: "127.0.0.1:8444", CUZKAddr: "127.0.0.1:8445", ISDSAddr: "127.0.0.1:8446"},
		Runtime: Runtime{GCPercent: DefaultGCPercent},
		CUZK:    cuzkDefaults(),
		ISDS:    isdsDefaults(),
		Audit: Audit{MaxBatch: 512, CheckpointEvery: 10000, CheckpointInterval: Duration(5 * time.Minute),
			RetentionCheck: Duration(time.Hour), VerifyEvery: Duration(30 * time.Second),
			VerifyFullEvery: Duration(24 * time.Hour), SessionTTL: Duration(8 * time.Hour)},
		Policy:     Policy{Watch: Duration(5 * time.Second)},
		Seal:       Seal{TTL: Duration(5 * time.Minute)},
		Signatures: Signatures{Skew: Duration(5 * time.Minute), MaxTimestampTTL: Duration(time.Hour)},
		Clients: []Client{
			{Name: "999002", AIS: "999002", OVM: "12345678", ActsFor: []string{"12345678"}},
			{Name: "999003", AIS: "999003", OVM: "87654321", ActsFor: []string{"87654321"}},
			{Name: "auditor", Roles: []string{"auditor"}},
		},
		Limits: SOAPLimits{MaxBodyBytes: 8 << 20, MaxDepth: 64, MaxElements: 100_000, MaxAttrs: 64},
	}
}

// Load reads the file (if path is not empty) over the defaults, applies
// environment overrides from env (os.Environ form), fills derived paths and
// validates. The error lists every problem.
func Load(path string, env []string) (Config, error) {
	c := Default()
	if path != "" {
		data, err := os.ReadFile(path)
		if err != nil {
			return c, fmt.Errorf("config: %w", err)
		}
		if err := decode(data, &c); err != nil {
			return c, fmt.Errorf("config %s: %w", path, err)
		}
	}
	var problems []string
	problems = append(problems, applyEnv(&c, env)...)
	c.derive()
	problems = append(problems, c.Validate()...)
	if len(problems) > 0 {
		return c, &Error{Problems: problems}
	}
	return c, nil
}

func decode(data []byte, c *Config) error {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(c); err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	return nil
}

// Error lists every problem found in a configuration.
type Error struct{ Problems []string }

func (e *Error) Error() string {
	var b bytes.Buffer
	fmt.Fprintf(&b, "invalid configuration (%d problems):", len(e.Problems))
	for _, p := range e.Problems {
		b.WriteString("\n  - ")
		b.WriteString(p)
	}
	return b.String()
}

// PKIDir is where the dev PKI lives.
func (c *Config) PKIDir() string { return filepath.Join(c.DataDir, "pki") }

// UsesSandbox reports whether ISZR calls go to the in-process sandbox.
func (c *Config) UsesSandbox() bool { return len(c.Upstreams.ISZR.Nodes) == 0 }

// derive fills paths that default to the dev PKI in the data directory.
func (c *Config) derive() {
	pki := c.PKIDir()
	def := func(p *string, name string) {
		if *p == "" {
			*p = filepath.Join(pki, name)
		}
	}
	def(&c.Bus.Cert, "server.pem")
	def(&c.Bus.Key, "server-key.pem")
	def(&c.Bus.ClientCA, "ca.pem")
	def(&c.Upstreams.ISZR.Cert, "upstream.pem")
	def(&c.Upstreams.ISZR.Key, "upstream-key.pem")
	def(&c.Upstreams.ISZR.CA, "ca.pem")
	def(&c.Seal.Cert, "seal.pem")
	if c.Audit.SubjectKeyFile == "" {
		c.Audit.SubjectKeyFile = filepath.Join(c.DataDir, "keys", "subject.key")
	}
	if c.Audit.BodyKeyFile == "" {
		c.Audit.BodyKeyFile = filepath.Join(c.DataDir, "keys", "body.key")
	}
	def(&c.Seal.Key, "seal-key.pem")
}
