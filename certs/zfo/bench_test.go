package zfo

import (
	"crypto/rand"
	"testing"
)

// benchZFO is a message ZFO with a 1 MB attachment (about 1.37 MB of ZFO:
// the attachment travels base64 in the XML).
func benchZFO(b *testing.B, size int) []byte {
	b.Helper()
	p := sandboxPKI(b)
	m := sample
	m.attachment = make([]byte, size)
	if _, err := rand.Read(m.attachment); err != nil {
		b.Fatal(err)
	}
	return p.zfo(b, m, payloadSpec{kind: KindMessage})
}

// BenchmarkVerify measures Verify per ZFO: parse the BER CMS, verify the
// RSA-2048 seal, the signature time stamp and dmQTimestamp (ECDSA P-256
// TSA) and both chains, read the XML and hash the raw dmDm.
func BenchmarkVerify(b *testing.B) {
	for _, c := range []struct {
		name string
		size int
	}{{"1KB", 1 << 10}, {"1MB", 1 << 20}} {
		b.Run(c.name, func(b *testing.B) {
			zfo := benchZFO(b, c.size)
			o := sandboxPKI(b).options()
			b.SetBytes(int64(len(zfo)))
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if r := Verify(zfo, o); !r.Valid {
					b.Fatalf("invalid: %+v", r.Problems)
				}
			}
		})
	}
}

// BenchmarkSeal measures sealing a 1 MB message as the sandbox does
// (RSA-2048 signature plus a time stamp of it).
func BenchmarkSeal(b *testing.B) {
	p := sandboxPKI(b)
	m := sample
	m.attachment = make([]byte, 1<<20)
	payload := p.payload(b, m, payloadSpec{kind: KindMessage})
	s := p.sealer(false)
	b.SetBytes(int64(len(payload)))
	b.ResetTimer()
	for b.Loop() {
		if _, err := s.Seal(payload, true); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParsePayload compares the payload scanner with the encoding/xml
// reader on the XML of a 1 MB message.
func BenchmarkParsePayload(b *testing.B) {
	p := sandboxPKI(b)
	m := sample
	m.attachment = make([]byte, 1<<20)
	doc := p.payload(b, m, payloadSpec{kind: KindMessage})
	for _, c := range []struct {
		name  string
		parse func([]byte) (*payload, error)
	}{{"scanner", parsePayload}, {"encoding-xml", parsePayloadReference}} {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(doc)))
			for b.Loop() {
				if _, err := c.parse(doc); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
