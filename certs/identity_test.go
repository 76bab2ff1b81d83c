package certs

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"testing"
)

func TestIdentity(t *testing.T) {
	cases := []struct {
		name    string
		cert    *x509.Certificate
		ais     string
		auditor bool
	}{
		{name: "ais", cert: &x509.Certificate{Subject: pkix.Name{CommonName: "999002", OrganizationalUnit: []string{AISOU}}}, ais: "999002"},
		{name: "auditor", cert: &x509.Certificate{Subject: pkix.Name{CommonName: "auditor", OrganizationalUnit: []string{"x", AuditorOU}}}, ais: "auditor", auditor: true},
		{name: "auditor-word-in-cn-only", cert: &x509.Certificate{Subject: pkix.Name{CommonName: "auditor"}}, ais: "auditor"},
		{name: "ou-prefix-is-not-enough", cert: &x509.Certificate{Subject: pkix.Name{OrganizationalUnit: []string{"auditors"}}}},
		{name: "nil", cert: nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := AISCode(tc.cert); got != tc.ais {
				t.Errorf("AISCode = %q, want %q", got, tc.ais)
			}
			if got := IsAuditor(tc.cert); got != tc.auditor {
				t.Errorf("IsAuditor = %v, want %v", got, tc.auditor)
			}
		})
	}
}
