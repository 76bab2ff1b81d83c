package wssec

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
)

// Benchmarks sign and verify the same ~5 KB SOAP 1.1 envelope
// (testdata/input/envelope.xml, 4,817 bytes unsigned; 8,120 bytes signed,
// of which the BinarySecurityToken is ~1.1 KB) with the same RSA key, in Go
// and, side by side in the same run, with xmlsec1 --repeat (the figure
// xmlsec1 itself prints, i.e. without its ~45 ms process start-up; see
// notes/xmlsec1-bench.md). Run:
//
//	go test ./certs/wssec -run '^$' -bench . -count 5

func BenchmarkSign(b *testing.B) {
	in := readTestdata(b, "input/envelope.xml")
	for _, key := range []string{"signer", "seal3072"} {
		b.Run(map[string]string{"signer": "rsa2048", "seal3072": "rsa3072"}[key], func(b *testing.B) {
			s := testSigner(b, key, t0)
			b.SetBytes(int64(len(in)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := s.Sign(in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkVerify(b *testing.B) {
	for _, key := range []string{"signer", "seal3072"} {
		b.Run(map[string]string{"signer": "rsa2048", "seal3072": "rsa3072"}[key], func(b *testing.B) {
			signed := mustSign(b, testSigner(b, key, t0), readTestdata(b, "input/envelope.xml"))
			v := pinnedVerifier(b, goldenAt, func(o *VerifierOptions) { o.Trust.Pinned = append(o.Trust.Pinned, loadCert(b, key)) })
			b.SetBytes(int64(len(signed)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := v.Verify(bg, signed); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

var xmlsec1Executed = regexp.MustCompile(`Executed (\d+) tests in ([0-9.]+) msec`)

// runXmlsec1Repeat runs one xmlsec1 process doing the operation b.N times
// and reports xmlsec1's own time per operation as ns/op.
func runXmlsec1Repeat(b *testing.B, args ...string) {
	b.Helper()
	out, err := exec.Command(xmlsec1(b), append([]string{args[0], "--repeat", strconv.Itoa(b.N)}, args[1:]...)...).CombinedOutput()
	if err != nil {
		b.Fatalf("xmlsec1: %v\n%s", err, out)
	}
	m := xmlsec1Executed.FindSubmatch(out)
	if m == nil {
		b.Fatalf("no timing in xmlsec1 output:\n%s", out)
	}
	n, _ := strconv.Atoi(string(m[1]))
	msec, _ := strconv.ParseFloat(string(m[2]), 64)
	if n != b.N {
		b.Fatalf("xmlsec1 executed %d of %d", n, b.N)
	}
	b.ReportMetric(msec*1e6/float64(n), "ns/op")
}

func BenchmarkXmlsec1(b *testing.B) {
	xmlsec1(b)
	for _, key := range []string{"signer", "seal3072"} {
		name := map[string]string{"signer": "rsa2048", "seal3072": "rsa3072"}[key]
		dir := b.TempDir()
		signed := mustSign(b, testSigner(b, key, t0), readTestdata(b, "input/envelope.xml"))
		// The template is our signed envelope with DigestValue and
		// SignatureValue emptied: the same message, key and references.
		tmpl := regexp.MustCompile(`<ds:DigestValue>[^<]*</ds:DigestValue>`).ReplaceAll(signed, []byte("<ds:DigestValue></ds:DigestValue>"))
		tmpl = regexp.MustCompile(`<ds:SignatureValue>[^<]*</ds:SignatureValue>`).ReplaceAll(tmpl, []byte("<ds:SignatureValue></ds:SignatureValue>"))
		signedFile, tmplFile, outFile := filepath.Join(dir, "signed.xml"), filepath.Join(dir, "template.xml"), filepath.Join(dir, "out.xml")
		if err := os.WriteFile(signedFile, signed, 0o600); err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(tmplFile, tmpl, 0o600); err != nil {
			b.Fatal(err)
		}
		keyArg := filepath.Join("testdata", "keys", key+"-key.pem") + "," + filepath.Join("testdata", "keys", key+".pem")
		ids := xmlsec1IDArgs(nsSOAP11)
		b.Run("sign-"+name, func(b *testing.B) {
			runXmlsec1Repeat(b, append(append([]string{"--sign", "--privkey-pem", keyArg}, ids...), "--output", outFile, tmplFile)...)
		})
		b.Run("verify-"+name, func(b *testing.B) {
			runXmlsec1Repeat(b, append(append([]string{"--verify", "--pubkey-cert-pem", filepath.Join("testdata", "keys", key+".pem")}, ids...), signedFile)...)
		})
	}
}
