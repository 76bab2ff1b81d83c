package audit

import (
	"strconv"

	"konektor/internal/store"
)

// HashVersion names the canonical encoding Hash uses; see the package doc.
const HashVersion = "konektor-access-v1"

// timeLayout renders a UTC time with exactly six fractional digits.
const timeLayout = "2006-01-02T15:04:05.000000Z07:00"

// field is one hashed field of an entry: its canonical name and value.
type field struct {
	name  string
	value func(e *store.AccessEntry) string
}

// fields lists, in hashing order, every field of an entry but Hash. The
// export formats use the same names and values.
var fields = [...]field{
	{"seq", func(e *store.AccessEntry) string { return strconv.FormatInt(e.Seq, 10) }},
	{"time", func(e *store.AccessEntry) string { return formatTime(e) }},
	{"correlation_id", func(e *store.AccessEntry) string { return e.CorrelationID }},
	{"upstream", func(e *store.AccessEntry) string { return e.Upstream }},
	{"service", func(e *store.AccessEntry) string { return e.Service }},
	{"ais", func(e *store.AccessEntry) string { return e.AIS }},
	{"ovm", func(e *store.AccessEntry) string { return e.OVM }},
	{"agenda", func(e *store.AccessEntry) string { return e.Agenda }},
	{"role", func(e *store.AccessEntry) string { return e.Role }},
	{"user", func(e *store.AccessEntry) string { return e.User }},
	{"purpose", func(e *store.AccessEntry) string { return e.Purpose }},
	{"subject", func(e *store.AccessEntry) string { return e.Subject }},
	{"outcome", func(e *store.AccessEntry) string { return e.Outcome }},
	{"upstream_status", func(e *store.AccessEntry) string { return e.UpstreamStatus }},
	{"reason", func(e *store.AccessEntry) string { return e.Reason }},
	{"latency_micros", func(e *store.AccessEntry) string { return strconv.FormatInt(e.LatencyMicros, 10) }},
	{"request_sha256", func(e *store.AccessEntry) string { return e.RequestSHA256 }},
	{"response_sha256", func(e *store.AccessEntry) string { return e.ResponseSHA256 }},
	{"sealed", func(e *store.AccessEntry) string { return strconv.FormatBool(e.Sealed) }},
	{"evidence", func(e *store.AccessEntry) string { return e.Evidence }},
	{"prev_hash", func(e *store.AccessEntry) string { return e.PrevHash }},
}

func formatTime(e *store.AccessEntry) string {
	return store.StoredTime(e.Time).Format(timeLayout)
}
