package iszr

import (
	"encoding/xml"
	"errors"
	"fmt"
	"iter"
	"slices"
	"strconv"
	"strings"

	"konektor/gateway/soap"
)

// Request is the authorisation context of an eGON call.
type Request struct {
	CasZadosti     string
	Agenda         string
	AgendovaRole   string
	Ovm            string
	Ais            string
	Subjekt        string
	Uzivatel       string
	DuvodUcel      string
	AgendaZadostId string
	// HasAutorizace reports whether AutorizaceInfo was present; without it
	// the call asks for every item the role may read.
	HasAutorizace bool
	SeznamUdaju   []string
	// MaximalniPocetZaznamu is 0 when absent.
	MaximalniPocetZaznamu int
	// KodAsyncSluzby is the async service code E100 asks about (its first
	// element); empty for other services.
	KodAsyncSluzby string
	// SubjectKind and SubjectID name the data subject for the access log:
	// the first IČO (ico) or global AIFO (aifo) in the payload.
	SubjectKind, SubjectID string
}

// localZadostInfo are the service namespaces whose schemas declare
// ZadostInfo locally rather than as abs:ZadostInfo.
var localZadostInfo = map[string]bool{
	"urn:cz:isvs:iszr:schemas:IszrAsyncOdpovedZFronty:v1":     true,
	"urn:cz:isvs:iszr:schemas:IszrAsyncPushOdpovedZFronty:v1": true,
}

// ErrNoZadostInfo is returned when the payload carries no ZadostInfo.
var ErrNoZadostInfo = errors.New("iszr: request has no ZadostInfo")

// maxField bounds a single header value; the schema's longest is 1024.
const maxField = 4096

// ReadRequest reads ZadostInfo and AutorizaceInfo, the direct children of
// the payload element, from a payload document (the payload, possibly
// wrapped in one scope element that declares inherited namespaces).
func ReadRequest(doc []byte) (Request, error) {
	toks, err := documentTokens(doc)
	if err != nil {
		return Request{}, err
	}
	return readTokens(slices.Values(toks), nil)
}

// ReadRequestCanonical is ReadRequest that also returns the canonical form
// of the request (see CanonicalRequest) from the same pass: a cacheable
// call needs both.
func ReadRequestCanonical(doc []byte) (Request, []byte, error) {
	toks, err := documentTokens(doc)
	if err != nil {
		return Request{}, nil, err
	}
	return readCanonical(slices.Values(toks), len(doc))
}

// ReadEnvelope is ReadRequest over a parsed envelope's payload tokens: no
// second parse of the payload.
func ReadEnvelope(env *soap.Envelope) (Request, error) {
	return readTokens(env.PayloadTokens(), nil)
}

// ReadEnvelopeCanonical is ReadRequestCanonical over a parsed envelope's
// payload tokens.
func ReadEnvelopeCanonical(env *soap.Envelope) (Request, []byte, error) {
	return readCanonical(env.PayloadTokens(), env.PayloadEnd-env.PayloadStart)
}

func readCanonical(toks iter.Seq[soap.Token], size int) (Request, []byte, error) {
	cw := &canonWriter{}
	cw.b.Grow(size)
	r, err := readTokens(toks, cw)
	if err != nil {
		return r, nil, err
	}
	return r, cw.b.Bytes(), nil
}

// documentTokens reads a payload document and leaves out the scope
// element that wraps the payload in [soap.Envelope.PayloadDocument], if
// there is one.
func documentTokens(doc []byte) ([]soap.Token, error) {
	toks, err := soap.Tokens(doc, soap.Limits{})
	if err != nil {
		return nil, fmt.Errorf("iszr: reading request: %w", err)
	}
	if len(toks) >= 2 && toks[0].Kind == soap.StartToken && toks[0].Name.Local == "konektor-scope" {
		toks = toks[1 : len(toks)-1]
	}
	return toks, nil
}

// reader is the state of readTokens, in one place: the loop body over an
// iterator is a closure, and each variable it shares would otherwise be
// allocated on its own.
type reader struct {
	r         Request
	payloadNS string
	depth     int
	// The path below the payload: plen elements deep (0 to 2); parent is
	// ZadostInfo, AutorizaceInfo or "" for KodAsyncSluzby, child the name
	// of the element inside it.
	plen       int
	parent     string
	child      xml.Name
	text       string
	long       []byte // text that came in more than one token
	seenZadost bool
	subjTag    string // Ico or GlobalniAifo being read
	subjText   []byte
	subjBuf    [64]byte
}

func (rd *reader) resetText() { rd.text, rd.long = "", nil }

func (rd *reader) appendText(t string) error {
	if len(rd.text)+len(rd.long)+len(t) > maxField {
		name := rd.child.Local
		if rd.plen == 1 {
			name = "KodAsyncSluzby"
		}
		return fmt.Errorf("iszr: %s value too long", name)
	}
	switch {
	case rd.long != nil:
		rd.long = append(rd.long, t...)
	case rd.text == "":
		rd.text = t
	default:
		rd.long = append(append(make([]byte, 0, len(rd.text)+len(t)+16), rd.text...), t...)
		rd.text = ""
	}
	return nil
}

func (rd *reader) value() string {
	if rd.long != nil {
		return strings.TrimSpace(string(rd.long))
	}
	return strings.TrimSpace(rd.text)
}

// readTokens reads the request from the payload's tokens (the payload
// element first) and feeds them to cw when it is set.
func readTokens(toks iter.Seq[soap.Token], cw *canonWriter) (Request, error) {
	rd := &reader{}
	rd.subjText = rd.subjBuf[:0]
	r := &rd.r
	for t := range toks {
		if cw != nil {
			cw.token(t)
		}
		switch t.Kind {
		case soap.StartToken:
			rd.depth++
			if rd.depth == 1 {
				rd.payloadNS = t.Name.Space
				continue
			}
			rel := rd.depth - 1
			if rel == 1 {
				rd.plen = 0
				switch {
				// ZadostInfo is abs:ZadostInfo, except in E100, whose schema
				// declares it in the service's own namespace.
				case (t.Name.Space == NSAbstract || (t.Name.Space == rd.payloadNS && localZadostInfo[rd.payloadNS])) && t.Name.Local == "ZadostInfo":
					if rd.seenZadost {
						return *r, errors.New("iszr: ZadostInfo occurs twice")
					}
					rd.seenZadost = true
					rd.parent, rd.plen = "ZadostInfo", 1
				case t.Name.Space == NSAbstract && t.Name.Local == "AutorizaceInfo":
					if r.HasAutorizace {
						return *r, errors.New("iszr: AutorizaceInfo occurs twice")
					}
					r.HasAutorizace = true
					rd.parent, rd.plen = "AutorizaceInfo", 1
				case t.Name.Space == rd.payloadNS && t.Name.Local == "KodAsyncSluzby":
					rd.parent, rd.plen = "", 1
					rd.resetText()
				}
			} else if rel == 2 && rd.plen == 1 {
				rd.child, rd.plen = t.Name, 2
				rd.resetText()
			}
			if r.SubjectID == "" && rd.subjTag == "" && (t.Name.Local == "Ico" || t.Name.Local == "GlobalniAifo") {
				rd.subjTag = t.Name.Local
				rd.subjText = rd.subjText[:0]
			}
		case soap.TextToken:
			if rd.subjTag != "" && len(rd.subjText)+len(t.Text) <= 64 {
				rd.subjText = append(rd.subjText, t.Text...)
			}
			if rd.plen == 2 || (rd.plen == 1 && rd.parent == "") {
				if err := rd.appendText(t.Text); err != nil {
					return *r, err
				}
			}
		case soap.EndToken:
			if rd.subjTag != "" && t.Name.Local == rd.subjTag {
				if id := strings.TrimSpace(string(rd.subjText)); id != "" {
					r.SubjectKind, r.SubjectID = "ico", id
					if rd.subjTag == "GlobalniAifo" {
						r.SubjectKind = "aifo"
					}
				}
				rd.subjTag = ""
			}
			rel := rd.depth - 1
			if rel == 2 && rd.plen == 2 {
				if err := r.setField(rd.parent, rd.child, rd.value()); err != nil {
					return *r, err
				}
				rd.plen = 1
			}
			if rel == 1 {
				if rd.plen == 1 && rd.parent == "" {
					r.KodAsyncSluzby = rd.value()
				}
				rd.plen = 0
			}
			rd.depth--
		}
	}
	if !rd.seenZadost {
		return *r, ErrNoZadostInfo
	}
	return *r, nil
}

func (r *Request) setField(parent string, name xml.Name, v string) error {
	ns, local := name.Space, name.Local
	switch parent {
	case "ZadostInfo":
		if ns != NSReg && ns != NSAbstract {
			return nil
		}
		switch local {
		case "CasZadosti":
			r.CasZadosti = v
		case "Agenda":
			r.Agenda = v
		case "AgendovaRole":
			r.AgendovaRole = v
		case "Ovm":
			r.Ovm = v
		case "Ais":
			r.Ais = v
		case "Subjekt":
			r.Subjekt = v
		case "Uzivatel":
			r.Uzivatel = v
		case "DuvodUcel":
			r.DuvodUcel = v
		case "AgendaZadostId":
			r.AgendaZadostId = v
		}
	case "AutorizaceInfo":
		if ns != NSAbstract {
			return nil
		}
		switch local {
		case "SeznamUdaju":
			r.SeznamUdaju = strings.Fields(v)
			if r.SeznamUdaju == nil {
				r.SeznamUdaju = []string{}
			}
		case "MaximalniPocetZaznamu":
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 {
				return fmt.Errorf("iszr: MaximalniPocetZaznamu %q is not a positive integer", v)
			}
			r.MaximalniPocetZaznamu = n
		}
	}
	return nil
}
