package zfo

import (
	"bytes"
	"crypto"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
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
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true
	p := &payload{}
	var stack []xml.Name
	var text strings.Builder
	collect := false // text of the current element is wanted
	count := 0
	var dmDmStart int64 = -1
	dmDmDepth := -1
	for {
		before := d.InputOffset()
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrPayload, err)
		}
		switch t := tok.(type) {
		case xml.Directive:
			return nil, fmt.Errorf("%w: DOCTYPE or other directive", ErrPayload)
		case xml.ProcInst:
			if t.Target != "xml" {
				return nil, fmt.Errorf("%w: processing instruction %q", ErrPayload, t.Target)
			}
		case xml.StartElement:
			count++
			if count > maxXMLElements {
				return nil, fmt.Errorf("%w: more than %d elements", ErrPayload, maxXMLElements)
			}
			depth := len(stack)
			if depth >= maxXMLDepth {
				return nil, fmt.Errorf("%w: nested deeper than %d", ErrPayload, maxXMLDepth)
			}
			switch {
			case depth == 0:
				if p.kind = kindOf(t.Name); p.kind == "" {
					return nil, fmt.Errorf("%w: root element {%s}%s", ErrPayload, t.Name.Space, t.Name.Local)
				}
			case depth == 1:
				want := "dmReturnedMessage"
				if p.kind == KindDelivery {
					want = "dmDelivery"
				}
				if t.Name.Local != want || t.Name.Space != stack[0].Space {
					return nil, fmt.Errorf("%w: %s holds %s, want %s", ErrPayload, stack[0].Local, t.Name.Local, want)
				}
			case depth == 2 && t.Name.Local == "dmDm" && isV20(t.Name.Space):
				if dmDmStart >= 0 {
					return nil, fmt.Errorf("%w: two dmDm elements", ErrPayload)
				}
				dmDmStart, dmDmDepth = before, depth
			case depth == 2 && t.Name.Local == "dmHash":
				p.hashPresent = true
				for _, a := range t.Attr {
					if a.Name.Local == "algorithm" && a.Name.Space == "" {
						p.hashAlg = a.Value
					}
				}
			}
			stack = append(stack, t.Name)
			collect = wanted(stack, dmDmDepth)
			text.Reset()
		case xml.CharData:
			if collect {
				if text.Len()+len(t) > maxTextField {
					return nil, fmt.Errorf("%w: element %s over %d bytes", ErrPayload, stack[len(stack)-1].Local, maxTextField)
				}
				text.Write(t)
			}
		case xml.EndElement:
			depth := len(stack) - 1
			if collect {
				if err := p.store(stack, dmDmDepth, strings.TrimSpace(text.String())); err != nil {
					return nil, err
				}
			}
			if depth == dmDmDepth && dmDmStart >= 0 && p.dmDm == nil {
				p.dmDm = data[dmDmStart:d.InputOffset()]
			}
			stack = stack[:depth]
			collect = false
		}
	}
	if p.kind == "" {
		return nil, fmt.Errorf("%w: empty document", ErrPayload)
	}
	if p.dmDm == nil {
		return nil, fmt.Errorf("%w: no dmDm element", ErrPayload)
	}
	return p, nil
}

// wanted reports whether the text of the element at the top of stack is
// read: identifiers inside dmDm and the fields of the container.
func wanted(stack []xml.Name, dmDmDepth int) bool {
	n := len(stack)
	top := stack[n-1].Local
	if dmDmDepth >= 0 && n == dmDmDepth+2 {
		return top == "dmID" || top == "dbIDSender" || top == "dbIDRecipient"
	}
	if n == 3 {
		switch top {
		case "dmHash", "dmQTimestamp", "dmMessageStatus", "dmDeliveryTime", "dmAcceptanceTime":
			return true
		}
	}
	return false
}

func (p *payload) store(stack []xml.Name, dmDmDepth int, v string) error {
	n := len(stack)
	top := stack[n-1].Local
	if dmDmDepth >= 0 && n == dmDmDepth+2 {
		switch top {
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
	switch top {
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
