package sim

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"mime"
	"strconv"
	"strings"
	"time"

	"go.uber.org/zap"

	"konektor/wsdl/cuzk"
	"konektor/wsdl/cuzk/wsdp"
)

// Parse limits of a request.
var requestLimits = cuzk.Limits{MaxDepth: 32, MaxElements: 5000}

// call is one request being answered.
type call struct {
	s    *Server
	svc  string
	op   cuzk.Operation
	acct Account
	now  time.Time
	req  *cuzk.Element // the payload, schema-checked
}

// handler answers one operation with a value of its wsdp answer type.
type handler func(c *call) any

// handlers are the operations the sandbox implements, by service/operation.
var handlers map[string]handler

func init() {
	handlers = map[string]handler{}
	for name, h := range ciselnikHandlers {
		handlers[cuzk.Ciselnik+"/"+name] = h
	}
	for name, h := range map[string]handler{
		"najdiParcelu": (*call).najdiParcelu, "najdiStavbu": (*call).najdiStavbu,
		"najdiJednotku": (*call).najdiJednotku, "najdiOS": (*call).najdiOS,
	} {
		handlers[cuzk.Vyhledat+"/"+name] = h
	}
	for name, h := range map[string]handler{
		"dejMBRParcel": (*call).dejMBRParcel, "dejNahledLV": (*call).dejNahledLV, "dejInfoOJednotce": (*call).dejInfoOJednotce,
	} {
		handlers[cuzk.Informace+"/"+name] = h
	}
	for name, h := range map[string]handler{
		"generujLV": (*call).generujLV, "generujLVZjednodusene": (*call).generujLVZjednodusene,
		"seznamSestav": (*call).seznamSestav, "vratSestavu": (*call).vratSestavu, "smazSestavu": (*call).smazSestavu,
	} {
		handlers[cuzk.Sestavy+"/"+name] = h
	}
	handlers[cuzk.CtiOS+"/ctios"] = (*call).ctios
}

// handle answers one request body: the answer envelope, or a SOAP fault.
// The order is ČÚZK's: SOAP structure, WS-Security (authentication and
// lockout), the concurrency cap, dispatch by the body element and
// SOAPAction, the schema check, then the operation.
func (s *Server) handle(service, contentType string, actions []string, body []byte) ([]byte, *fault) {
	now := s.now()
	if mt, _, err := mime.ParseMediaType(contentType); err == nil && mt == "application/soap+xml" {
		return nil, versionMismatch()
	}
	env, f := readEnvelope(body)
	if f != nil {
		return nil, f
	}
	acct, f := s.authenticate(env.security, now)
	if f != nil {
		return nil, f
	}
	op, ok := cuzk.ByRequest(service, env.payload.Name)
	if !ok {
		return nil, clientFault(fmt.Sprintf("Cannot find dispatch method for {%s}%s", env.payload.Name.Space, env.payload.Name.Local))
	}
	if len(actions) > 0 {
		a := strings.Trim(strings.TrimSpace(actions[0]), `"`)
		if a != "" && a != op.Action {
			return nil, clientFault(fmt.Sprintf("SOAPAction %q does not match the operation %s (expected %q)", a, op.Name, op.Action))
		}
	}
	done, ok := s.busy.enter(acct.User, now)
	if !ok {
		return s.answer(&call{s: s, svc: service, op: op, acct: acct, now: now}, s.errorAnswer(op, msg(477))), nil
	}
	defer func() { done(s.now()) }()
	h, implemented := handlers[service+"/"+op.Name]
	if !implemented {
		z := msg(309)
		z.text += " (Operace " + op.Name + " není v sandboxu konektoru k dispozici / not available in konektor's sandbox.)"
		return s.answer(&call{s: s, svc: service, op: op, acct: acct, now: now}, s.errorAnswer(op, z)), nil
	}
	if err := cuzk.Check(env.payload); err != nil {
		var ie *cuzk.InvalidError
		if errors.As(err, &ie) {
			return nil, clientFault(ie.Reason)
		}
		s.log.Error("cuzk sandbox: schema check", zap.Error(err))
		return nil, serverFault("schema check failed")
	}
	c := &call{s: s, svc: service, op: op, acct: acct, now: now, req: env.payload}
	return s.answer(c, h(c)), nil
}

// answer encodes an answer (a wsdp value, or bytes already encoded) in an
// envelope.
func (s *Server) answer(c *call, v any) []byte {
	out, isRaw := v.([]byte)
	if !isRaw {
		var err error
		if out, err = cuzk.Marshal(v); err != nil {
			s.log.Error("cuzk sandbox: encode answer", zap.String("operation", c.op.Name), zap.Error(err))
			out = rawAnswer(c.op.Response, c.messages(msg(385, "sandbox-encode")))
		}
	}
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	b.WriteString(`<S:Envelope xmlns:S="` + cuzk.NSSOAP11 + `"><S:Body>`)
	b.Write(out)
	b.WriteString(`</S:Body></S:Envelope>`)
	s.log.Debug("cuzk sandbox answer", zap.String("service", c.svc), zap.String("operation", c.op.Name),
		zap.String("account_type", c.acct.Type.String()))
	return b.Bytes()
}

// errorAnswer is the answer of an operation holding only a vysledek with z
// (and the notices), with the empty containers its schema requires; for an
// operation outside konektor's contract it is encoded directly.
func (s *Server) errorAnswer(op cuzk.Operation, z zprava) any {
	c := &call{s: s, svc: op.Service, op: op, now: s.now()}
	if v := c.emptyAnswer(z); v != nil {
		return v
	}
	return rawAnswer(op.Response, c.messages(z))
}

// rawAnswer writes {ns}Response holding a vysledek of zs.
func rawAnswer(n xml.Name, zs []zprava) []byte {
	var b bytes.Buffer
	b.WriteString(`<` + n.Local + ` xmlns="` + n.Space + `" xmlns:ns0="` + cuzk.NSCommon + `"><vysledek>`)
	for _, z := range zs {
		fmt.Fprintf(&b, `<ns0:zprava kod="%d" uroven="%s">`, z.kod, z.uroven)
		_ = xml.EscapeText(&b, []byte(z.text))
		b.WriteString(`</ns0:zprava>`)
	}
	b.WriteString(`</vysledek></` + n.Local + `>`)
	return b.Bytes()
}

// emptyAnswer returns the operation's answer with a vysledek of z and the
// empty lists its schema requires, or nil outside the contract.
func (c *call) emptyAnswer(z ...zprava) any {
	v := c.vysledek(z...)
	switch c.op.Response.Local {
	case "NajdiParceluResponse":
		return &wsdp.NajdiParceluResponseType{Vysledek: v, ParcelaList: &wsdp.ParcelaListType{}}
	case "NajdiStavbuResponse":
		return &wsdp.NajdiStavbuResponseType{Vysledek: v, StavbaList: &wsdp.StavbaListType{}}
	case "NajdiJednotkuResponse":
		return &wsdp.NajdiJednotkuResponseType{Vysledek: v, JednotkaList: &wsdp.JednotkaListType{}}
	case "NajdiOSResponse":
		return &wsdp.NajdiOSResponseType{Vysledek: v, OSList: &wsdp.OSListType{}}
	case "DejMBRParcelResponse":
		return &wsdp.DejMBRParcelResponseType{Vysledek: v}
	case "DejNahledLVResponse":
		return &wsdp.DejNahledLVResponseType{Vysledek: v}
	case "DejInfoOJednotceResponse":
		return &wsdp.DejInfoOJednotceResponseType{Vysledek: v}
	case "GenerujSestavuResponse":
		return &wsdp.GenerujSestavuResponseType{Vysledek: v}
	case "CtiOsResponse":
		return &wsdp.CtiOsResponseType{Vysledek: v}
	}
	if c.op.Service == cuzk.Ciselnik && c.op.Contract {
		return ciselnikAnswer(c.op.Name, v, "")
	}
	return nil
}

// messages returns the answer's messages followed by the notices in force
// for the service.
func (c *call) messages(zs ...zprava) []zprava {
	out := append([]zprava(nil), zs...)
	for _, n := range c.s.notices {
		if !n.From.IsZero() && c.now.Before(n.From) || !n.To.IsZero() && !c.now.Before(n.To) {
			continue
		}
		if len(n.Services) > 0 && !contains(n.Services, c.svc) {
			continue
		}
		out = append(out, zprava{kod: n.Kod, uroven: n.Uroven, text: n.Text})
	}
	return out
}

// vysledek builds the vysledek of an answer.
func (c *call) vysledek(zs ...zprava) *wsdp.ResponseInfoType {
	r := &wsdp.ResponseInfoType{}
	for _, z := range c.messages(zs...) {
		r.Zprava = append(r.Zprava, &wsdp.ZpravaServeruType{Value: ptr[wsdp.TextType](z.text),
			Kod: ptr[wsdp.ZpravaKodType](strconv.Itoa(z.kod)), Uroven: ptr[wsdp.ZpravaServeruTypeType](z.uroven)})
	}
	return r
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// ptr returns a pointer to a value of a named string type.
func ptr[T ~string](s string) *T {
	v := T(s)
	return &v
}

// ptrInt returns a pointer to the decimal form of n.
func ptrInt[T ~string](n int) *T { return ptr[T](strconv.Itoa(n)) }
