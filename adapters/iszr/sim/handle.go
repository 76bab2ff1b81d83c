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

// decoded adapts a service that reads its request as the generated type
// Req: the request element is decoded first (a request that does not
// decode is NEVALIDNI DATA), so each service states only what it does
// with the request.
func decoded[Req any](serve func(s *Server, x *exchange, req *Req) (any, *status)) func(*Server, *exchange, *iszr.Element) (any, *status) {
	return func(s *Server, x *exchange, root *iszr.Element) (any, *status) {
		var req Req
		if err := iszr.Unmarshal(root, &req); err != nil {
			return nil, invalid("Žádost nelze přečíst: %v", err)
		}
		return serve(s, x, &req)
	}
}

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
	// Read what can be read for the answer even when the request is wrong.
	x.peekAgendaZadostID(root)
	if soapAction(x.action) != info.Operation || !rootIs(root, info.Namespace(), info.Request) {
		return s.answer(x, chyba(egon.VysledekSubKodTypeNEVALIDNIZADOST,
			"Služba %s očekává SOAPAction %s a prvek {%s}%s; přišlo SOAPAction %q a {%s}%s (the request does not match the service code).",
			x.code, info.Operation, info.Namespace(), info.Request, x.action, root.Name.Space, root.Name.Local))
	}
	if err := iszr.Check(root); err != nil {
		var ie *iszr.InvalidError
		if errors.As(err, &ie) {
			return s.answer(x, chyba(egon.VysledekSubKodTypeNEVALIDNIDATA, "Zpráva neodpovídá schématu: %v (the message does not match the schema).", ie))
		}
		return s.answer(x, chyba(egon.VysledekSubKodTypeNEVALIDNIDATA, "Zprávu nelze ověřit (%v).", err))
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
			return s.answer(x, *st)
		}
	}
	out, st := svc.serve(s, x, root)
	if st != nil {
		return s.answer(x, *st)
	}
	b, f := s.encode(out)
	if f != nil || !x.async {
		return b, f
	}
	s.enqueue(x, b)
	return s.answer(x, statusOK())
}

// encode marshals an answer. The generated types always encode, so a
// failure is a sandbox bug: it is logged and answered with a Server fault.
func (s *Server) encode(v any) ([]byte, *fault) {
	b, err := iszr.Marshal(v)
	if err != nil {
		return nil, s.internalFault("cannot encode an answer", err)
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
	x.peekAgendaZadostID(root)
	st := chyba(egon.VysledekSubKodTypeNENIIMPLEMENTOVANO, "Služba %s (%s) není v sandboxu ISZR k dispozici (not available in this sandbox).", x.code, entry.operation)
	if soapAction(x.action) != entry.operation || !rootIs(root, iszr.SchemaNS(entry.operation), entry.request) {
		st = chyba(egon.VysledekSubKodTypeNEVALIDNIZADOST, "Služba %s očekává SOAPAction %s a prvek {%s}%s (the request does not match the service code).",
			x.code, entry.operation, iszr.SchemaNS(entry.operation), entry.request)
	}
	return s.answer(x, st)
}

// peekAgendaZadostID keeps ZadostInfo/AgendaZadostId for the answer when
// it is a UUID, before (or without) the request being checked.
func (x *exchange) peekAgendaZadostID(root *iszr.Element) {
	if zi := root.Child("ZadostInfo"); zi != nil {
		if id := zi.Child("AgendaZadostId"); id != nil && uuidRE.MatchString(id.Text) {
			x.agendaZadostID = id.Text
		}
	}
}

// answer is x's service answer holding only OdpovedInfo with status st.
func (s *Server) answer(x *exchange, st status) ([]byte, *fault) {
	if svc, ok := services[x.code]; ok {
		return s.encode(svc.bare(x, x.info(st)))
	}
	// Most eGON answers extend IszrOdpovedAbstractType: the response
	// element with OdpovedInfo first. Encode E36's bare answer and rename
	// its root to the service's response element.
	entry := catalogue()[x.code]
	e, err := iszr.MarshalElement(&egon.RuianCtiAdresuResponseType{
		IszrOdpovedAbstractType: &egon.IszrOdpovedAbstractType{OdpovedInfo: x.info(st)},
	})
	if err != nil {
		return nil, s.internalFault("cannot encode an answer", err)
	}
	e.Name.Space, e.Name.Local = iszr.SchemaNS(entry.operation), entry.request+"Response"
	return e.Bytes(), nil
}

// internalFault logs a sandbox bug and returns the Server fault that
// answers it.
func (s *Server) internalFault(msg string, err error) *fault {
	s.logError(msg, err)
	return &fault{code: "Server", cs: "Vnitřní chyba sandboxu", en: "internal sandbox error"}
}
