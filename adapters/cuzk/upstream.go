package cuzk

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
	"time"

	"go.uber.org/zap"

	"konektor/adapters/relay"
	"konektor/gateway/breaker"
	"konektor/gateway/catalogue"
	"konektor/gateway/fault"
	"konektor/gateway/pipeline"
	"konektor/gateway/soap"
	"konektor/policies"
	contract "konektor/wsdl/cuzk"
)

// Upstream relays WSDP calls to ČÚZK with the region's accounts.
type Upstream struct {
	now      func() time.Time
	log      *zap.Logger
	node     *relay.Node
	pool     *breaker.Pool
	path     func(string) string
	policy   func() Policy
	creds    Credentials
	types    map[string]AccountType
	waiter   Waiter
	spacing  time.Duration
	retries  int
	backoff  time.Duration
	reports  ReportVerifier
	allowUnv bool
	metrics  Metrics
	timeout  time.Duration
	refresh  string
	accounts *accounts
	holds    HoldStore
	nodeName string
	lists    *codeLists
}

// New returns the ČÚZK adapter.
func New(o Options) (*Upstream, error) {
	var errs []error
	if o.Node == nil {
		errs = append(errs, errors.New("no WSDP node"))
	}
	if o.Policy == nil {
		errs = append(errs, errors.New("no policy"))
	}
	if o.Credentials == nil {
		errs = append(errs, errors.New("no credentials"))
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("cuzk: %w", errors.Join(errs...))
	}
	u := &Upstream{now: o.Now, log: o.Logger, node: o.Node, pool: o.Pool, path: o.Path, policy: o.Policy,
		creds: o.Credentials, types: o.AccountTypes, waiter: o.Waiter, spacing: o.ReportSpacing, retries: o.BusyRetries,
		backoff: o.BusyBackoff, reports: o.Reports, allowUnv: o.AllowUnverifiableReports, metrics: o.Metrics,
		timeout: o.AttemptTimeout, refresh: o.RefreshAccount,
		accounts: &accounts{m: map[string]*account{}}, holds: o.Holds, nodeName: o.NodeName,
		lists: &codeLists{dates: map[string]string{}}}
	if u.holds == nil {
		u.holds = newMemHolds()
	}
	if u.nodeName == "" {
		u.nodeName, _ = os.Hostname()
		if u.nodeName == "" {
			u.nodeName = "konektor"
		}
	}
	if u.now == nil {
		u.now = time.Now
	}
	if u.log == nil {
		u.log = zap.NewNop()
	}
	if u.path == nil {
		u.path = contract.Path
	}
	if u.waiter == nil {
		u.waiter = timerWaiter{}
	}
	if u.spacing <= 0 {
		u.spacing = DefaultReportSpacing
	}
	if u.retries < 0 {
		u.retries = 0
	} else if o.BusyRetries == 0 {
		u.retries = DefaultBusyRetries
	}
	if u.backoff <= 0 {
		u.backoff = DefaultBusyBackoff
	}
	if u.pool == nil {
		b, err := breaker.New(breaker.Settings{Name: "cuzk/" + o.Node.Name, Now: u.now, IsFailure: isNodeFailure})
		if err != nil {
			return nil, err
		}
		p, err := breaker.NewPool([]breaker.Node{{Name: o.Node.Name, Addr: o.Node.Base, Breaker: b}}, breaker.PoolOptions{Now: u.now})
		if err != nil {
			return nil, err
		}
		u.pool = p
	}
	for _, n := range u.pool.Nodes() {
		if n.Name != o.Node.Name {
			return nil, fmt.Errorf("cuzk: breaker pool names node %s, the WSDP node is %s", n.Name, o.Node.Name)
		}
	}
	return u, nil
}

func isNodeFailure(err error) bool { return err != nil && !errors.Is(err, context.Canceled) }

func zapAccount(name string) zap.Field { return zap.String("cuzk_account", name) }

// Describe reads the call's context: the OVM the client acts for (from
// konektor's Kontext header, else the client's only or managing OVM), the
// user and purpose for the access log, the report parameters
// (cisloJednaci, ucelKod), which the access log keeps as the purpose, and
// for owner searches the data subject (Call.SubjectKind/SubjectID, which
// the access log keeps only as a keyed hash).
// WSDP is SOAP 1.1 only.
func (u *Upstream) Describe(ex *pipeline.Exchange) error {
	if ex.Envelope.Version != soap.V11 {
		return fault.New(fault.BadRequest, "soap-version", "služby ČÚZK (WSDP) používají SOAP 1.1", "ČÚZK's WSDP services use SOAP 1.1")
	}
	k, err := readKontext(ex.Envelope)
	if err != nil {
		return fault.Wrap(fault.BadRequest, "cuzk-kontext", "hlavičku Kontext nebo parametry požadavku nelze přečíst: "+err.Error(),
			"the Kontext header or the request's parameters cannot be read: "+err.Error(), err)
	}
	ovm := k.ovm
	if ovm == "" && ex.Client != nil {
		switch {
		case len(ex.Client.ActsFor) == 1:
			ovm = ex.Client.ActsFor[0]
		default:
			ovm = ex.Client.OVM
		}
	}
	if ovm == "" {
		return fault.New(fault.BadRequest, "cuzk-no-ovm",
			"uveďte OVM, za který AIS jedná (hlavička Kontext/Ovm v jmenném prostoru "+NSKontext+")",
			"name the OVM the AIS acts for (header Kontext/Ovm in namespace "+NSKontext+")")
	}
	var purpose []string
	if k.ucelKod != "" {
		purpose = append(purpose, "ucelKod "+k.ucelKod)
	}
	if k.cisloJednaci != "" {
		purpose = append(purpose, "č.j. "+k.cisloJednaci)
	}
	if k.poradoveCislo != "" {
		purpose = append(purpose, "pořadové číslo "+k.poradoveCislo)
	}
	if k.purpose != "" {
		purpose = append(purpose, k.purpose)
	}
	ex.Call = pipeline.Call{OVM: ovm, User: k.user, Purpose: strings.Join(purpose, "; "), RequestID: k.cisloJednaci}
	ex.Call.SubjectKind, ex.Call.SubjectID = k.subject()
	return nil
}

// Authorise decides a cadastre call with the regional policy (which
// account the AIS may use for the OVM and the service, paid services only
// with an account allowed to pay), then applies ČÚZK's rules for the
// account's type before anything is sent, answering as ČÚZK would (118,
// 119, 120, 325, 479, 207). The pipeline's Authorise stage calls it for
// upstreams that implement it, instead of the RPP decision.
func (u *Upstream) Authorise(ex *pipeline.Exchange) policies.Decision {
	_, d := u.decide(ex)
	return d
}

// decide returns the account for the call and the decision.
func (u *Upstream) decide(ex *pipeline.Exchange) (string, policies.Decision) {
	pol := u.policy()
	if pol == nil || ex.Client == nil || ex.Entry == nil {
		return "", policies.Decision{SubCode: policies.SubNeniOpravneni, Reasons: []policies.Reason{{Link: policies.LinkCadastre,
			CS: "politika katastru není k dispozici", EN: "no cadastre policy is in force"}}}
	}
	name, d := pol.DecideCadastre(policies.CadastreRequest{AIS: ex.Client.AIS, OVM: ex.Call.OVM, Service: ex.Entry.Code,
		Paid: ex.Entry.SideEffect == catalogue.Paid})
	if !d.Permit {
		return "", d
	}
	if sub, cs, en := u.typeRule(ex, name); sub != "" {
		reasons := append(append([]policies.Reason(nil), d.Reasons...), policies.Reason{Link: LinkAccountType, CS: cs, EN: en})
		return "", policies.Decision{SubCode: sub, Reasons: reasons, Request: d.Request}
	}
	return name, d
}

// LinkAccountType names the decision link of ČÚZK's account-type rules.
const LinkAccountType = "cadastre-account-type"

// verifyingReports are the report operations open to verifying accounts
// (user guide §4.3).
var verifyingReports = map[string]bool{"generujLV": true, "generujLVPresObjekty": true, "generujLVPresOS": true,
	"generujLVZjednodusene": true, "generujEvidenciPravProOsobu": true, "vypisUctu": true,
	"generujVystupZeSbirkyListin": true, "generujMapu": true, "seznamSestav": true, "vratSestavu": true, "smazSestavu": true}

// accountType returns the type of an account: its policy entry's type,
// else Options.AccountTypes, else Free.
func (u *Upstream) accountType(acct string) AccountType {
	if pol := u.policy(); pol != nil {
		if a, ok := pol.CadastreAccountOf(acct); ok && a.Type != "" {
			if t, ok := ParseAccountType(a.Type); ok {
				return t
			}
		}
	}
	return u.types[acct]
}

// typeRule applies the rules of the account's type to the call: the
// WSDP sub-code and reason of a refusal, or "".
func (u *Upstream) typeRule(ex *pipeline.Exchange, acct string) (sub, cs, en string) {
	k, err := readKontext(ex.Envelope)
	if err != nil {
		return SubNoRights, "parametry požadavku nelze přečíst", "the request's parameters cannot be read"
	}
	typ := u.accountType(acct)
	op := ex.Entry.Operation
	report := strings.HasPrefix(op, "generuj")
	switch typ {
	case Free:
		if report && k.cisloJednaci == "" {
			return SubCisloJednaci, "účet katastru je bezúplatný: uveďte cisloJednaci (číslo jednací spisu)",
				"the cadastre account is a free account: give cisloJednaci (the file number)"
		}
		if report && k.ucelKod == "" {
			return SubUcelKod, "účet katastru je bezúplatný: uveďte ucelKod (účel podle seznamUcelu)",
				"the cadastre account is a free account: give ucelKod (the purpose from seznamUcelu)"
		}
	case Verifying:
		switch {
		case ex.Entry.Code == contract.Sestavy && !verifyingReports[op]:
			return SubNoRights, "ověřující účet katastru nesmí volat " + op, "the verifying cadastre account may not call " + op
		case k.datumK != "":
			return SubHistory, "ověřující účet katastru smí jen údaje v přítomnosti (bez datumK)",
				"the verifying cadastre account may ask for the present state only (no datumK)"
		case report && (k.format != "pdf" || k.pripojitXML == "a"):
			return SubXMLVerifying, "ověřující účet katastru smí jen výstupy PDF", "the verifying cadastre account may have PDF outputs only"
		case report && k.poradoveCislo == "":
			return SubPoradoveCislo, "ověřující účet katastru vyžaduje poradoveCislo", "the verifying cadastre account needs poradoveCislo"
		}
	}
	return "", "", ""
}

// Call relays the call with the account the policy names: the caller's
// Security and Kontext headers replaced by the account's UsernameToken,
// the operation's official SOAPAction (double slash for vyhledat and
// sestavy). See relay for the account safety rules.
func (u *Upstream) Call(ctx context.Context, ex *pipeline.Exchange) (*pipeline.Reply, error) {
	op, ok := contract.ByRequest(ex.Code, ex.Envelope.Payload)
	if !ok {
		return nil, fault.New(fault.NotFound, "cuzk-unknown-operation",
			fmt.Sprintf("služba %s nemá operaci s prvkem %s", ex.Code, ex.Envelope.Payload.Local),
			fmt.Sprintf("service %s has no operation with element %s", ex.Code, ex.Envelope.Payload.Local))
	}
	// The snapshot may have changed since Authorise: decide again.
	name, d := u.decide(ex)
	if !d.Permit {
		cs, en := lastFailed(d)
		r := u.Refuse(ex, d.SubCode, cs, en)
		r.Outcome, r.Reason = pipeline.OutcomeDenied, d.SubCode+": "+en
		return r, nil
	}
	reply, _, err := u.relay(ctx, name, op, ex.Entry.SideEffect, ex.Envelope)
	return reply, err
}

func lastFailed(d policies.Decision) (string, string) {
	for i := len(d.Reasons) - 1; i >= 0; i-- {
		if !d.Reasons[i].OK {
			return d.Reasons[i].CS, d.Reasons[i].EN
		}
	}
	return "politika volání nepovoluje", "the policy does not permit the call"
}

// relay sends a call with an account and applies the account safety
// rules:
//   - an account on hold after a refused login is not used, on any node
//     (a clear fault); the HoldStore is read right before each call is
//     sent (usable);
//   - while an account is unverified (ČÚZK has not accepted the secret in
//     use since its last hold), this node sends its calls one at a time,
//     so a wrong password costs one failure of ČÚZK's three;
//   - ČÚZK's FailedAuthentication puts the account on hold at once, in the
//     HoldStore before the call returns (metric and log line), until an
//     operator re-enables it (EnableAccount) or a node's secret watch sees
//     a changed secret (ReleaseChangedSecrets);
//   - report generation keeps ReportSpacing between two requests of an
//     account;
//   - 477/210 (too many working users) makes the account wait a doubling
//     backoff; safe reads are tried again, anything else (report
//     generation, download, deletion) is never repeated and its answer goes
//     back as ČÚZK gave it.
func (u *Upstream) relay(ctx context.Context, name string, op contract.Operation, se catalogue.SideEffect, env *soap.Envelope) (*pipeline.Reply, answer, error) {
	a := u.accounts.get(name)
	password, err := u.creds.Password(name)
	if err != nil {
		u.log.Error("cuzk account credential unavailable", zapAccount(name), zap.Error(err))
		return nil, answer{}, fault.Wrap(fault.Unavailable, "cuzk-credentials",
			"heslo účtu katastru pro tuto službu není k dispozici (konfigurace konektoru)",
			"the password of the cadastre account for this service is not available (konektor's configuration)", err)
	}
	fp := SecretFingerprint(name, password)
	body, err := outgoing(env, name, password)
	if err != nil {
		return nil, answer{}, fault.Wrap(fault.BadRequest, "cuzk-envelope", "obálku požadavku nelze upravit", "the request envelope cannot be rewritten", err)
	}
	release, err := u.enter(ctx, a, fp)
	if err != nil {
		return nil, answer{}, err
	}
	defer release()
	// After the gate: a call that waited behind a refused one sees its hold.
	if err := u.usable(ctx, a, fp); err != nil {
		return nil, answer{}, err
	}
	if isReportRequest(op) {
		if err := u.wait(ctx, u.reserveReport(a)); err != nil {
			return nil, answer{}, err
		}
	}
	safe := se == catalogue.Read
	for attempt := 0; ; attempt++ {
		if err := u.wait(ctx, u.busyWait(a)); err != nil {
			return nil, answer{}, err
		}
		if attempt > 0 { // another node may have put the account on hold during the backoff
			if err := u.usable(ctx, a, fp); err != nil {
				return nil, answer{}, err
			}
		}
		resp, err := u.send(ctx, op, body, safe)
		if err != nil {
			return nil, answer{}, err
		}
		ans, perr := readAnswer(resp.ContentType, resp.Body)
		if perr != nil {
			if resp.Status == http.StatusOK {
				return nil, answer{}, fault.Wrap(fault.BadGateway, "cuzk-bad-answer",
					"odpověď ČÚZK nelze přečíst", "ČÚZK's answer cannot be read", perr)
			}
			return &pipeline.Reply{Status: resp.Status, ContentType: resp.ContentType, Body: resp.Body,
				Outcome: pipeline.OutcomeUpstreamError, UpstreamStatus: fmt.Sprintf("HTTP %d", resp.Status), Reason: "account " + name}, answer{}, nil
		}
		if ans.isFault() && ans.fault == "FailedAuthentication" {
			return nil, ans, u.authFailed(ctx, a, ans, fp)
		}
		if resp.Status == http.StatusOK {
			u.accounts.markVerified(a, fp)
		}
		if ans.busy() {
			wait := u.backoff << min(attempt, 16)
			u.setBusy(a, wait)
			retry := safe && attempt < u.retries
			u.observeBusy(name, retry)
			u.log.Warn("cuzk busy (477/210)", zapAccount(name), zap.String("operation", op.Name),
				zap.Duration("backoff", wait), zap.Bool("retry", retry))
			if retry {
				continue
			}
		}
		if ans.lists != nil {
			u.lists.update(ans.lists)
		}
		reply := &pipeline.Reply{Status: resp.Status, ContentType: resp.ContentType, Body: resp.Body,
			Outcome: pipeline.OutcomeOK, UpstreamStatus: ans.status(), Reason: "account " + name}
		if resp.Status != http.StatusOK {
			reply.Outcome = pipeline.OutcomeUpstreamError
		}
		if len(ans.reports) > 0 {
			evidence, err := u.checkReports(context.WithoutCancel(ctx), ans)
			if err != nil {
				return nil, ans, err
			}
			reply.Evidence = evidence
		}
		return reply, ans, nil
	}
}

func (u *Upstream) observeBusy(name string, retry bool) {
	if u.metrics != nil {
		u.metrics.Busy(name, retry)
	}
}

func (u *Upstream) wait(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	if err := u.waiter.Wait(ctx, d); err != nil {
		return fault.Wrap(fault.Timeout, "cuzk-wait", "volání se vzdalo během čekání na účet katastru",
			"the call gave up while waiting for the cadastre account", err)
	}
	return nil
}

// isReportRequest reports whether an operation asks ČÚZK to make a
// report (ČÚZK asks for ≥ 2 s between such requests).
func isReportRequest(op contract.Operation) bool {
	return op.Service == contract.Sestavy && (strings.HasPrefix(op.Name, "generuj") || op.Name == "vypisUctu")
}

// errNodeStatus marks a gateway-level HTTP error of the node.
var errNodeStatus = errors.New("cuzk: node answered with a gateway error")

// send posts the envelope with the official SOAPAction through the
// breaker pool; only safe reads may be retried by the pool.
func (u *Upstream) send(ctx context.Context, op contract.Operation, body []byte, safe bool) (*relay.Response, error) {
	h := http.Header{
		"Content-Type": {"text/xml; charset=utf-8"},
		"Soapaction":   {`"` + op.Action + `"`},
	}
	var resp *relay.Response
	err := u.pool.Do(ctx, breaker.Call{SafeRead: safe, AttemptTimeout: u.timeout}, func(ctx context.Context, n breaker.Node) error {
		r, err := u.node.Post(ctx, u.path(op.Service), h, body)
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
	case err == nil:
		return resp, nil
	case errors.Is(err, errNodeStatus) && resp != nil:
		return resp, nil
	case errors.Is(err, breaker.ErrOpen):
		return nil, fault.Wrap(fault.Unavailable, "circuit-open",
			"ČÚZK je nedostupný (jistič otevřen po opakovaných chybách)", "ČÚZK is unavailable (circuit open after repeated failures)", err)
	}
	var fe *fault.Error
	if errors.As(err, &fe) {
		return nil, err
	}
	return nil, fault.Wrap(fault.Unavailable, "upstream-unavailable", "ČÚZK je nedostupný", "ČÚZK is unavailable", err)
}

var (
	_ pipeline.Upstream  = (*Upstream)(nil)
	_ pipeline.Cacheable = (*Upstream)(nil)
	_ Policy             = (*policies.Snapshot)(nil)
)
