package sim

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"strings"
	"sync"
	"time"
)

// FaultMode is how an injected failure shows to the caller.
type FaultMode string

// Fault modes.
const (
	// FaultHTTP503 answers HTTP 503 with a short text body, as a node in
	// maintenance or an overloaded balancer does. It is the default.
	FaultHTTP503 FaultMode = "http-503"
	// FaultUnavailable answers HTTP 200 with the service's own answer
	// carrying OdpovedInfo/Status CHYBA and NENI K DISPOZICI, as ISZR does
	// when a register behind it is down.
	FaultUnavailable FaultMode = "neni-k-dispozici"
	// FaultClose drops the connection without an answer, as a broken TLS
	// session or a reset does.
	FaultClose FaultMode = "close"
)

// Limits of fault settings: a control request cannot make the sandbox hang
// for long or hold much memory.
const (
	MaxFaultLatency    = 5 * time.Minute
	MaxOutageWindows   = 64
	maxControlBodySize = 64 << 10
)

// ErrBadFaults marks fault settings that cannot be used.
var ErrBadFaults = errors.New("sim: invalid fault settings")

// errTLSFault is the handshake error while a TLS failure is injected.
var errTLSFault = errors.New("sim: injected TLS failure")

// FaultDuration is a time.Duration written as a Go duration string
// ("250ms") in JSON.
type FaultDuration time.Duration

// MarshalJSON writes the duration as a string.
func (d FaultDuration) MarshalJSON() ([]byte, error) {
	return json.Marshal(time.Duration(d).String())
}

// UnmarshalJSON reads a duration string such as "250ms" or "2s".
func (d *FaultDuration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("latency must be a duration string such as \"250ms\": %w", err)
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("latency %q is not a duration (e.g. 250ms, 2s)", s)
	}
	*d = FaultDuration(v)
	return nil
}

// OutageWindow is a period, on the sandbox's injected clock, during which
// every call fails: From inclusive, To exclusive.
type OutageWindow struct {
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
	// Mode is how calls fail in the window; empty means FaultHTTP503.
	Mode FaultMode `json:"mode,omitempty"`
}

// FaultSettings are the faults the sandbox injects into calls of its
// services (never into the control endpoint). The zero value injects
// nothing.
type FaultSettings struct {
	// Latency delays every answer (and every failure) by this much.
	Latency FaultDuration `json:"latency,omitempty"`
	// ErrorRate is the share of calls, 0 to 1, that fail with ErrorMode.
	// Draws come from the seeded source of FaultOptions, so a run is
	// repeatable; 0 and 1 draw nothing.
	ErrorRate float64 `json:"error_rate,omitempty"`
	// ErrorMode is how the calls picked by ErrorRate fail; empty means
	// FaultHTTP503.
	ErrorMode FaultMode `json:"error_mode,omitempty"`
	// TLSFailure refuses TLS handshakes (on a listener configured with
	// Faults.TLSConfig) and drops the connection of every call that still
	// arrives, except from an operator.
	TLSFailure bool `json:"tls_failure,omitempty"`
	// Outages are periods in which every call fails.
	Outages []OutageWindow `json:"outages,omitempty"`
}

// Validate returns every problem of s, joined, each wrapping ErrBadFaults;
// nil means s can be used.
func (s FaultSettings) Validate() error {
	var errs []error
	bad := func(format string, a ...any) {
		errs = append(errs, fmt.Errorf("%w: "+format, append([]any{ErrBadFaults}, a...)...))
	}
	if d := time.Duration(s.Latency); d < 0 || d > MaxFaultLatency {
		bad("latency %v must be between 0 and %v", d, MaxFaultLatency)
	}
	if math.IsNaN(s.ErrorRate) || s.ErrorRate < 0 || s.ErrorRate > 1 {
		bad("error_rate %v must be between 0 and 1", s.ErrorRate)
	}
	if !knownMode(s.ErrorMode) {
		bad("error_mode %q is not one of %s, %s, %s", s.ErrorMode, FaultHTTP503, FaultUnavailable, FaultClose)
	}
	if len(s.Outages) > MaxOutageWindows {
		bad("%d outage windows, at most %d", len(s.Outages), MaxOutageWindows)
	}
	for i, w := range s.Outages {
		if w.From.IsZero() || w.To.IsZero() || !w.From.Before(w.To) {
			bad("outages[%d]: from and to must be set and from before to", i)
		}
		if !knownMode(w.Mode) {
			bad("outages[%d].mode %q is not one of %s, %s, %s", i, w.Mode, FaultHTTP503, FaultUnavailable, FaultClose)
		}
	}
	return errors.Join(errs...)
}

func knownMode(m FaultMode) bool {
	switch m {
	case "", FaultHTTP503, FaultUnavailable, FaultClose:
		return true
	}
	return false
}

// ParseFaultSettings reads fault settings from JSON: one object of at most
// 64 KiB, no unknown fields, valid by Validate.
func ParseFaultSettings(r io.Reader) (FaultSettings, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxControlBodySize+1))
	if err != nil {
		return FaultSettings{}, fmt.Errorf("%w: cannot read: %w", ErrBadFaults, err)
	}
	if len(data) > maxControlBodySize {
		return FaultSettings{}, fmt.Errorf("%w: more than %d bytes", ErrBadFaults, maxControlBodySize)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var s FaultSettings
	if err := dec.Decode(&s); err != nil {
		return FaultSettings{}, fmt.Errorf("%w: %w", ErrBadFaults, err)
	}
	if dec.More() {
		return FaultSettings{}, fmt.Errorf("%w: more than one JSON value", ErrBadFaults)
	}
	if err := s.Validate(); err != nil {
		return FaultSettings{}, err
	}
	return s, nil
}

// FaultOptions configure fault injection.
type FaultOptions struct {
	// Initial are the settings at start (config sandbox.faults).
	Initial FaultSettings
	// Operators are the client certificate CNs allowed to read and change
	// the settings at /control/faults. Nobody else is: empty means the
	// endpoint refuses every caller.
	Operators []string
	// Seed seeds the source of ErrorRate draws (PCG), so that a run is
	// repeatable; Rand, if set, replaces the source.
	Seed uint64
	Rand func() float64
	// Now is the clock outage windows are read on; nil means time.Now.
	// Give the sandbox's own clock.
	Now func() time.Time
	// Sleep waits out injected latency, returning early with ctx's error
	// when the caller gives up; nil means a real timer. Tests inject one
	// that steps their clock.
	Sleep func(ctx context.Context, d time.Duration) error
}

// Faults holds the faults a sandbox injects; set it as Options.Faults. It
// is safe for concurrent use. A nil *Faults injects nothing and serves no
// control endpoint.
//
// With Faults set, the sandbox serves ControlPath on its own listener: GET
// returns the settings in effect as JSON, POST replaces them with the
// FaultSettings JSON in the body (400 naming every problem when invalid),
// DELETE clears them. Only a client certificate whose CN is one of
// FaultOptions.Operators may use it; konektor's configuration lists its
// own upstream identity (CN konektor), a key the technology centre holds
// and agenda systems never do. Everyone else, and every caller when no
// operator is listed, gets 403.
//
// Every other request under /publikace/ first waits Latency (on the
// injected Sleep), then fails when TLSFailure is set (the connection is
// dropped), when the injected clock is inside an outage window (the
// window's mode), or when an ErrorRate draw picks it (ErrorMode).
type Faults struct {
	now       func() time.Time
	sleep     func(ctx context.Context, d time.Duration) error
	operators map[string]bool

	mu   sync.Mutex
	set  FaultSettings
	draw func() float64 // guarded by mu
}

// NewFaults returns fault injection with o.Initial in effect.
func NewFaults(o FaultOptions) (*Faults, error) {
	if err := o.Initial.Validate(); err != nil {
		return nil, err
	}
	f := &Faults{now: o.Now, sleep: o.Sleep, operators: map[string]bool{}, set: clone(o.Initial), draw: o.Rand}
	for _, cn := range o.Operators {
		if cn = strings.TrimSpace(cn); cn != "" {
			f.operators[cn] = true
		}
	}
	if f.now == nil {
		f.now = time.Now
	}
	if f.sleep == nil {
		f.sleep = sleep
	}
	if f.draw == nil {
		f.draw = rand.New(rand.NewPCG(o.Seed, o.Seed^0x9e3779b97f4a7c15)).Float64
	}
	return f, nil
}

// Settings returns the settings in effect.
func (f *Faults) Settings() FaultSettings {
	f.mu.Lock()
	defer f.mu.Unlock()
	return clone(f.set)
}

// Set replaces the settings in effect; invalid settings change nothing.
func (f *Faults) Set(s FaultSettings) error {
	if err := s.Validate(); err != nil {
		return err
	}
	f.mu.Lock()
	f.set = clone(s)
	f.mu.Unlock()
	return nil
}

// Clear stops every injected fault.
func (f *Faults) Clear() {
	f.mu.Lock()
	f.set = FaultSettings{}
	f.mu.Unlock()
}

// IsOperator reports whether a client certificate CN may use the control
// endpoint.
func (f *Faults) IsOperator(cn string) bool { return f != nil && cn != "" && f.operators[cn] }

// TLSConfig returns a copy of base that refuses the handshake of every
// client but an operator while TLSFailure is set. Serve the sandbox with it
// to inject handshake failures; without it TLSFailure only drops
// connections when a call arrives.
func (f *Faults) TLSConfig(base *tls.Config) *tls.Config {
	c := base.Clone()
	prev := c.VerifyConnection
	c.VerifyConnection = func(cs tls.ConnectionState) error {
		if prev != nil {
			if err := prev(cs); err != nil {
				return err
			}
		}
		cn := ""
		if len(cs.PeerCertificates) > 0 {
			cn = cs.PeerCertificates[0].Subject.CommonName
		}
		if f.Settings().TLSFailure && !f.IsOperator(cn) {
			return errTLSFault
		}
		return nil
	}
	return c
}

// injection is what to do to one call.
type injection struct {
	latency time.Duration
	mode    FaultMode // "" = answer normally
}

// decide picks the faults of one call arriving now: a TLS failure drops
// it; an outage window, or else an ErrorRate draw, fails it.
func (f *Faults) decide(now time.Time) injection {
	f.mu.Lock()
	defer f.mu.Unlock()
	s := &f.set
	in := injection{latency: time.Duration(s.Latency)}
	if s.TLSFailure {
		in.mode = FaultClose
		return in
	}
	for _, w := range s.Outages {
		if !now.Before(w.From) && now.Before(w.To) {
			in.mode = orDefault(w.Mode)
			return in
		}
	}
	switch {
	case s.ErrorRate >= 1:
		in.mode = orDefault(s.ErrorMode)
	case s.ErrorRate > 0 && f.draw() < s.ErrorRate:
		in.mode = orDefault(s.ErrorMode)
	}
	return in
}

func orDefault(m FaultMode) FaultMode {
	if m == "" {
		return FaultHTTP503
	}
	return m
}

func clone(s FaultSettings) FaultSettings {
	s.Outages = append([]OutageWindow(nil), s.Outages...)
	return s
}

// sleep waits d or until ctx ends.
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
