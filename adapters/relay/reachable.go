package relay

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
	"net/url"
)

// Reachable reports whether the node accepts a TLS connection with
// konektor's upstream identity: network, certificate and trust are in
// order. It sends no request, so it costs the upstream nothing.
func (n *Node) Reachable(ctx context.Context) error {
	u, err := url.Parse(n.Base)
	if err != nil {
		return fmt.Errorf("relay: %s: %w", n.Name, err)
	}
	host := u.Host
	if u.Port() == "" {
		host = net.JoinHostPort(u.Hostname(), "443")
	}
	var conf *tls.Config
	if tr, ok := n.HTTP.Transport.(*http.Transport); ok && tr.TLSClientConfig != nil {
		conf = tr.TLSClientConfig.Clone()
	} else {
		conf = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	if conf.ServerName == "" {
		conf.ServerName = u.Hostname()
	}
	d := tls.Dialer{Config: conf}
	c, err := d.DialContext(ctx, "tcp", host)
	if err != nil {
		return fmt.Errorf("upstream %s (%s) unreachable: %w", n.Name, host, err)
	}
	return c.Close()
}
