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
	mt, act, err := MediaType(contentType)
	if err == nil && mt == "application/soap+xml" {
		return strings.TrimSpace(act), V12
	}
	return strings.Trim(strings.TrimSpace(soapAction), `"`), V11
}

// MediaType returns the media type of a Content-Type (lower case) and its
// action parameter, as mime.ParseMediaType reads them, without parsing
// (or allocating) for the Content-Type nearly every SOAP 1.1 call
// carries: text/xml, alone or with a UTF-8 charset.
func MediaType(contentType string) (mediatype, action string, err error) {
	switch {
	case strings.EqualFold(contentType, "text/xml"),
		strings.EqualFold(contentType, "text/xml; charset=utf-8"),
		strings.EqualFold(contentType, "text/xml;charset=utf-8"),
		strings.EqualFold(contentType, `text/xml; charset="utf-8"`):
		return "text/xml", "", nil
	}
	mt, params, err := mime.ParseMediaType(contentType)
	return mt, params["action"], err
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
