package zfo

import (
	"bytes"
	"crypto"
	"crypto/sha256"
	"testing"
)

// FuzzVerify feeds arbitrary bytes to Verify, seeded with ZFOs of the three
// kinds and broken ones. Verify must never panic, and a report may be
// valid only for content the sandbox seal actually signed.
func FuzzVerify(f *testing.F) {
	p := sandboxPKI(f)
	signed := map[[32]byte]bool{}
	for _, s := range []payloadSpec{{kind: KindMessage}, {kind: KindSent}, {kind: KindDelivery}, {kind: KindMessage, noStamp: true}} {
		payload := p.payload(f, sample, s)
		zfo, err := p.sealer(false).Seal(payload, s.kind != KindDelivery)
		if err != nil {
			f.Fatal(err)
		}
		signed[sha256.Sum256(payload)] = true
		f.Add(zfo)
		f.Add(zfo[:len(zfo)/3])
	}
	f.Add([]byte{0x30, 0x80, 0x00, 0x00})
	f.Add([]byte("<q:MessageDownloadResponse/>"))
	f.Fuzz(func(t *testing.T, data []byte) {
		r := Verify(data, p.options())
		if !r.Valid {
			return
		}
		sd, err := parseSignedData(data)
		if err != nil {
			t.Fatalf("valid report for unparseable data: %v", err)
		}
		if !signed[sha256.Sum256(sd.content)] {
			t.Fatalf("valid report for content the seal never signed")
		}
	})
}

// FuzzReadTLV checks the BER reader: no panic, and for any value it reads,
// toDER gives DER that reads back to the same value and is stable.
func FuzzReadTLV(f *testing.F) {
	p := sandboxPKI(f)
	zfo := p.zfo(f, sample, payloadSpec{kind: KindDelivery})
	f.Add(zfo)
	for _, h := range []string{"0403616263", "30800403616263" + "0000", "2480" + "04026162" + "2480" + "040165" + "0000" + "0000", "9f810100"} {
		f.Add(mustHex(h))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		v, _, err := readTLV(data, 0)
		if err != nil {
			return
		}
		der, err := toDER(v, 0)
		if err != nil {
			return // toDER reads deeper than readTLV checked (children of definite values)
		}
		w, rest, err := readTLV(der, 0)
		if err != nil || len(rest) != 0 {
			t.Fatalf("toDER output does not read back: %v, %d bytes left", err, len(rest))
		}
		if w.indefinite || w.class != v.class || w.tag != v.tag || w.constructed != v.constructed {
			t.Fatalf("toDER changed the value: %v -> %v", v, w)
		}
		again, err := toDER(w, 0)
		if err != nil || !bytes.Equal(again, der) {
			t.Fatalf("toDER is not stable: %v", err)
		}
		if v.is(classUniversal, tagOctetString, v.constructed) {
			a, errA := v.octets(0)
			b, errB := w.octets(0)
			if (errA == nil) != (errB == nil) || !bytes.Equal(a, b) {
				t.Fatalf("OCTET STRING contents differ after toDER")
			}
		}
	})
}

// FuzzParsePayload feeds arbitrary XML to the payload reader: no panic,
// and a dmDm it returns is a whole element taken from the input.
func FuzzParsePayload(f *testing.F) {
	p := sandboxPKI(f)
	for _, k := range []string{KindMessage, KindSent, KindDelivery} {
		f.Add(p.payload(f, sample, payloadSpec{kind: k}))
	}
	f.Add([]byte(`<!DOCTYPE x [<!ENTITY a "b">]><x/>`))
	f.Add([]byte(`<q:MessageDownloadResponse xmlns:q="http://isds.czechpoint.cz/v20/message"><q:dmReturnedMessage><p:dmDm xmlns:p="http://isds.czechpoint.cz/v20"/></q:dmReturnedMessage></q:MessageDownloadResponse>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		pl, err := parsePayload(data)
		if err != nil {
			return
		}
		if !bytes.Contains(data, pl.dmDm) || pl.dmDm[0] != '<' || pl.dmDm[len(pl.dmDm)-1] != '>' {
			t.Fatalf("dmDm %q is not an element of the input", pl.dmDm)
		}
		_ = digest(crypto.SHA256, pl.dmDm)
	})
}
