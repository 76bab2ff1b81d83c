package zfo

import (
	"bytes"
	"encoding/asn1"
	"encoding/hex"
	"errors"
	"slices"
	"strings"
	"testing"
)

// TestSealWritesTheRealFormat checks the bytes Seal writes against the
// structure of ZFOs from ISDS: BER with indefinite lengths from the
// ContentInfo down to the content, the XML in 1000-byte segments of a
// constructed OCTET STRING, and the CAdES attributes ISDS sets.
func TestSealWritesTheRealFormat(t *testing.T) {
	p := sandboxPKI(t)
	m := sample
	m.attachment = bytes.Repeat([]byte("0123456789"), 400) // several segments
	for _, kind := range []string{KindMessage, KindSent, KindDelivery} {
		t.Run(kind, func(t *testing.T) {
			payload := p.payload(t, m, payloadSpec{kind: kind})
			zfo, err := p.sealer(false).Seal(payload, kind != KindDelivery)
			if err != nil {
				t.Fatal(err)
			}
			// ContentInfo (30 80), signedData OID, [0] (a0 80), SignedData
			// (30 80), version 1.
			head := "3080" + "06092a864886f70d010702" + "a080" + "3080" + "020101"
			if got := hex.EncodeToString(zfo[:len(head)/2]); got != head {
				t.Fatalf("starts %s, want %s", got, head)
			}
			// EncapsulatedContentInfo (30 80), id-data, [0] (a0 80), OCTET
			// STRING constructed (24 80), first segment 04 82 03 e8.
			encap := "3080" + "06092a864886f70d010701" + "a080" + "2480" + "048203e8"
			i := bytes.Index(zfo, mustHex(encap))
			if i < 0 {
				t.Fatalf("no encapsulated content of the form %s", encap)
			}
			segs := 0
			rest := zfo[i+len(encap)/2-4:]
			for rest[0] == 0x04 {
				v, r, err := readTLV(rest, 0)
				if err != nil {
					t.Fatal(err)
				}
				if len(r) > 0 && r[0] == 0x04 && len(v.content) != segmentSize {
					t.Fatalf("segment %d has %d bytes, want %d", segs, len(v.content), segmentSize)
				}
				segs++
				rest = r
			}
			if want := (len(payload) + segmentSize - 1) / segmentSize; segs != want {
				t.Fatalf("%d segments, want %d", segs, want)
			}
			if !bytes.HasPrefix(rest, []byte{0, 0, 0, 0, 0, 0}) {
				t.Fatalf("segments not closed by three end-of-contents: % x", rest[:8])
			}
			sd, err := parseSignedData(zfo)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(sd.content, payload) {
				t.Fatal("content read back differs from the payload")
			}
			var types []string
			for _, a := range sd.signers[0].signedAttrs {
				types = append(types, a.Type.String())
			}
			slices.Sort(types)
			wantTypes := []string{oidContentType.String(), oidMessageDigest.String(), oidSigningTime.String(),
				oidSigningCertificateV2.String(), oidCMSAlgorithmProtect.String()}
			slices.Sort(wantTypes)
			if !slices.Equal(types, wantTypes) {
				t.Errorf("signed attributes %v, want %v", types, wantTypes)
			}
			_, hasTST, _ := find(sd.signers[0].unsignedAttrs, oidSignatureTimeStamp)
			if hasTST != (kind != KindDelivery) {
				t.Errorf("signature time stamp present: %v", hasTST)
			}
		})
	}
}

func mustHex(s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return b
}

func TestReadTLV(t *testing.T) {
	deep := bytes.Repeat([]byte{0x30, 0x80}, maxDepth+2)
	tests := []struct {
		name string
		in   string // hex
		raw  []byte
		ok   bool
	}{
		{"definite", "0403616263", nil, true},
		{"indefinite-sequence", "30800403616263" + "0000", nil, true},
		{"long-length", "048103616263", nil, true},
		{"high-tag-number", "9f8101" + "00", nil, true},
		{"empty", "", nil, false},
		{"one-byte", "30", nil, false},
		{"truncated-length", "3082", nil, false},
		{"length-beyond-data", "0405616263", nil, false},
		{"indefinite-primitive", "0480616263" + "0000", nil, false},
		{"reserved-length", "04ff00", nil, false},
		{"five-length-octets", "0485" + "0000000001" + "00", nil, false},
		{"unterminated-indefinite", "30800403616263", nil, false},
		{"high-tag-too-long", "9f81818181" + "00", nil, false},
		{"too-deep", "", deep, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.raw
			if in == nil {
				in = mustHex(tc.in)
			}
			_, _, err := readTLV(in, 0)
			if (err == nil) != tc.ok {
				t.Fatalf("readTLV: %v, want ok=%v", err, tc.ok)
			}
			if err != nil && !errors.Is(err, ErrBER) {
				t.Fatalf("error %v is not ErrBER", err)
			}
		})
	}
}

func TestOctetsJoinsNestedSegments(t *testing.T) {
	// OCTET STRING constructed { "ab", constructed { "cd", "e" }, "" }
	in := mustHex("2480" + "04026162" + "2480" + "04026364" + "040165" + "0000" + "0400" + "0000")
	v, rest, err := readTLV(in, 0)
	if err != nil || len(rest) != 0 {
		t.Fatal(err, rest)
	}
	got, err := v.octets(0)
	if err != nil || string(got) != "abcde" {
		t.Fatalf("octets %q, %v", got, err)
	}
	bad := mustHex("2480" + "0c026162" + "0000") // UTF8String inside an OCTET STRING
	v, _, _ = readTLV(bad, 0)
	if _, err := v.octets(0); err == nil {
		t.Fatal("a UTF8String segment was accepted")
	}
}

func TestToDER(t *testing.T) {
	in := mustHex("3080" + "3080" + "020101" + "0000" + "0403616263" + "0000")
	v, _, err := readTLV(in, 0)
	if err != nil {
		t.Fatal(err)
	}
	der, err := toDER(v, 0)
	if err != nil {
		t.Fatal(err)
	}
	if want := "300a" + "3003" + "020101" + "0403616263"; hex.EncodeToString(der) != want {
		t.Fatalf("toDER %x, want %s", der, want)
	}
	var check struct {
		Inner struct{ N int }
		S     []byte
	}
	if _, err := asn1.Unmarshal(der, &check); err != nil || check.Inner.N != 1 || string(check.S) != "abc" {
		t.Fatalf("DER does not decode: %v %+v", err, check)
	}
}

func TestSignedAttributeChecks(t *testing.T) {
	p := sandboxPKI(t)
	sd, err := parseSignedData(p.zfo(t, sample, payloadSpec{kind: KindMessage}))
	if err != nil {
		t.Fatal(err)
	}
	si := sd.signers[0]
	if err := checkSigningCertificate(si.signedAttrs, otherCA.Leaf()); !errors.Is(err, ErrBadAttributes) {
		t.Errorf("signingCertificateV2 accepted another certificate: %v", err)
	}
	v, ok, err := find(si.signedAttrs, oidCMSAlgorithmProtect)
	if !ok || err != nil {
		t.Fatal("no CMSAlgorithmProtection")
	}
	swapped := si
	swapped.signatureAlg = algorithm{OID: oidRSASHA256}
	if err := checkAlgorithmProtection(v, swapped); !errors.Is(err, ErrBadAttributes) {
		t.Errorf("CMSAlgorithmProtection accepted a swapped algorithm: %v", err)
	}
	if err := checkAlgorithmProtection(v, si); err != nil {
		t.Errorf("CMSAlgorithmProtection of the real SignerInfo: %v", err)
	}
	twice := si
	twice.signedAttrs = append(slices.Clone(si.signedAttrs), si.signedAttrs[0])
	if _, _, err := find(twice.signedAttrs, si.signedAttrs[0].Type); err == nil || !strings.Contains(err.Error(), "twice") {
		t.Errorf("a repeated attribute was accepted: %v", err)
	}
}

func TestContent(t *testing.T) {
	p := sandboxPKI(t)
	payload := p.payload(t, sample, payloadSpec{kind: KindSent})
	z, err := p.sealer(false).Seal(payload, true)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Content(z)
	if err != nil || !bytes.Equal(got, payload) {
		t.Fatalf("Content: %v", err)
	}
	if _, err := Content([]byte("x")); err == nil {
		t.Fatal("Content of garbage succeeded")
	}
}
