package isds

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"go.uber.org/zap"

	"konektor/adapters/relay"
	"konektor/gateway/catalogue"
	"konektor/gateway/fault"
	"konektor/gateway/pipeline"
	"konektor/gateway/soap"
	"konektor/policies"
	wsdl "konektor/wsdl/isds"
)

// account is an Account with its request slot for restricted mode.
type account struct {
	Account
	slot chan struct{} // capacity 1 when throttled, nil otherwise
}

// Adapter relays ISDS calls; it implements pipeline.Upstream.
type Adapter struct {
	log      *zap.Logger
	accounts map[string][]*account // by box, in configuration order
	routes   map[string]Route      // by AIS
	policy   BoxPolicy
	retry    RetryPolicy
	verify   Verifier
	waiting  func() // test hook: a request waits for its throttled account
}

// New returns the ISDS adapter; an invalid configuration is refused with
// every problem listed.
func New(o Options) (*Adapter, error) {
	if err := o.validate(); err != nil {
		return nil, err
	}
	a := &Adapter{log: o.Logger, accounts: map[string][]*account{}, routes: map[string]Route{},
		policy: o.Policy, retry: o.Retry, verify: o.Verify}
	if a.log == nil {
		a.log = zap.NewNop()
	}
	if a.retry.Attempts <= 0 {
		a.retry.Attempts = 3
	}
	if a.retry.Delay <= 0 {
		a.retry.Delay = 3 * time.Second
	}
	if a.retry.Sleep == nil {
		a.retry.Sleep = sleep
	}
	for _, acc := range o.Accounts {
		x := &account{Account: acc}
		if acc.Throttled {
			x.slot = make(chan struct{}, 1)
		}
		a.accounts[acc.Box] = append(a.accounts[acc.Box], x)
	}
	for _, r := range o.Routes {
		a.routes[r.AIS] = r
	}
	return a, nil
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// route returns the client's box, or a fault.
func (a *Adapter) route(ex *pipeline.Exchange) (Route, error) {
	if ex.Client == nil {
		return Route{}, fault.New(fault.Unauthenticated, "no-client", "volající není známý systém", "the caller is not a known system")
	}
	r, ok := a.routes[ex.Client.AIS]
	if !ok {
		return Route{}, fault.New(fault.Forbidden, "no-data-box",
			fmt.Sprintf("AIS %s nemá v konfiguraci konektoru přidělenou datovou schránku", ex.Client.AIS),
			fmt.Sprintf("AIS %s has no data box in konektor's configuration", ex.Client.AIS))
	}
	return r, nil
}

// Describe checks the request (SOAP 1.1, a known operation of the path's
// service) and sets the authorisation context: the client's AIS and the
// OVM of its box.
func (a *Adapter) Describe(ex *pipeline.Exchange) error {
	if ex.Envelope.Version != soap.V11 {
		return fault.New(fault.BadRequest, "soap-version", "služby ISDS ws1 používají SOAP 1.1", "ISDS ws1 services use SOAP 1.1")
	}
	op := ex.Envelope.Payload.Local
	if _, ok := wsdl.Lookup(service(ex), op); !ok || ex.Envelope.Payload.Space != wsdl.NS {
		return fault.New(fault.NotFound, "unknown-operation",
			fmt.Sprintf("konektor nepředává operaci %s služby %s", op, service(ex)),
			fmt.Sprintf("konektor does not relay operation %s of service %s", op, service(ex)))
	}
	r, err := a.route(ex)
	if err != nil {
		return err
	}
	ex.Call = pipeline.Call{AIS: ex.Client.AIS, OVM: r.OVM}
	return nil
}

// service is the path segment of the exchange: dz, dx, df or DsManage.
func service(ex *pipeline.Exchange) string { return ex.Code }

// Authorise decides the call on the data-box policy: the client may use its
// box with the privileges the operation needs. It is the pipeline's
// authorisation for ISDS in place of the RPP decision.
func (a *Adapter) Authorise(ex *pipeline.Exchange) policies.Decision {
	return a.decide(ex, need[ex.Envelope.Payload.Local])
}

// decide asks the policy whether the client may use its box with p.
func (a *Adapter) decide(ex *pipeline.Exchange, p policies.Privilege) policies.Decision {
	r, err := a.route(ex)
	if err != nil {
		return policies.Decision{Reasons: []policies.Reason{{Link: policies.LinkDataBox,
			CS: "AIS nemá přidělenou datovou schránku.", EN: "The AIS has no data box."}}}
	}
	return a.policy.DecideDataBox(policies.DataBoxRequest{AIS: r.AIS, OVM: r.OVM, Box: r.Box, Need: p})
}

// mayRead reports whether the client may read messages of its box.
func (a *Adapter) mayRead(ex *pipeline.Exchange, p policies.Privilege) bool {
	return a.decide(ex, p).Permit
}

// Refuse answers a refused call with a SOAP 1.1 fault naming the reason.
func (a *Adapter) Refuse(ex *pipeline.Exchange, subCode, cs, en string) *pipeline.Reply {
	f, status := fault.SOAP(fault.New(fault.Forbidden, "isds-refused", subCode+": "+cs, subCode+": "+en), ex.ID)
	return &pipeline.Reply{Status: status, ContentType: soap.ContentType(soap.V11), Body: soap.WriteFault(soap.V11, f),
		UpstreamStatus: "refused"}
}

// errNoViewAccount: listing would deliver messages the client may not read.
var errNoViewAccount = errors.New("isds: no account without read privileges")

// chooseAccount picks the login for an operation: the first account of the
// box whose ISDS privileges cover what the operation needs (0 = a full
// login). Listing received messages with a read privilege delivers them;
// for a client that may only view, an account without read privileges is
// used, or the call is refused.
func (a *Adapter) chooseAccount(ex *pipeline.Exchange, op string) (*account, error) {
	r, err := a.route(ex)
	if err != nil {
		return nil, err
	}
	accts := a.accounts[r.Box]
	if op == "GetListOfReceivedMessages" && !a.mayRead(ex, policies.PrivReadNonPersonal) && !a.mayRead(ex, policies.PrivReadAll) {
		for _, acc := range accts {
			if acc.Privileges != 0 && acc.Privileges&privRead == 0 {
				return acc, nil
			}
		}
		return nil, errNoViewAccount
	}
	want := need[op]
	if op == "GetListOfReceivedMessages" {
		want |= policies.PrivReadNonPersonal // the client may read: deliver as ISDS would
	}
	for _, acc := range accts {
		if acc.Privileges == 0 || acc.Privileges&want == want {
			return acc, nil
		}
	}
	return accts[0], nil // ISDS will refuse with its own status (1218)
}

// path is the ISDS path of an account's login.
func path(acc *account, svc string) string {
	switch acc.Login {
	case LoginCert:
		return "/cert/DS/" + svc
	case LoginHosted:
		return "/hspis/DS/" + svc
	}
	return "/DS/" + svc
}

// Call relays the exchange to ISDS with the box's credentials.
func (a *Adapter) Call(ctx context.Context, ex *pipeline.Exchange) (*pipeline.Reply, error) {
	op := ex.Envelope.Payload.Local
	acc, err := a.chooseAccount(ex, op)
	switch {
	case errors.Is(err, errNoViewAccount):
		return a.refused(ex, "DELIVERY NOT PERMITTED",
			"výpis přijatých zpráv by zprávy doručil (doručení přihlášením), ale AIS nemá oprávnění je číst a schránka nemá účet bez oprávnění ke čtení",
			"listing received messages would deliver them (delivery by login), but the AIS may not read them and the box has no account without read privileges"), nil
	case err != nil:
		return nil, err
	}
	if acc.slot != nil {
		select {
		case acc.slot <- struct{}{}:
		default:
			if a.waiting != nil {
				a.waiting()
			}
			select {
			case acc.slot <- struct{}{}:
			case <-ctx.Done():
				return nil, fault.Wrap(fault.Timeout, "isds-busy", "účet datové schránky je zaneprázdněn (omezený režim)",
					"the data-box account is busy (restricted mode)", ctx.Err())
			}
		}
		defer func() { <-acc.slot }()
	}
	body := upstreamEnvelope(ex.Envelope)
	h := http.Header{"Content-Type": {"text/xml; charset=utf-8"}, "Soapaction": {`""`}}
	switch acc.Login {
	case LoginBasic:
		h.Set("Authorization", basicAuth(acc.Username, acc.Password))
	case LoginHosted:
		h.Set("Authorization", basicAuth(acc.Box, ""))
	}
	write := ex.Entry != nil && ex.Entry.SideEffect != catalogue.Read
	if ex.Entry == nil {
		write = sideEffects[op] != catalogue.Read
	}
	var resp *relay.Response
	var code string
	for attempt := 1; ; attempt++ {
		resp, err = acc.Node.Post(ctx, path(acc, service(ex)), h, body)
		if err != nil {
			return nil, err // classified by relay: unavailable or timeout
		}
		code = ""
		if resp.Status == http.StatusOK {
			code = ReadStatus(resp.Body)
		}
		if !retryable(code, write) || attempt >= a.retry.Attempts {
			break
		}
		a.log.Info("isds: retrying", zap.String("operation", op), zap.String("box", acc.Box),
			zap.String("status", code), zap.Int("attempt", attempt))
		if err := a.retry.Sleep(ctx, a.retry.Delay<<(attempt-1)); err != nil {
			break
		}
	}
	return a.reply(ex, acc, op, resp, code), nil
}

// reply turns an ISDS answer into the pipeline's reply: the bytes as ISDS
// sent them, the status for the access log, and for downloads the
// evidence. A message for the addressee's own hands is withheld from a
// client that may read only other messages.
func (a *Adapter) reply(ex *pipeline.Exchange, acc *account, op string, resp *relay.Response, code string) *pipeline.Reply {
	r := &pipeline.Reply{Status: resp.Status, ContentType: resp.ContentType, Body: resp.Body, Outcome: pipeline.OutcomeOK}
	switch {
	case resp.Status != http.StatusOK:
		r.Outcome, r.UpstreamStatus = pipeline.OutcomeUpstreamError, fmt.Sprintf("HTTP %d", resp.Status)
		return r
	case code == "":
		r.UpstreamStatus = "ISDS ?"
	default:
		r.UpstreamStatus = "ISDS " + code
	}
	if !Success(code) {
		return r
	}
	ev := Evidence{Operation: op, DmID: requestDmID(ex.Envelope.PayloadBytes()), Box: acc.Box}
	content := resp.Body
	if signed[op] && a.verify != nil {
		got, z := verifyAnswer(a.verify, resp.Body)
		got.Operation, got.Box = op, acc.Box
		if got.DmID == "" {
			got.DmID = ev.DmID
		}
		ev = got
		if z != nil {
			content = z
		}
	}
	if (op == "MessageDownload" || op == "SignedMessageDownload") && personal(content) && !a.mayRead(ex, policies.PrivReadAll) {
		return a.refused(ex, "PERSONAL DELIVERY",
			"zpráva je určena do vlastních rukou a AIS nemá oprávnění PRIVIL_READ_ALL",
			"the message is for the addressee's own hands and the AIS lacks PRIVIL_READ_ALL")
	}
	if ev.DmID != "" || signed[op] {
		r.Evidence = ev.String()
	}
	return r
}

func (a *Adapter) refused(ex *pipeline.Exchange, sub, cs, en string) *pipeline.Reply {
	r := a.Refuse(ex, sub, cs, en)
	r.Outcome, r.Reason = pipeline.OutcomeDenied, sub+": "+en
	return r
}

var (
	_ pipeline.Upstream   = (*Adapter)(nil)
	_ pipeline.Authoriser = (*Adapter)(nil)
)
