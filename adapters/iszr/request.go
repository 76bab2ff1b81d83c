package iszr

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
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
	return readRequest(doc, nil)
}

// ReadRequestCanonical is ReadRequest that also returns the canonical form
// of the request (see CanonicalRequest) from the same pass: a cacheable
// call needs both.
func ReadRequestCanonical(doc []byte) (Request, []byte, error) {
	cw := &canonWriter{}
	cw.b.Grow(len(doc))
	r, err := readRequest(doc, cw)
	if err != nil {
		return r, nil, err
	}
	return r, cw.b.Bytes(), nil
}

func readRequest(doc []byte, cw *canonWriter) (Request, error) {
	var r Request
	dec := xml.NewDecoder(bytes.NewReader(doc))
	dec.Strict = true
	var path []string // local names below the payload
	var payloadNS string
	payloadDepth := -1
	depth := 0
	var text strings.Builder
	seenZadost := false
	var subjText strings.Builder
	subjTag := "" // Ico or GlobalniAifo being read
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return r, fmt.Errorf("iszr: reading request: %w", err)
		}
		if cw != nil {
			cw.token(tok)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			if payloadDepth < 0 {
				if t.Name.Local != "konektor-scope" {
					payloadDepth = depth
					payloadNS = t.Name.Space
				}
				continue
			}
			rel := depth - payloadDepth
			if rel == 1 {
				path = path[:0]
				switch {
				// ZadostInfo is abs:ZadostInfo, except in E100, whose schema
				// declares it in the service's own namespace.
				case (t.Name.Space == NSAbstract || (t.Name.Space == payloadNS && localZadostInfo[payloadNS])) && t.Name.Local == "ZadostInfo":
					if seenZadost {
						return r, errors.New("iszr: ZadostInfo occurs twice")
					}
					seenZadost = true
					path = append(path, "ZadostInfo")
				case t.Name.Space == NSAbstract && t.Name.Local == "AutorizaceInfo":
					if r.HasAutorizace {
						return r, errors.New("iszr: AutorizaceInfo occurs twice")
					}
					r.HasAutorizace = true
					path = append(path, "AutorizaceInfo")
				case t.Name.Space == payloadNS && t.Name.Local == "KodAsyncSluzby":
					path = append(path, "")
					text.Reset()
				}
			} else if rel == 2 && len(path) == 1 {
				path = append(path, t.Name.Space+" "+t.Name.Local)
				text.Reset()
			}
			if r.SubjectID == "" && subjTag == "" && (t.Name.Local == "Ico" || t.Name.Local == "GlobalniAifo") {
				subjTag = t.Name.Local
				subjText.Reset()
			}
		case xml.CharData:
			if subjTag != "" && subjText.Len()+len(t) <= 64 {
				subjText.Write(t)
			}
			if len(path) == 2 || (len(path) == 1 && path[0] == "") {
				if text.Len()+len(t) > maxField {
					return r, fmt.Errorf("iszr: %s value too long", path[1])
				}
				text.Write(t)
			}
		case xml.EndElement:
			if subjTag != "" && t.Name.Local == subjTag {
				if id := strings.TrimSpace(subjText.String()); id != "" {
					r.SubjectKind, r.SubjectID = "ico", id
					if subjTag == "GlobalniAifo" {
						r.SubjectKind = "aifo"
					}
				}
				subjTag = ""
			}
			rel := depth - payloadDepth
			if payloadDepth >= 0 && rel == 2 && len(path) == 2 {
				if err := r.set(path[0], path[1], strings.TrimSpace(text.String())); err != nil {
					return r, err
				}
				path = path[:1]
			}
			if rel == 1 {
				if len(path) == 1 && path[0] == "" {
					r.KodAsyncSluzby = strings.TrimSpace(text.String())
				}
				path = path[:0]
			}
			depth--
		}
	}
	if !seenZadost {
		return r, ErrNoZadostInfo
	}
	return r, nil
}

func (r *Request) set(parent, name, v string) error {
	switch parent {
	case "ZadostInfo":
		ns, local, _ := strings.Cut(name, " ")
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
		ns, local, _ := strings.Cut(name, " ")
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
