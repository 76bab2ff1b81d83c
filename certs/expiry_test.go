package certs

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"strings"
	"testing"
	"time"
)

func TestExpiryAndWarn(t *testing.T) {
	mk := func(cn string, notAfter time.Time) *x509.Certificate {
		return &x509.Certificate{Subject: pkix.Name{CommonName: cn}, NotAfter: notAfter}
	}
	now := testNow
	infos := Expiry(
		NamedCertificate{Name: "server", Cert: mk("localhost", now.Add(90*24*time.Hour))},
		NamedCertificate{Name: "seal", Cert: mk("seal", now.Add(10*24*time.Hour+time.Hour))},
		NamedCertificate{Name: "missing", Cert: nil},
		NamedCertificate{Name: "client-ca", Cert: mk("old CA", now.Add(-2*24*time.Hour))},
		NamedCertificate{Name: "edge", Cert: mk("edge", now.Add(30*24*time.Hour))},
	)
	if len(infos) != 4 {
		t.Fatalf("got %d infos, want 4 (nil skipped)", len(infos))
	}
	if infos[0].Name != "client-ca" || infos[3].Name != "server" {
		t.Fatalf("not sorted soonest first: %+v", infos)
	}
	if infos[0].Subject != "CN=old CA" {
		t.Fatalf("subject %q", infos[0].Subject)
	}
	cases := []struct {
		name      string
		within    time.Duration
		wantNames []string
	}{
		{name: "thirty-days", within: DefaultExpiryWarning, wantNames: []string{"client-ca", "seal", "edge"}},
		{name: "zero-window-only-expired", within: 0, wantNames: []string{"client-ca"}},
		{name: "one-year", within: 365 * 24 * time.Hour, wantNames: []string{"client-ca", "seal", "edge", "server"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ws := Warn(infos, now, tc.within)
			var names []string
			for _, w := range ws {
				names = append(names, w.Name)
			}
			if strings.Join(names, ",") != strings.Join(tc.wantNames, ",") {
				t.Fatalf("warned %v, want %v", names, tc.wantNames)
			}
		})
	}
	ws := Warn(infos, now, DefaultExpiryWarning)
	if !ws[0].Expired || ws[0].DaysLeft != -2 || !strings.Contains(ws[0].Message, "vypršel") || !strings.Contains(ws[0].MessageEN, "expired") {
		t.Errorf("expired warning %+v", ws[0])
	}
	if ws[1].Expired || ws[1].DaysLeft != 10 || !strings.Contains(ws[1].Message, "zbývá dní: 10") || !strings.Contains(ws[1].MessageEN, "10 days left") {
		t.Errorf("seal warning %+v", ws[1])
	}
}
