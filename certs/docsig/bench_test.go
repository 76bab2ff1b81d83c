package docsig

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"
)

// Benchmarks seal and verify LV reports (testdata/input/report.xml grown
// to ~5 KB and ~100 KB by repeating its owners) with the 2048-bit test
// seal, in Go and, side by side in the same run, with xmlsec1 --repeat on
// the same documents and key (xmlsec1's own time, without its process
// start-up). Run:
//
//	go test ./certs/docsig -run '^$' -bench . -count 5

// benchReport returns the test report grown to at least size bytes.
func benchReport(b *testing.B, size int) []byte {
	b.Helper()
	doc := readTestdata(b, "input/report.xml")
	owner := regexp.MustCompile(`<SUBJEKT>.*?</SUBJEKT>`).Find(doc)
	for len(doc) < size {
		doc = bytes.Replace(doc, []byte("</SUBJEKTY>"), append(append([]byte(nil), owner...), "</SUBJEKTY>"...), 1)
	}
	return doc
}

var benchSizes = []struct {
	name string
	size int
}{{"5KB", 5 << 10}, {"100KB", 100 << 10}}

func BenchmarkSign(b *testing.B) {
	s := testSigner(b, "signer")
	for _, sz := range benchSizes {
		doc := benchReport(b, sz.size)
		b.Run(sz.name, func(b *testing.B) {
			b.SetBytes(int64(len(doc)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := s.Sign(doc); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkVerify(b *testing.B) {
	v := testVerifier(b, chainedTrust(b))
	for _, sz := range benchSizes {
		signed := mustSign(b, testSigner(b, "signer"), benchReport(b, sz.size))
		b.Run(sz.name, func(b *testing.B) {
			b.SetBytes(int64(len(signed)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := v.Verify(signed); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

var xmlsec1Executed = regexp.MustCompile(`Executed (\d+) tests in ([0-9.]+) msec`)

// xmlsec1Repeat runs one xmlsec1 process doing the operation n times and
// returns xmlsec1's own time per operation in nanoseconds.
func xmlsec1Repeat(b *testing.B, n int, args ...string) float64 {
	b.Helper()
	p, err := exec.LookPath("xmlsec1")
	if err != nil {
		b.Skip("xmlsec1 not installed")
	}
	out, err := exec.Command(p, append([]string{args[0], "--repeat", strconv.Itoa(n)}, args[1:]...)...).CombinedOutput()
	if err != nil {
		b.Fatalf("xmlsec1: %v\n%s", err, out)
	}
	m := xmlsec1Executed.FindSubmatch(out)
	if m == nil {
		b.Fatalf("no timing in xmlsec1 output:\n%s", out)
	}
	done, _ := strconv.Atoi(string(m[1]))
	msec, _ := strconv.ParseFloat(string(m[2]), 64)
	if done != n {
		b.Fatalf("xmlsec1 executed %d of %d", done, n)
	}
	return msec * 1e6 / float64(n)
}

// BenchmarkSideBySide does b.N operations in Go, then as many in one
// xmlsec1 --repeat process on the same document and key (for signing, our
// signed report with DigestValue and SignatureValue emptied is the
// template), and reports Go's ns/op, xmlsec1-ns/op and go/xmlsec1.
func BenchmarkSideBySide(b *testing.B) {
	if _, err := exec.LookPath("xmlsec1"); err != nil {
		b.Skip("xmlsec1 not installed")
	}
	s := testSigner(b, "signer")
	v := testVerifier(b, chainedTrust(b))
	for _, sz := range benchSizes {
		doc := benchReport(b, sz.size)
		signed := mustSign(b, s, doc)
		dir := b.TempDir()
		tmpl := regexp.MustCompile(`<ds:DigestValue>[^<]*</ds:DigestValue>`).ReplaceAll(signed, []byte("<ds:DigestValue></ds:DigestValue>"))
		tmpl = regexp.MustCompile(`<ds:SignatureValue>[^<]*</ds:SignatureValue>`).ReplaceAll(tmpl, []byte("<ds:SignatureValue></ds:SignatureValue>"))
		signedFile, tmplFile := filepath.Join(dir, "signed.xml"), filepath.Join(dir, "template.xml")
		if os.WriteFile(signedFile, signed, 0o600) != nil || os.WriteFile(tmplFile, tmpl, 0o600) != nil {
			b.Fatal("write")
		}
		xsign := []string{"--sign", "--privkey-pem", keyPath("signer-key.pem") + "," + keyPath("signer.pem"), "--output", filepath.Join(dir, "out.xml"), tmplFile}
		xverify := []string{"--verify", "--trusted-pem", keyPath("ca.pem"), signedFile}
		report := func(b *testing.B, goNs, xNs float64) {
			b.ReportMetric(goNs, "ns/op")
			b.ReportMetric(xNs, "xmlsec1-ns/op")
			b.ReportMetric(goNs/xNs, "go/xmlsec1")
		}
		b.Run("sign-"+sz.name, func(b *testing.B) {
			start := time.Now()
			for range b.N {
				if _, err := s.Sign(doc); err != nil {
					b.Fatal(err)
				}
			}
			report(b, float64(time.Since(start).Nanoseconds())/float64(b.N), xmlsec1Repeat(b, b.N, xsign...))
		})
		b.Run("verify-"+sz.name, func(b *testing.B) {
			start := time.Now()
			for range b.N {
				if _, err := v.Verify(signed); err != nil {
					b.Fatal(err)
				}
			}
			report(b, float64(time.Since(start).Nanoseconds())/float64(b.N), xmlsec1Repeat(b, b.N, xverify...))
		})
	}
}
