package isds

import (
	"bytes"
	"regexp"
	"strings"
)

// statusRE reads the status code ISDS puts at the end of every answer:
// dmStatus/dmStatusCode or dbStatus/dbStatusCode, any prefix.
var statusRE = regexp.MustCompile(`<(?:[A-Za-z_][\w.-]*:)?d[mb]StatusCode>\s*([0-9]{4})\s*</(?:[A-Za-z_][\w.-]*:)?d[mb]StatusCode>`)

// statusTail bounds how much of the end of an answer is searched: the
// status follows the content, and a message can be 30 MB.
const statusTail = 4 << 10

// ReadStatus returns the status code of an ISDS answer, or "" when it has
// none (a SOAP Fault, an HTML error page). The code is the last one in
// the answer; a CreateMultipleMessage's per-recipient codes come before
// the overall one.
func ReadStatus(body []byte) string {
	tail := body
	if len(tail) > statusTail {
		tail = tail[len(tail)-statusTail:]
	}
	ms := statusRE.FindAllSubmatch(tail, -1)
	if len(ms) == 0 {
		return ""
	}
	return string(ms[len(ms)-1][1])
}

// Success reports whether a status code means success (00xx).
func Success(code string) bool { return strings.HasPrefix(code, "00") && len(code) == 4 }

// retryable reports whether ISDS asks to try again later: 3006 (delivery
// takes too long), 3008 (too many parallel requests), 3009 (another request
// of the account in restricted mode), 9xxx (a failure inside ISDS). A
// write is retried only on 3008 and 3009, which ISDS answers before it
// does anything.
func retryable(code string, write bool) bool {
	switch {
	case code == "3008" || code == "3009":
		return true
	case write:
		return false
	case code == "3006":
		return true
	}
	return len(code) == 4 && code[0] == '9'
}

// personalRE finds dmPersonalDelivery true in a message.
var personalRE = regexp.MustCompile(`<(?:[A-Za-z_][\w.-]*:)?dmPersonalDelivery>\s*(?:true|1)\s*<`)

// personal reports whether a downloaded message (XML or ZFO content) is
// to be delivered into the addressee's own hands.
func personal(b []byte) bool { return personalRE.Match(b) }

// signatureOf returns the base64 text of dmSignature, found without a
// parse: a ZFO answer is one large text node.
func signatureOf(body []byte) []byte {
	i := bytes.Index(body, []byte("dmSignature>"))
	if i < 0 || i == 0 || (body[i-1] != '<' && body[i-1] != ':') {
		return nil
	}
	rest := body[i+len("dmSignature>"):]
	j := bytes.IndexByte(rest, '<')
	if j < 0 {
		return nil
	}
	return bytes.TrimSpace(rest[:j])
}
