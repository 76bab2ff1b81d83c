package wssec

import (
	"strings"
	"time"
)

// parseTimestamp reads a wsu:Timestamp that holds exactly Created then
// Expires, each an xsd:dateTime with a time zone.
func parseTimestamp(m *message, ts *element) (created, expires time.Time, err error) {
	kids := ts.ChildElements()
	if len(kids) != 2 || !m.is(kids[0], nsWSU, "Created") || !m.is(kids[1], nsWSU, "Expires") || hasText(ts) {
		return created, expires, reject(CodeTimestamp, "Timestamp must hold exactly Created and Expires")
	}
	created, err = parseDateTime(kids[0])
	if err != nil {
		return created, expires, err
	}
	expires, err = parseDateTime(kids[1])
	if err != nil {
		return created, expires, err
	}
	if expires.Before(created) {
		return created, expires, reject(CodeTimestamp, "Expires is before Created")
	}
	return created, expires, nil
}

func parseDateTime(el *element) (time.Time, error) {
	txt, ok := textOf(el)
	if !ok {
		return time.Time{}, reject(CodeTimestamp, "%s must hold only a date and time", el.Tag)
	}
	t, err := time.Parse(time.RFC3339, strings.TrimSpace(txt))
	if err != nil {
		return time.Time{}, rejectErr(CodeTimestamp, err, "%s is not a date and time with a time zone", el.Tag)
	}
	return t, nil
}

// checkFreshness applies the clock policy to a signed Timestamp.
func checkFreshness(created, expires, now time.Time, skew, maxTTL time.Duration) error {
	if expires.Sub(created) > maxTTL {
		return reject(CodeTimestamp, "Timestamp lifetime %s exceeds %s", expires.Sub(created), maxTTL)
	}
	if created.After(now.Add(skew)) {
		return reject(CodeFuture, "Created %s is later than now %s plus skew %s",
			created.UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339), skew)
	}
	if now.After(expires.Add(skew)) {
		return reject(CodeExpired, "Expires %s is earlier than now %s minus skew %s",
			expires.UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339), skew)
	}
	return nil
}
