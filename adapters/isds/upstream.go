package isds

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"go.uber.org/zap"

	"konektor/adapters/relay"
	"konektor/gateway/breaker"
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
	drafts   DraftStore
	now      func() time.Time
	newID    func() (string, error)
	waiting  func() // test hook: a request waits for its throttled account
}

// New returns the ISDS adapter; an invalid configuration is refused with
// every problem listed.
func New(o Options) (*Adapter, error) {
	if err := o.validate(); err != nil {
		return nil, err
	}
	a := &Adapter{log: o.Logger, accounts: map[string][]*account{}, routes: map[string]Route{},
		policy: o.Policy, retry: o.Retry, verify: o.Verify, drafts: o.Drafts, now: o.Now, newID: newDraftID}
	if a.now == nil {
		a.now = time.Now
	}
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
	if _, ok := wsdl.Lookup(service(ex), op); (!ok || ex.Envelope.Payload.Space != wsdl.NS) && !isDraftOp(ex) {
		return fault.New(fault.NotFound, "unknown-operation",
			fmt.Sprintf("konektor nepředává operaci %s služby %s", op, service(ex)),
			fmt.Sprintf("konektor does not relay operation %s of service %s", op, service(ex)))
	}
	r, err := a.route(ex)
	if err != nil {
		return err
	}
	ex.Call = pipeline.Call{AIS: ex.Client.AIS, OVM: r.OVM}
	ex.Call.SubjectKind, ex.Call.SubjectID = searchSubject(ex)
	return nil
}

// service is the path segment of the exchange: dz, dx, df or DsManage.
func service(ex *pipeline.Exchange) string { return ex.Code }

// Authorise decides the call on the data-box policy: the client may use its
// box with the privileges the operation needs. It is the pipeline's
// authorisation for ISDS in place of the RPP decision.
//
// CreateMessage is permitted with PRIVIL_CREATE_DM (sent) or with
// KONEKTOR_DRAFT (kept as a draft); konektor's draft operations need the
// privileges draftOps names.
func (a *Adapter) Authorise(ex *pipeline.Exchange) policies.Decision {
	op := ex.Envelope.Payload.Local
	switch {
	case isDraftOp(ex):
		return a.authoriseAny(ex, draftOps[op])
	case op == "CreateMessage":
		return a.authoriseAny(ex, []policies.Privilege{policies.PrivCreateDM, policies.PrivDraft})
	}
	return a.decide(ex, need[op])
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

// outageSubCode is what the pipeline's Outage stage passes to Refuse when
// the upstream cannot serve a call (its nodes down, breakers open).
const outageSubCode = "NENI K DISPOZICI"

// Refuse answers a refused call with a SOAP 1.1 fault naming the reason.
// An outage (ISDS unreachable, its breaker open) is answered as ISDS
// answers a failure of its own: HTTP 200 and status 9500 in the
// operation's answer, which an agenda system retries later.
func (a *Adapter) Refuse(ex *pipeline.Exchange, subCode, cs, en string) *pipeline.Reply {
	if subCode == outageSubCode && ex.Envelope != nil {
		op := ex.Envelope.Payload.Local
		if isDraftOp(ex) && op == OpSendDraft {
			op = "CreateMessage" // SendDraft answers as CreateMessage
		}
		if _, ok := lookupOperation(op); ok {
			return &pipeline.Reply{Status: http.StatusOK, ContentType: soap.ContentType(soap.V11),
				Body:           statusAnswer(op, StatusOutage, "Služba ISDS je dočasně nedostupná (konektor): "+cs),
				UpstreamStatus: "ISDS " + StatusOutage + " (konektor)"}
		}
	}
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

// Call relays the exchange to ISDS with the box's credentials; a
// CreateMessage of a client that may only prepare drafts is checked and
// kept as a draft, and konektor's draft operations are answered here.
func (a *Adapter) Call(ctx context.Context, ex *pipeline.Exchange) (*pipeline.Reply, error) {
	op := ex.Envelope.Payload.Local
	if isDraftOp(ex) || a.drafting(ex) {
		r, err := a.route(ex)
		if err != nil {
			return nil, err
		}
		if isDraftOp(ex) {
			return a.draftCall(ctx, ex, r)
		}
		return a.saveDraft(ctx, ex, r)
	}
	acc, err := a.chooseAccount(ex, op)
	switch {
	case errors.Is(err, errNoViewAccount):
		return a.refused(ex, "DELIVERY NOT PERMITTED",
			"výpis přijatých zpráv by zprávy doručil (doručení přihlášením), ale AIS nemá oprávnění je číst a schránka nemá účet bez oprávnění ke čtení",
			"listing received messages would deliver them (delivery by login), but the AIS may not read them and the box has no account without read privileges"), nil
	case err != nil:
		return nil, err
	}
	write := ex.Entry != nil && ex.Entry.SideEffect != catalogue.Read
	if ex.Entry == nil {
		write = sideEffects[op] != catalogue.Read
	}
	resp, code, err := a.send(ctx, acc, op, service(ex), upstreamEnvelope(ex.Envelope), write)
	if err != nil {
		return nil, err
	}
	return a.reply(ex, acc, op, resp, code), nil
}

// send posts body (a SOAP request of operation op of service svc) to ISDS
// as acc: one request at a time of a throttled account, through the node's
// breaker, again where the status code invites it (a write only on 3008
// and 3009). It returns the last answer and its status code.
func (a *Adapter) send(ctx context.Context, acc *account, op, svc string, body []byte, write bool) (*relay.Response, string, error) {
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
				return nil, "", fault.Wrap(fault.Timeout, "isds-busy", "účet datové schránky je zaneprázdněn (omezený režim)",
					"the data-box account is busy (restricted mode)", ctx.Err())
			}
		}
		defer func() { <-acc.slot }()
	}
	h := http.Header{"Content-Type": {"text/xml; charset=utf-8"}, "Soapaction": {`""`}}
	switch acc.Login {
	case LoginBasic:
		h.Set("Authorization", basicAuth(acc.Username, acc.Password))
	case LoginHosted:
		h.Set("Authorization", basicAuth(acc.Box, ""))
	}
	var resp *relay.Response
	var code string
	var err error
	for attempt := 1; ; attempt++ {
		resp, err = post(ctx, acc, path(acc, svc), h, body)
		if err != nil {
			if write && !notSent(err) {
				return nil, "", fault.Wrap(fault.BadGateway, "isds-outcome-unknown",
					"ISDS neodpověděl; není známo, zda požadavek provedl (ověřte např. seznamem odeslaných zpráv)",
					"ISDS did not answer; whether it carried out the request is unknown (check e.g. the list of sent messages)", err)
			}
			return nil, "", err // classified: unavailable, timeout or circuit open
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
	return resp, code, nil
}

// reply turns an ISDS answer into the pipeline's reply: the bytes as ISDS
// sent them, the status for the access log, and for downloads the
// evidence. A message for the addressee's own hands is withheld from a
// client that may read only other messages.
func (a *Adapter) reply(ex *pipeline.Exchange, acc *account, op string, resp *relay.Response, code string) *pipeline.Reply {
	r := &pipeline.Reply{Status: resp.Status, ContentType: resp.ContentType, Body: resp.Body, Outcome: pipeline.OutcomeOK}
	payload := ex.Envelope.PayloadBytes()
	ev := Evidence{Operation: op, DmID: requestDmID(payload), Box: acc.Box}
	if op == "CreateMessage" {
		ev.Recipient = requestRecipient(payload)
		if Success(code) {
			ev.DmID = elementText(resp.Body, "dmID")
		}
	}
	switch {
	case resp.Status != http.StatusOK:
		r.Outcome, r.UpstreamStatus = pipeline.OutcomeUpstreamError, fmt.Sprintf("HTTP %d", resp.Status)
		r.Evidence = ev.String()
		return r
	case code == "":
		r.UpstreamStatus = "ISDS ?"
	default:
		r.UpstreamStatus = "ISDS " + code
	}
	if !Success(code) {
		r.Evidence = ev.String()
		return r
	}
	if listed[op] {
		ev.Listed, ev.ListedMore = listedIDs(resp.Body)
		ev.List = true
	}
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
		out := a.refused(ex, "PERSONAL DELIVERY",
			"zpráva je určena do vlastních rukou a AIS nemá oprávnění PRIVIL_READ_ALL",
			"the message is for the addressee's own hands and the AIS lacks PRIVIL_READ_ALL")
		out.Evidence = ev.String() + " withheld=personal"
		return out
	}
	r.Evidence = ev.String()
	return r
}

func (a *Adapter) refused(ex *pipeline.Exchange, sub, cs, en string) *pipeline.Reply {
	r := a.Refuse(ex, sub, cs, en)
	r.Outcome, r.Reason = pipeline.OutcomeDenied, sub+": "+en
	return r
}

// errNodeStatus: the node answered with a gateway error (HTTP 502, 503,
// 504: ISDS's maintenance answer is 503), which counts against its
// breaker; the answer itself is relayed.
var errNodeStatus = errors.New("isds: node answered with a gateway error")

// post sends one request of acc through its node's breaker. A refusal of
// the breaker is an unavailable fault "circuit-open".
func post(ctx context.Context, acc *account, p string, h http.Header, body []byte) (*relay.Response, error) {
	if acc.Guard == nil {
		return acc.Node.Post(ctx, p, h, body)
	}
	var resp *relay.Response
	err := acc.Guard.Do(ctx, breaker.Call{}, func(ctx context.Context, _ breaker.Node) error {
		r, err := acc.Node.Post(ctx, p, h, body)
		if err != nil {
			return err
		}
		resp = r
		switch r.Status {
		case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
			return errNodeStatus
		}
		return nil
	})
	switch {
	case err == nil, errors.Is(err, errNodeStatus) && resp != nil:
		return resp, nil
	case errors.Is(err, breaker.ErrOpen):
		return nil, fault.Wrap(fault.Unavailable, "circuit-open",
			"ISDS je nedostupný (jistič otevřen po opakovaných chybách)",
			"ISDS is unavailable (circuit open after repeated failures)", err)
	}
	var fe *fault.Error
	if errors.As(err, &fe) || errors.Is(err, context.Canceled) {
		return nil, err
	}
	return nil, fault.Wrap(fault.Unavailable, "upstream-unavailable", "ISDS je nedostupný", "ISDS is unavailable", err)
}

// notSent reports whether a transport error proves the request never
// reached ISDS: the breaker refused it or the connection was not made.
func notSent(err error) bool {
	if errors.Is(err, breaker.ErrOpen) || errors.Is(err, breaker.ErrNotDelivered) {
		return true
	}
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

var (
	_ pipeline.Upstream   = (*Adapter)(nil)
	_ pipeline.Authoriser = (*Adapter)(nil)
	_ Guard               = (*breaker.Pool)(nil)
)
