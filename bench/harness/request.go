package harness

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"os"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"konektor/adapters/iszr/sim"
	"konektor/certs/wssec"
)

// The harness asks one question throughout: RÚIAN E36 (ruianCtiAdresu,
// a cacheable read) for the sandbox's sample address point, as demo agency
// 999002 (OVM 12345678, agenda X999, role XR2), in the form an agenda
// system that signs its calls sends it: WS-Security header with the
// signing certificate, a Timestamp and an RSA-SHA256 signature over Body
// and Timestamp. That is about 5 KB on the wire.
const (
	// Service, Action and the bus path of the question.
	Service = "E36"
	Action  = "IszrRuianCtiAdresu"

	casPlaceholder = "2000-01-01T00:00:00.000Z"
	idPlaceholder  = "00000000-0000-4000-8000-000000000000"
	casLayout      = "2006-01-02T15:04:05.000Z"
)

// unsignedE36 is the question before signing.
func unsignedE36() []byte {
	return []byte(`<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">
  <soapenv:Header/>
  <soapenv:Body>
    <e36:RuianCtiAdresu xmlns:e36="urn:cz:isvs:iszr:schemas:IszrRuianCtiAdresu:v1" xmlns:abs="urn:cz:isvs:iszr:schemas:IszrAbstract:v1" xmlns:reg="urn:cz:isvs:reg:schemas:RegTypy:v1" xmlns:ca="urn:cz:isvs:ruian:schemas:CtiAdresa:v1">
      <abs:ZadostInfo>
        <reg:CasZadosti>` + casPlaceholder + `</reg:CasZadosti>
        <reg:Agenda>X999</reg:Agenda>
        <reg:AgendovaRole>XR2</reg:AgendovaRole>
        <reg:Ovm>12345678</reg:Ovm>
        <reg:Ais>999002</reg:Ais>
        <reg:Uzivatel>novak.jan@urad.example</reg:Uzivatel>
        <reg:DuvodUcel>Ověření adresy účastníka správního řízení</reg:DuvodUcel>
        <reg:AgendaZadostId>` + idPlaceholder + `</reg:AgendaZadostId>
      </abs:ZadostInfo>
      <e36:Zadost>
        <e36:RuianCtiAdresuData>
          <ca:Kod>` + strconv.Itoa(sim.SampleAddress) + `</ca:Kod>
          <ca:FormatAdresy>VSECHNY</ca:FormatAdresy>
        </e36:RuianCtiAdresuData>
      </e36:Zadost>
    </e36:RuianCtiAdresu>
  </soapenv:Body>
</soapenv:Envelope>
`)
}

// Header is what every call sends besides the body.
func Header() http.Header {
	return http.Header{"Content-Type": {"text/xml; charset=utf-8"}, "Soapaction": {`"` + Action + `"`}}
}

// IDs makes AgendaZadostId values unique across harness runs: a random
// prefix per run and a counter, in UUID v4 form (36 characters).
type IDs struct {
	prefix string
	n      atomic.Uint64
}

// NewIDs returns a generator with a fresh random prefix.
func NewIDs() (*IDs, error) {
	var b [4]byte
	if _, err := rand.Read(b[:]); err != nil {
		return nil, err
	}
	return &IDs{prefix: hex.EncodeToString(b[:])}, nil
}

// Next returns a request id not returned before.
func (g *IDs) Next() string {
	n := g.n.Add(1)
	return fmt.Sprintf("%s-%04x-4000-8000-%012x", g.prefix, (n>>48)&0xffff, n&0xffffffffffff)
}

// bodyTemplate is a body with two fixed-length slots: CasZadosti and
// AgendaZadostId.
type bodyTemplate struct {
	body        []byte
	casAt, idAt int
}

func newTemplate(body []byte) (bodyTemplate, error) {
	t := bodyTemplate{body: body, casAt: bytes.Index(body, []byte(casPlaceholder)), idAt: bytes.Index(body, []byte(idPlaceholder))}
	if t.casAt < 0 || t.idAt < 0 {
		return t, errors.New("request template lacks the CasZadosti or AgendaZadostId slot")
	}
	return t, nil
}

// fill returns a copy with the time and id written into their slots.
func (t bodyTemplate) fill(at time.Time, id string) []byte {
	b := bytes.Clone(t.body)
	copy(b[t.casAt:t.casAt+len(casPlaceholder)], at.UTC().Format(casLayout))
	copy(b[t.idAt:t.idAt+len(idPlaceholder)], id)
	return b
}

// Requests makes the harness's question.
type Requests struct {
	now      func() time.Time
	ids      *IDs
	unsigned bodyTemplate
	signed   bodyTemplate // signed once; the slots change afterwards
	signer   *wssec.Signer
}

// NewRequests prepares the question: signer signs it (a valid signature
// for scenario g, made per call) and the once-signed template is the body
// of every other scenario, whose consumers do not check signatures.
func NewRequests(now func() time.Time, signer *wssec.Signer) (*Requests, error) {
	ids, err := NewIDs()
	if err != nil {
		return nil, err
	}
	u, err := newTemplate(unsignedE36())
	if err != nil {
		return nil, err
	}
	signed, err := signer.Sign(u.body)
	if err != nil {
		return nil, fmt.Errorf("signing the request template: %w", err)
	}
	s, err := newTemplate(signed)
	if err != nil {
		return nil, err
	}
	return &Requests{now: now, ids: ids, unsigned: u, signed: s, signer: signer}, nil
}

// Size is the length of the request every scenario sends.
func (r *Requests) Size() int { return len(r.signed.body) }

// Next implements load.Source: the signed-form question with a current
// CasZadosti and a fresh AgendaZadostId.
func (r *Requests) Next() ([]byte, string, error) {
	id := r.ids.Next()
	return r.signed.fill(r.now(), id), id, nil
}

// Unsigned returns the question without a Security header.
func (r *Requests) Unsigned() ([]byte, string) {
	id := r.ids.Next()
	return r.unsigned.fill(r.now(), id), id
}

// SignFresh returns the question freshly signed (a new id, time and
// Timestamp), as a signing agenda system sends it.
func (r *Requests) SignFresh() ([]byte, string, error) {
	body, id := r.Unsigned()
	out, err := r.signer.Sign(body)
	return out, id, err
}

// SignedPool holds freshly signed questions made before a run, so that
// the client's RSA signing does not compete with konektor for the CPU
// during the measurement. When the pool runs dry, Next signs inline and
// counts it.
type SignedPool struct {
	r      *Requests
	bodies [][]byte
	ids    []string
	next   atomic.Int64
	inline atomic.Int64
}

// NewSignedPool signs n questions on every CPU.
func (r *Requests) NewSignedPool(n int) (*SignedPool, error) {
	p := &SignedPool{r: r, bodies: make([][]byte, n), ids: make([]string, n)}
	var wg sync.WaitGroup
	var next atomic.Int64
	errc := make(chan error, runtime.NumCPU())
	for w := 0; w < runtime.NumCPU(); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				b, id, err := r.SignFresh()
				if err != nil {
					errc <- err
					return
				}
				p.bodies[i], p.ids[i] = b, id
			}
		}()
	}
	wg.Wait()
	close(errc)
	if err := <-errc; err != nil {
		return nil, err
	}
	return p, nil
}

// Next implements load.Source.
func (p *SignedPool) Next() ([]byte, string, error) {
	i := int(p.next.Add(1) - 1)
	if i < len(p.bodies) {
		b, id := p.bodies[i], p.ids[i]
		p.bodies[i] = nil
		return b, id, nil
	}
	p.inline.Add(1)
	return p.r.SignFresh()
}

// Inline is how many questions were signed during the run.
func (p *SignedPool) Inline() int64 { return p.inline.Load() }

// NewSigningIdentity makes the RSA-2048 key and certificate agency 999002
// signs with and writes the certificate (pinned in konektor's
// signing_trust) to certFile. The subject and extensions resemble a
// qualified seal certificate's, so that the token has a realistic size.
func NewSigningIdentity(certFile string, clock func() time.Time) (*wssec.Signer, error) {
	now := clock()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 120))
	if err != nil {
		return nil, err
	}
	tpl := &x509.Certificate{
		SerialNumber: serial,
		Subject: pkix.Name{
			Country: []string{"CZ"}, Organization: []string{"Testovací OVM"}, OrganizationalUnit: []string{"Odbor správních agend"},
			Locality: []string{"Tábor"}, CommonName: "999002 – elektronická pečeť agendového systému", SerialNumber: "ICA 12345678",
		},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(90 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment,
		BasicConstraintsValid: true,
		CRLDistributionPoints: []string{"http://crl.example.cz/crl/pecet-agenda-2026.crl", "http://crl2.example.cz/crl/pecet-agenda-2026.crl"},
		OCSPServer:            []string{"http://ocsp.example.cz/pecet"},
		IssuingCertificateURL: []string{"http://crt.example.cz/crt/pecet-agenda-2026.crt"},
		PolicyIdentifiers:     []asn1.ObjectIdentifier{{0, 4, 0, 194112, 1, 1}},
	}
	der, err := x509.CreateCertificate(rand.Reader, tpl, tpl, &key.PublicKey, key)
	if err != nil {
		return nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644); err != nil {
		return nil, err
	}
	return wssec.NewSigner(key, cert, wssec.SignerOptions{Now: clock})
}
