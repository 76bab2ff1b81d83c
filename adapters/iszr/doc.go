// Package iszr is konektor's adapter for ISZR eGON services: it reads the
// authorisation context every eGON request carries (ZadostInfo,
// AutorizaceInfo) generically, by namespace, whatever the service; relays
// the call to the configured ISZR base URLs over mTLS; reads the status of
// the answer for the access log; and writes answers in ISZR's own shape
// when konektor itself refuses a call or the upstream is down, so an agenda
// system sees the same statuses it would see from ISZR.
package iszr

// Namespaces of the parts common to every eGON message.
const (
	NSAbstract = "urn:cz:isvs:iszr:schemas:IszrAbstract:v1"
	NSReg      = "urn:cz:isvs:reg:schemas:RegTypy:v1"
)
