package soap

import (
	"mime"
	"strings"
)

// Action returns the SOAP action a request names and the version its
// Content-Type implies: SOAP 1.1 carries it in the SOAPAction header
// (quoted or not), SOAP 1.2 in the action parameter of
// application/soap+xml.
func Action(contentType, soapAction string) (action string, v Version) {
	mt, params, err := mime.ParseMediaType(contentType)
	if err == nil && mt == "application/soap+xml" {
		return strings.TrimSpace(params["action"]), V12
	}
	return strings.Trim(strings.TrimSpace(soapAction), `"`), V11
}

// ActionMatches reports whether a requested action agrees with the
// operation the body names. An action may be the bare operation name or a
// URI ending in it ("…/IszrRobCtiAifo", "…#IszrRobCtiAifo"); ČÚZK's
// double-slash forms end the same way.
func ActionMatches(action, operation string) bool {
	if action == operation {
		return true
	}
	if !strings.HasSuffix(action, operation) {
		return false
	}
	sep := action[len(action)-len(operation)-1]
	return sep == '/' || sep == '#' || sep == ':'
}
