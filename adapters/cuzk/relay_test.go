package cuzk_test

import (
	"net/http"
	"strings"
	"testing"

	"konektor/adapters/cuzk"
	"konektor/adapters/cuzk/sim"
	"konektor/gateway/clients"
	"konektor/gateway/pipeline"
	"konektor/internal/xsdcheck"
	"konektor/policies"
	wsdl "konektor/wsdl/cuzk"
)

// TestRelayReplacesCredentials: the caller's Security and Kontext headers
// never reach ČÚZK; the account's UsernameToken does, with the official
// double-slash SOAPAction; other headers pass untouched.
func TestRelayReplacesCredentials(t *testing.T) {
	e := newEnv(t, setup{})
	other := `<x:Trace xmlns:x="urn:example:trace">abc</x:Trace>`
	r := e.do(client999002, "vyhledat", envelope(najdiParcelu, callerSecurity, kontext("12345678"), other))
	if r.err != nil {
		t.Fatal(r.err)
	}
	if r.reply.Status != http.StatusOK || r.reply.UpstreamStatus != "OK 0" || r.reply.Outcome != pipeline.OutcomeOK || r.reply.Reason != "account DEMO-WSDP" {
		t.Fatalf("reply %d %q %q\n%s", r.reply.Status, r.reply.UpstreamStatus, r.reply.Outcome, r.reply.Body)
	}
	xsdcheck.ValidateCUZKBody(t, r.reply.Body, "vyhledat")
	got := e.requests()
	if len(got) != 1 {
		t.Fatalf("%d requests", len(got))
	}
	out := got[0].body
	for _, want := range []string{"<wsse:Username>DEMO-WSDP</wsse:Username>", ">" + paidPassword + "</wsse:Password>", other, "#PasswordText"} {
		if !strings.Contains(out, want) {
			t.Errorf("outgoing lacks %s\n%s", want, out)
		}
	}
	for _, gone := range []string{"OBEC-VLASTNI", "tajne", cuzk.NSKontext} {
		if strings.Contains(out, gone) {
			t.Errorf("outgoing still has %s\n%s", gone, out)
		}
	}
	if strings.Count(out, "Security") != 2 { // one start tag, one end tag
		t.Errorf("security headers:\n%s", out)
	}
	if got[0].action != `"http://katastr.cuzk.cz/vyhledat//najdiParcelu"` {
		t.Errorf("SOAPAction %s", got[0].action)
	}
	if r.ex.Call.OVM != "12345678" || r.ex.Call.User != "jnovak" || r.ex.Call.Purpose != "stavební řízení" {
		t.Errorf("call context %+v", r.ex.Call)
	}
}

// TestEnvelopeShapes: with no Header, an empty Header, or a self-closing
// one, the outgoing envelope carries exactly the account's token and the
// answer is correct; prefixes declared on the Envelope keep working.
func TestEnvelopeShapes(t *testing.T) {
	body := najdiParcelu
	tests := []struct {
		name, env string
	}{
		{name: "no-header", env: envelope(body)},
		{name: "self-closing-header", env: `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Header/><soapenv:Body>` + body + `</soapenv:Body></soapenv:Envelope>`},
		{name: "only-caller-security", env: envelope(body, callerSecurity)},
		{name: "prefixes-on-envelope", env: `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" xmlns:v="` + wsdl.TypesNS("vyhledat") +
			`" xmlns:k="` + cuzk.NSKontext + `"><s:Header><k:Kontext><k:Ovm>12345678</k:Ovm></k:Kontext></s:Header><s:Body><v:NajdiParceluRequest><v:parcelaId>` +
			sim.SampleParcela + `</v:parcelaId></v:NajdiParceluRequest></s:Body></s:Envelope>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, setup{})
			r := e.do(client999002, "vyhledat", tt.env)
			if r.err != nil || r.reply.UpstreamStatus != "OK 0" {
				t.Fatalf("%v %v\n%s", r.err, r.reply, r.reply.Body)
			}
			out := e.requests()[0].body
			if strings.Count(out, "<wsse:Username>") != 1 || strings.Contains(out, "OBEC-VLASTNI") || strings.Contains(out, "Kontext") {
				t.Fatalf("outgoing:\n%s", out)
			}
		})
	}
}

func TestDescribe(t *testing.T) {
	two := *client999002
	two.ActsFor = []string{"12345678", "87654321"}
	tests := []struct {
		name    string
		client  *clients.Client
		env     string
		ovm     string
		purpose string
		code    string
	}{
		{name: "ovm-from-kontext", client: client999002, env: envelope(najdiParcelu, kontext("12345678")), ovm: "12345678", purpose: "stavební řízení"},
		{name: "ovm-the-client-acts-for", client: client999002, env: envelope(najdiParcelu), ovm: "12345678"},
		{name: "ovm-managing-when-several", client: &two, env: envelope(najdiParcelu), ovm: "12345678"},
		{name: "report-parameters-as-purpose", client: client999002, env: envelope(req("sestavy", "GenerujLVRequest",
			"<v:lvId>1</v:lvId><v:format>pdf</v:format><v:cisloJednaci>MUMI 12/2026</v:cisloJednaci><v:ucelKod>3</v:ucelKod>")),
			ovm: "12345678", purpose: "ucelKod 3; č.j. MUMI 12/2026"},
		{name: "kontext-unknown-element", client: client999002, env: envelope(najdiParcelu, `<k:Kontext xmlns:k="`+cuzk.NSKontext+`"><k:Agenda>A1</k:Agenda></k:Kontext>`), code: "cuzk-kontext"},
		{name: "kontext-twice", client: client999002, env: envelope(najdiParcelu, kontext("12345678"), kontext("12345678")), code: "cuzk-kontext"},
		{name: "kontext-value-too-long", client: client999002, env: envelope(najdiParcelu, `<k:Kontext xmlns:k="`+cuzk.NSKontext+`"><k:Ucel>`+strings.Repeat("x", 300)+`</k:Ucel></k:Kontext>`), code: "cuzk-kontext"},
		{name: "no-ovm", client: &clients.Client{Name: "x", AIS: "999009"}, env: envelope(najdiParcelu), code: "cuzk-no-ovm"},
		{name: "soap12", client: client999002, env: `<e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope"><e:Body>` + najdiParcelu + `</e:Body></e:Envelope>`, code: "soap-version"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, setup{})
			service := "vyhledat"
			if strings.Contains(tt.env, "GenerujLV") {
				service = "sestavy"
			}
			r := e.do(tt.client, service, tt.env)
			if tt.code != "" {
				if r.code() != tt.code {
					t.Fatalf("fault %q (%v), want %s", r.code(), r.err, tt.code)
				}
				if len(e.requests()) != 0 {
					t.Fatal("a refused call reached ČÚZK")
				}
				return
			}
			if r.ex.Call.OVM != tt.ovm || r.ex.Call.Purpose != tt.purpose {
				t.Fatalf("call %+v", r.ex.Call)
			}
		})
	}
}

// TestAuthorise covers the regional policy and ČÚZK's account-type rules,
// each refused before anything is sent, in the answer ČÚZK would give.
func TestAuthorise(t *testing.T) {
	verifying := func(o *cuzk.Options) { o.Policy = demoWithType(t, "verifying") }
	free := func(o *cuzk.Options) { o.Policy = demoWithType(t, "free") }
	// Without a type in the policy, Options.AccountTypes decides; an
	// account in neither is free.
	untypedFree := func(o *cuzk.Options) { o.Policy = demoWithType(t, ""); o.AccountTypes = nil }
	untypedPaying := func(o *cuzk.Options) {
		o.Policy = demoWithType(t, "")
		o.AccountTypes = map[string]cuzk.AccountType{"DEMO-WSDP": cuzk.Paying}
	}
	typedOverOptions := func(o *cuzk.Options) { o.AccountTypes = map[string]cuzk.AccountType{"DEMO-WSDP": cuzk.Free} }
	gen := func(inner string) string {
		return req("sestavy", "GenerujLVRequest", "<v:lvId>"+sim.SampleLV+"</v:lvId>"+inner)
	}
	tests := []struct {
		name    string
		options func(*cuzk.Options)
		client  *clients.Client
		service string
		payload string
		kod     string // zprava kod of konektor's refusal; "" = relayed
	}{
		{name: "paid-account-generates", client: client999002, service: "sestavy", payload: gen("<v:format>pdf</v:format>")},
		{name: "other-ais-has-no-paid-account", client: client999003, service: "sestavy", payload: gen("<v:format>pdf</v:format>"), kod: "207"},
		{name: "other-ais-may-search", client: client999003, service: "vyhledat", payload: najdiParcelu},
		{name: "other-ais-has-no-ctios", client: client999003, service: "ctios", payload: req("ctios", "CtiOsRequest", "<v:pOSIdent>x</v:pOSIdent>"), kod: "207"},
		{name: "free-without-cislo-jednaci", options: free, client: client999002, service: "sestavy", payload: gen("<v:format>pdf</v:format>"), kod: "118"},
		{name: "untyped-defaults-to-free", options: untypedFree, client: client999002, service: "sestavy", payload: gen("<v:format>pdf</v:format>"), kod: "118"},
		{name: "untyped-from-options", options: untypedPaying, client: client999002, service: "sestavy", payload: gen("<v:format>pdf</v:format>")},
		{name: "policy-type-wins-over-options", options: typedOverOptions, client: client999002, service: "sestavy", payload: gen("<v:format>pdf</v:format>")},
		{name: "free-without-ucel", options: free, client: client999002, service: "sestavy", payload: gen("<v:format>pdf</v:format><v:cisloJednaci>X</v:cisloJednaci>"), kod: "119"},
		{name: "free-complete", options: free, client: client999002, service: "sestavy", payload: gen("<v:format>pdf</v:format><v:cisloJednaci>X</v:cisloJednaci><v:ucelKod>1</v:ucelKod>")},
		{name: "free-searches-freely", options: free, client: client999002, service: "vyhledat", payload: najdiParcelu},
		{name: "free-lists-reports-freely", options: free, client: client999002, service: "sestavy", payload: req("sestavy", "SeznamSestavRequest", "")},
		{name: "verifying-xml", options: verifying, client: client999002, service: "sestavy", payload: gen("<v:format>xml</v:format><v:poradoveCislo>1</v:poradoveCislo>"), kod: "325"},
		{name: "verifying-without-poradove-cislo", options: verifying, client: client999002, service: "sestavy", payload: gen("<v:format>pdf</v:format>"), kod: "120"},
		{name: "verifying-history", options: verifying, client: client999002, service: "vyhledat",
			payload: req("vyhledat", "NajdiParceluRequest", "<v:parcelaId>1</v:parcelaId><v:datumK>2020-01-01T00:00:00</v:datumK>"), kod: "479"},
		{name: "verifying-not-open-report", options: verifying, client: client999002, service: "sestavy",
			payload: req("sestavy", "GenerujInfoOParcelachRequest", "<v:parcelaId>1</v:parcelaId><v:format>pdf</v:format><v:poradoveCislo>1</v:poradoveCislo>"), kod: "207"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, setup{options: tt.options})
			r := e.do(tt.client, tt.service, envelope(tt.payload))
			if r.err != nil {
				t.Fatal(r.err)
			}
			if tt.kod == "" {
				if r.reply.Outcome != pipeline.OutcomeOK || len(e.requests()) != 1 {
					t.Fatalf("not relayed: %+v\n%s", r.reply, r.reply.Body)
				}
				return
			}
			if r.reply.Outcome != pipeline.OutcomeDenied || len(e.requests()) != 0 || r.reply.Status != 200 {
				t.Fatalf("refusal: %+v, %d requests", r.reply, len(e.requests()))
			}
			p := parseAnswer(t, r.reply.Body)
			z := p.Child("vysledek").Child("zprava")
			if k, _ := z.AttrValue("kod"); k != tt.kod || !strings.Contains(z.Text, "konektor:") {
				t.Fatalf("zprava %s %q", k, z.Text)
			}
			if op, _ := wsdl.ByRequest(tt.service, r.ex.Envelope.Payload); op.Contract {
				xsdcheck.ValidateCUZKBody(t, r.reply.Body, tt.service)
			}
		})
	}
}

func TestRefuseShapes(t *testing.T) {
	e := newEnv(t, setup{})
	tests := []struct {
		name, service, payload, sub string
		status                      int
		want                        []string
	}{
		{name: "search-needs-its-empty-list", service: "vyhledat", payload: najdiParcelu, sub: "NENI OPRAVNENI", status: 200, want: []string{`kod="207"`, "<ParcelaList/>"}},
		{name: "report-118", service: "sestavy", payload: req("sestavy", "GenerujLVRequest", "<v:lvId>1</v:lvId><v:format>pdf</v:format>"), sub: "118", status: 200,
			want: []string{`kod="118"`, "Parametr cisloJednaci je pro bezúplatné uživatele povinný."}},
		{name: "outage-is-a-server-fault", service: "vyhledat", payload: najdiParcelu, sub: "NENI K DISPOZICI", status: 503, want: []string{"<faultcode>S:Server</faultcode>", "důvod", "test-1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.do(client999002, tt.service, envelope(tt.payload)) // for the exchange only
			rep := e.up.Refuse(r.ex, tt.sub, "důvod", "reason")
			if rep.Status != tt.status {
				t.Fatalf("status %d", rep.Status)
			}
			for _, w := range tt.want {
				if !strings.Contains(string(rep.Body), w) {
					t.Errorf("missing %s\n%s", w, rep.Body)
				}
			}
			if tt.status == 200 {
				xsdcheck.ValidateCUZKBody(t, rep.Body, tt.service)
			}
		})
	}
}

func TestUpstreamStatus(t *testing.T) {
	e := newEnv(t, setup{simOptions: sim.Options{Notices: sim.TrialNotices()}})
	tests := []struct {
		name, service, payload, want string
	}{
		{name: "found-notices-left-out", service: "vyhledat", payload: najdiParcelu, want: "OK 0"},
		{name: "nothing-found", service: "vyhledat", payload: req("vyhledat", "NajdiParceluRequest", "<v:katastrUzemiKod>693936</v:katastrUzemiKod><v:kmenoveCislo>9</v:kmenoveCislo>"), want: "OK 0,392"},
		{name: "business-error", service: "vyhledat", payload: req("vyhledat", "NajdiParceluRequest", "<v:parcelaId>5</v:parcelaId>"), want: "CHYBA 304"},
		{name: "schema-fault", service: "vyhledat", payload: req("vyhledat", "NajdiParceluRequest", "<v:parcelaId>x</v:parcelaId>"), want: "FAULT Client"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.do(client999002, tt.service, envelope(tt.payload))
			if r.err != nil || r.reply.UpstreamStatus != tt.want {
				t.Fatalf("%v %q", r.err, r.reply.UpstreamStatus)
			}
			if tt.want == "FAULT Client" && (r.reply.Status != 500 || r.reply.Outcome != pipeline.OutcomeUpstreamError) {
				t.Fatalf("fault relayed as %d %s", r.reply.Status, r.reply.Outcome)
			}
		})
	}
}

// demoWithType is the demo policy with DEMO-WSDP of the given type ("" =
// no type).
func demoWithType(t *testing.T, typ string) func() cuzk.Policy {
	t.Helper()
	repl := "    type: " + typ + "\n"
	if typ == "" {
		repl = ""
	}
	y := strings.Replace(string(policies.DemoYAML()), "    type: paying\n", repl, 1)
	if y == string(policies.DemoYAML()) && typ != "paying" {
		t.Fatal("the demo policy has no paying account to change")
	}
	s, err := policies.LoadYAML(strings.NewReader(y))
	if err != nil {
		t.Fatal(err)
	}
	return func() cuzk.Policy { return s }
}
