package zfo

import (
	"crypto"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Kinds of ZFO.
const (
	KindMessage  = "message"  // received message (SignedMessageDownload)
	KindSent     = "sent"     // sent message (SignedSentMessageDownload)
	KindDelivery = "delivery" // delivery info (GetSignedDeliveryInfo)
)

// NSv20 is the namespace of ISDS messages; the signed payloads put their
// outer elements into NSv20 + "/message", "/SentMessage" or "/delivery".
const NSv20 = "http://isds.czechpoint.cz/v20"

// The manual spells the host isds.czebox.cz; every known ZFO uses
// isds.czechpoint.cz. Both are accepted.
var payloadHosts = []string{"http://isds.czechpoint.cz/v20", "http://isds.czebox.cz/v20"}

// kindOf returns the kind a payload root's namespace and name stand for.
func kindOf(name xml.Name) string {
	for _, h := range payloadHosts {
		suffix, ok := strings.CutPrefix(name.Space, h+"/")
		if !ok {
			continue
		}
		switch {
		case suffix == "message" && name.Local == "MessageDownloadResponse":
			return KindMessage
		case suffix == "SentMessage" && name.Local == "MessageDownloadResponse":
			return KindSent
		case suffix == "delivery" && name.Local == "GetDeliveryInfoResponse":
			return KindDelivery
		}
	}
	return ""
}

func isV20(space string) bool {
	for _, h := range payloadHosts {
		if space == h {
			return true
		}
	}
	return false
}

// payload is what a ZFO's XML states.
type payload struct {
	kind          string
	dmDm          []byte // raw bytes of <dmDm>…</dmDm> as in the payload
	dmID          string
	dbIDSender    string
	dbIDRecipient string
	hashAlg       string // dmHash@algorithm as written
	hash          []byte // dmHash, decoded; nil when absent
	hashPresent   bool
	qTimestamp    []byte // dmQTimestamp, decoded; nil when absent or nil
	status        int    // dmMessageStatus
	deliveryTime  string
	acceptTime    string
}

// Bounds of the payload reader.
const (
	maxXMLDepth    = 64
	maxXMLElements = 200000
	maxTextField   = 1 << 20 // a dmQTimestamp is a few kB; dmHash less
)

// ErrPayload marks XML that is not an ISDS signed document.
var ErrPayload = errors.New("zfo: the signed content is not an ISDS message, sent message or delivery info")

// parsePayload reads the signed XML: the kind from the root, the raw bytes
// of dmDm, its identifiers, and dmHash, dmQTimestamp and the status of the
// container element.
func parsePayload(data []byte) (*payload, error) {
	s := &xmlScanner{data: data}
	p := &payload{}
	var text []byte
	collect := false // text of the current element is wanted
	dmDmStart, dmDmDepth := -1, -1
	for {
		tok, err := s.next()
		if err != nil {
			return nil, err
		}
		switch tok.kind {
		case tokEOF:
			if p.kind == "" {
				return nil, fmt.Errorf("%w: empty document", ErrPayload)
			}
			if p.dmDm == nil {
				return nil, fmt.Errorf("%w: no dmDm element", ErrPayload)
			}
			return p, nil
		case tokStart:
			depth := len(s.open)
			if !tok.selfClose {
				depth--
			}
			if err := p.start(tok, depth, s.open); err != nil {
				return nil, err
			}
			if depth == 2 && tok.name.Local == "dmDm" && isV20(tok.name.Space) {
				if dmDmStart >= 0 {
					return nil, fmt.Errorf("%w: two dmDm elements", ErrPayload)
				}
				dmDmStart, dmDmDepth = tok.start, depth
				if tok.selfClose {
					p.dmDm = data[tok.start:tok.end]
				}
			}
			if tok.selfClose {
				collect = false
				if wantedName(depth+1, tok.name.Local, dmDmDepth) {
					if err := p.store(depth+1, tok.name.Local, dmDmDepth, ""); err != nil {
						return nil, err
					}
				}
				continue
			}
			collect = wantedName(depth+1, tok.name.Local, dmDmDepth)
			text = text[:0]
		case tokText:
			if collect {
				if len(text)+len(tok.text) > maxTextField {
					return nil, fmt.Errorf("%w: a field over %d bytes", ErrPayload, maxTextField)
				}
				if tok.cdata {
					text = append(text, escapeText(tok.text)...)
				} else {
					text = append(text, tok.text...)
				}
			}
		case tokEnd:
			depth := len(s.open)
			if collect {
				v, err := unescape(text)
				if err != nil {
					return nil, fmt.Errorf("%w: %v", ErrPayload, err)
				}
				if err := p.store(depth+1, tok.name.Local, dmDmDepth, strings.TrimSpace(v)); err != nil {
					return nil, err
				}
			}
			if depth == dmDmDepth && dmDmStart >= 0 && p.dmDm == nil {
				p.dmDm = data[dmDmStart:tok.end]
			}
			collect = false
		}
	}
}

// start checks the root and container elements.
func (p *payload) start(tok xmlToken, depth int, open []openElement) error {
	switch depth {
	case 0:
		if p.kind = kindOf(tok.name); p.kind == "" {
			return fmt.Errorf("%w: root element {%s}%s", ErrPayload, tok.name.Space, tok.name.Local)
		}
	case 1:
		want := "dmReturnedMessage"
		if p.kind == KindDelivery {
			want = "dmDelivery"
		}
		if tok.name.Local != want || tok.name.Space != open[0].name.Space {
			return fmt.Errorf("%w: %s holds %s, want %s", ErrPayload, open[0].name.Local, tok.name.Local, want)
		}
	case 2:
		if tok.name.Local == "dmHash" {
			p.hashPresent = true
			for _, a := range tok.attrs {
				if a.Name.Local == "algorithm" {
					p.hashAlg = a.Value
				}
			}
		}
	}
	return nil
}

// escapeText re-escapes CDATA content so that unescape returns it as is.
func escapeText(b []byte) []byte {
	return []byte(strings.NewReplacer("&", "&amp;").Replace(string(b)))
}

// wantedName reports whether the text of an element is read: identifiers
// inside dmDm and the fields of the container. n is the element's depth
// counted from 1 for the root.
func wantedName(n int, local string, dmDmDepth int) bool {
	if dmDmDepth >= 0 && n == dmDmDepth+2 {
		return local == "dmID" || local == "dbIDSender" || local == "dbIDRecipient"
	}
	if n == 3 {
		switch local {
		case "dmHash", "dmQTimestamp", "dmMessageStatus", "dmDeliveryTime", "dmAcceptanceTime":
			return true
		}
	}
	return false
}

func (p *payload) store(n int, local string, dmDmDepth int, v string) error {
	if dmDmDepth >= 0 && n == dmDmDepth+2 {
		switch local {
		case "dmID":
			p.dmID = v
		case "dbIDSender":
			p.dbIDSender = v
		case "dbIDRecipient":
			p.dbIDRecipient = v
		}
		return nil
	}
	var err error
	switch local {
	case "dmHash":
		p.hash, err = base64.StdEncoding.DecodeString(stripSpace(v))
		if err != nil {
			return fmt.Errorf("%w: dmHash is not base64", ErrPayload)
		}
	case "dmQTimestamp":
		if v != "" {
			if p.qTimestamp, err = base64.StdEncoding.DecodeString(stripSpace(v)); err != nil {
				return fmt.Errorf("%w: dmQTimestamp is not base64", ErrPayload)
			}
		}
	case "dmMessageStatus":
		p.status, _ = strconv.Atoi(v)
	case "dmDeliveryTime":
		p.deliveryTime = v
	case "dmAcceptanceTime":
		p.acceptTime = v
	}
	return nil
}

// stripSpace removes the line breaks and spaces base64 in ISDS XML carries.
func stripSpace(s string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '\n' || r == '\r' || r == '\t' {
			return -1
		}
		return r
	}, s)
}

// dmHashAlgorithm maps dmHash@algorithm ("SHA-1", "SHA-256", ...).
func dmHashAlgorithm(name string) (crypto.Hash, bool) {
	switch strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(name), "-", "")) {
	case "SHA1":
		return crypto.SHA1, true
	case "SHA256":
		return crypto.SHA256, true
	case "SHA384":
		return crypto.SHA384, true
	case "SHA512":
		return crypto.SHA512, true
	}
	return 0, false
}
