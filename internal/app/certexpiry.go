package app

import (
	"fmt"
	"strings"
	"time"

	"konektor/certs"
	"konektor/gateway/metrics"
	"konektor/internal/config"
)

// expiryWarning is how far ahead /readyz warns about an expiring
// certificate.
const expiryWarning = 30 * 24 * time.Hour

func configuredCerts(c config.Config) []certs.NamedCertificate {
	var out []certs.NamedCertificate
	add := func(name, file string) {
		list, err := certs.LoadCertificates(file)
		if err != nil || len(list) == 0 {
			return
		}
		out = append(out, certs.NamedCertificate{Name: name, Cert: list[0]})
	}
	add("bus", c.Bus.Cert)
	add("client-ca", c.Bus.ClientCA)
	add("upstream-iszr", c.Upstreams.ISZR.Cert)
	add("upstream-iszr-ca", c.Upstreams.ISZR.CA)
	add("seal", c.Seal.Cert)
	for _, cl := range c.Clients {
		for i, f := range cl.SigningTrust {
			add(fmt.Sprintf("signing-trust:%s:%d", cl.Name, i), f)
		}
	}
	return out
}

func certExpiryWarning(c config.Config, now time.Time) error {
	w := certs.Warn(certs.Expiry(configuredCerts(c)...), now, expiryWarning)
	if len(w) == 0 {
		return nil
	}
	var parts []string
	for _, x := range w {
		parts = append(parts, fmt.Sprintf("%s expires %s", x.Name, x.NotAfter.Format(time.DateOnly)))
	}
	return fmt.Errorf("certificates expiring within 30 days: %s", strings.Join(parts, "; "))
}

func exportCertExpiry(c config.Config, m *metrics.Metrics) {
	for _, e := range certs.Expiry(configuredCerts(c)...) {
		m.CertExpiry.WithLabelValues(e.Name, e.Subject).Set(float64(e.NotAfter.Unix()))
	}
}
