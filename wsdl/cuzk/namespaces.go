package cuzk

// Namespaces of WSDP 2.8.
const (
	NSBase   = "http://katastr.cuzk.cz/baseTypes/v2.8"
	NSCommon = "http://katastr.cuzk.cz/commonTypes/v2.8"
	NSGML    = "http://www.opengis.net/gml/3.2"
	NSSOAP11 = "http://schemas.xmlsoap.org/soap/envelope/"
	NSWSSE   = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
	NSWSU    = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"
	// PasswordText is the UsernameToken password type WSDP accepts.
	PasswordText = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText"
)

// Service names (the last segment of the endpoint path).
const (
	Ciselnik  = "ciselnik"
	Vyhledat  = "vyhledat"
	Informace = "informace"
	Sestavy   = "sestavy"
	Ucet      = "ucet"
	CtiOS     = "ctios"
)

// TypesNS returns the namespace of a service's messages, e.g.
// http://katastr.cuzk.cz/vyhledat/types/v2.8.
func TypesNS(service string) string { return "http://katastr.cuzk.cz/" + service + "/types/v2.8" }

// ServiceNS returns the WSDL target namespace of a service.
func ServiceNS(service string) string { return "http://katastr.cuzk.cz/" + service + "/v2.8" }

// Path returns the endpoint path of a service below the host, as ČÚZK
// publishes it: /ws/wsdp/2.8/{service}, or /ws/ctios/2.8/ctios.
func Path(service string) string {
	if service == CtiOS {
		return "/ws/ctios/2.8/ctios"
	}
	return "/ws/wsdp/2.8/" + service
}
