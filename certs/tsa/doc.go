// Package tsa is an RFC 3161 time-stamping authority and the verification
// of RFC 3161 time-stamp tokens.
//
// The authority (Authority) serves the ISDS sandbox, which stamps the dmHash
// of every message it accepts (dmQTimestamp) and the signature of every
// message ZFO it hands out (CAdES-T), and konektor's access log, which can
// stamp its checkpoints. It is a library (Stamp) and an http.Handler
// (POST application/timestamp-query, answered with
// application/timestamp-reply, as a TSA such as PostSignum's answers).
// Request fetches a token from any RFC 3161 TSA over HTTP.
//
// Verify checks a token: its CMS signature, the TSA certificate's chain to
// the configured roots at the token's own time (genTime) with the
// time-stamping key purpose, and that the token stamps the expected digest.
// Parse reads a token without judging trust.
//
// IssueCertificate and NewSandbox give a sandbox TSA a certificate from a
// sandbox CA (for example konektor's development CA).
package tsa
