package xmlsig

import "time"

// Report is the JSON answer of `konektor xml verify`, whichever verifier
// checked the input: certs/wssec's Check for a SOAP envelope, certs/docsig's
// Check for any other document. Its JSON is a stable interface; field names
// must not change.
type Report struct {
	Valid    bool   `json:"valid"`
	Code     Code   `json:"code,omitempty"`
	Reason   string `json:"reason"`
	ReasonEN string `json:"reason_en"`
	Detail   string `json:"detail,omitempty"`
	// Mode names the form of the signature: "ws-security" or "enveloped"
	// (certs/wssec's ModeWSSecurity, ModeEnveloped), "enveloped-document"
	// (certs/docsig's Mode).
	Mode        string      `json:"mode,omitempty"`
	References  []Reference `json:"references"`
	Signer      string      `json:"signer,omitempty"`
	Issuer      string      `json:"issuer,omitempty"`
	Created     *time.Time  `json:"created,omitempty"`
	Expires     *time.Time  `json:"expires,omitempty"`
	CheckedAt   time.Time   `json:"checked_at"`
	SignatureID string      `json:"signature_id,omitempty"`
}

// Reference is one verified ds:Reference: its URI ("" for an enveloped
// signature over the whole document), the local name of the element it
// covers, and its DigestMethod.
type Reference struct {
	URI          string `json:"uri"`
	Element      string `json:"element"`
	DigestMethod string `json:"digest_method"`
}
