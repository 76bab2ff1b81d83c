package certs

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"strings"
	"testing"
	"time"
)

// handshake runs a TLS handshake over an in-memory pipe and returns the
// client certificate the server saw, or the errors of both sides.
func handshake(t *testing.T, server, client *tls.Config) (*x509.Certificate, error) {
	t.Helper()
	sc, cc := net.Pipe()
	defer sc.Close()
	defer cc.Close()
	deadline := time.Now().Add(20 * time.Second)
	sc.SetDeadline(deadline)
	cc.SetDeadline(deadline)
	srv := tls.Server(sc, server)
	cli := tls.Client(cc, client)
	errc := make(chan error, 1)
	go func() {
		err := cli.Handshake()
		if err == nil {
			// TLS 1.3: the client learns of a rejected certificate on first read.
			_, err = cli.Read(make([]byte, 1))
		}
		cc.Close()
		errc <- err
	}()
	serr := srv.Handshake()
	var peer *x509.Certificate
	if serr == nil {
		if pcs := srv.ConnectionState().PeerCertificates; len(pcs) > 0 {
			peer = pcs[0]
		}
		_, serr = srv.Write([]byte{1})
	}
	sc.Close()
	cerr := <-errc
	if err := errors.Join(serr, cerr); err != nil {
		return nil, err
	}
	return peer, nil
}

func TestMutualTLS(t *testing.T) {
	p := sharedDevPKI(t)
	pool, err := LoadPool(p.CA)
	if err != nil {
		t.Fatal(err)
	}
	foreignDir := t.TempDir()
	foreignCA := testCA(t, "foreign CA")
	foreignCert, foreignKey := writeKeyPair(t, foreignDir, "999002", testLeaf(t, foreignCA, "999002", x509.ExtKeyUsageClientAuth))
	foreignServerCert, foreignServerKey := writeKeyPair(t, foreignDir, "server", testLeaf(t, foreignCA, "localhost", x509.ExtKeyUsageServerAuth))
	foreignPool := x509.NewCertPool()
	foreignPool.AddCert(foreignCA.Leaf())

	clientCert, clientKey := p.Client("999002")
	auditorCert, auditorKey := p.Client("auditor")
	cases := []struct {
		name       string
		serverCert string
		serverKey  string
		clientCert string
		clientKey  string
		clientRoot *x509.CertPool
		maxVersion uint16
		wantCN     string
		wantAudit  bool
		errText    string
	}{
		{name: "ais-client", serverCert: p.Server, serverKey: p.ServerKey, clientCert: clientCert, clientKey: clientKey, clientRoot: pool, wantCN: "999002"},
		{name: "auditor-client", serverCert: p.Server, serverKey: p.ServerKey, clientCert: auditorCert, clientKey: auditorKey, clientRoot: pool, wantCN: "auditor", wantAudit: true},
		{name: "upstream-identity", serverCert: p.Server, serverKey: p.ServerKey, clientCert: p.Upstream, clientKey: p.UpstreamKey, clientRoot: pool, wantCN: "konektor"},
		{name: "tls12", serverCert: p.Server, serverKey: p.ServerKey, clientCert: clientCert, clientKey: clientKey, clientRoot: pool, maxVersion: tls.VersionTLS12, wantCN: "999002"},
		{name: "no-client-certificate", serverCert: p.Server, serverKey: p.ServerKey, clientRoot: pool, errText: "certificate"},
		{name: "client-from-wrong-ca", serverCert: p.Server, serverKey: p.ServerKey, clientCert: foreignCert, clientKey: foreignKey, clientRoot: pool, errText: "certificate"},
		{name: "server-from-wrong-ca", serverCert: foreignServerCert, serverKey: foreignServerKey, clientCert: clientCert, clientKey: clientKey, clientRoot: pool, errText: "unknown authority"},
		{name: "client-trusts-other-ca", serverCert: p.Server, serverKey: p.ServerKey, clientCert: clientCert, clientKey: clientKey, clientRoot: foreignPool, errText: "unknown authority"},
		{name: "server-cert-as-client", serverCert: p.Server, serverKey: p.ServerKey, clientCert: p.Server, clientKey: p.ServerKey, clientRoot: pool, errText: "certificate"},
		{name: "tls11-refused", serverCert: p.Server, serverKey: p.ServerKey, clientCert: clientCert, clientKey: clientKey, clientRoot: pool, maxVersion: tls.VersionTLS11, errText: "version"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			scfg, err := ServerTLS(tc.serverCert, tc.serverKey, pool)
			if err != nil {
				t.Fatal(err)
			}
			ccfg, err := ClientTLS(tc.clientCert, tc.clientKey, tc.clientRoot)
			if err != nil {
				t.Fatal(err)
			}
			ccfg.ServerName = "localhost"
			clock := func() time.Time { return testNow.Add(time.Hour) }
			scfg.Time, ccfg.Time = clock, clock
			if tc.maxVersion != 0 {
				ccfg.MinVersion = tls.VersionTLS10
				ccfg.MaxVersion = tc.maxVersion
				ccfg.CipherSuites = nil
			}
			peer, err := handshake(t, scfg, ccfg)
			if tc.errText != "" {
				if err == nil {
					t.Fatalf("handshake succeeded (peer %v), want failure", peer)
				}
				if !strings.Contains(err.Error(), tc.errText) {
					t.Fatalf("error %q does not mention %q", err, tc.errText)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if AISCode(peer) != tc.wantCN || IsAuditor(peer) != tc.wantAudit {
				t.Fatalf("server saw CN %q auditor=%v", AISCode(peer), IsAuditor(peer))
			}
		})
	}
}

func TestTLSConfigErrors(t *testing.T) {
	p := sharedDevPKI(t)
	pool, _ := LoadPool(p.CA)
	cases := []struct {
		name    string
		build   func() (*tls.Config, error)
		wantErr error
		errText string
	}{
		{name: "server-nil-client-cas", build: func() (*tls.Config, error) { return ServerTLS(p.Server, p.ServerKey, nil) }, wantErr: ErrNoTrustAnchors},
		{name: "server-missing-key", build: func() (*tls.Config, error) { return ServerTLS(p.Server, p.Dir+"/none.pem", pool) }, errText: "none.pem"},
		{name: "server-mismatched-key", build: func() (*tls.Config, error) { return ServerTLS(p.Server, p.SealKey, pool) }, wantErr: ErrKeyMismatch},
		{name: "client-nil-roots", build: func() (*tls.Config, error) { return ClientTLS(p.Upstream, p.UpstreamKey, nil) }, wantErr: ErrNoTrustAnchors},
		{name: "client-half-pair", build: func() (*tls.Config, error) { return ClientTLS(p.Upstream, "", pool) }, errText: "both be set"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.build()
			if err == nil {
				t.Fatal("want error")
			}
			if tc.wantErr != nil && !errors.Is(err, tc.wantErr) {
				t.Fatalf("error %v, want %v", err, tc.wantErr)
			}
			if !strings.Contains(err.Error(), tc.errText) {
				t.Fatalf("error %q does not mention %q", err, tc.errText)
			}
		})
	}
	t.Run("server-settings", func(t *testing.T) {
		cfg, err := ServerTLS(p.Server, p.ServerKey, pool)
		if err != nil {
			t.Fatal(err)
		}
		if cfg.MinVersion != tls.VersionTLS12 || cfg.ClientAuth != tls.RequireAndVerifyClientCert || cfg.ClientCAs != pool {
			t.Fatalf("unexpected config %+v", cfg)
		}
		for _, id := range cfg.CipherSuites {
			for _, insecure := range tls.InsecureCipherSuites() {
				if id == insecure.ID {
					t.Errorf("insecure suite %s", insecure.Name)
				}
			}
		}
	})
	t.Run("client-without-certificate", func(t *testing.T) {
		cfg, err := ClientTLS("", "", pool)
		if err != nil || len(cfg.Certificates) != 0 {
			t.Fatalf("cfg %+v err %v", cfg, err)
		}
	})
}
