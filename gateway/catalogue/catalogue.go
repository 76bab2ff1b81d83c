// Package catalogue is the routing table of konektor: for every path a
// caller may use, the upstream it goes to, the operation and body element
// it must carry, whether it reads, writes or costs money, and how it may be
// cached. The eGON part is built from the published catalogue of ISZR
// services (egon.tsv, facts: service codes and names).
package catalogue

import (
	"bufio"
	"bytes"
	_ "embed"
	"encoding/xml"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"
)

// SideEffect says what a call does to the world; it governs retries and
// caching.
type SideEffect int

// Side-effect classes.
const (
	Read  SideEffect = iota // safe to retry and, where allowed, to cache
	Write                   // changes data; never retried or cached
	Paid                    // costs money (cadastre reports); never retried or cached
)

func (s SideEffect) String() string {
	switch s {
	case Read:
		return "read"
	case Paid:
		return "paid"
	}
	return "write"
}

// CacheClass says whether an answer may be cached.
type CacheClass string

// Cache classes.
const (
	CacheNever CacheClass = "never"
	CacheTTL   CacheClass = "ttl"
)

// Entry is one routable service operation.
type Entry struct {
	Upstream   string // iszr, isds, cuzk, records, archive
	Code       string // path segment: eGON code (E03), or an endpoint (dz, vyhledat) serving several operations
	Operation  string // operation name; the SOAPAction unless Action is set
	Action     string // the SOAPAction where it differs from Operation (ČÚZK's najdiListinu)
	Request    xml.Name
	Response   xml.Name
	SideEffect SideEffect
	Cache      CacheClass
	TTL        time.Duration // fresh lifetime for CacheTTL
	Stale      time.Duration // how long past TTL a stale answer may serve while the upstream is down

	multi bool // one of several operations behind one code (set by Add)
}

// SOAPAction is the action a caller's SOAPAction must end in.
func (e *Entry) SOAPAction() string {
	if e.Action != "" {
		return e.Action
	}
	return e.Operation
}

// Name is how logs, metrics and the access log name the entry: the code
// alone where the code identifies one operation (eGON), else
// code/operation (dz/CreateMessage).
func (e *Entry) Name() string {
	if e.multi {
		return e.Code + "/" + e.Request.Local
	}
	return e.Code
}

// Catalogue maps (upstream, code) — and, for endpoints serving several
// operations, the body element — to an entry. Build it with Load and Add
// before serving; it is read-only afterwards.
type Catalogue struct {
	entries map[string]*Entry
	ops     map[string]*Entry // upstream/code/{ns}local for multi-operation endpoints
}

//go:embed egon.tsv
var egonTSV []byte

// ISZRNamespace returns the schema namespace of an eGON operation.
func ISZRNamespace(operation string) string {
	return "urn:cz:isvs:iszr:schemas:" + operation + ":v1"
}

// Load builds the catalogue from the embedded tables.
func Load() (*Catalogue, error) {
	c := &Catalogue{entries: make(map[string]*Entry, 400), ops: map[string]*Entry{}}
	sc := bufio.NewScanner(bytes.NewReader(egonTSV))
	line := 0
	for sc.Scan() {
		line++
		text := sc.Text()
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		f := strings.Split(text, "\t")
		if len(f) != 3 || !codeRE.MatchString(f[0]) || f[1] == "" || f[2] == "" {
			return nil, fmt.Errorf("catalogue: egon.tsv line %d: want code, operation, element", line)
		}
		ns := ISZRNamespace(f[1])
		e := &Entry{
			Upstream:   "iszr",
			Code:       f[0],
			Operation:  f[1],
			Request:    xml.Name{Space: ns, Local: f[2]},
			Response:   xml.Name{Space: ns, Local: f[2] + "Response"},
			SideEffect: egonSideEffect(f[1]),
			Cache:      CacheNever,
		}
		if e.SideEffect == Read && cacheableEgon(f[1]) {
			e.Cache, e.TTL, e.Stale = CacheTTL, 10*time.Minute, 24*time.Hour
		}
		k := key(e.Upstream, e.Code)
		if _, dup := c.entries[k]; dup {
			return nil, fmt.Errorf("catalogue: egon.tsv line %d: duplicate code %s", line, e.Code)
		}
		c.entries[k] = e
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("catalogue: %w", err)
	}
	return c, nil
}

var codeRE = regexp.MustCompile(`^E\d+[A-Za-z]?$`)

func key(upstream, code string) string { return upstream + "/" + code }

// Lookup returns the entry for a code of an upstream.
func (c *Catalogue) Lookup(upstream, code string) (*Entry, bool) {
	e, ok := c.entries[key(upstream, code)]
	return e, ok
}

// LookupOperation returns the entry of an endpoint serving several
// operations, chosen by the body's element.
func (c *Catalogue) LookupOperation(upstream, code string, body xml.Name) (*Entry, bool) {
	e, ok := c.ops[opKey(upstream, code, body)]
	return e, ok
}

// HasEndpoint reports whether an upstream has a multi-operation endpoint
// of that name.
func (c *Catalogue) HasEndpoint(upstream, code string) bool {
	_, ok := c.ops[key(upstream, code)]
	return ok
}

func opKey(upstream, code string, n xml.Name) string {
	return upstream + "/" + code + "/{" + n.Space + "}" + n.Local
}

// Add registers the operations of endpoints that serve several operations
// (ISDS, ČÚZK): each entry is found by its upstream, code and request
// element. A duplicate is an error.
func (c *Catalogue) Add(entries ...*Entry) error {
	for _, e := range entries {
		if e.Upstream == "" || e.Code == "" || e.Request.Local == "" || e.Operation == "" {
			return fmt.Errorf("catalogue: entry %+v lacks upstream, code, request element or operation", e)
		}
		k := opKey(e.Upstream, e.Code, e.Request)
		if _, dup := c.ops[k]; dup {
			return fmt.Errorf("catalogue: %s registered twice", k)
		}
		if _, clash := c.entries[key(e.Upstream, e.Code)]; clash {
			return fmt.Errorf("catalogue: %s/%s is already a single-operation code", e.Upstream, e.Code)
		}
		e.multi = true
		c.ops[k] = e
		c.ops[key(e.Upstream, e.Code)] = e // marks the endpoint as known
	}
	return nil
}

// Codes lists the codes of an upstream, sorted.
func (c *Catalogue) Codes(upstream string) []string {
	var out []string
	for _, e := range c.entries {
		if e.Upstream == upstream {
			out = append(out, e.Code)
		}
	}
	sort.Strings(out)
	return out
}

// readVerbs are the verbs of eGON operations that only read.
var readVerbs = []string{"Cti", "Vypis", "Vyhledej", "Over", "Probe", "Zkontroluj", "Predchudci", "Rodokmen", "Autentizace", "Podej"}

// writeMarkers mark operations that change state even when they start with
// a read verb (RobCtiZmenyZaloz subscribes to changes).
var writeMarkers = []string{"Zaloz", "Zrus", "Smaz", "Vloz", "Zmen", "Vymaz", "Zapis", "Uloz", "Nastav"}

// registers are the prefixes after "Iszr" that name the register or source
// system, longest first.
var registers = []string{"Eidentita", "Aiseop", "Aiseo", "Aisecd", "Aisc", "Aisp", "Aisv", "Aisse", "Agenda", "Async", "Ruian", "Isui", "Iskn", "Rob", "Ros", "Rpp", "Org", "Eop", "Ecd", "Rrc", "Nia"}

// egonSideEffect classifies an eGON operation by its verb. Anything not
// recognised as a read is treated as a write: never retried, never cached.
func egonSideEffect(op string) SideEffect {
	rest := strings.TrimPrefix(op, "Iszr")
	for _, r := range registers {
		if strings.HasPrefix(rest, r) {
			rest = rest[len(r):]
			break
		}
	}
	read := false
	for _, v := range readVerbs {
		if strings.HasPrefix(rest, v) {
			read = true
			break
		}
	}
	if !read {
		return Write
	}
	// "Zmeny"/"Zmen" inside a read (CtiZmeny, SeznamZmen) is a noun, not
	// the verb; only markers after the verb that are verbs themselves count.
	tail := rest
	for _, m := range writeMarkers {
		i := strings.Index(tail, m)
		if i < 0 {
			continue
		}
		after := tail[i+len(m):]
		if (m == "Zmen") && (strings.HasPrefix(after, "y") || after == "" || strings.HasPrefix(after, "AD")) {
			continue
		}
		return Write
	}
	return Read
}

// cacheableEgon reports whether a read may be cached by default: RÚIAN
// address data and RPP data are public; personal (ROB) and legal-entity
// (ROS) reads are never cached by default.
func cacheableEgon(op string) bool {
	return strings.HasPrefix(op, "IszrRuian") || strings.HasPrefix(op, "IszrRpp")
}
