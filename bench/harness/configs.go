package harness

import (
	"bytes"
	"fmt"
	"strings"
	"text/template"

	"gopkg.in/yaml.v3"

	"konektor/certs"
)

// KonektorConfig is what one scenario changes in konektor's configuration;
// everything else stays on konektor's defaults (durable SQLite access log,
// demo policy, info-level JSON log).
type KonektorConfig struct {
	DataDir     string // holds pki/ (the harness's dev PKI) and the store
	BusAddr     string
	OpsAddr     string
	UpstreamURL string // the ISZR sandbox, …/publikace
	Cache       bool   // cache answers (memory, or Redis with RedisURL)
	RedisURL    string
	RedisPrefix string
	Seal        bool   // client 999002 gets sealed answers
	RequireSig  bool   // client 999002 must sign its calls
	SigningCert string // the pinned certificate 999002 signs with
}

// The YAML shapes below mirror the keys of konektor's configuration file
// (internal/config) that the harness sets.
type (
	yamlKonektor struct {
		DataDir   string        `yaml:"data_dir"`
		RedisURL  string        `yaml:"redis_url,omitempty"`
		Bus       yamlAddr      `yaml:"bus"`
		Ops       yamlAddr      `yaml:"ops"`
		Log       yamlLog       `yaml:"log"`
		Upstreams yamlUpstreams `yaml:"upstreams"`
		Sandbox   yamlSandbox   `yaml:"sandbox"`
		Cache     yamlCache     `yaml:"cache"`
		Clients   []yamlClient  `yaml:"clients"`
	}
	yamlAddr struct {
		Addr string `yaml:"addr"`
	}
	yamlLog struct {
		Level  string `yaml:"level"`
		Format string `yaml:"format"`
	}
	yamlUpstreams struct {
		ISZR yamlISZR `yaml:"iszr"`
	}
	yamlISZR struct {
		Nodes []yamlNode `yaml:"nodes"`
	}
	yamlNode struct {
		Name string `yaml:"name"`
		URL  string `yaml:"url"`
	}
	yamlSandbox struct {
		ISZRAddr string `yaml:"iszr_addr,omitempty"`
		CUZKAddr string `yaml:"cuzk_addr"`
		ISDSAddr string `yaml:"isds_addr"`
	}
	yamlCache struct {
		Enabled     bool   `yaml:"enabled"`
		RedisPrefix string `yaml:"redis_prefix,omitempty"`
	}
	yamlClient struct {
		Name          string   `yaml:"name"`
		AIS           string   `yaml:"ais,omitempty"`
		OVM           string   `yaml:"ovm,omitempty"`
		ActsFor       []string `yaml:"acts_for,omitempty"`
		Roles         []string `yaml:"roles,omitempty"`
		RequireSigned bool     `yaml:"require_signed_requests,omitempty"`
		SigningTrust  []string `yaml:"signing_trust,omitempty"`
		SealResponses bool     `yaml:"seal_responses,omitempty"`
	}
)

// YAML renders the configuration file. The ČÚZK and ISDS sandboxes that
// konektor starts by itself get free ports, so that they never collide
// with the harness's sandbox process.
func (k KonektorConfig) YAML() ([]byte, error) {
	if k.DataDir == "" || k.BusAddr == "" || k.OpsAddr == "" || k.UpstreamURL == "" {
		return nil, fmt.Errorf("konektor config: data dir, bus, ops and upstream URL are required")
	}
	if k.RequireSig && k.SigningCert == "" {
		return nil, fmt.Errorf("konektor config: signed requests need the signing certificate")
	}
	demo := yamlClient{Name: "999002", AIS: "999002", OVM: "12345678", ActsFor: []string{"12345678"},
		RequireSigned: k.RequireSig, SealResponses: k.Seal}
	if k.RequireSig {
		demo.SigningTrust = []string{k.SigningCert}
	}
	y := yamlKonektor{
		DataDir: k.DataDir,
		Bus:     yamlAddr{k.BusAddr}, Ops: yamlAddr{k.OpsAddr},
		Log:       yamlLog{Level: "info", Format: "json"},
		Upstreams: yamlUpstreams{ISZR: yamlISZR{Nodes: []yamlNode{{Name: "sandbox", URL: k.UpstreamURL}}}},
		Sandbox:   yamlSandbox{CUZKAddr: "127.0.0.1:0", ISDSAddr: "127.0.0.1:0"},
		Cache:     yamlCache{Enabled: k.Cache},
		Clients: []yamlClient{demo,
			{Name: "999003", AIS: "999003", OVM: "87654321", ActsFor: []string{"87654321"}},
			{Name: "auditor", Roles: []string{"auditor"}}},
	}
	if k.Cache && k.RedisURL != "" {
		y.RedisURL, y.Cache.RedisPrefix = k.RedisURL, k.RedisPrefix
	}
	return yaml.Marshal(y)
}

// SandboxYAML renders the configuration of `konektor sandbox`: the ISZR
// sandbox on iszrAddr (the demo policy, konektor's upstream identity
// trusted as a central AIS), the other sandboxes on free ports.
func SandboxYAML(dataDir, iszrAddr string) ([]byte, error) {
	if dataDir == "" || iszrAddr == "" {
		return nil, fmt.Errorf("sandbox config: data dir and address are required")
	}
	y := struct {
		DataDir string      `yaml:"data_dir"`
		Log     yamlLog     `yaml:"log"`
		Sandbox yamlSandbox `yaml:"sandbox"`
	}{dataDir, yamlLog{Level: "warn", Format: "json"}, yamlSandbox{ISZRAddr: iszrAddr, CUZKAddr: "127.0.0.1:0", ISDSAddr: "127.0.0.1:0"}}
	return yaml.Marshal(y)
}

// NginxConfig is nginx as a plain TLS reverse proxy in front of the ISZR
// sandbox: it asks agenda systems for a client certificate of the dev CA,
// as konektor does, and presents konektor's upstream identity to the
// sandbox over kept-alive mTLS connections. Paths are those of konektor's
// bus (/bus/iszr/{code} → /publikace/{code}).
type NginxConfig struct {
	Prefix   string // working directory: pid, logs, temp paths
	Listen   string // host:port
	Upstream string // host:port of the sandbox
	PKI      certs.DevPKIFiles
	Workers  int // worker_processes; 0 means auto
}

var nginxTemplate = template.Must(template.New("nginx").Parse(`# nginx as a plain TLS reverse proxy (konektor load harness)
daemon off;
master_process on;
worker_processes {{.WorkersValue}};
pid {{.Prefix}}/nginx.pid;
error_log {{.Prefix}}/error.log warn;
events {
    worker_connections 4096;
}
http {
    access_log {{.Prefix}}/access.log;
    client_body_temp_path {{.Prefix}}/client_body;
    proxy_temp_path {{.Prefix}}/proxy;
    fastcgi_temp_path {{.Prefix}}/fastcgi;
    uwsgi_temp_path {{.Prefix}}/uwsgi;
    scgi_temp_path {{.Prefix}}/scgi;
    client_body_buffer_size 64k;
    client_max_body_size 8m;
    keepalive_requests 1000000;
    keepalive_timeout 300s;
    upstream iszr {
        server {{.Upstream}};
        keepalive 256;
    }
    server {
        listen {{.Listen}} ssl;
        ssl_protocols TLSv1.2 TLSv1.3;
        ssl_certificate {{.PKI.Server}};
        ssl_certificate_key {{.PKI.ServerKey}};
        ssl_client_certificate {{.PKI.CA}};
        ssl_verify_client on;
        location /bus/iszr/ {
            proxy_pass https://iszr/publikace/;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_ssl_certificate {{.PKI.Upstream}};
            proxy_ssl_certificate_key {{.PKI.UpstreamKey}};
            proxy_ssl_trusted_certificate {{.PKI.CA}};
            proxy_ssl_verify on;
            proxy_ssl_name localhost;
            proxy_ssl_server_name on;
            proxy_ssl_session_reuse on;
        }
    }
}
`))

// Render returns nginx.conf. The master reads the keys before the workers
// start, so the workers' user needs no access to the PKI.
func (n NginxConfig) Render() ([]byte, error) {
	if n.Prefix == "" || n.Listen == "" || n.Upstream == "" || n.PKI.CA == "" {
		return nil, fmt.Errorf("nginx config: prefix, listen, upstream and PKI are required")
	}
	for _, v := range []string{n.Prefix, n.Listen, n.Upstream, n.PKI.CA, n.PKI.Server, n.PKI.ServerKey, n.PKI.Upstream, n.PKI.UpstreamKey} {
		if strings.ContainsAny(v, " ;{}\"'\n#") {
			return nil, fmt.Errorf("nginx config: %q cannot be written into nginx.conf", v)
		}
	}
	workers := "auto"
	if n.Workers > 0 {
		workers = fmt.Sprint(n.Workers)
	}
	var b bytes.Buffer
	err := nginxTemplate.Execute(&b, struct {
		NginxConfig
		WorkersValue string
	}{n, workers})
	return b.Bytes(), err
}
