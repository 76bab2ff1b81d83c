package isds

import (
	"bytes"
	"encoding/xml"
	"errors"
	"strings"
	"testing"

	"konektor/adapters/relay"
	"konektor/gateway/soap"
)

func TestReadStatus(t *testing.T) {
	long := strings.Repeat("x", 64<<10)
	tests := []struct {
		name, body, want string
	}{
		{"dm", `<p:R><p:dmStatus><p:dmStatusCode>0000</p:dmStatusCode><p:dmStatusMessage>ok</p:dmStatusMessage></p:dmStatus></p:R>`, "0000"},
		{"db-no-prefix", `<R><dbStatus><dbStatusCode>1007</dbStatusCode></dbStatus></R>`, "1007"},
		{"last-wins", `<p:dmSingleStatus><p:dmStatusCode>1214</p:dmStatusCode></p:dmSingleStatus><p:dmStatus><p:dmStatusCode>0004</p:dmStatusCode></p:dmStatus>`, "0004"},
		{"after-large-content", `<p:dmEncodedContent>` + long + `</p:dmEncodedContent><p:dmStatus><p:dmStatusCode>0000</p:dmStatusCode></p:dmStatus>`, "0000"},
		{"fault", `<SOAP-ENV:Fault><faultcode>x</faultcode></SOAP-ENV:Fault>`, ""},
		{"html", `<html>401</html>`, ""},
		{"empty", ``, ""},
		{"not-four-digits", `<dmStatusCode>00</dmStatusCode>`, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := ReadStatus([]byte(tc.body)); got != tc.want {
				t.Fatalf("ReadStatus = %q, want %q", got, tc.want)
			}
		})
	}
	if !Success("0000") || !Success("0005") || Success("1219") || Success("") || Success("00") {
		t.Error("Success")
	}
}

func TestUpstreamEnvelope(t *testing.T) {
	tests := []struct {
		name, in string
		wantNS   []string // declarations expected on the new envelope
	}{
		{"prefix-on-envelope", `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" xmlns:v="http://isds.czechpoint.cz/v20"><s:Body><v:DummyOperation/></s:Body></s:Envelope>`,
			[]string{`xmlns:v="http://isds.czechpoint.cz/v20"`}},
		{"default-on-body", `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body xmlns="http://isds.czechpoint.cz/v20"><DummyOperation/></s:Body></s:Envelope>`,
			[]string{`xmlns="http://isds.czechpoint.cz/v20"`}},
		{"body-overrides-envelope", `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" xmlns:v="urn:wrong"><s:Body xmlns:v="http://isds.czechpoint.cz/v20"><v:DummyOperation/></s:Body></s:Envelope>`,
			[]string{`xmlns:v="http://isds.czechpoint.cz/v20"`}},
		{"soapenv-prefix-taken", `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:v="http://isds.czechpoint.cz/v20"><soapenv:Header><x xmlns:h="urn:h"/></soapenv:Header><soapenv:Body><v:DummyOperation/></soapenv:Body></soapenv:Envelope>`,
			[]string{`xmlns:v="http://isds.czechpoint.cz/v20"`, `xmlns:soapenv1="http://schemas.xmlsoap.org/soap/envelope/"`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e, err := soap.Parse([]byte(tc.in), soap.DefaultLimits)
			if err != nil {
				t.Fatal(err)
			}
			out := upstreamEnvelope(e)
			for _, ns := range tc.wantNS {
				if !bytes.Contains(out, []byte(ns)) {
					t.Errorf("missing %s in %s", ns, out)
				}
			}
			if bytes.Contains(out, []byte("Header")) || bytes.Contains(out, []byte("urn:h")) {
				t.Errorf("the Header survived: %s", out)
			}
			again, err := soap.Parse(out, soap.DefaultLimits)
			if err != nil {
				t.Fatalf("rebuilt envelope does not parse: %v\n%s", err, out)
			}
			if again.Version != soap.V11 || again.Payload != (xml.Name{Space: "http://isds.czechpoint.cz/v20", Local: "DummyOperation"}) {
				t.Fatalf("payload %v", again.Payload)
			}
		})
	}
}

func TestEvidenceString(t *testing.T) {
	e := Evidence{Operation: "GetSignedDeliveryInfo", DmID: "42", Box: "mstdemd", Verified: true, Kind: "delivery", Sender: "firma2x",
		Recipient: "mstdemd", Signature: "valid", Chain: "untrusted", DmHash: "match", Timestamp: "invalid", Problem: "x \"y\""}
	want := `isds GetSignedDeliveryInfo dmID=42 box=mstdemd zfo=delivery sender=firma2x recipient=mstdemd signature=valid chain=untrusted dmHash=match timestamp=invalid valid=false problem="x \"y\""`
	if got := e.String(); got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
	if got := (Evidence{Operation: "MessageDownload", DmID: "1", Box: "b"}).String(); got != "isds MessageDownload dmID=1 box=b" {
		t.Fatalf("unverified: %s", got)
	}
	if got := (Evidence{Operation: "X", Box: "b", Undecodable: true}).String(); !strings.Contains(got, "zfo=undecodable valid=false") {
		t.Fatalf("undecodable: %s", got)
	}
}

func TestConfigValidation(t *testing.T) {
	node := relay.NewNode(relay.Options{Name: "n", Base: "https://ws1.example"})
	good := Account{Box: "mstdemd", Login: LoginHosted, Node: node}
	tests := []struct {
		name string
		o    Options
		want []string
	}{
		{"no-policy-no-accounts", Options{}, []string{"no data-box policy", "no data-box account"}},
		{"bad-box-id", Options{Policy: testPolicy(t), Accounts: []Account{{Box: "abc1234", Login: LoginHosted, Node: node}}}, []string{"malformed box ID"}},
		{"basic-without-password", Options{Policy: testPolicy(t), Accounts: []Account{{Box: "mstdemd", Login: LoginBasic, Username: "u", Node: node}}}, []string{"user name and a password"}},
		{"unknown-login", Options{Policy: testPolicy(t), Accounts: []Account{{Box: "mstdemd", Login: "otp", Node: node}}}, []string{"not basic, cert or hspis"}},
		{"no-node", Options{Policy: testPolicy(t), Accounts: []Account{{Box: "mstdemd", Login: LoginCert}}}, []string{"no node"}},
		{"route-to-unknown-box", Options{Policy: testPolicy(t), Accounts: []Account{good}, Routes: []Route{{AIS: "1", Box: "kraj2xd", OVM: "x"}}}, []string{"has no account"}},
		{"two-routes", Options{Policy: testPolicy(t), Accounts: []Account{good}, Routes: []Route{{AIS: "1", Box: "mstdemd", OVM: "x"}, {AIS: "1", Box: "mstdemd", OVM: "x"}}}, []string{"two routes"}},
		{"route-without-ovm", Options{Policy: testPolicy(t), Accounts: []Account{good}, Routes: []Route{{AIS: "1", Box: "mstdemd"}}}, []string{"no OVM"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New(tc.o)
			if err == nil {
				t.Fatal("accepted")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
	if _, err := New(Options{Policy: testPolicy(t), Accounts: []Account{good}}); err != nil {
		t.Fatalf("valid configuration refused: %v", err)
	}
	if _, err := New(Options{}); !errors.Is(err, ErrNoPolicy) || !errors.Is(err, ErrNoAccounts) {
		t.Error("ErrNoPolicy not wrapped")
	}
}

// FuzzReadStatus: ISDS answers are untrusted input; reading their status
// and signature never panics.
func FuzzReadStatus(f *testing.F) {
	f.Add([]byte(`<p:dmStatus><p:dmStatusCode>0000</p:dmStatusCode></p:dmStatus>`))
	f.Add([]byte(`<p:dmSignature>MIAG</p:dmSignature><p:dmStatusCode>0000</p:dmStatusCode>`))
	f.Add([]byte(`dmSignature>`))
	f.Fuzz(func(t *testing.T, body []byte) {
		code := ReadStatus(body)
		if code != "" && len(code) != 4 {
			t.Fatalf("status %q", code)
		}
		_ = signatureOf(body)
		_ = personal(body)
		_ = requestDmID(body)
	})
}
