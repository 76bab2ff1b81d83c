package audit

import (
	"strings"
	"unicode/utf8"

	"konektor/internal/store"
)

// replacement stands in for bytes no backend can keep (invalid UTF-8, NUL).
const replacement = "\uFFFD"

// cleanText returns s with invalid UTF-8 sequences and NUL characters
// replaced by U+FFFD, so that text from a caller can always be logged.
func cleanText(s string) string {
	if utf8.ValidString(s) && strings.IndexByte(s, 0) < 0 {
		return s
	}
	s = strings.ToValidUTF8(s, replacement)
	return strings.ReplaceAll(s, "\x00", replacement)
}

// cleanEntry applies cleanText to every text field of e.
func cleanEntry(e store.AccessEntry) store.AccessEntry {
	for _, p := range []*string{&e.CorrelationID, &e.Upstream, &e.Service, &e.AIS, &e.OVM, &e.Agenda,
		&e.Role, &e.User, &e.Purpose, &e.Subject, &e.Outcome, &e.UpstreamStatus, &e.Reason,
		&e.RequestSHA256, &e.ResponseSHA256, &e.Evidence, &e.PrevHash, &e.Hash} {
		*p = cleanText(*p)
	}
	return e
}
