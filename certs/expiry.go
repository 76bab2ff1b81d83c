package certs

import (
	"crypto/x509"
	"fmt"
	"math"
	"sort"
	"time"
)

// DefaultExpiryWarning is how far ahead /readyz warns about expiry.
const DefaultExpiryWarning = 30 * 24 * time.Hour

// NamedCertificate is a certificate with the name of its purpose
// (e.g. "server", "seal", "client-ca"), as expiry reports show it.
type NamedCertificate struct {
	Name string
	Cert *x509.Certificate
}

// ExpiryInfo is when one certificate stops being valid.
type ExpiryInfo struct {
	Name     string    `json:"name"`
	Subject  string    `json:"subject"`
	NotAfter time.Time `json:"not_after"`
}

// Expiry lists the certificates' expiry, soonest first. Nil certificates are
// skipped.
func Expiry(certs ...NamedCertificate) []ExpiryInfo {
	out := make([]ExpiryInfo, 0, len(certs))
	for _, c := range certs {
		if c.Cert == nil {
			continue
		}
		out = append(out, ExpiryInfo{Name: c.Name, Subject: c.Cert.Subject.String(), NotAfter: c.Cert.NotAfter})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].NotAfter.Before(out[j].NotAfter) })
	return out
}

// ExpiryWarning is an ExpiryInfo that is within the warning window or past
// it, with a message in Czech and in English.
type ExpiryWarning struct {
	ExpiryInfo
	Expired   bool   `json:"expired"`
	DaysLeft  int    `json:"days_left"`
	Message   string `json:"message"`
	MessageEN string `json:"message_en"`
}

// Warn returns a warning for every certificate that expires within `within`
// of now (or has expired), soonest first. DaysLeft rounds down; it is
// negative for expired certificates.
func Warn(infos []ExpiryInfo, now time.Time, within time.Duration) []ExpiryWarning {
	var out []ExpiryWarning
	for _, e := range infos {
		left := e.NotAfter.Sub(now)
		if left > within {
			continue
		}
		w := ExpiryWarning{ExpiryInfo: e, DaysLeft: int(math.Floor(left.Hours() / 24))}
		date := e.NotAfter.UTC().Format(time.DateOnly)
		if left <= 0 {
			w.Expired = true
			w.Message = fmt.Sprintf("certifikát %s (%s) vypršel %s", e.Name, e.Subject, date)
			w.MessageEN = fmt.Sprintf("certificate %s (%s) expired on %s", e.Name, e.Subject, date)
		} else {
			w.Message = fmt.Sprintf("certifikát %s (%s) vyprší %s, zbývá dní: %d", e.Name, e.Subject, date, w.DaysLeft)
			w.MessageEN = fmt.Sprintf("certificate %s (%s) expires on %s, %d days left", e.Name, e.Subject, date, w.DaysLeft)
		}
		out = append(out, w)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].NotAfter.Before(out[j].NotAfter) })
	return out
}
