package isds

import (
	"bytes"
	"encoding/base64"
	"encoding/xml"
	"net/http"
	"strings"
	"testing"

	"konektor/adapters/isds/sim"
	"konektor/gateway/catalogue"
	"konektor/gateway/fault"
	"konektor/gateway/pipeline"
)

const createBody = `<v:dmEnvelope><v:dmSenderOrgUnit xsi:nil="true"/><v:dmSenderOrgUnitNum xsi:nil="true"/><v:dbIDRecipient>firma2x</v:dbIDRecipient>` +
	`<v:dmRecipientOrgUnit xsi:nil="true"/><v:dmRecipientOrgUnitNum xsi:nil="true"/><v:dmToHands xsi:nil="true"/><v:dmAnnotation>Výzva</v:dmAnnotation>` +
	`<v:dmRecipientRefNumber xsi:nil="true"/><v:dmSenderRefNumber xsi:nil="true"/><v:dmRecipientIdent xsi:nil="true"/><v:dmSenderIdent xsi:nil="true"/>` +
	`<v:dmLegalTitleLaw xsi:nil="true"/><v:dmLegalTitleYear xsi:nil="true"/><v:dmLegalTitleSect xsi:nil="true"/><v:dmLegalTitlePar xsi:nil="true"/>` +
	`<v:dmLegalTitlePoint xsi:nil="true"/><v:dmPersonalDelivery>false</v:dmPersonalDelivery><v:dmAllowSubstDelivery>true</v:dmAllowSubstDelivery></v:dmEnvelope>` +
	`<v:dmFiles><v:dmFile dmMimeType="application/pdf" dmFileMetaType="main" dmFileDescr="vyzva.pdf"><v:dmEncodedContent>JVBERi0xLjQK</v:dmEncodedContent></v:dmFile></v:dmFiles>`

func TestCatalogueEntries(t *testing.T) {
	es := CatalogueEntries()
	if len(es) != 18 {
		t.Fatalf("%d entries, want 15 ISDS operations and 3 of drafts", len(es))
	}
	codes := map[string]*catalogue.Entry{}
	for _, e := range es {
		codes[e.Code+"/"+e.Operation] = e
		if e.Request.Space == DraftNS {
			if e.Code != "dz" || e.Cache != catalogue.CacheNever {
				t.Errorf("draft entry %+v", e)
			}
			continue
		}
		if e.Upstream != "isds" || e.Request.Space != "http://isds.czechpoint.cz/v20" || e.Cache != catalogue.CacheNever ||
			e.Response.Local != e.Request.Local+"Response" {
			t.Errorf("entry %+v", e)
		}
	}
	if e := codes["dz/SendDraft"]; e == nil || e.SideEffect != catalogue.Write || e.Response.Local != "CreateMessageResponse" {
		t.Errorf("SendDraft: %+v", e)
	}
	c, err := catalogue.Load()
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Add(es...); err != nil {
		t.Fatalf("catalogue.Add: %v", err)
	}
	if e, ok := c.LookupOperation("isds", "dx", xml.Name{Space: "http://isds.czechpoint.cz/v20", Local: "GetSignedDeliveryInfo"}); !ok || e.Name() != "dx/GetSignedDeliveryInfo" {
		t.Errorf("lookup of dx GetSignedDeliveryInfo: %+v %v", e, ok)
	}
	for code, effect := range map[string]catalogue.SideEffect{
		"dz/CreateMessage": catalogue.Write, "dx/GetListOfReceivedMessages": catalogue.Write, "dx/MarkMessageAsDownloaded": catalogue.Write,
		"dz/SignedMessageDownload": catalogue.Read, "df/FindDataBox2": catalogue.Read, "DsManage/GetOwnerInfoFromLogin2": catalogue.Read,
	} {
		if e := codes[code]; e == nil || e.SideEffect != effect {
			t.Errorf("%s: %+v, want side effect %v", code, e, effect)
		}
	}
}

// TestRelay: the demo client 999002 uses the demo OVM box with every
// privilege; konektor logs in as the hosted records service and the
// client's own credentials never reach ISDS.
func TestRelay(t *testing.T) {
	e := newEnv(t)
	a := e.adapter(nil)

	r := run(t, a, exchange(t, "999002", "DsManage", "GetOwnerInfoFromLogin2", "<v:dbDummy/>"))
	if r.Status != http.StatusOK || r.UpstreamStatus != "ISDS 0000" || field(r.Body, "dbID") != sim.BoxDemoOVM {
		t.Fatalf("owner info: %d %s %s", r.Status, r.UpstreamStatus, r.Body)
	}
	// The caller's WS-Security header and HTTP credentials stay behind.
	raw := []byte(`<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" xmlns:v="http://isds.czechpoint.cz/v20" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">` +
		`<s:Header><wsse:Security xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"><wsse:UsernameToken><wsse:Username>caller</wsse:Username><wsse:Password>secret</wsse:Password></wsse:UsernameToken></wsse:Security></s:Header>` +
		`<s:Body><v:CreateMessage>` + createBody + `</v:CreateMessage></s:Body></s:Envelope>`)
	r = run(t, a, rawExchange(t, "999002", "dz", raw))
	if r.UpstreamStatus != "ISDS 0000" || field(r.Body, "dmID") == "" {
		t.Fatalf("CreateMessage: %s %s", r.UpstreamStatus, r.Body)
	}
	id := field(r.Body, "dmID")
	e.mu.Lock()
	last, body := e.seen[len(e.seen)-1], e.bodies[len(e.bodies)-1]
	e.mu.Unlock()
	if last.URL.Path != "/hspis/DS/dz" {
		t.Errorf("path %s, want the hosted-service endpoint", last.URL.Path)
	}
	if user, pass, ok := last.BasicAuth(); !ok || user != sim.BoxDemoOVM || pass != "" {
		t.Errorf("Basic %q %q %v, want the box ID and an empty password", user, pass, ok)
	}
	if bytes.Contains(body, []byte("UsernameToken")) || bytes.Contains(body, []byte("secret")) || bytes.Contains(body, []byte("Header")) {
		t.Errorf("the caller's credentials reached ISDS: %s", body)
	}
	if last.Header.Get("Soapaction") != `""` || !strings.HasPrefix(last.Header.Get("Content-Type"), "text/xml") {
		t.Errorf("headers %v", last.Header)
	}

	// The sent message as a ZFO: evidence with the verification result.
	r = run(t, a, exchange(t, "999002", "dz", "SignedSentMessageDownload", "<v:dmID>"+id+"</v:dmID>"))
	want := "isds SignedSentMessageDownload dmID=" + id + " box=mstdemd zfo=sent sender=mstdemd recipient=firma2x signature=valid chain=trusted dmHash=match timestamp=valid valid=true"
	if r.Evidence != want {
		t.Fatalf("evidence\n got %s\nwant %s", r.Evidence, want)
	}
	if strings.Contains(r.Evidence, "Výzva") {
		t.Error("evidence carries content")
	}
	// The region's client logs in with its box's name and password.
	r = run(t, a, exchange(t, "999003", "df", "CheckDataBox", "<v:dbID>firma2x</v:dbID>"))
	if r.UpstreamStatus != "ISDS 0000" || field(r.Body, "dbState") != "1" {
		t.Fatalf("CheckDataBox: %s %s", r.UpstreamStatus, r.Body)
	}
	e.mu.Lock()
	last = e.seen[len(e.seen)-1]
	e.mu.Unlock()
	if user, pass, _ := last.BasicAuth(); last.URL.Path != "/DS/df" || user != "kraj2xd.spravce" || pass != "Sandbox-heslo-1" {
		t.Errorf("basic login: %s %s", last.URL.Path, user)
	}
}

func TestRefusals(t *testing.T) {
	e := newEnv(t)
	a := e.adapter(nil)
	// A client without a box.
	ex := exchange(t, "999009", "dz", "DummyOperation", "")
	var fe *fault.Error
	if err := a.Describe(ex); !asFault(err, &fe) || fe.Kind != fault.Forbidden {
		t.Fatalf("client without a box: %v", err)
	}
	// Viewing only: no sending, no reading, no search.
	for _, c := range []struct{ svc, op, inner string }{
		{"dz", "CreateMessage", createBody},
		{"dz", "MessageDownload", "<v:dmID>1</v:dmID>"},
		{"dz", "SignedSentMessageDownload", "<v:dmID>1</v:dmID>"},
		{"df", "FindDataBox2", "<v:dbOwnerInfo/>"},
	} {
		r := run(t, a, exchange(t, "999004", c.svc, c.op, c.inner))
		if r.Outcome != pipeline.OutcomeDenied || r.Status != http.StatusForbidden || !bytes.Contains(r.Body, []byte("faultcode")) {
			t.Errorf("%s by a viewing client: %d %s", c.op, r.Status, r.Body)
		}
	}
	// SOAP 1.2 and operations konektor does not relay.
	soap12 := []byte(`<e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope"><e:Body><v:DummyOperation xmlns:v="http://isds.czechpoint.cz/v20"/></e:Body></e:Envelope>`)
	if err := a.Describe(rawExchange(t, "999002", "dz", soap12)); err == nil {
		t.Error("SOAP 1.2 accepted")
	}
	if err := a.Describe(exchange(t, "999002", "dz", "GetListOfSentMessages", "")); err == nil {
		t.Error("a dx operation accepted at dz")
	}
}

func asFault(err error, fe **fault.Error) bool {
	f, ok := err.(*fault.Error)
	*fe = f
	return ok
}

// TestListingWithoutReadingDeliversNothing: a client that may only view
// lists through the box's view-only account, so nothing is delivered;
// without such an account konektor refuses.
func TestListingWithoutReadingDeliversNothing(t *testing.T) {
	e := newEnv(t)
	a := e.adapter(nil)
	id := createFromCompany(t, e, false)
	list := `<v:dmFromTime xsi:nil="true"/><v:dmToTime xsi:nil="true"/><v:dmRecipientOrgUnitNum xsi:nil="true"/><v:dmStatusFilter>-1</v:dmStatusFilter><v:dmOffset xsi:nil="true"/><v:dmLimit xsi:nil="true"/>`
	r := run(t, a, exchange(t, "999004", "dx", "GetListOfReceivedMessages", list))
	if r.UpstreamStatus != "ISDS 0000" || field(r.Body, "dmMessageStatus") != "4" {
		t.Fatalf("viewing client's list: %s %s", r.UpstreamStatus, r.Body)
	}
	e.mu.Lock()
	user, _, _ := e.seen[len(e.seen)-1].BasicAuth()
	e.mu.Unlock()
	if user != "mstdemd.prehled" {
		t.Fatalf("listed as %q, want the view-only account", user)
	}
	noView := e.adapter(func(o *Options) {
		o.Accounts = o.Accounts[:1]
		o.Accounts = append(o.Accounts, Account{Box: sim.BoxRegion, Login: LoginBasic, Username: "x", Password: "y", Node: e.node(nil)})
	})
	r = run(t, noView, exchange(t, "999004", "dx", "GetListOfReceivedMessages", list))
	if r.Outcome != pipeline.OutcomeDenied || !strings.Contains(r.Reason, "DELIVERY NOT PERMITTED") {
		t.Fatalf("without a view-only account: %s %s", r.Outcome, r.Reason)
	}
	// The reading client delivers.
	r = run(t, a, exchange(t, "999002", "dx", "GetListOfReceivedMessages", list))
	if field(r.Body, "dmMessageStatus") != "6" {
		t.Fatalf("reading client's list: %s", r.Body)
	}
	_ = id
}

// createFromCompany sends a message from the company to the demo box
// directly in the sandbox.
func createFromCompany(t *testing.T, e *env, personal bool) string {
	t.Helper()
	body := strings.ReplaceAll(createBody, "firma2x", sim.BoxDemoOVM)
	if personal {
		body = strings.Replace(body, "<v:dmPersonalDelivery>false", "<v:dmPersonalDelivery>true", 1)
	}
	raw := `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:v="http://isds.czechpoint.cz/v20"><s:Body><v:CreateMessage>` +
		body + `</v:CreateMessage></s:Body></s:Envelope>`
	req, _ := http.NewRequest(http.MethodPost, e.ts.URL+"/DS/dz", strings.NewReader(raw))
	req.SetBasicAuth("firma2x.spravce", "Sandbox-heslo-1")
	req.Header.Set("Content-Type", "text/xml")
	resp, err := e.ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b := readAllResp(resp)
	id := field(b, "dmID")
	if id == "" {
		t.Fatalf("sandbox CreateMessage: %s", b)
	}
	return id
}

// TestPersonalDeliveryWithheld: a client that may read only non-personal
// messages does not get a message for the addressee's own hands.
func TestPersonalDeliveryWithheld(t *testing.T) {
	e := newEnv(t)
	a := e.adapter(nil)
	normal := createFromCompany(t, e, false)
	own := createFromCompany(t, e, true)
	list := `<v:dmFromTime xsi:nil="true"/><v:dmToTime xsi:nil="true"/><v:dmRecipientOrgUnitNum xsi:nil="true"/><v:dmStatusFilter>-1</v:dmStatusFilter><v:dmOffset xsi:nil="true"/><v:dmLimit xsi:nil="true"/>`
	run(t, a, exchange(t, "999002", "dx", "GetListOfReceivedMessages", list)) // delivers both
	for _, c := range []struct {
		id, op string
		denied bool
	}{{normal, "MessageDownload", false}, {normal, "SignedMessageDownload", false}, {own, "MessageDownload", true}, {own, "SignedMessageDownload", true}} {
		r := run(t, a, exchange(t, "999005", "dz", c.op, "<v:dmID>"+c.id+"</v:dmID>"))
		if (r.Outcome == pipeline.OutcomeDenied) != c.denied {
			t.Errorf("%s of %s: outcome %s %s", c.op, c.id, r.Outcome, r.Reason)
		}
	}
	r := run(t, a, exchange(t, "999002", "dz", "SignedMessageDownload", "<v:dmID>"+own+"</v:dmID>"))
	if r.Outcome != pipeline.OutcomeOK || !strings.Contains(r.Evidence, "valid=true") {
		t.Errorf("a client with PRIVIL_READ_ALL: %s %s", r.Outcome, r.Evidence)
	}
	if _, err := base64.StdEncoding.DecodeString(field(r.Body, "dmSignature")); err != nil {
		t.Error("the ZFO is not passed on")
	}
}

// TestAccountChoice: the view-only account configured first is not used
// for sending, nor for listing by a client that may read.
func TestAccountChoice(t *testing.T) {
	e := newEnv(t)
	a := e.adapter(func(o *Options) { o.Accounts[0], o.Accounts[1] = o.Accounts[1], o.Accounts[0] })
	for _, c := range []struct{ svc, op, inner, wantPath string }{
		{"dz", "CreateMessage", createBody, "/hspis/DS/dz"},
		{"dx", "GetListOfReceivedMessages", `<v:dmFromTime xsi:nil="true"/><v:dmToTime xsi:nil="true"/><v:dmRecipientOrgUnitNum xsi:nil="true"/><v:dmStatusFilter>-1</v:dmStatusFilter><v:dmOffset xsi:nil="true"/><v:dmLimit xsi:nil="true"/>`, "/hspis/DS/dx"},
		{"df", "FindDataBox2", `<v:dbOwnerInfo><v:dbID>firma2x</v:dbID></v:dbOwnerInfo>`, "/DS/df"},
	} {
		r := run(t, a, exchange(t, "999002", c.svc, c.op, c.inner))
		e.mu.Lock()
		got := e.seen[len(e.seen)-1].URL.Path
		e.mu.Unlock()
		if got != c.wantPath {
			t.Errorf("%s went to %s (%s), want %s", c.op, got, r.UpstreamStatus, c.wantPath)
		}
	}
}
