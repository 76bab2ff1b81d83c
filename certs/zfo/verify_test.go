package zfo

import (
	"bytes"
	"crypto/x509"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// want is the expected outcome of a check.
type want struct {
	kind, signature, chain, dmHash, timestamp, sigTimestamp string
	valid                                                   bool
}

var allGood = map[string]want{
	KindMessage:  {KindMessage, Valid, Trusted, Match, Valid, Valid, true},
	KindSent:     {KindSent, Valid, Trusted, Match, Valid, Valid, true},
	KindDelivery: {KindDelivery, Valid, Trusted, Match, Valid, Absent, true},
}

func TestVerify(t *testing.T) {
	p := sandboxPKI(t)
	other := x509.NewCertPool()
	other.AddCert(otherCA.Leaf())
	msg := p.zfo(t, sample, payloadSpec{kind: KindMessage})

	tests := []struct {
		name string
		data func(t *testing.T) []byte
		opts func(o *Options)
		want want
	}{
		{"message", func(t *testing.T) []byte { return msg }, nil, allGood[KindMessage]},
		{"sent-message", func(t *testing.T) []byte { return p.zfo(t, sample, payloadSpec{kind: KindSent}) }, nil, allGood[KindSent]},
		{"delivery-info", func(t *testing.T) []byte { return p.zfo(t, sample, payloadSpec{kind: KindDelivery}) }, nil, allGood[KindDelivery]},
		{"rsa-pss-seal", func(t *testing.T) []byte {
			out, err := p.sealer(true).Seal(p.payload(t, sample, payloadSpec{kind: KindMessage}), true)
			if err != nil {
				t.Fatal(err)
			}
			return out
		}, nil, allGood[KindMessage]},
		{"manual-host-spelling", func(t *testing.T) []byte {
			return p.zfo(t, sample, payloadSpec{kind: KindSent, ns: "isds.czebox.cz"})
		}, nil, allGood[KindSent]},
		{"der-instead-of-ber", func(t *testing.T) []byte {
			v, _, err := readTLV(msg, 0)
			if err != nil {
				t.Fatal(err)
			}
			der, err := toDER(v, 0)
			if err != nil {
				t.Fatal(err)
			}
			if der[1] == 0x80 {
				t.Fatal("toDER kept the indefinite length")
			}
			return der
		}, nil, allGood[KindMessage]},
		{"content-altered", func(t *testing.T) []byte {
			return bytes.Replace(msg, []byte("Jan Novák"), []byte("Jan Novak!"), 1)
		}, nil, want{KindMessage, Invalid, Trusted, Mismatch, Valid, Valid, false}},
		{"signature-altered", func(t *testing.T) []byte {
			return alterSignature(t, msg)
		}, nil, want{KindMessage, Invalid, Trusted, Match, Valid, Invalid, false}},
		{"dmhash-of-other-content", func(t *testing.T) []byte {
			return p.zfo(t, sample, payloadSpec{kind: KindMessage, badHash: true})
		}, nil, want{KindMessage, Valid, Trusted, Mismatch, Valid, Valid, false}},
		{"timestamp-of-other-data", func(t *testing.T) []byte {
			return p.zfo(t, sample, payloadSpec{kind: KindMessage, stampElse: true})
		}, nil, want{KindMessage, Valid, Trusted, Match, Invalid, Valid, false}},
		{"delivery-timestamp-of-other-data", func(t *testing.T) []byte {
			return p.zfo(t, sample, payloadSpec{kind: KindDelivery, stampElse: true})
		}, nil, want{KindDelivery, Valid, Trusted, Mismatch, Invalid, Absent, false}},
		{"no-timestamp", func(t *testing.T) []byte {
			return p.zfo(t, sample, payloadSpec{kind: KindMessage, noStamp: true})
		}, nil, want{KindMessage, Valid, Trusted, Match, Absent, Valid, false}},
		{"no-dmhash", func(t *testing.T) []byte {
			return p.zfo(t, sample, payloadSpec{kind: KindMessage, noHash: true})
		}, nil, want{KindMessage, Valid, Trusted, Absent, Invalid, Valid, false}},
		{"unknown-hash-algorithm", func(t *testing.T) []byte {
			return p.zfo(t, sample, payloadSpec{kind: KindMessage, hashAlg: "MD5"})
		}, nil, want{KindMessage, Valid, Trusted, Mismatch, Invalid, Valid, false}},
		{"other-trust-root", func(t *testing.T) []byte { return msg }, func(o *Options) { o.Roots = other },
			want{KindMessage, Valid, Untrusted, Match, Invalid, Invalid, false}},
		{"no-trust-roots", func(t *testing.T) []byte { return msg }, func(o *Options) { o.Roots = nil },
			want{KindMessage, Valid, Unknown, Match, Valid, Valid, false}},
		{"message-after-seal-expiry", func(t *testing.T) []byte { return msg },
			func(o *Options) { o.Now = func() time.Time { return p.seal.Leaf().NotAfter.Add(time.Hour) } },
			allGood[KindMessage]}, // CAdES-T: the chain is judged at the signature time stamp
		{"delivery-after-seal-expiry", func(t *testing.T) []byte { return p.zfo(t, sample, payloadSpec{kind: KindDelivery}) },
			func(o *Options) { o.Now = func() time.Time { return p.seal.Leaf().NotAfter.Add(time.Hour) } },
			want{KindDelivery, Valid, Untrusted, Match, Valid, Absent, false}},
		{"not-an-isds-document", func(t *testing.T) []byte {
			out, err := p.sealer(false).Seal([]byte(`<a:Other xmlns:a="urn:x"/>`), true)
			if err != nil {
				t.Fatal(err)
			}
			return out
		}, nil, want{"", Valid, Trusted, Absent, Absent, Valid, false}},
		{"not-cms", func(t *testing.T) []byte { return []byte("<?xml version=\"1.0\"?><a/>") }, nil,
			want{"", Invalid, Unknown, Absent, Absent, Absent, false}},
		{"empty", func(t *testing.T) []byte { return nil }, nil, want{"", Invalid, Unknown, Absent, Absent, Absent, false}},
		{"truncated", func(t *testing.T) []byte { return msg[:len(msg)-40] }, nil,
			want{"", Invalid, Unknown, Absent, Absent, Absent, false}},
		{"too-large", func(t *testing.T) []byte { return msg }, func(o *Options) { o.MaxBytes = 1000 },
			want{"", Invalid, Unknown, Absent, Absent, Absent, false}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := p.options()
			if tc.opts != nil {
				tc.opts(&o)
			}
			r := Verify(tc.data(t), o)
			got := want{r.Kind, r.Signature, r.Chain, r.DmHash, r.Timestamp, r.SignatureTimestamp, r.Valid}
			if got != tc.want {
				t.Fatalf("got  %+v\nwant %+v\nproblems: %+v", got, tc.want, r.Problems)
			}
			if r.Valid && len(r.Problems) > 0 {
				t.Errorf("valid report with problems: %+v", r.Problems)
			}
			if !r.Valid && len(r.Problems) == 0 {
				t.Error("invalid report without a problem explaining it")
			}
			if tc.want.kind != "" && (r.DmID != sample.dmID || r.DbIDSender != sample.sender || r.DbIDRecipient != sample.recipient) {
				t.Errorf("identifiers %q %q %q", r.DmID, r.DbIDSender, r.DbIDRecipient)
			}
		})
	}
}

// alterSignature flips a bit in the signature value of the SignerInfo.
func alterSignature(t *testing.T, zfo []byte) []byte {
	t.Helper()
	sd, err := parseSignedData(zfo)
	if err != nil {
		t.Fatal(err)
	}
	sig := sd.signers[0].signature
	i := bytes.Index(zfo, sig)
	if i < 0 {
		t.Fatal("signature not found")
	}
	out := bytes.Clone(zfo)
	out[i+len(sig)/2] ^= 0x10
	return out
}

func TestReportJSON(t *testing.T) {
	p := sandboxPKI(t)
	r := Verify(p.zfo(t, sample, payloadSpec{kind: KindSent}), p.options())
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for k, v := range map[string]any{"kind": "sent", "dmID": sample.dmID, "signature": "valid", "chain": "trusted",
		"dmHash": "match", "timestamp": "valid", "valid": true} {
		if m[k] != v {
			t.Errorf("JSON %s = %v, want %v", k, m[k], v)
		}
	}
	if ts, _ := m["timestampTime"].(string); ts != t0.Format(time.RFC3339) {
		t.Errorf("timestampTime %q, want the TSA's time %s", ts, t0.Format(time.RFC3339))
	}
	// Content never reaches the report: not the subject, not the attachment.
	if strings.Contains(string(b), "Rozhodnut") || strings.Contains(string(b), "Novák") {
		t.Errorf("report carries message content: %s", b)
	}
}
