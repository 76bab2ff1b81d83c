package isds

import (
	"encoding/base64"
	"fmt"
	"strings"

	"konektor/certs/zfo"
)

// Evidence is what the access log records of a download: identifiers and
// the verification result, never content.
type Evidence struct {
	Operation string
	DmID      string
	Box       string // the box konektor logged into
	// Of a verified ZFO:
	Kind        string // message, sent, delivery
	Sender      string
	Recipient   string
	Verified    bool // a ZFO was verified
	Valid       bool
	Signature   string
	Chain       string
	DmHash      string
	Timestamp   string
	Problem     string // the first failed check, English
	Undecodable bool   // dmSignature was not base64
	// Of a list: the dmIDs listed (at most maxListed) and how many more.
	List       bool
	Listed     []string
	ListedMore int
}

// maxListed bounds the dmIDs of a list the evidence names.
const maxListed = 200

// String renders the evidence as one access-log field, e.g.
// "isds SignedMessageDownload dmID=4217731 box=mstdemd zfo=message
// sender=firma2x recipient=mstdemd signature=valid chain=trusted
// dmHash=match timestamp=valid valid=true".
func (e Evidence) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "isds %s", e.Operation)
	if e.DmID != "" {
		fmt.Fprintf(&b, " dmID=%s", e.DmID)
	}
	fmt.Fprintf(&b, " box=%s", e.Box)
	if !e.Verified && e.Recipient != "" {
		fmt.Fprintf(&b, " recipient=%s", e.Recipient)
	}
	if e.List {
		fmt.Fprintf(&b, " records=%d", len(e.Listed)+e.ListedMore)
		if len(e.Listed) > 0 {
			fmt.Fprintf(&b, " dmIDs=%s", strings.Join(e.Listed, ","))
			if e.ListedMore > 0 {
				fmt.Fprintf(&b, ",+%d", e.ListedMore)
			}
		}
	}
	switch {
	case e.Undecodable:
		b.WriteString(" zfo=undecodable valid=false")
	case e.Verified:
		fmt.Fprintf(&b, " zfo=%s sender=%s recipient=%s signature=%s chain=%s dmHash=%s timestamp=%s valid=%t",
			orDash(e.Kind), orDash(e.Sender), orDash(e.Recipient), e.Signature, e.Chain, e.DmHash, e.Timestamp, e.Valid)
		if e.Problem != "" {
			fmt.Fprintf(&b, " problem=%q", e.Problem)
		}
	}
	return b.String()
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// NewVerifier returns a Verifier that checks ZFOs with certs/zfo: the
// trust roots are the PostSignum roots in production, the sandbox CA with
// the sandbox.
func NewVerifier(o zfo.Options) Verifier {
	return func(z []byte) Evidence {
		r := zfo.Verify(z, o)
		e := Evidence{Verified: true, Kind: r.Kind, DmID: r.DmID, Sender: r.DbIDSender, Recipient: r.DbIDRecipient,
			Valid: r.Valid, Signature: r.Signature, Chain: r.Chain, DmHash: r.DmHash, Timestamp: r.Timestamp}
		if len(r.Problems) > 0 {
			e.Problem = r.Problems[0].EN
		}
		return e
	}
}

// verifyAnswer verifies the ZFO of a signed download answer.
func verifyAnswer(v Verifier, body []byte) (Evidence, []byte) {
	b64 := signatureOf(body)
	z, err := base64.StdEncoding.DecodeString(strings.Map(func(r rune) rune {
		if r == '\n' || r == '\r' || r == ' ' || r == '\t' {
			return -1
		}
		return r
	}, string(b64)))
	if err != nil || len(z) == 0 {
		return Evidence{Undecodable: true}, nil
	}
	return v(z), z
}
