package certs

import (
	"crypto/x509"
	"slices"
)

// Organizational units the development PKI puts into client certificates.
// A production client CA must follow the same convention for auditors.
const (
	// AuditorOU marks a client certificate as an auditor's.
	AuditorOU = "auditor"
	// AISOU marks a client certificate as an agenda system's (informative;
	// the AIS code is the common name).
	AISOU = "ais"
)

// AISCode returns the AIS code a client certificate identifies: its subject
// common name.
func AISCode(c *x509.Certificate) string {
	if c == nil {
		return ""
	}
	return c.Subject.CommonName
}

// IsAuditor reports whether a client certificate carries the auditor role,
// that is whether its subject has an OU exactly equal to AuditorOU. The
// certificate must already have been verified against the client CA.
func IsAuditor(c *x509.Certificate) bool {
	return c != nil && slices.Contains(c.Subject.OrganizationalUnit, AuditorOU)
}
