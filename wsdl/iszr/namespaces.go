package iszr

// Namespaces of the shared ISZR schemas.
const (
	NSReg  = "urn:cz:isvs:reg:schemas:RegTypy:v1"
	NSAbs  = "urn:cz:isvs:iszr:schemas:IszrAbstract:v1"
	NSRob  = "urn:cz:isvs:rob:schemas:RobTypy:v1"
	NSRod  = "urn:cz:isvs:rob:schemas:RobDotazyData:v1"
	NSRos  = "urn:cz:isvs:ros:schemas:RosTypy:v2"
	NSDot  = "urn:cz:isvs:ros:schemas:RosDotazyTypy:v1"
	NSSdo  = "urn:cz:isvs:ros:schemas:RosDotazyData:v2"
	NSCa1  = "urn:cz:isvs:ruian:schemas:CtiAdresa:v1"
	NSCa2  = "urn:cz:isvs:ruian:schemas:CtiAdresa:v2"
	NSCrob = "urn:cz:isvs:ruian:schemas:CtiProRob:v1"
	NSCrb2 = "urn:cz:isvs:ruian:schemas:CtiProRob:v2"
	NSIszr = "urn:cz:isvs:iszr:schemas:IszrTypy:v1"
	NSIszd = "urn:cz:isvs:iszr:schemas:IszrDotazyData:v1"

	// NSXSI is the XML Schema instance namespace (xsi:nil).
	NSXSI = "http://www.w3.org/2001/XMLSchema-instance"
)

// SchemaNS returns the namespace of the request and response elements of
// an eGON operation ("IszrRobCtiAifo" → urn:cz:isvs:iszr:schemas:IszrRobCtiAifo:v1).
func SchemaNS(operation string) string { return "urn:cz:isvs:iszr:schemas:" + operation + ":v1" }

// ServiceNS returns the WSDL target namespace of an eGON operation.
func ServiceNS(operation string) string { return "urn:cz:isvs:iszr:services:" + operation + ":v1" }
