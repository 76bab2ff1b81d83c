package sim

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net/http"
	"strings"
	"testing"
	"time"

	"konektor/certs"
)

func TestBasicLogin(t *testing.T) {
	f := newSim(t, nil)
	body := soapRequest("GetOwnerInfoFromLogin2", "<dbDummy/>")
	tests := []struct {
		name, user, pass string
		want             int
	}{
		{"valid", BoxDemoOVM + ".spravce", seedPassword, http.StatusOK},
		{"wrong-password", BoxDemoOVM + ".spravce", "x", http.StatusUnauthorized},
		{"unknown-user", "nobody", seedPassword, http.StatusUnauthorized},
		{"no-credentials", "", "", http.StatusUnauthorized},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, raw := f.post(f.ts.Client(), f.ts.URL, "/DS/DsManage", tc.user, tc.pass, "text/xml", body)
			if status != tc.want {
				t.Fatalf("HTTP %d, want %d: %s", status, tc.want, raw)
			}
			if status == http.StatusOK {
				f.reply(status, raw).want(t, codeOK)
			}
		})
	}
}

// TestLoginBlocking: after five failed logins a user name is blocked, even
// with the right password, until the block ends on the injected clock; many
// failures from one address block the address.
func TestLoginBlocking(t *testing.T) {
	f := newSim(t, nil)
	body := soapRequest("DummyOperation", "")
	user := BoxCompany + ".spravce"
	for i := 0; i < DefaultMaxLoginFailures; i++ {
		if status, _ := f.post(f.ts.Client(), f.ts.URL, "/DS/dz", user, "wrong", "text/xml", body); status != http.StatusUnauthorized {
			t.Fatalf("attempt %d: HTTP %d", i, status)
		}
	}
	status, raw := f.post(f.ts.Client(), f.ts.URL, "/DS/dz", user, seedPassword, "text/xml", body)
	if status != http.StatusUnauthorized || !strings.Contains(string(raw), "blokováno do") {
		t.Fatalf("right password while blocked: HTTP %d %s", status, raw)
	}
	// Another user from the same address is not blocked yet.
	f.call(BoxPerson+".spravce", "dz", "DummyOperation", "").want(t, codeOK)
	f.advance(DefaultLoginBlock)
	f.call(user, "dz", "DummyOperation", "").want(t, codeOK)

	// Twenty failures from one address, spread over user names, block it.
	for i := 0; i < DefaultMaxIPFailures; i++ {
		f.post(f.ts.Client(), f.ts.URL, "/DS/dz", "guess"+string(rune('a'+i)), "x", "text/xml", body)
	}
	status, raw = f.post(f.ts.Client(), f.ts.URL, "/DS/dz", BoxRegion+".spravce", seedPassword, "text/xml", body)
	if status != http.StatusUnauthorized || !strings.Contains(string(raw), "blokováno") {
		t.Fatalf("address not blocked: HTTP %d", status)
	}
	f.advance(DefaultLoginBlock + time.Second)
	f.call(BoxRegion+".spravce", "dz", "DummyOperation", "").want(t, codeOK)
}

func testCert(t *testing.T, cn string) *certs.KeyPair {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: cn},
		NotBefore: t0.Add(-time.Hour), NotAfter: t0.Add(10 * 365 * 24 * time.Hour),
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}, KeyUsage: x509.KeyUsageDigitalSignature}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := x509.ParseCertificate(der)
	kp, err := certs.NewKeyPair(key, []*x509.Certificate{c})
	if err != nil {
		t.Fatal(err)
	}
	return kp
}

// TestCertificateLogins covers the system certificate (/cert/DS/), a user
// with a registered certificate (/certds/DS/ only) and the hosted records
// service (/hspis/DS/: provider certificate, box ID as user name).
func TestCertificateLogins(t *testing.T) {
	system, provider, personal, stranger := testCert(t, "system"), testCert(t, "provider"), testCert(t, "personal"), testCert(t, "stranger")
	f := tlsSim(t, func(o *Options) {
		o.SystemCertificates = []SystemCertificate{{Box: BoxRegion, Certificate: system.Leaf()}}
		o.HostedServices = []HostedService{{Certificate: provider.Leaf(), Boxes: []string{BoxDemoOVM, BoxRegion}}}
		o.Accounts = append(SeedAccounts(), Account{Username: "kraj2xd.certuser", Password: seedPassword, Box: BoxRegion,
			Privileges: PrivAll, Kind: KindPrimary, Certificate: personal.Leaf()})
	})
	owner := soapRequest("GetOwnerInfoFromLogin2", "<dbDummy/>")
	tests := []struct {
		name       string
		cert       *certs.KeyPair
		path       string
		user, pass string
		want       int
		box        string
	}{
		{"system-certificate", system, "/cert/DS/DsManage", "", "", http.StatusOK, BoxRegion},
		{"system-certificate-missing", nil, "/cert/DS/DsManage", "", "", http.StatusForbidden, ""},
		{"unregistered-certificate", stranger, "/cert/DS/DsManage", "", "", http.StatusForbidden, ""},
		{"hosted-service-box-one", provider, "/hspis/DS/DsManage", BoxDemoOVM, "", http.StatusOK, BoxDemoOVM},
		{"hosted-service-box-two", provider, "/hspis/DS/DsManage", BoxRegion, "", http.StatusOK, BoxRegion},
		{"hosted-service-other-box", provider, "/hspis/DS/DsManage", BoxCompany, "", http.StatusUnauthorized, ""},
		{"hosted-service-with-password", provider, "/hspis/DS/DsManage", BoxDemoOVM, "x", http.StatusUnauthorized, ""},
		{"hosted-service-other-certificate", stranger, "/hspis/DS/DsManage", BoxDemoOVM, "", http.StatusUnauthorized, ""},
		{"registered-user-with-certificate", personal, "/certds/DS/DsManage", "kraj2xd.certuser", seedPassword, http.StatusOK, BoxRegion},
		{"registered-user-without-certificate", nil, "/DS/DsManage", "kraj2xd.certuser", seedPassword, http.StatusUnauthorized, ""},
		{"registered-user-wrong-certificate", stranger, "/certds/DS/DsManage", "kraj2xd.certuser", seedPassword, http.StatusUnauthorized, ""},
		{"user-without-registered-certificate-at-certds", stranger, "/certds/DS/DsManage", BoxRegion + ".spravce", seedPassword, http.StatusUnauthorized, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, raw := f.post(f.clientWith(tc.cert), f.ts.URL, tc.path, tc.user, tc.pass, "text/xml", owner)
			if status != tc.want {
				t.Fatalf("HTTP %d, want %d: %s", status, tc.want, raw)
			}
			if tc.box != "" {
				if r := f.reply(status, raw).want(t, codeOK); r.field("dbID") != tc.box {
					t.Fatalf("logged into %s, want %s", r.field("dbID"), tc.box)
				}
			}
		})
	}
	// A virtual user delivers with EV13.
	id := f.send(BoxCompany, BoxRegion)
	status, raw := f.post(f.clientWith(system), f.ts.URL, "/cert/DS/dx", "", "", "text/xml", soapRequest("GetListOfReceivedMessages", listXML("-1")))
	f.reply(status, raw).want(t, codeOK)
	status, raw = f.post(f.clientWith(system), f.ts.URL, "/cert/DS/dx", "", "", "text/xml", soapRequest("GetDeliveryInfo", idXML(id)))
	if r := f.reply(status, raw).want(t, codeOK); !strings.Contains(string(r.raw), "EV13:") {
		t.Fatalf("delivery by a system certificate: %s", r.raw)
	}
}
