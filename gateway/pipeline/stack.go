package pipeline

import (
	"errors"
	"fmt"
)

// New builds the pipeline. This is the one place that states the order of
// the stages: read the list top-down for the request path.
func New(d Deps) (Handler, error) {
	if err := d.check(); err != nil {
		return nil, err
	}
	stages := []Middleware{
		Observe(d),   // metrics and the one log line per exchange
		Record(d),    // access log: durable before the answer leaves
		Render(d),    // errors (and panics) become faults, once
		Accept(d),    // POST with a SOAP content type only
		Identify(d),  // client certificate → known AIS
		Parse(d),     // bounded, hardened envelope parsing
		Verify(d),    // clients that must sign: strict WS-Security check; only the verified Body goes on
		Route(d),     // path → catalogue entry; body and SOAPAction must agree
		Describe(d),  // ZadostInfo/AutorizaceInfo → authorisation context
		Authorise(d), // client registry and RPP policy
		Seal(d),      // answers to clients that want them: signed with the seal key
		Cache(d),     // cacheable reads: hit, single-flight miss, stale-if-error
		Outage(d),    // upstream down: its own outage answer (ISZR: NENI K DISPOZICI)
	}
	return Chain(Relay(d), stages...), nil
}

func (d *Deps) check() error {
	var errs []error
	if d.Now == nil {
		errs = append(errs, errors.New("Now is nil"))
	}
	if d.Logger == nil {
		errs = append(errs, errors.New("Logger is nil"))
	}
	if d.Catalogue == nil {
		errs = append(errs, errors.New("Catalogue is nil"))
	}
	if d.Clients == nil {
		errs = append(errs, errors.New("Clients is nil"))
	}
	if d.Policy == nil {
		errs = append(errs, errors.New("Policy is nil"))
	}
	if d.Recorder == nil {
		errs = append(errs, errors.New("Recorder is nil"))
	}
	if len(d.Upstreams) == 0 {
		errs = append(errs, errors.New("no upstreams"))
	}
	if len(errs) > 0 {
		return fmt.Errorf("pipeline: %w", errors.Join(errs...))
	}
	return nil
}
