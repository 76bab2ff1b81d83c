package wssec

import (
	"crypto"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"time"

	"konektor/certs/xmlsig"
)

// DefaultTTL is how long a Timestamp konektor signs stays valid.
const DefaultTTL = 5 * time.Minute

// SignerOptions configures a Signer.
type SignerOptions struct {
	// Now is the clock for the Timestamp; nil means time.Now.
	Now func() time.Time
	// TTL is Expires minus Created; zero means DefaultTTL.
	TTL time.Duration
	// Limits bound the envelopes accepted for signing.
	Limits Limits
}

// Signer adds a WS-Security X.509 signature to SOAP envelopes. It is safe
// for concurrent use.
type Signer struct {
	key     crypto.Signer
	cert    *x509.Certificate
	certB64 string
	now     func() time.Time
	ttl     time.Duration
	limits  Limits
}

// NewSigner returns a Signer for an RSA key of at least 2048 bits and its
// certificate.
func NewSigner(key crypto.Signer, cert *x509.Certificate, o SignerOptions) (*Signer, error) {
	if err := xmlsig.CheckSignerKey(key, cert); err != nil {
		return nil, fmt.Errorf("wssec: %w", err)
	}
	if o.TTL < 0 {
		return nil, errors.New("wssec: negative Timestamp TTL")
	}
	s := &Signer{key: key, cert: cert, certB64: base64.StdEncoding.EncodeToString(cert.Raw), now: o.Now, ttl: o.TTL, limits: o.Limits.withDefaults()}
	if s.now == nil {
		s.now = time.Now
	}
	if s.ttl == 0 {
		s.ttl = DefaultTTL
	}
	return s, nil
}

// Certificate returns the signing certificate.
func (s *Signer) Certificate() *x509.Certificate { return s.cert }

// Sign returns envelope with a wsse:Security header (created, or reused
// when it exists without Timestamp or Signature) holding a
// BinarySecurityToken, a Timestamp and a Signature over the Body and the
// Timestamp. The output must not be re-indented or otherwise modified.
func (s *Signer) Sign(envelope []byte) ([]byte, error) {
	out, err := s.sign(envelope, signPlan{})
	if err != nil {
		return nil, fmt.Errorf("wssec: sign: %w", err)
	}
	return out, nil
}

// signPlan varies what sign produces; the zero plan is what Sign does.
// Tests use the other settings to build vectors the verifier must reject.
type signPlan struct {
	hash        crypto.Hash                              // signature hash; zero: SHA-256
	digest      crypto.Hash                              // digest hash; zero: as hash
	transform   string                                   // Reference transform; "": exc-c14n
	noTimestamp bool                                     // leave the Timestamp out
	targets     func(m *message, ts *element) []*element // nil: Body and Timestamp
	extraRefs   []string                                 // further Reference URIs (digest of nothing)
	x509Data    bool                                     // KeyInfo/X509Data instead of a token reference
}

func (s *Signer) sign(envelope []byte, plan signPlan) ([]byte, error) {
	m, err := parseEnvelope(envelope, s.limits)
	if err != nil {
		return nil, err
	}
	defer m.doc.release()
	if len(m.signatures) > 0 || len(m.timestamps) > 0 {
		return nil, ErrAlreadySigned
	}
	if m.header == nil {
		m.header = newElement(qualified(m.env.Space, "Header"))
		insertBefore(m.env, m.body, m.header)
	}
	sec, err := s.securityHeader(m)
	if err != nil {
		return nil, err
	}
	wsse := bindPrefix(sec, nsWSSE, "wsse")
	wsu := bindPrefix(sec, nsWSU, "wsu")

	bodyID := wsuID(m.body)
	if bodyID == "" {
		bodyID = freeID(m.ids, "Body")
		m.body.CreateAttr(bindPrefix(m.body, nsWSU, "wsu")+":Id", bodyID)
	}
	m.ids[bodyID] = m.body

	bstID := freeID(m.ids, "X509")
	if !plan.x509Data {
		bst := sec.CreateElement(qualified(wsse, "BinarySecurityToken"))
		bst.CreateAttr("EncodingType", encodingBase64)
		bst.CreateAttr("ValueType", valueTypeX509v3)
		bst.CreateAttr(wsu+":Id", bstID)
		bst.SetText(s.certB64)
		m.ids[bstID] = bst
	}

	var ts *element
	if !plan.noTimestamp {
		created := s.now().UTC().Truncate(time.Second)
		ts = sec.CreateElement(wsu + ":Timestamp")
		tsID := freeID(m.ids, "TS")
		ts.CreateAttr(wsu+":Id", tsID)
		m.ids[tsID] = ts
		ts.CreateElement(wsu + ":Created").SetText(created.Format(time.RFC3339))
		ts.CreateElement(wsu + ":Expires").SetText(created.Add(s.ttl).Format(time.RFC3339))
	}

	hash, dh, transform := plan.hash, plan.digest, plan.transform
	if hash == 0 {
		hash = crypto.SHA256
	}
	if dh == 0 {
		dh = hash
	}
	if transform == "" {
		transform = algExcC14N
	}
	targets := []*element{m.body}
	if ts != nil {
		targets = append(targets, ts)
	}
	if plan.targets != nil {
		targets = plan.targets(m, ts)
	}

	sig := sec.CreateElement("ds:Signature")
	sig.CreateAttr("xmlns:ds", nsDS)
	si := sig.CreateElement("ds:SignedInfo")
	si.CreateElement("ds:CanonicalizationMethod").CreateAttr("Algorithm", algExcC14N)
	si.CreateElement("ds:SignatureMethod").CreateAttr("Algorithm", xmlsig.SignatureMethod(hash))
	for _, t := range targets {
		id := wsuID(t)
		if id == "" {
			return nil, fmt.Errorf("signing target %s has no wsu:Id", t.Tag)
		}
		sum, err := excC14NDigest(dh, t, "")
		if err != nil {
			return nil, fmt.Errorf("canonicalize %s: %w", t.Tag, err)
		}
		addReference(si, "#"+id, transform, dh, sum)
	}
	for _, uri := range plan.extraRefs {
		addReference(si, uri, transform, dh, digest(dh, nil))
	}
	sum, err := excC14NDigest(hash, si, "")
	if err != nil {
		return nil, fmt.Errorf("canonicalize SignedInfo: %w", err)
	}
	value, err := s.key.Sign(rand.Reader, sum, hash)
	if err != nil {
		return nil, fmt.Errorf("RSA signature: %w", err)
	}
	sig.CreateElement("ds:SignatureValue").SetText(base64.StdEncoding.EncodeToString(value))
	ki := sig.CreateElement("ds:KeyInfo")
	if plan.x509Data {
		ki.CreateElement("ds:X509Data").CreateElement("ds:X509Certificate").SetText(s.certB64)
	} else {
		str := ki.CreateElement(qualified(wsse, "SecurityTokenReference"))
		r := str.CreateElement(qualified(wsse, "Reference"))
		r.CreateAttr("URI", "#"+bstID)
		r.CreateAttr("ValueType", valueTypeX509v3)
	}
	return writeDocument(m.doc)
}

// addReference appends a ds:Reference to SignedInfo.
func addReference(si *element, uri, transform string, h crypto.Hash, sum []byte) {
	ref := si.CreateElement("ds:Reference")
	ref.CreateAttr("URI", uri)
	ref.CreateElement("ds:Transforms").CreateElement("ds:Transform").CreateAttr("Algorithm", transform)
	ref.CreateElement("ds:DigestMethod").CreateAttr("Algorithm", xmlsig.DigestMethod(h))
	ref.CreateElement("ds:DigestValue").SetText(base64.StdEncoding.EncodeToString(sum))
}

// securityHeader returns the envelope's wsse:Security header, creating it
// as the Header's first child when there is none.
func (s *Signer) securityHeader(m *message) (*element, error) {
	switch len(m.securities) {
	case 0:
	case 1:
		if m.securities[0].Parent() != m.header {
			return nil, errors.New("wsse:Security is not a child of the SOAP Header")
		}
		return m.securities[0], nil
	default:
		return nil, errors.New("envelope has more than one wsse:Security header")
	}
	sec := newElement("wsse:Security")
	sec.CreateAttr("xmlns:wsse", nsWSSE)
	sec.CreateAttr("xmlns:wsu", nsWSU)
	insertFirst(m.header, sec)
	soap := bindPrefix(sec, m.soapNS, "soap")
	sec.CreateAttr(soap+":mustUnderstand", "1")
	return sec, nil
}

// wsuID returns the value of el's wsu:Id attribute, or "".
func wsuID(el *element) string {
	for i := range el.Attr {
		if el.Attr[i].Key == "Id" && el.Attr[i].Space != "" && attrNamespace(el, &el.Attr[i]) == nsWSU {
			return el.Attr[i].Value
		}
	}
	return ""
}

// freeID returns base-1, base-2, ... whichever is not yet used.
func freeID(ids map[string]*element, base string) string {
	for n := 1; ; n++ {
		id := base + "-" + strconv.Itoa(n)
		if _, used := ids[id]; !used {
			return id
		}
	}
}

// digest hashes data with h.
func digest(h crypto.Hash, data []byte) []byte {
	d := h.New()
	d.Write(data)
	return d.Sum(nil)
}
