// Package clients is the registry of callers konektor knows: it maps a
// verified client certificate to an agenda information system (AIS code,
// managing OVM, the OVMs it may act for) or to an auditor.
package clients

import (
	"crypto/x509"
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// Client is a known caller.
type Client struct {
	Name    string   // certificate CN
	AIS     string   // AIS code (ISVS id); empty for non-AIS clients such as auditors
	OVM     string   // OVM that manages the AIS
	ActsFor []string // OVMs the AIS may act for (ZadostInfo/Ovm)
	Roles   []string // konektor roles, e.g. "auditor"
	// RequireSigned makes the client sign every call (WS-Security); calls
	// without a valid signature are refused.
	RequireSigned bool
	// Seal makes konektor sign the answers it relays to this client with the
	// seal key (WS-Security).
	Seal bool
}

// MayActFor reports whether the client may act for the OVM.
func (c *Client) MayActFor(ovm string) bool { return slices.Contains(c.ActsFor, ovm) }

// HasRole reports whether the client holds a konektor role.
func (c *Client) HasRole(role string) bool { return slices.Contains(c.Roles, role) }

// Registry maps certificate CNs to clients. It is immutable once built.
type Registry struct {
	byCN map[string]*Client
}

var (
	aisRE = regexp.MustCompile(`^[1-9][0-9]{0,6}$`)
	ovmRE = regexp.MustCompile(`^[0-9]{8}(\.[0-9]+)?$`)
)

// New validates the clients and builds a registry; every problem is
// reported at once.
func New(list []Client) (*Registry, error) {
	r := &Registry{byCN: make(map[string]*Client, len(list))}
	var problems []string
	for i := range list {
		c := list[i]
		where := fmt.Sprintf("clients[%d] (%s)", i, c.Name)
		if c.Name == "" {
			problems = append(problems, fmt.Sprintf("clients[%d]: name (certificate CN) is empty", i))
			continue
		}
		if _, dup := r.byCN[c.Name]; dup {
			problems = append(problems, where+": duplicate name")
		}
		if c.AIS != "" && !aisRE.MatchString(c.AIS) {
			problems = append(problems, where+": ais must be a number 1–9999999, got "+c.AIS)
		}
		if c.OVM != "" && !ovmRE.MatchString(c.OVM) {
			problems = append(problems, where+": ovm must be an 8-digit OVM identifier, got "+c.OVM)
		}
		for _, o := range c.ActsFor {
			if !ovmRE.MatchString(o) {
				problems = append(problems, where+": acts_for entry must be an 8-digit OVM identifier, got "+o)
			}
		}
		if c.AIS == "" && len(c.Roles) == 0 {
			problems = append(problems, where+": needs an ais code or a role")
		}
		cc := c
		r.byCN[c.Name] = &cc
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("clients: %s", strings.Join(problems, "; "))
	}
	return r, nil
}

// Lookup returns the client a verified certificate belongs to.
func (r *Registry) Lookup(cert *x509.Certificate) (*Client, bool) {
	if cert == nil {
		return nil, false
	}
	c, ok := r.byCN[cert.Subject.CommonName]
	return c, ok
}

// ByName returns the client with a certificate CN.
func (r *Registry) ByName(cn string) (*Client, bool) {
	c, ok := r.byCN[cn]
	return c, ok
}
