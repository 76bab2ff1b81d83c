package tsa

import (
	"crypto"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"testing"
	"time"

	"konektor/certs"
)

// t0 is the sandbox clock of the tests.
var t0 = time.Date(2026, 3, 2, 10, 30, 0, 0, time.UTC)

type fixture struct {
	ca    *certs.KeyPair
	roots *x509.CertPool
	auth  *Authority
	now   time.Time
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	f := &fixture{now: t0}
	ca, err := NewSandboxCA(pkix.Name{CommonName: "test root"}, t0)
	if err != nil {
		t.Fatal(err)
	}
	f.ca = ca
	f.roots = x509.NewCertPool()
	f.roots.AddCert(ca.Leaf())
	f.auth, err = NewSandbox(ca, Options{Now: func() time.Time { return f.now }})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func digestOf(s string) []byte {
	d := sha256.Sum256([]byte(s))
	return d[:]
}

func (f *fixture) stamp(t testing.TB, data string) []byte {
	t.Helper()
	tok, err := f.auth.Stamp(crypto.SHA256, digestOf(data))
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// status reads the PKIStatus and failure bits of a DER TimeStampResp.
func status(t testing.TB, resp []byte) (int, asn1.BitString, bool) {
	t.Helper()
	var r struct {
		Status struct {
			Status       int
			StatusString []asn1.RawValue `asn1:"optional"`
			FailInfo     asn1.BitString  `asn1:"optional"`
		}
		Token asn1.RawValue `asn1:"optional"`
	}
	if _, err := asn1.Unmarshal(resp, &r); err != nil {
		t.Fatalf("reply is not a TimeStampResp: %v", err)
	}
	return r.Status.Status, r.Status.FailInfo, len(r.Token.FullBytes) > 0
}

func tsq(t testing.TB, h crypto.Hash, digest []byte, policy asn1.ObjectIdentifier, nonce int64, certReq bool) []byte {
	t.Helper()
	type imprint struct {
		Alg    pkix.AlgorithmIdentifier
		Digest []byte
	}
	oids := map[crypto.Hash]asn1.ObjectIdentifier{
		crypto.SHA1:   {1, 3, 14, 3, 2, 26},
		crypto.SHA256: {2, 16, 840, 1, 101, 3, 4, 2, 1},
		crypto.SHA512: {2, 16, 840, 1, 101, 3, 4, 2, 3},
		crypto.MD5:    {1, 2, 840, 113549, 2, 5},
	}
	q := struct {
		Version int
		Imprint imprint
		Policy  asn1.ObjectIdentifier `asn1:"optional"`
		Nonce   int64                 `asn1:"optional"`
		CertReq bool                  `asn1:"optional,default:false"`
	}{1, imprint{pkix.AlgorithmIdentifier{Algorithm: oids[h]}, digest}, policy, nonce, certReq}
	b, err := asn1.Marshal(q)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
