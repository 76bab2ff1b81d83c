package xmlsig

import (
	"encoding/json"
	"testing"
	"time"
)

// TestReportJSON pins the JSON of `konektor xml verify`, a stable
// interface: field names, their order, and which fields are left out when
// empty.
func TestReportJSON(t *testing.T) {
	created := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	expires := created.Add(5 * time.Minute)
	tests := []struct {
		name string
		r    Report
		want string
	}{
		{
			name: "valid",
			r: Report{
				Valid: true, Reason: "podpis je platný", ReasonEN: "signature is valid", Mode: "ws-security",
				References: []Reference{{URI: "#Body-1", Element: "Body", DigestMethod: AlgSHA256}},
				Signer:     "CN=signer", Issuer: "CN=CA", Created: &created, Expires: &expires,
				CheckedAt: created, SignatureID: "abcd",
			},
			want: `{"valid":true,"reason":"podpis je platný","reason_en":"signature is valid","mode":"ws-security",` +
				`"references":[{"uri":"#Body-1","element":"Body","digest_method":"http://www.w3.org/2001/04/xmlenc#sha256"}],` +
				`"signer":"CN=signer","issuer":"CN=CA","created":"2026-11-23T12:00:00Z","expires":"2026-11-23T12:05:00Z",` +
				`"checked_at":"2026-11-23T12:00:00Z","signature_id":"abcd"}`,
		},
		{
			name: "refused",
			r: Report{
				Code: CodeDigestMismatch, Reason: "změněno", ReasonEN: "modified", Detail: "test: digest-mismatch: x",
				Mode: "enveloped-document", References: []Reference{}, CheckedAt: created,
			},
			want: `{"valid":false,"code":"digest-mismatch","reason":"změněno","reason_en":"modified",` +
				`"detail":"test: digest-mismatch: x","mode":"enveloped-document","references":[],"checked_at":"2026-11-23T12:00:00Z"}`,
		},
		{
			name: "empty",
			want: `{"valid":false,"reason":"","reason_en":"","references":null,"checked_at":"0001-01-01T00:00:00Z"}`,
		},
	}
	for _, tc := range tests {
		got, err := json.Marshal(tc.r)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != tc.want {
			t.Errorf("%s:\n got %s\nwant %s", tc.name, got, tc.want)
		}
	}
}
