package zfo_test

// This file builds and checks ZFO fixtures in the format of ISDS's own
// ZFOs (see shared/reference/notes/isds.md §9 and the decoded public
// samples it lists), written from scratch with the standard library only:
// it shares no code with the sandbox's Sealer or with certs/tsa, so the
// verifier is tested against the format, not against konektor's writer.
//
//	go test ./certs/zfo -run TestRealFormatZFOs -update
//
// (or go generate ./certs/zfo) rewrites testdata/realformat/: fresh keys,
// so the files change; the test then checks what was written. Without
// -update it checks the committed files.

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"flag"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"konektor/certs/zfo"
	"konektor/internal/xsdcheck"
)

var update = flag.Bool("update", false, "rewrite the ZFO fixtures in testdata/realformat")

const fixtureDir = "testdata/realformat"

// --- DER and BER, by hand -------------------------------------------------

// derLen encodes a definite length.
func derLen(n int) []byte {
	if n < 0x80 {
		return []byte{byte(n)}
	}
	var b []byte
	for v := n; v > 0; v >>= 8 {
		b = append([]byte{byte(v)}, b...)
	}
	return append([]byte{0x80 | byte(len(b))}, b...)
}

// der writes a TLV with a definite length.
func der(tag byte, parts ...[]byte) []byte {
	body := bytes.Join(parts, nil)
	return append(append([]byte{tag}, derLen(len(body))...), body...)
}

// ber writes a constructed TLV with an indefinite length, closed by an
// end-of-contents.
func ber(tag byte, parts ...[]byte) []byte {
	out := []byte{tag, 0x80}
	for _, p := range parts {
		out = append(out, p...)
	}
	return append(out, 0, 0)
}

func mustMarshal(v any) []byte {
	b, err := asn1.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

func oid(ids ...int) []byte { return mustMarshal(asn1.ObjectIdentifier(ids)) }

func integer(n *big.Int) []byte { return mustMarshal(n) }

var null = []byte{0x05, 0x00}

// setOf writes a DER SET OF: the elements sorted by their encoding.
func setOf(tag byte, elems ...[]byte) []byte {
	s := append([][]byte(nil), elems...)
	sort.Slice(s, func(i, j int) bool { return bytes.Compare(s[i], s[j]) < 0 })
	return der(tag, s...)
}

// Object identifiers (RFC 5652, 5035, 3161, 6211, 4055, ETSI).
var (
	idData          = []int{1, 2, 840, 113549, 1, 7, 1}
	idSignedData    = []int{1, 2, 840, 113549, 1, 7, 2}
	idTSTInfo       = []int{1, 2, 840, 113549, 1, 9, 16, 1, 4}
	idContentType   = []int{1, 2, 840, 113549, 1, 9, 3}
	idMessageDigest = []int{1, 2, 840, 113549, 1, 9, 4}
	idSigningTime   = []int{1, 2, 840, 113549, 1, 9, 5}
	idSigningCert   = []int{1, 2, 840, 113549, 1, 9, 16, 2, 12}
	idSigningCertV2 = []int{1, 2, 840, 113549, 1, 9, 16, 2, 47}
	idSigPolicy     = []int{1, 2, 840, 113549, 1, 9, 16, 2, 15}
	idSignatureTST  = []int{1, 2, 840, 113549, 1, 9, 16, 2, 14}
	idAlgProtection = []int{1, 2, 840, 113549, 1, 9, 52}
	idSHA1          = []int{1, 3, 14, 3, 2, 26}
	idSHA256        = []int{2, 16, 840, 1, 101, 3, 4, 2, 1}
	idRSA           = []int{1, 2, 840, 113549, 1, 1, 1}
	idRSASHA256     = []int{1, 2, 840, 113549, 1, 1, 11}
	idRSAPSS        = []int{1, 2, 840, 113549, 1, 1, 10}
	idMGF1          = []int{1, 2, 840, 113549, 1, 1, 8}
	// ETSI EN 319 421 best-practice time-stamp policy; EN 319 411-2
	// QCP-l-qscd (qualified seal on a QSCD).
	idTSAPolicy  = []int{0, 4, 0, 2023, 1, 1}
	idQCPlQSCD   = []int{0, 4, 0, 194112, 1, 3}
	idQcStmts    = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 1, 3}
	idPolicies   = asn1.ObjectIdentifier{2, 5, 29, 32}
	idQcComply   = []int{0, 4, 0, 1862, 1, 1}
	idQcSSCD     = []int{0, 4, 0, 1862, 1, 4}
	idQcType     = []int{0, 4, 0, 1862, 1, 6}
	idQcTypeSeal = []int{0, 4, 0, 1862, 1, 6, 2}
	idOrgID      = asn1.ObjectIdentifier{2, 5, 4, 97}
)

func algID(id []int, params []byte) []byte {
	return der(0x30, oid(id...), params)
}

var (
	algSHA1   = algID(idSHA1, null)
	algSHA256 = algID(idSHA256, null)
	// RSASSA-PSS with SHA-256, MGF1-SHA-256, salt 32 (RFC 4055).
	algPSS = algID(idRSAPSS, der(0x30,
		der(0xa0, algSHA256),
		der(0xa1, algID(idMGF1, algSHA256)),
		der(0xa2, integer(big.NewInt(32)))))
	algRSASHA256 = algID(idRSASHA256, null)
	algRSA       = algID(idRSA, null)
)

func attribute(id []int, value []byte) []byte {
	return der(0x30, oid(id...), der(0x31, value))
}

func utcTime(t time.Time) []byte {
	return der(0x17, []byte(t.UTC().Format("060102150405Z")))
}

// generalizedTime writes a GeneralizedTime with milliseconds, as the
// PostSignum TSA writes genTime (no trailing zeros in the fraction).
func generalizedTime(t time.Time) []byte {
	s := t.UTC().Format("20060102150405.000")
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	return der(0x18, []byte(s+"Z"))
}

// issuerSerial is IssuerSerial for ESS: GeneralNames { directoryName }.
func issuerSerial(c *x509.Certificate) []byte {
	return der(0x30, der(0x30, der(0xa4, c.RawIssuer)), integer(c.SerialNumber))
}

func sum(h crypto.Hash, b []byte) []byte {
	w := h.New()
	w.Write(b)
	return w.Sum(nil)
}

// --- a PostSignum-like PKI -----------------------------------------------

type party struct {
	cert *x509.Certificate
	key  *rsa.PrivateKey
}

// fixtureEpoch is when the test PKI's certificates start; they last ten
// years.
var fixtureEpoch = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

func issue(t *testing.T, tmpl *x509.Certificate, bits int, parent *party) *party {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, bits)
	if err != nil {
		t.Fatal(err)
	}
	serial, _ := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	tmpl.SerialNumber = serial.Add(serial, big.NewInt(1))
	tmpl.NotBefore, tmpl.NotAfter = fixtureEpoch, fixtureEpoch.AddDate(10, 0, 0)
	signer, issuerCert := key, tmpl
	if parent != nil {
		signer, issuerCert = parent.key, parent.cert
	}
	raw, err := x509.CreateCertificate(rand.Reader, tmpl, issuerCert, &key.PublicKey, signer)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(raw)
	if err != nil {
		t.Fatal(err)
	}
	return &party{cert: c, key: key}
}

func name(cn, o, orgID string) pkix.Name {
	n := pkix.Name{CommonName: cn, Organization: []string{o}, Country: []string{"CZ"}}
	if orgID != "" {
		n.ExtraNames = []pkix.AttributeTypeAndValue{{Type: idOrgID, Value: orgID}}
	}
	return n
}

// qcStatements of a qualified electronic seal on a QSCD (ETSI EN 319 412-5).
func qcStatements() pkix.Extension {
	v := der(0x30,
		der(0x30, oid(idQcComply...)),
		der(0x30, oid(idQcSSCD...)),
		der(0x30, oid(idQcType...), der(0x30, oid(idQcTypeSeal...))))
	return pkix.Extension{Id: idQcStmts, Value: v}
}

func policies(ids ...[]int) pkix.Extension {
	var ps [][]byte
	for _, id := range ids {
		ps = append(ps, der(0x30, oid(id...)))
	}
	return pkix.Extension{Id: idPolicies, Value: der(0x30, ps...)}
}

// testPKI is the chain of a qualified seal and a qualified TSA as
// PostSignum issues them, under names that say they are a test's.
type testPKI struct {
	root, ca, seal, sealPSS, tsa *party
}

func newTestPKI(t *testing.T) *testPKI {
	p := &testPKI{}
	p.root = issue(t, &x509.Certificate{Subject: name("Test PostSignum Root QCA 4 (konektor)", "Česká pošta, s.p. (test)", "NTRCZ-47114983"),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign}, 4096, nil)
	p.ca = issue(t, &x509.Certificate{Subject: name("Test PostSignum Qualified CA 4 (konektor)", "Česká pošta, s.p. (test)", "NTRCZ-47114983"),
		IsCA: true, BasicConstraintsValid: true, MaxPathLenZero: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign}, 4096, p.root)
	seal := func(bits int) *party {
		return issue(t, &x509.Certificate{
			Subject:         name("Informační systém datových schránek - zkušební prostředí (test konektoru)", "Digitální a informační agentura", "NTRCZ-17651921"),
			KeyUsage:        x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment,
			ExtraExtensions: []pkix.Extension{qcStatements(), policies(idQCPlQSCD)},
		}, bits, p.ca)
	}
	p.seal = seal(2048)
	p.sealPSS = seal(4096) // the 4096-bit seal announced for 2025, signing with RSA-PSS
	p.tsa = issue(t, &x509.Certificate{
		Subject:  name("Test PostSignum TSA - TSU 1 (konektor)", "Česká pošta, s.p. (test)", "NTRCZ-47114983"),
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment,
		// id-kp-timeStamping, critical as RFC 3161 demands.
		ExtraExtensions: []pkix.Extension{policies(idTSAPolicy),
			{Id: asn1.ObjectIdentifier{2, 5, 29, 37}, Critical: true, Value: der(0x30, oid(1, 3, 6, 1, 5, 5, 7, 3, 8))}},
	}, 2048, p.ca)
	return p
}

// --- RFC 3161 time-stamp tokens ------------------------------------------

// timeStamp is a TimeStampToken (DER) by the test TSA at genTime over
// digest (h): version 3 SignedData with the TSTInfo, the TSA certificate
// only (as PostSignum's tokens carry), signed attributes contentType,
// messageDigest and ESS signingCertificate (v1, SHA-1, like the public
// samples) or signingCertificateV2 with signingTime.
func (p *testPKI) timeStamp(t *testing.T, genTime time.Time, h crypto.Hash, digest []byte, v2 bool) []byte {
	t.Helper()
	imprintAlg := algSHA256
	if h == crypto.SHA1 {
		imprintAlg = algSHA1
	}
	serial, _ := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 47))
	nonce, _ := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 63))
	tst := der(0x30,
		integer(big.NewInt(1)),
		oid(idTSAPolicy...),
		der(0x30, imprintAlg, der(0x04, digest)),
		integer(serial),
		generalizedTime(genTime),
		der(0x30, integer(big.NewInt(1))), // accuracy: 1 s
		integer(nonce),
		der(0xa0, der(0xa4, p.tsa.cert.RawSubject)),
	)
	attrs := [][]byte{
		attribute(idContentType, oid(idTSTInfo...)),
		attribute(idMessageDigest, der(0x04, sum(crypto.SHA256, tst))),
	}
	if v2 {
		attrs = append(attrs, attribute(idSigningTime, utcTime(genTime)),
			attribute(idSigningCertV2, der(0x30, der(0x30, der(0x30, der(0x04, sum(crypto.SHA256, p.tsa.cert.Raw)), issuerSerial(p.tsa.cert))))))
	} else {
		attrs = append(attrs, attribute(idSigningCert, der(0x30, der(0x30, der(0x30, der(0x04, sum(crypto.SHA1, p.tsa.cert.Raw)), issuerSerial(p.tsa.cert))))))
	}
	signed := setOf(0x31, attrs...)
	sig, err := rsa.SignPKCS1v15(rand.Reader, p.tsa.key, crypto.SHA256, sum(crypto.SHA256, signed))
	if err != nil {
		t.Fatal(err)
	}
	si := der(0x30,
		integer(big.NewInt(1)),
		der(0x30, p.tsa.cert.RawIssuer, integer(p.tsa.cert.SerialNumber)),
		algSHA256,
		append([]byte{0xa0}, signed[1:]...),
		algRSASHA256,
		der(0x04, sig))
	return der(0x30, oid(idSignedData...), der(0xa0, der(0x30,
		integer(big.NewInt(3)),
		der(0x31, algSHA256),
		der(0x30, oid(idTSTInfo...), der(0xa0, der(0x04, tst))),
		der(0xa0, p.tsa.cert.Raw),
		der(0x31, si))))
}

// --- the ZFO -------------------------------------------------------------

// sealSpec says how a ZFO is sealed.
type sealSpec struct {
	seal      *party
	pss       bool
	policy    bool      // sigPolicyId (CAdES-EPES), as until 18. 9. 2025
	sigTS     bool      // signatureTimeStampToken (CAdES-T): messages, not delivery infos
	signingAt time.Time // the download
}

// sealZFO writes the ZFO of payload: a BER ContentInfo with indefinite
// lengths down to the content, the XML in a constructed OCTET STRING of
// 1000-byte segments, the seal and its CA in certificates, one SignerInfo
// (DER) with contentType, signingTime, messageDigest, signingCertificateV2
// and CMSAlgorithmProtection (and sigPolicyId), and for messages the
// signature time stamp as an unsigned attribute.
func (p *testPKI) sealZFO(t *testing.T, payload []byte, s sealSpec) []byte {
	t.Helper()
	sigAlg := algRSASHA256
	if s.pss {
		sigAlg = algPSS
	}
	attrs := [][]byte{
		attribute(idContentType, oid(idData...)),
		attribute(idSigningTime, utcTime(s.signingAt)),
		attribute(idMessageDigest, der(0x04, sum(crypto.SHA256, payload))),
		attribute(idSigningCertV2, der(0x30, der(0x30, der(0x30, der(0x04, sum(crypto.SHA256, s.seal.cert.Raw)), issuerSerial(s.seal.cert))))),
		attribute(idAlgProtection, der(0x30, algSHA256, append([]byte{0xa1}, sigAlg[1:]...))),
	}
	if s.policy {
		// The OID of the certificate policy, no hash (an empty value).
		attrs = append(attrs, attribute(idSigPolicy, der(0x30, oid(idQCPlQSCD...), der(0x30, algSHA256, der(0x04)))))
	}
	signed := setOf(0x31, attrs...)
	h := sum(crypto.SHA256, signed)
	var sig []byte
	var err error
	if s.pss {
		sig, err = rsa.SignPSS(rand.Reader, s.seal.key, crypto.SHA256, h, &rsa.PSSOptions{SaltLength: 32})
	} else {
		sig, err = rsa.SignPKCS1v15(rand.Reader, s.seal.key, crypto.SHA256, h)
	}
	if err != nil {
		t.Fatal(err)
	}
	parts := [][]byte{
		integer(big.NewInt(1)),
		der(0x30, s.seal.cert.RawIssuer, integer(s.seal.cert.SerialNumber)),
		algSHA256,
		append([]byte{0xa0}, signed[1:]...),
		sigAlg,
		der(0x04, sig),
	}
	if s.sigTS {
		tok := p.timeStamp(t, s.signingAt.Add(300*time.Millisecond), crypto.SHA256, sum(crypto.SHA256, sig), true)
		parts = append(parts, der(0xa1, attribute(idSignatureTST, tok))) // [1] IMPLICIT SET OF Attribute
	}
	si := der(0x30, parts...)

	var segments [][]byte
	for rest := payload; len(rest) > 0; {
		n := min(1000, len(rest))
		segments = append(segments, der(0x04, rest[:n]))
		rest = rest[n:]
	}
	return ber(0x30, oid(idSignedData...), ber(0xa0, ber(0x30,
		integer(big.NewInt(1)),
		der(0x31, algSHA256),
		ber(0x30, oid(idData...), ber(0xa0, ber(0x24, segments...))),
		ber(0xa0, s.seal.cert.Raw, p.ca.cert.Raw),
		ber(0x31, si))))
}

// --- the payload XML -----------------------------------------------------

// wrap64 writes base64 in lines of 76 characters with a final line break,
// as dmHash and dmQTimestamp stand in ISDS's payloads.
func wrap64(b []byte) string {
	s := base64.StdEncoding.EncodeToString(b)
	var out strings.Builder
	for len(s) > 76 {
		out.WriteString(s[:76] + "\n")
		s = s[76:]
	}
	return out.String() + s + "\n"
}

// prague formats a time as ISDS writes it.
func prague(t time.Time) string {
	loc, err := time.LoadLocation("Europe/Prague")
	if err != nil {
		loc = time.FixedZone("CET", 3600)
	}
	return t.In(loc).Format("2006-01-02T15:04:05.000-07:00")
}

type docFile struct {
	descr, meta, mime string
	content           []byte
	xml               string // dmXMLContent instead of dmEncodedContent
}

type envelope struct {
	dmID, sender, senderName, senderAddr, senderType string
	recipient, recipientName, recipientAddr          string
	annotation, senderRef, recipientRef              string
	personal, subst                                  bool
	ambiguous                                        bool // write dmAmbiguousRecipient (the 2009 delivery sample lacks it)
	files                                            []docFile
}

// dmDm writes the message element exactly as ISDS does: prefix p declared
// on itself, xsi:nil with an end tag for empty nillable fields, no line
// breaks; the documents unless envelopeOnly.
func (e envelope) dmDm(envelopeOnly bool) string {
	var b strings.Builder
	el := func(n, v string) {
		if v == "" {
			fmt.Fprintf(&b, `<p:%s xsi:nil="true"></p:%s>`, n, n)
			return
		}
		fmt.Fprintf(&b, `<p:%s>%s</p:%s>`, n, escape(v), n)
	}
	b.WriteString(`<p:dmDm xmlns:p="http://isds.czechpoint.cz/v20">`)
	el("dmID", e.dmID)
	el("dbIDSender", e.sender)
	el("dmSender", e.senderName)
	el("dmSenderAddress", e.senderAddr)
	el("dmSenderType", e.senderType)
	el("dmRecipient", e.recipientName)
	el("dmRecipientAddress", e.recipientAddr)
	if e.ambiguous {
		el("dmAmbiguousRecipient", "false")
	}
	el("dmSenderOrgUnit", "")
	el("dmSenderOrgUnitNum", "")
	el("dbIDRecipient", e.recipient)
	el("dmRecipientOrgUnit", "")
	el("dmRecipientOrgUnitNum", "")
	el("dmToHands", "")
	el("dmAnnotation", e.annotation)
	el("dmRecipientRefNumber", e.recipientRef)
	el("dmSenderRefNumber", e.senderRef)
	el("dmRecipientIdent", "")
	el("dmSenderIdent", "")
	el("dmLegalTitleLaw", "")
	el("dmLegalTitleYear", "")
	el("dmLegalTitleSect", "")
	el("dmLegalTitlePar", "")
	el("dmLegalTitlePoint", "")
	el("dmPersonalDelivery", strconv.FormatBool(e.personal))
	el("dmAllowSubstDelivery", strconv.FormatBool(e.subst))
	if !envelopeOnly {
		b.WriteString("<p:dmFiles>")
		for _, f := range e.files {
			fmt.Fprintf(&b, `<p:dmFile dmUpFileGuid="" dmFileDescr="%s" dmFileMetaType="%s" dmFileGuid="" dmMimeType="%s" dmFormat="">`,
				escape(f.descr), f.meta, f.mime)
			if f.xml != "" {
				b.WriteString("<p:dmXMLContent>" + f.xml + "</p:dmXMLContent>")
			} else {
				b.WriteString("<p:dmEncodedContent>" + base64.StdEncoding.EncodeToString(f.content) + "</p:dmEncodedContent>")
			}
			b.WriteString("</p:dmFile>")
		}
		b.WriteString("</p:dmFiles>")
	}
	b.WriteString("</p:dmDm>")
	return b.String()
}

func escape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;").Replace(s)
}

func (e envelope) attachmentKB() int {
	n := 0
	for _, f := range e.files {
		n += len(f.content) + len(f.xml)
	}
	return (n + 512) / 1024
}

// stamped is a message as ISDS accepted it: dmHash over the raw dmDm and
// the qualified time stamp of the submission over dmHash.
type stamped struct {
	env        envelope
	hashAlg    string // SHA-1 or SHA-256
	hash       []byte
	qts        []byte
	delivered  time.Time
	accepted   time.Time
	status     int
	submission time.Time
}

func (p *testPKI) accept(t *testing.T, e envelope, hashAlg string, submitted time.Time) stamped {
	h := crypto.SHA256
	if hashAlg == "SHA-1" {
		h = crypto.SHA1
	}
	s := stamped{env: e, hashAlg: hashAlg, submission: submitted, delivered: submitted.Add(150 * time.Millisecond)}
	s.hash = sum(h, []byte(e.dmDm(false)))
	s.qts = p.timeStamp(t, submitted, h, s.hash, false)
	return s
}

// messagePayload is the XML of SignedMessageDownload (ns "message") or
// SignedSentMessageDownload (ns "SentMessage").
func (s stamped) messagePayload(ns string, isdsSend bool) []byte {
	var b strings.Builder
	b.WriteString(`<q:MessageDownloadResponse xmlns:q="http://isds.czechpoint.cz/v20/` + ns + `" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"`)
	if isdsSend {
		b.WriteString(` isds_send="https://www.czebox.cz/any/DS/dz"`)
	}
	b.WriteString(`><q:dmReturnedMessage>`)
	b.WriteString(s.env.dmDm(false))
	s.tail(&b)
	fmt.Fprintf(&b, "<q:dmAttachmentSize>%d</q:dmAttachmentSize></q:dmReturnedMessage></q:MessageDownloadResponse>", s.env.attachmentKB())
	return []byte(b.String())
}

func (s stamped) tail(b *strings.Builder) {
	fmt.Fprintf(b, `<q:dmHash algorithm="%s">%s</q:dmHash><q:dmQTimestamp>%s</q:dmQTimestamp>`, s.hashAlg, wrap64(s.hash), wrap64(s.qts))
	fmt.Fprintf(b, "<q:dmDeliveryTime>%s</q:dmDeliveryTime><q:dmAcceptanceTime>%s</q:dmAcceptanceTime><q:dmMessageStatus>%d</q:dmMessageStatus>",
		prague(s.delivered), prague(s.accepted), s.status)
}

// deliveryPayload is the XML of GetSignedDeliveryInfo: the envelope only,
// dmHash of the whole message, the events.
func (s stamped) deliveryPayload(events [][2]string) []byte {
	var b strings.Builder
	b.WriteString(`<q:GetDeliveryInfoResponse xmlns:q="http://isds.czechpoint.cz/v20/delivery" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><q:dmDelivery>`)
	b.WriteString(s.env.dmDm(true))
	s.tail(&b)
	b.WriteString("<q:dmEvents>")
	for _, e := range events {
		fmt.Fprintf(&b, "<q:dmEvent><q:dmEventTime>%s</q:dmEventTime><q:dmEventDescr>%s</q:dmEventDescr></q:dmEvent>", e[0], escape(e[1]))
	}
	b.WriteString("</q:dmEvents></q:dmDelivery></q:GetDeliveryInfoResponse>")
	return []byte(b.String())
}

// pdfLike is a small PDF-looking document of n bytes.
func pdfLike(n int, text string) []byte {
	b := []byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj <</Type/Catalog>> endobj\n% " + text + "\n")
	for len(b) < n {
		b = append(b, []byte(fmt.Sprintf("%% line %d of a test document\n", len(b)))...)
	}
	return append(b[:n-6], []byte("%%EOF\n")...)
}

// writeFixtures builds the three ZFOs and the trust root.
func writeFixtures(t *testing.T) {
	p := newTestPKI(t)
	submitted := time.Date(2026, 3, 2, 9, 15, 42, 123e6, time.UTC)

	// A message the demo OVM box received from a company: the form of the
	// public samples — dmHash SHA-1, isds_send, CAdES-EPES-T (sigPolicyId
	// and the signature time stamp), RSA PKCS #1 v1.5.
	rec := p.accept(t, envelope{dmID: "5012345", sender: "firma2x", senderName: "Demo Firma s.r.o.", senderAddr: "Dlouhá 705/17, 11000 Praha 1, CZ",
		senderType: "20", recipient: "mstdemd", recipientName: "Město Demo", recipientAddr: "Náměstí Míru 1, 73911 Demo, CZ",
		annotation: "Žádost o vydání stavebního povolení", senderRef: "DF-2026/114", ambiguous: true, subst: true,
		files: []docFile{{descr: "zadost.pdf", meta: "main", mime: "application/pdf", content: pdfLike(2600, "žádost")},
			{descr: "situace.pdf", meta: "enclosure", mime: "pdf", content: pdfLike(900, "situace")}}}, "SHA-1", submitted)
	rec.accepted, rec.status = submitted.Add(26*time.Hour+7*time.Second), 6
	message := p.sealZFO(t, rec.messagePayload("message", true), sealSpec{seal: p.seal, policy: true, sigTS: true,
		signingAt: submitted.Add(27 * time.Hour)})

	// A message the demo box sent to a person and its delivery info: the
	// current form — dmHash SHA-256, no isds_send, no sigPolicyId; the
	// sent message sealed with RSA-PSS by the 4096-bit seal (CAdES-T), the
	// delivery info with PKCS #1 v1.5 and no signature time stamp.
	out := p.accept(t, envelope{dmID: "5012388", sender: "mstdemd", senderName: "Město Demo", senderAddr: "Náměstí Míru 1, 73911 Demo, CZ",
		senderType: "10", recipient: "jannvkn", recipientName: "Jan Novák", recipientAddr: "Lipová 12, 73911 Demo, CZ",
		annotation: "Rozhodnutí <č. j. MDE 77/2026> & poučení", senderRef: "MDE 77/2026", ambiguous: true, subst: true,
		files: []docFile{{descr: "rozhodnuti.pdf", meta: "main", mime: "application/pdf", content: pdfLike(3100, "rozhodnutí")},
			{descr: "metadata.xml", meta: "meta", mime: "application/xml", xml: `<md:dokument xmlns:md="urn:example:metadata"><md:cj>MDE 77/2026</md:cj></md:dokument>`}}},
		"SHA-256", submitted.Add(2*time.Hour))
	out.accepted, out.status = out.delivered.Add(3*time.Hour+11*time.Minute+485*time.Millisecond), 7
	sent := p.sealZFO(t, out.messagePayload("SentMessage", false), sealSpec{seal: p.sealPSS, pss: true, sigTS: true,
		signingAt: submitted.Add(30 * time.Hour)})
	dlv := out
	dlv.env.ambiguous = false
	dlv.status = 7
	delivery := p.sealZFO(t, dlv.deliveryPayload([][2]string{
		{prague(out.delivered), "EV5: Datová zpráva byla dodána do schránky příjemce."},
		{prague(out.accepted), "EV11: Datová zpráva byla doručena přihlášením oprávněné osoby."},
	}), sealSpec{seal: p.seal, signingAt: submitted.Add(31 * time.Hour)})

	if err := os.MkdirAll(fixtureDir, 0o755); err != nil {
		t.Fatal(err)
	}
	for n, b := range map[string][]byte{
		"message.zfo": message, "sent.zfo": sent, "delivery.zfo": delivery,
		"roots.pem": pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: p.root.cert.Raw}),
	} {
		if err := os.WriteFile(filepath.Join(fixtureDir, n), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// --- the checks ----------------------------------------------------------

func readFixture(t *testing.T, n string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(fixtureDir, n))
	if err != nil {
		t.Fatalf("%v (regenerate with go test ./certs/zfo -run TestRealFormatZFOs -update)", err)
	}
	return b
}

func fixtureRoots(t *testing.T) *x509.CertPool {
	t.Helper()
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(readFixture(t, "roots.pem")) {
		t.Fatal("roots.pem holds no certificate")
	}
	return pool
}

// fixtureNow is when the fixtures are judged where no time stamp fixes
// the time (delivery infos).
var fixtureNow = func() time.Time { return time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC) }

// TestRealFormatZFOs verifies ZFOs of the three kinds written to ISDS's
// format by an independent writer: kind, dmID and box IDs, signature
// (PKCS #1 v1.5 and RSA-PSS), the chain to the PostSignum-like root
// (intermediate carried in the ZFO, also for the TSA), dmHash (SHA-1 and
// SHA-256 over the raw dmDm bytes; for the delivery info against the time
// stamp), the qualified time stamp and the signature time stamp.
func TestRealFormatZFOs(t *testing.T) {
	if *update {
		writeFixtures(t)
	}
	roots := fixtureRoots(t)
	for _, c := range []struct {
		file, kind, dmID, sender, recipient, hashAlg, sigTS string
		status                                              int
		sigPSS                                              bool
	}{
		{"message.zfo", zfo.KindMessage, "5012345", "firma2x", "mstdemd", "SHA-1", zfo.Valid, 6, false},
		{"sent.zfo", zfo.KindSent, "5012388", "mstdemd", "jannvkn", "SHA-256", zfo.Valid, 7, true},
		{"delivery.zfo", zfo.KindDelivery, "5012388", "mstdemd", "jannvkn", "SHA-256", zfo.Absent, 7, false},
	} {
		t.Run(c.file, func(t *testing.T) {
			z := readFixture(t, c.file)
			r := zfo.Verify(z, zfo.Options{Roots: roots, Now: fixtureNow})
			if !r.Valid || r.Kind != c.kind || r.DmID != c.dmID || r.DbIDSender != c.sender || r.DbIDRecipient != c.recipient ||
				r.Signature != zfo.Valid || r.Chain != zfo.Trusted || r.DmHash != zfo.Match || r.Timestamp != zfo.Valid ||
				r.SignatureTimestamp != c.sigTS || r.HashAlgorithm != c.hashAlg || r.MessageStatus != c.status {
				t.Fatalf("report %+v", r)
			}
			if !strings.Contains(r.Signer, "Informační systém datových schránek") || r.TimestampTime == nil ||
				!r.TimestampTime.Before(time.Date(2026, 3, 3, 0, 0, 0, 0, time.UTC)) {
				t.Errorf("signer %q, submission %v", r.Signer, r.TimestampTime)
			}
			checkRealStructure(t, z)
			if xsdcheck.HaveISDS() {
				c, err := zfo.Content(z)
				if err != nil {
					t.Fatal(err)
				}
				xsdcheck.ValidateZFOPayload(t, c)
			}

			// Untrusted roots and a tampered byte are caught.
			if r := zfo.Verify(z, zfo.Options{Roots: x509.NewCertPool(), Now: fixtureNow}); r.Valid || r.Chain != zfo.Untrusted {
				t.Errorf("against other roots: %+v", r)
			}
			bad := bytes.Clone(z)
			i := bytes.Index(bad, []byte("<p:dmAnnotation>")) + len("<p:dmAnnotation>")
			bad[i] ^= 0x01
			if r := zfo.Verify(bad, zfo.Options{Roots: roots, Now: fixtureNow}); r.Valid || r.Signature != zfo.Invalid {
				t.Errorf("a changed annotation: %+v", r)
			}
		})
	}
}

// checkRealStructure checks the facts of ISDS's ZFOs in a fixture (so the
// fixtures stay in the real format): BER ContentInfo with indefinite
// lengths down to the content, id-signedData, the XML in 1000-byte
// segments of a constructed OCTET STRING, no XML declaration, and the
// q:-prefixed suffixed namespace of the root.
func checkRealStructure(t *testing.T, z []byte) {
	t.Helper()
	head := "3080" + "06092a864886f70d010702" + "a080" + "3080" + "020101"
	if got := hex.EncodeToString(z[:len(head)/2]); got != head {
		t.Fatalf("starts %s, want %s", got, head)
	}
	encap := []byte{0x30, 0x80, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01, 0xa0, 0x80, 0x24, 0x80, 0x04, 0x82, 0x03, 0xe8}
	i := bytes.Index(z, encap)
	if i < 0 {
		t.Fatal("no constructed OCTET STRING of 1000-byte segments")
	}
	if !bytes.HasPrefix(z[i+len(encap):], []byte("<q:")) {
		t.Fatalf("the XML starts %q", z[i+len(encap):i+len(encap)+20])
	}
}
