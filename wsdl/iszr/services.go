package iszr

import "sort"

// Service is one eGON service konektor has a contract for.
type Service struct {
	Code      string // eGON code: E03
	Operation string // operation and SOAPAction: IszrRobCtiAifo
	Request   string // request element: RobCtiAifo (response: Request+"Response")
	// Async reports whether the catalogue allows the ?async mode.
	Async bool
}

// Namespace is the namespace of the request and response elements.
func (s Service) Namespace() string { return SchemaNS(s.Operation) }

// Response is the name of the response element.
func (s Service) Response() string { return s.Request + "Response" }

// services: the ISZR reference agent (ISZRDemo) offers the asynchronous
// mode for E278 and E256 only ("v RA jsou to služby E278 a E256").
var services = []Service{
	{Code: "E03", Operation: "IszrRobCtiAifo", Request: "RobCtiAifo"},
	{Code: "E276", Operation: "IszrRobCtiAifo2", Request: "RobCtiAifo2"},
	{Code: "E278", Operation: "IszrRobCtiPodleUdaju2", Request: "RobCtiPodleUdaju2", Async: true},
	{Code: "E256", Operation: "IszrRosCtiIco2", Request: "RosCtiIco2", Async: true},
	{Code: "E36", Operation: "IszrRuianCtiAdresu", Request: "RuianCtiAdresu"},
	{Code: "E251", Operation: "IszrRuianCtiAdresu2", Request: "RuianCtiAdresu2"},
	{Code: "E227", Operation: "IszrVypisOpravneniPolozky", Request: "IszrVypisOpravneniPolozky"},
	{Code: "E164", Operation: "IszrProbe", Request: "IszrProbe"},
	{Code: "E99", Operation: "IszrAsyncVypisFronty", Request: "IszrAsyncVypisFronty"},
	{Code: "E100", Operation: "IszrAsyncOdpovedZFronty", Request: "IszrAsyncOdpovedZFronty"},
}

// Services lists the services of this folder, ordered by code.
func Services() []Service {
	out := append([]Service(nil), services...)
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out
}

// Lookup returns the service with eGON code code.
func Lookup(code string) (Service, bool) {
	for _, s := range services {
		if s.Code == code {
			return s, true
		}
	}
	return Service{}, false
}
