package zfo

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"konektor/certs"
	"konektor/certs/tsa"
)

// t0 is the sandbox clock: the time the test messages were sealed.
var t0 = time.Date(2026, 3, 2, 10, 30, 0, 0, time.UTC)

// pki is a sandbox PKI: a root, a TSA and an ISDS seal (RSA 2048), made
// once per test binary (RSA key generation is slow).
type pki struct {
	ca    *certs.KeyPair
	roots *x509.CertPool
	tsa   *tsa.Authority
	seal  *certs.KeyPair
	clock time.Time
}

var (
	pkiOnce  sync.Once
	shared   *pki
	pkiErr   error
	otherCA  *certs.KeyPair
	otherErr error
)

func sandboxPKI(t testing.TB) *pki {
	t.Helper()
	pkiOnce.Do(func() {
		p := &pki{clock: t0}
		if p.ca, pkiErr = tsa.NewSandboxCA(pkix.Name{CommonName: "zfo test root"}, t0.Add(-24*time.Hour)); pkiErr != nil {
			return
		}
		p.roots = x509.NewCertPool()
		p.roots.AddCert(p.ca.Leaf())
		if p.tsa, pkiErr = tsa.NewSandbox(p.ca, tsa.Options{Now: func() time.Time { return t0 }}); pkiErr != nil {
			return
		}
		if p.seal, pkiErr = IssueSealCertificate(p.ca, SandboxSealSubject, 2048, t0.Add(-24*time.Hour)); pkiErr != nil {
			return
		}
		otherCA, otherErr = tsa.NewSandboxCA(pkix.Name{CommonName: "other root"}, t0)
		shared = p
	})
	if pkiErr != nil || otherErr != nil {
		t.Fatalf("sandbox PKI: %v %v", pkiErr, otherErr)
	}
	return shared
}

func (p *pki) sealer(pss bool) *Sealer {
	return &Sealer{Key: p.seal.Key, Chain: p.seal.Chain, Stamper: p.tsa, Now: func() time.Time { return t0 }, PSS: pss}
}

func (p *pki) options() Options {
	return Options{Roots: p.roots, Now: func() time.Time { return t0.Add(time.Hour) }}
}

// message is a test data message.
type message struct {
	dmID       string
	sender     string
	recipient  string
	attachment []byte
}

var sample = message{dmID: "4217731", sender: "aydaadk", recipient: "hjyaavk", attachment: []byte("%PDF-1.4 rozhodnutí o přestupku\n")}

// dmDm writes the message element as ISDS does: prefix p, xsi:nil for
// empty nillable fields (the xsi prefix is declared on the payload root),
// no line breaks. With files it is the full message; without, the envelope.
func (m message) dmDm(files bool) []byte {
	var b strings.Builder
	b.WriteString(`<p:dmDm xmlns:p="http://isds.czechpoint.cz/v20">`)
	el := func(name, v string) {
		if v == "" {
			fmt.Fprintf(&b, `<p:%s xsi:nil="true"></p:%s>`, name, name)
			return
		}
		fmt.Fprintf(&b, "<p:%s>%s</p:%s>", name, v, name)
	}
	el("dmID", m.dmID)
	el("dbIDSender", m.sender)
	el("dmSender", "Město Frýdlant nad Ostravicí")
	el("dmSenderAddress", "náměstí 3, 73911 Frýdlant nad Ostravicí, CZ")
	el("dmSenderType", "10")
	el("dmRecipient", "Jan Novák")
	el("dmRecipientAddress", "Lipová 12, 73911 Frýdlant nad Ostravicí, CZ")
	el("dmAmbiguousRecipient", "false")
	el("dmSenderOrgUnit", "")
	el("dmSenderOrgUnitNum", "")
	el("dbIDRecipient", m.recipient)
	el("dmRecipientOrgUnit", "")
	el("dmRecipientOrgUnitNum", "")
	el("dmToHands", "")
	el("dmAnnotation", "Rozhodnutí &lt;č. j. MFO 123/2026&gt;")
	el("dmRecipientRefNumber", "")
	el("dmSenderRefNumber", "MFO 123/2026")
	el("dmRecipientIdent", "")
	el("dmSenderIdent", "")
	el("dmLegalTitleLaw", "")
	el("dmLegalTitleYear", "")
	el("dmLegalTitleSect", "")
	el("dmLegalTitlePar", "")
	el("dmLegalTitlePoint", "")
	el("dmPersonalDelivery", "false")
	el("dmAllowSubstDelivery", "true")
	if files {
		b.WriteString(`<p:dmFiles><p:dmFile dmMimeType="application/pdf" dmFileMetaType="main" dmFileDescr="rozhodnuti.pdf"><p:dmEncodedContent>`)
		b.WriteString(base64.StdEncoding.EncodeToString(m.attachment))
		b.WriteString(`</p:dmEncodedContent></p:dmFile></p:dmFiles>`)
	}
	b.WriteString(`</p:dmDm>`)
	return []byte(b.String())
}

// payloadSpec says how to build a signed payload, including broken ones.
type payloadSpec struct {
	kind      string
	ns        string // host part of the outer namespace; default isds.czechpoint.cz
	noHash    bool
	noStamp   bool
	badHash   bool // dmHash over other bytes (stamped consistently)
	stampElse bool // dmQTimestamp over other data
	hashAlg   string
}

func (p *pki) payload(t testing.TB, m message, s payloadSpec) []byte {
	t.Helper()
	full := m.dmDm(true)
	sum := digest(crypto.SHA256, full)
	if s.badHash {
		sum = digest(crypto.SHA256, []byte("other content"))
	}
	stamped := sum
	if s.stampElse {
		stamped = digest(crypto.SHA256, []byte("something else"))
	}
	token, err := p.tsa.Stamp(crypto.SHA256, stamped)
	if err != nil {
		t.Fatal(err)
	}
	host := s.ns
	if host == "" {
		host = "isds.czechpoint.cz"
	}
	alg := s.hashAlg
	if alg == "" {
		alg = "SHA-256"
	}
	var root, container, suffix string
	switch s.kind {
	case KindMessage:
		root, container, suffix = "MessageDownloadResponse", "dmReturnedMessage", "message"
	case KindSent:
		root, container, suffix = "MessageDownloadResponse", "dmReturnedMessage", "SentMessage"
	case KindDelivery:
		root, container, suffix = "GetDeliveryInfoResponse", "dmDelivery", "delivery"
	default:
		root, container, suffix = s.kind, "dmReturnedMessage", "message"
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, `<q:%s xmlns:q="http://%s/v20/%s" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><q:%s>`, root, host, suffix, container)
	b.Write(m.dmDm(s.kind != KindDelivery))
	if !s.noHash {
		fmt.Fprintf(&b, `<q:dmHash algorithm="%s">%s</q:dmHash>`, alg, base64.StdEncoding.EncodeToString(sum))
	}
	if !s.noStamp {
		// ISDS wraps base64 at 76 characters in these two fields.
		fmt.Fprintf(&b, "<q:dmQTimestamp>%s</q:dmQTimestamp>", wrap76(base64.StdEncoding.EncodeToString(token)))
	}
	b.WriteString(`<q:dmDeliveryTime>2026-03-02T11:30:00.123+01:00</q:dmDeliveryTime><q:dmAcceptanceTime>2026-03-02T11:41:07.5+01:00</q:dmAcceptanceTime><q:dmMessageStatus>6</q:dmMessageStatus>`)
	if s.kind == KindDelivery {
		b.WriteString(`<q:dmEvents><q:dmEvent><q:dmEventTime>2026-03-02T11:30:00.123+01:00</q:dmEventTime><q:dmEventDescr>EV5: Datová zpráva byla dodána do schránky příjemce.</q:dmEventDescr></q:dmEvent><q:dmEvent><q:dmEventTime>2026-03-02T11:41:07.5+01:00</q:dmEventTime><q:dmEventDescr>EV13: Datová zpráva byla doručena přihlášením aplikace.</q:dmEventDescr></q:dmEvent></q:dmEvents>`)
	} else {
		fmt.Fprintf(&b, "<q:dmAttachmentSize>%d</q:dmAttachmentSize>", (len(m.attachment)+512)/1024)
	}
	fmt.Fprintf(&b, "</q:%s></q:%s>", container, root)
	return b.Bytes()
}

func wrap76(s string) string {
	var b strings.Builder
	for len(s) > 76 {
		b.WriteString(s[:76])
		b.WriteByte('\n')
		s = s[76:]
	}
	b.WriteString(s)
	b.WriteByte('\n')
	return b.String()
}

// zfo seals a payload; messages and sent messages get the signature time
// stamp, delivery infos do not (as ISDS does).
func (p *pki) zfo(t testing.TB, m message, s payloadSpec) []byte {
	t.Helper()
	out, err := p.sealer(false).Seal(p.payload(t, m, s), s.kind != KindDelivery)
	if err != nil {
		t.Fatal(err)
	}
	return out
}
