package zfo

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/smallstep/pkcs7"
)

// BenchmarkParseCMS compares this package's BER reader with
// github.com/smallstep/pkcs7 (the BER-capable CMS library in go.mod) on
// message ZFOs of growing size: smallstep looks for each end-of-contents
// marker with a search through the rest of the input, so its time grows
// with the square of the size (about ten times from 1 MB to 4 MB), which is
// why ZFOs are read here. (digitorus/pkcs7 reads only the first 1000-byte
// segment of the content.)
func BenchmarkParseCMS(b *testing.B) {
	p := sandboxPKI(b)
	for _, mb := range []int{1, 4} {
		m := sample
		m.attachment = bytes.Repeat([]byte("x"), mb<<20)
		z, err := p.sealer(false).Seal(p.payload(b, m, payloadSpec{kind: KindMessage}), true)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("%dMB/konektor", mb), func(b *testing.B) {
			b.SetBytes(int64(len(z)))
			for b.Loop() {
				if _, err := parseSignedData(z); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("%dMB/smallstep", mb), func(b *testing.B) {
			b.SetBytes(int64(len(z)))
			for b.Loop() {
				p7, err := pkcs7.Parse(z)
				if err != nil || len(p7.Content) == 0 {
					b.Fatal(err)
				}
			}
		})
	}
}
