package sim_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"konektor/adapters/cuzk/sim"
	"konektor/wsdl/cuzk"
)

var najdiParcelu = req("vyhledat", "NajdiParceluRequest", "<v:parcelaId>2850901306</v:parcelaId>")

const actionNajdiParcelu = "http://katastr.cuzk.cz/vyhledat//najdiParcelu"

func TestAuthentication(t *testing.T) {
	noSecurity := `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>` + najdiParcelu + `</soapenv:Body></soapenv:Envelope>`
	digest := strings.Replace(env("WSTEST", "WSHESLO", najdiParcelu), "#PasswordText", "#PasswordDigest", 1)
	created := func(at string) string {
		return strings.Replace(env("WSTEST", "WSHESLO", najdiParcelu), "</wsse:UsernameToken>",
			`<wsu:Created>`+at+`</wsu:Created></wsse:UsernameToken>`, 1)
	}
	tests := []struct {
		name      string
		envelope  string
		faultcode string
		reason    string
	}{
		{name: "valid-token", envelope: env("WSTEST", "WSHESLO", najdiParcelu)},
		{name: "missing-security-header", envelope: noSecurity, faultcode: "wsse:InvalidSecurity", reason: "Error on verifying message against security policy"},
		{name: "wrong-password", envelope: env("WSTEST", "spatne", najdiParcelu), faultcode: "wsse:FailedAuthentication", reason: "Failed to assert identity with UsernameToken."},
		{name: "unknown-user", envelope: env("NIKDO", "x", najdiParcelu), faultcode: "wsse:FailedAuthentication"},
		{name: "password-digest", envelope: digest, faultcode: "wsse:InvalidSecurity", reason: "Unsupported"},
		{name: "created-now", envelope: created("2026-03-02T10:01:00Z")},
		{name: "created-stale", envelope: created("2026-03-02T09:40:00Z"), faultcode: "wsse:InvalidSecurityToken", reason: "Security token failed to validate."},
		{name: "created-future", envelope: created("2026-03-02T10:30:00+00:00"), faultcode: "wsse:InvalidSecurityToken"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSandbox(t, sim.Options{})
			r := s.post(t, "vyhledat", actionNajdiParcelu, tt.envelope)
			if tt.faultcode == "" {
				if r.status != http.StatusOK || !r.has(0) {
					t.Fatalf("HTTP %d\n%s", r.status, r.body)
				}
				return
			}
			if r.status != http.StatusInternalServerError || r.faultcode() != tt.faultcode {
				t.Fatalf("HTTP %d faultcode %q, want %s\n%s", r.status, r.faultcode(), tt.faultcode, r.body)
			}
			if !strings.Contains(r.payload.Value("faultstring"), tt.reason) {
				t.Fatalf("faultstring %q", r.payload.Value("faultstring"))
			}
		})
	}
}

// TestLockout: three consecutive failures lock the account for 15 minutes,
// during which even the right password fails; a success resets the count.
func TestLockout(t *testing.T) {
	s := newSandbox(t, sim.Options{})
	try := func(pw string) string {
		return s.post(t, "vyhledat", actionNajdiParcelu, env("WSTEST", pw, najdiParcelu)).faultcode()
	}
	// Two failures, then a success: the count starts again.
	for i := 0; i < 2; i++ {
		if f := try("spatne"); f != "wsse:FailedAuthentication" {
			t.Fatalf("attempt %d: %q", i, f)
		}
	}
	if f := try("WSHESLO"); f != "" {
		t.Fatalf("correct password after two failures: %q", f)
	}
	for i := 0; i < 3; i++ {
		try("spatne")
	}
	until, locked := s.LockedUntil("WSTEST")
	if !locked || !until.Equal(s.clock.Now().Add(sim.LockDuration)) {
		t.Fatalf("locked %v until %v", locked, until)
	}
	if f := try("WSHESLO"); f != "wsse:FailedAuthentication" {
		t.Fatalf("locked account accepted the right password: %q", f)
	}
	// Other accounts are not affected.
	if f := s.post(t, "vyhledat", actionNajdiParcelu, env("WSTESTB", "WSHESLOB", najdiParcelu)).faultcode(); f != "" {
		t.Fatalf("other account: %q", f)
	}
	s.clock.Advance(sim.LockDuration - time.Second)
	if f := try("WSHESLO"); f != "wsse:FailedAuthentication" {
		t.Fatal("lock ended early")
	}
	s.clock.Advance(time.Second)
	if f := try("WSHESLO"); f != "" {
		t.Fatalf("lock did not end after 15 minutes: %q", f)
	}
	if _, locked := s.LockedUntil("WSTEST"); locked {
		t.Fatal("still reported locked")
	}
}

func TestSetPassword(t *testing.T) {
	s := newSandbox(t, sim.Options{})
	if !s.SetPassword("WSTEST", "NOVE-HESLO-2026") || s.SetPassword("NIKDO", "x") {
		t.Fatal("SetPassword result")
	}
	if f := s.post(t, "vyhledat", actionNajdiParcelu, env("WSTEST", "WSHESLO", najdiParcelu)).faultcode(); f != "wsse:FailedAuthentication" {
		t.Fatalf("old password: %q", f)
	}
	if f := s.post(t, "vyhledat", actionNajdiParcelu, env("WSTEST", "NOVE-HESLO-2026", najdiParcelu)).faultcode(); f != "" {
		t.Fatalf("new password: %q", f)
	}
}

// TestConcurrencyLimit: with a cap of one working user, a second user
// gets 477 inside the normal answer until the first one's window ends.
func TestConcurrencyLimit(t *testing.T) {
	s := newSandbox(t, sim.Options{MaxActiveUsers: 1, ActiveWindow: time.Minute})
	first := s.call(t, "vyhledat", "najdiParcelu", "WSTEST", najdiParcelu)
	if !first.has(0) {
		t.Fatalf("first user: %v", first.codes())
	}
	second := s.call(t, "vyhledat", "najdiParcelu", "WSTESTB", najdiParcelu)
	if !second.has(477) || second.has(0) || second.payload.Child("ParcelaList") == nil {
		t.Fatalf("second user: %v\n%s", second.codes(), second.body)
	}
	if again := s.call(t, "vyhledat", "najdiParcelu", "WSTEST", najdiParcelu); !again.has(0) {
		t.Fatalf("the working user was refused: %v", again.codes())
	}
	s.clock.Advance(time.Minute)
	if later := s.call(t, "vyhledat", "najdiParcelu", "WSTESTB", najdiParcelu); !later.has(0) {
		t.Fatalf("after the window: %v", later.codes())
	}
}

func TestEnvelopeAndDispatch(t *testing.T) {
	ok := env("WSTEST", "WSHESLO", najdiParcelu)
	tests := []struct {
		name, service, action, envelope, contentType string
		status                                       int
		faultcode, reason                            string
	}{
		{name: "double-slash-action", service: "vyhledat", action: actionNajdiParcelu, envelope: ok, status: 200},
		{name: "no-action", service: "vyhledat", envelope: ok, status: 200},
		{name: "single-slash-action", service: "vyhledat", action: "http://katastr.cuzk.cz/vyhledat/najdiParcelu", envelope: ok, status: 500, faultcode: "S:Client", reason: "SOAPAction"},
		{name: "wrong-service", service: "informace", envelope: ok, status: 500, faultcode: "S:Client", reason: "Cannot find dispatch method"},
		{name: "soap12", service: "vyhledat", envelope: ok, contentType: "application/soap+xml; charset=utf-8", status: 500, faultcode: "S:VersionMismatch"},
		{name: "doctype", service: "vyhledat", envelope: `<!DOCTYPE x [<!ENTITY a "b">]>` + ok, status: 500, faultcode: "S:Client"},
		{name: "not-an-envelope", service: "vyhledat", envelope: najdiParcelu, status: 500, faultcode: "S:Client"},
		{name: "schema-violation", service: "vyhledat", envelope: env("WSTEST", "WSHESLO", req("vyhledat", "NajdiParceluRequest", "<v:parcelaId>abc</v:parcelaId>")),
			status: 500, faultcode: "S:Client", reason: "cvc-pattern-valid"},
		{name: "schema-unknown-element", service: "vyhledat", envelope: env("WSTEST", "WSHESLO", req("vyhledat", "NajdiParceluRequest", "<v:lvId>1</v:lvId>")),
			status: 500, faultcode: "S:Client", reason: "cvc-complex-type.2.4.a"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSandbox(t, sim.Options{})
			rq, _ := http.NewRequest(http.MethodPost, cuzk.Path(tt.service), strings.NewReader(tt.envelope))
			ct := tt.contentType
			if ct == "" {
				ct = "text/xml; charset=utf-8"
			}
			rq.Header.Set("Content-Type", ct)
			if tt.action != "" {
				rq.Header.Set("SOAPAction", tt.action)
			}
			r := s.do(t, rq)
			if r.status != tt.status || r.faultcode() != tt.faultcode || !strings.Contains(string(r.body), tt.reason) {
				t.Fatalf("HTTP %d faultcode %q\n%s", r.status, r.faultcode(), r.body)
			}
		})
	}
}

func TestHTTPErrors(t *testing.T) {
	s := newSandbox(t, sim.Options{MaxBodyBytes: 64})
	tests := []struct {
		name, method, path, body string
		status                   int
	}{
		{name: "unknown-path", method: http.MethodPost, path: "/ws/wsdp/2.8/neni", status: 404},
		{name: "get-without-wsdl", method: http.MethodGet, path: "/ws/wsdp/2.8/vyhledat", status: 405},
		{name: "too-large", method: http.MethodPost, path: "/ws/wsdp/2.8/vyhledat", body: strings.Repeat("x", 100), status: 413},
		{name: "wsdl", method: http.MethodGet, path: "/ws/wsdp/2.8/vyhledat?wsdl", status: 200},
		{name: "wsdl-ctios", method: http.MethodGet, path: "/ws/ctios/2.8/ctios?WSDL", status: 200},
		{name: "wsdl-ucet-none", method: http.MethodGet, path: "/ws/wsdp/2.8/ucet?wsdl", status: 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rq, _ := http.NewRequest(tt.method, "http://sandbox.test"+tt.path, strings.NewReader(tt.body))
			r := s.doRaw(rq)
			if r.status != tt.status {
				t.Fatalf("HTTP %d, want %d\n%s", r.status, tt.status, r.body)
			}
			if tt.name == "wsdl" && !strings.Contains(string(r.body), `location="http://sandbox.test/ws/wsdp/2.8/vyhledat"`) {
				t.Fatalf("WSDL address:\n%.300s", r.body)
			}
		})
	}
}

func TestUnimplementedOperation(t *testing.T) {
	s := newSandbox(t, sim.Options{})
	r := s.post(t, "ciselnik", "http://katastr.cuzk.cz/ciselnik/seznamUlic", env("WSTEST", "WSHESLO", req("ciselnik", "SeznamUlicRequest", "")))
	if r.status != 200 || !r.has(309) || r.payload.Name.Local != "SeznamUlicResponse" {
		t.Fatalf("HTTP %d %v\n%s", r.status, r.codes(), r.body)
	}
}
