package sim

import (
	"errors"

	"konektor/wsdl/iszr"
	"konektor/wsdl/iszr/egon"
)

// service is the sandbox's implementation of one eGON service.
type service struct {
	// serve answers a checked, authorised request.
	serve func(s *Server, x *exchange, root *iszr.Element) (any, *status)
	// bare returns the service's answer holding only oi.
	bare func(x *exchange, oi *egon.OdpovedInfoType) any
}

var services = map[string]service{}

func register(code string, svc service) { services[code] = svc }

// handle answers one request body: the answer element, or a SOAP fault
// when the body is not a SOAP 1.1 envelope.
func (s *Server) handle(x *exchange, body []byte) ([]byte, *fault) {
	root, f := readEnvelope(body)
	if f != nil {
		return nil, f
	}
	svc, implemented := services[x.code]
	info, _ := iszr.Lookup(x.code)
	if !implemented {
		return s.notImplemented(x, root)
	}
	answer := func(st status) ([]byte, *fault) {
		return s.encode(svc.bare(x, x.info(st)))
	}
	// Read what can be read for the answer even when the request is wrong.
	if zi := root.Child("ZadostInfo"); zi != nil {
		if id := zi.Child("AgendaZadostId"); id != nil && uuidRE.MatchString(id.Text) {
			x.agendaZadostID = id.Text
		}
	}
	if soapAction(x.action) != info.Operation || !rootIs(root, info.Namespace(), info.Request) {
		return answer(chyba(egon.VysledekSubKodTypeNEVALIDNIZADOST,
			"Služba %s očekává SOAPAction %s a prvek {%s}%s; přišlo SOAPAction %q a {%s}%s (the request does not match the service code).",
			x.code, info.Operation, info.Namespace(), info.Request, x.action, root.Name.Space, root.Name.Local))
	}
	if err := iszr.Check(root); err != nil {
		var ie *iszr.InvalidError
		if errors.As(err, &ie) {
			return answer(chyba(egon.VysledekSubKodTypeNEVALIDNIDATA, "Zpráva neodpovídá schématu: %v (the message does not match the schema).", ie))
		}
		return answer(chyba(egon.VysledekSubKodTypeNEVALIDNIDATA, "Zprávu nelze ověřit (%v).", err))
	}
	for _, step := range []func() *status{
		func() *status { return x.readZadostInfo(root) },
		func() *status { return x.readAutorizace(root) },
		func() *status { return s.identify(x) },
		func() *status { return s.checkTime(x) },
		func() *status { return s.checkDuplicate(x) },
		func() *status { return checkMode(x, info) },
		func() *status { return s.authorize(x) },
	} {
		if st := step(); st != nil {
			return answer(*st)
		}
	}
	out, st := svc.serve(s, x, root)
	if st != nil {
		return answer(*st)
	}
	b, f := s.encode(out)
	if f != nil || !x.async {
		return b, f
	}
	s.enqueue(x, b)
	return answer(statusOK())
}

// encode marshals an answer. The generated types always encode, so a
// failure is a sandbox bug: it is logged and answered with a Server fault.
func (s *Server) encode(v any) ([]byte, *fault) {
	b, err := iszr.Marshal(v)
	if err != nil {
		s.logError("cannot encode an answer", err)
		return nil, &fault{code: "Server", cs: "Vnitřní chyba sandboxu", en: "internal sandbox error"}
	}
	return b, nil
}

// checkMode answers JENOM SYNC for ?async on a service the catalogue runs
// synchronously only.
func checkMode(x *exchange, info iszr.Service) *status {
	if x.async && !info.Async {
		st := chyba(egon.VysledekSubKodTypeJENOMSYNC, "Služba %s je jen synchronní (the service is synchronous only).", x.code)
		return &st
	}
	return nil
}

// notImplemented answers a catalogue service the sandbox does not serve.
func (s *Server) notImplemented(x *exchange, root *iszr.Element) ([]byte, *fault) {
	entry := catalogue()[x.code]
	if zi := root.Child("ZadostInfo"); zi != nil {
		if id := zi.Child("AgendaZadostId"); id != nil && uuidRE.MatchString(id.Text) {
			x.agendaZadostID = id.Text
		}
	}
	st := chyba(egon.VysledekSubKodTypeNENIIMPLEMENTOVANO, "Služba %s (%s) není v sandboxu ISZR k dispozici (not available in this sandbox).", x.code, entry.operation)
	if soapAction(x.action) != entry.operation || !rootIs(root, iszr.SchemaNS(entry.operation), entry.request) {
		st = chyba(egon.VysledekSubKodTypeNEVALIDNIZADOST, "Služba %s očekává SOAPAction %s a prvek {%s}%s (the request does not match the service code).",
			x.code, entry.operation, iszr.SchemaNS(entry.operation), entry.request)
	}
	// Most eGON answers extend IszrOdpovedAbstractType: the response
	// element with OdpovedInfo first. Encode E36's bare answer and rename
	// its root to the service's response element.
	e, err := iszr.MarshalElement(&egon.RuianCtiAdresuResponseType{
		IszrOdpovedAbstractType: &egon.IszrOdpovedAbstractType{OdpovedInfo: x.info(st)},
	})
	if err != nil {
		s.logError("cannot encode an answer", err)
		return nil, &fault{code: "Server", cs: "Vnitřní chyba sandboxu", en: "internal sandbox error"}
	}
	e.Name.Space, e.Name.Local = iszr.SchemaNS(entry.operation), entry.request+"Response"
	return e.Bytes(), nil
}
