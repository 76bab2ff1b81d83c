package zfo

import "time"

// Values of the report fields.
const (
	Valid     = "valid"
	Invalid   = "invalid"
	Absent    = "absent"
	Trusted   = "trusted"
	Untrusted = "untrusted"
	Unknown   = "unknown"
	Match     = "match"
	Mismatch  = "mismatch"
)

// Report is the outcome of Verify, shaped for `konektor zfo verify` (JSON)
// and for the access log (identifiers only, never content).
type Report struct {
	// Kind is message, sent or delivery; empty when the content is not an
	// ISDS document.
	Kind          string `json:"kind"`
	DmID          string `json:"dmID"`
	DbIDSender    string `json:"dbIDSender,omitempty"`
	DbIDRecipient string `json:"dbIDRecipient,omitempty"`

	// Signature is valid when the CMS signature of the ISDS seal verifies
	// over the content; otherwise invalid.
	Signature string `json:"signature"`
	// Chain is trusted when the seal certificate chains to a configured
	// root at ChainTime, untrusted when it does not, unknown when no roots
	// are configured or the certificate is missing.
	Chain string `json:"chain"`
	// DmHash is match when dmHash equals the digest of the raw dmDm bytes
	// (messages) or the imprint of dmQTimestamp (delivery infos, whose dmDm
	// is the envelope only while dmHash covers the whole message), mismatch
	// when it does not, absent when the document has none.
	DmHash string `json:"dmHash"`
	// Timestamp is the dmQTimestamp, the qualified time stamp of the
	// message's submission: valid when it verifies, stamps dmHash and its
	// TSA chains to a root; invalid otherwise; absent when there is none.
	Timestamp string `json:"timestamp"`
	// SignatureTimestamp is the CAdES-T time stamp over the seal's
	// signature that ISDS adds to downloaded messages; delivery infos have
	// none (absent).
	SignatureTimestamp string `json:"signatureTimestamp"`
	// Valid is true only when every check passed.
	Valid bool `json:"valid"`

	Signer          string     `json:"signer,omitempty"` // subject of the seal certificate
	SigningTime     *time.Time `json:"signingTime,omitempty"`
	TimestampTime   *time.Time `json:"timestampTime,omitempty"` // genTime of dmQTimestamp: submission time
	ChainTime       *time.Time `json:"chainTime,omitempty"`     // when the chain was judged
	DigestAlgorithm string     `json:"digestAlgorithm,omitempty"`
	HashAlgorithm   string     `json:"hashAlgorithm,omitempty"` // dmHash@algorithm
	MessageStatus   int        `json:"dmMessageStatus,omitempty"`
	DeliveryTime    string     `json:"dmDeliveryTime,omitempty"`
	AcceptanceTime  string     `json:"dmAcceptanceTime,omitempty"`

	// Problems explain every failed check, in Czech and English.
	Problems []Problem `json:"problems,omitempty"`
}

// Problem is one failed check.
type Problem struct {
	Check string `json:"check"` // signature, chain, dmHash, timestamp, signatureTimestamp, format
	CS    string `json:"cs"`
	EN    string `json:"en"`
}

func (r *Report) problem(check, cs, en string) {
	r.Problems = append(r.Problems, Problem{Check: check, CS: cs, EN: en})
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}
