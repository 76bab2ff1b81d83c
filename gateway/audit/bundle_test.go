package audit

import (
	"bytes"
	"context"
	"crypto/x509"
	"errors"
	"strings"
	"testing"
	"time"
)

func writeBundle(t testing.TB, s *sealed, o BundleOptions) []byte {
	t.Helper()
	p := pki(t)
	o.SealCerts = []*x509.Certificate{p.seal.Leaf()}
	o.TSARoots = []*x509.Certificate{p.ca.Leaf()}
	o.Now = func() time.Time { return t0.Add(2 * time.Hour) }
	var buf bytes.Buffer
	if err := WriteBundle(context.Background(), s.st, o, &buf); err != nil {
		t.Fatalf("WriteBundle: %v", err)
	}
	return buf.Bytes()
}

func verifyBundle(t testing.TB, b []byte, trust Trust) (Report, BundleInfo) {
	t.Helper()
	rep, info, err := VerifyBundle(bytes.NewReader(b), BundleVerifyOptions{Trust: trust})
	if err != nil {
		t.Fatalf("VerifyBundle: %v", err)
	}
	return rep, info
}

func TestBundleRoundTrip(t *testing.T) {
	t.Parallel()
	s := newSealed(t)
	b := writeBundle(t, s, BundleOptions{})
	rep, info := verifyBundle(t, b, Trust{})
	if !rep.OK || rep.Entries != 10 || rep.Checkpoints != 3 || rep.Stamped != 3 || rep.Unsealed != 1 || rep.Head != s.entries[9].Hash {
		t.Fatalf("VerifyBundle = %+v", rep)
	}
	if !info.SealFromBundle || !info.TSAFromBundle || len(info.SealCertSHA256) != 1 || info.SealCertSHA256[0] != CertSHA256(pki(t).seal.Leaf()) {
		t.Fatalf("bundle info %+v", info)
	}
	// The same result with trust given explicitly.
	rep, info = verifyBundle(t, b, pki(t).trust())
	if !rep.OK || info.SealFromBundle || info.TSAFromBundle {
		t.Fatalf("VerifyBundle with trust = %+v, %+v", rep, info)
	}
}

// A range is widened to the checkpoints around it: entries 4–6 lie between
// checkpoints 3 and 6, so the bundle starts at 3's head and ends at 6.
func TestBundleOfARange(t *testing.T) {
	t.Parallel()
	s := newSealed(t)
	for _, c := range []struct {
		name                 string
		from, to             time.Time
		start, entries, last int64
		checkpoints          int64
	}{
		{"middle", s.entries[4].Time, s.entries[5].Time, 3, 3, 6, 2},
		{"from-only", s.entries[7].Time, time.Time{}, 6, 4, 10, 2},
		{"to-only", time.Time{}, s.entries[1].Time, 0, 3, 3, 1},
		{"empty", t0.Add(-time.Hour), t0.Add(-time.Minute), 0, 0, 0, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			rep, info := verifyBundle(t, writeBundle(t, s, BundleOptions{From: c.from, To: c.to}), pki(t).trust())
			if !rep.OK || info.Start != c.start || rep.Entries != c.entries || rep.LastSeq != c.last || rep.Checkpoints != c.checkpoints {
				t.Fatalf("VerifyBundle = %+v (start %d)", rep, info.Start)
			}
		})
	}
}

// editLine applies edit to the n-th line (1-based) of a bundle.
func editLine(b []byte, n int, edit func(string) string) []byte {
	lines := strings.SplitAfter(string(b), "\n")
	lines[n-1] = edit(lines[n-1])
	return []byte(strings.Join(lines, ""))
}

func dropLine(b []byte, n int) []byte {
	lines := strings.SplitAfter(string(b), "\n")
	return []byte(strings.Join(append(lines[:n-1:n-1], lines[n:]...), ""))
}

// Line numbers in the bundle of newSealed: 1 header, entries 1–3 on 2–4,
// checkpoint 3 on 5, entries 4–6 on 6–8, checkpoint 6 on 9, entries 7–9 on
// 10–12, checkpoint 9 on 13, entry 10 on 14, end on 15.
func TestVerifyBundleDetectsTampering(t *testing.T) {
	t.Parallel()
	s := newSealed(t)
	good := writeBundle(t, s, BundleOptions{})
	endLine := func(entries, cps string) func(string) string {
		return func(string) string { return `{"end":{"entries":` + entries + `,"checkpoints":` + cps + `}}` + "\n" }
	}
	for _, c := range []struct {
		name     string
		edit     func([]byte) []byte
		firstBad int64
		problem  Problem
	}{
		{"changed-entry", func(b []byte) []byte {
			return editLine(b, 7, func(l string) string { return strings.Replace(l, `"outcome":"ok"`, `"outcome":"denied"`, 1) })
		}, 5, ProblemHashMismatch},
		{"deleted-entry", func(b []byte) []byte {
			return editLine(dropLine(b, 7), 14, endLine("9", "3"))
		}, 6, ProblemSequenceGap},
		{"reordered-entries", func(b []byte) []byte {
			lines := strings.SplitAfter(string(b), "\n")
			lines[5], lines[6] = lines[6], lines[5]
			return []byte(strings.Join(lines, ""))
		}, 5, ProblemSequenceGap},
		{"truncated", func(b []byte) []byte {
			lines := strings.SplitAfter(string(b), "\n")
			out := append(lines[:10:10], lines[12]) // entries 8, 9 gone; checkpoint 9 kept
			out = append(out, `{"end":{"entries":7,"checkpoints":3}}`+"\n")
			return []byte(strings.Join(out, ""))
		}, 9, ProblemTruncated},
		{"forged-checkpoint", func(b []byte) []byte {
			return editLine(b, 9, func(l string) string { return strings.Replace(l, `"head":"`, `"head":"0`, 1) })
		}, 6, ProblemCheckpointSignature},
		{"removed-checkpoint", func(b []byte) []byte {
			return editLine(dropLine(b, 9), 14, endLine("10", "2"))
		}, 9, ProblemCheckpointChain},
		{"removed-time-stamp", func(b []byte) []byte {
			return editLine(b, 5, func(l string) string {
				i := strings.Index(l, `"time_stamp":"`)
				j := strings.Index(l[i+14:], `"`)
				return l[:i] + l[i+14+j+2:]
			})
		}, 3, ProblemTimeStamp},
	} {
		t.Run(c.name, func(t *testing.T) {
			trust := pki(t).trust()
			trust.RequireTimeStamps = true
			rep, _ := verifyBundle(t, c.edit(bytes.Clone(good)), trust)
			t.Log(rep.SummaryEN())
			if rep.OK || rep.FirstBad != c.firstBad || rep.Problem != c.problem {
				t.Fatalf("VerifyBundle = %+v\nwant first bad %d, problem %q", rep, c.firstBad, c.problem)
			}
		})
	}
}

func TestVerifyBundleRefusesMalformedFiles(t *testing.T) {
	t.Parallel()
	s := newSealed(t)
	good := writeBundle(t, s, BundleOptions{})
	lines := strings.SplitAfter(string(good), "\n")
	for _, c := range []struct {
		name string
		file string
		want string
	}{
		{"empty", "", "empty file"},
		{"not-json", "hello\n", "header"},
		{"other-format", `{"format":"x","version":1}` + "\n", "not a konektor-audit-bundle"},
		{"unknown-header-field", `{"format":"konektor-audit-bundle","version":1,"extra":1}` + "\n", "unknown field"},
		{"cut-off", strings.Join(lines[:8], ""), "cut off"},
		{"end-counts-wrong", strings.Join(lines[:len(lines)-2], "") + `{"end":{"entries":1,"checkpoints":0}}` + "\n", "end line counts"},
		{"data-after-end", string(good) + "{}\n", "after the end"},
		{"two-kinds-on-a-line", lines[0] + `{"entry":{"seq":1},"end":{"entries":1,"checkpoints":0}}` + "\n", "exactly one"},
		{"bad-time", lines[0] + strings.Replace(lines[1], `"time":"`, `"time":"x`, 1), "time"},
		{"bad-seal-pem", strings.Replace(lines[0], "BEGIN CERTIFICATE", "BEGIN KEY", 1) + strings.Join(lines[1:], ""), "seal certificates"},
		{"huge-line", lines[0] + strings.Repeat("x", maxBundleLine+1) + "\n", "too long"},
		{"negative-start", strings.Replace(lines[0], `"start":0`, `"start":-1`, 1), "negative"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := VerifyBundle(strings.NewReader(c.file), BundleVerifyOptions{})
			if !errors.Is(err, ErrBundle) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("VerifyBundle = %v, want ErrBundle mentioning %q", err, c.want)
			}
		})
	}
}

// A pruned log's bundle starts at the retention checkpoint and verifies.
func TestBundleOfAPrunedLog(t *testing.T) {
	t.Parallel()
	s := newSealed(t)
	if _, err := s.st.PruneAccess(context.Background(), 6); err != nil {
		t.Fatal(err)
	}
	rep, info := verifyBundle(t, writeBundle(t, s, BundleOptions{}), pki(t).trust())
	if !rep.OK || info.Start != 6 || rep.Entries != 4 || rep.Checkpoints != 2 {
		t.Fatalf("VerifyBundle = %+v, start %d", rep, info.Start)
	}
}

func FuzzVerifyBundle(f *testing.F) {
	p, err := newTestPKI("fuzz")
	if err != nil {
		f.Fatal(err)
	}
	st, _ := openSQLite(f)
	r := NewRecorder(st, Options{Now: fixedNow})
	cp, err := NewCheckpointer(st, CheckpointOptions{Seal: p.seal, Now: fixedNow})
	if err != nil {
		f.Fatal(err)
	}
	for i := range 4 {
		if _, err := r.Record(context.Background(), exchange(i)); err != nil {
			f.Fatal(err)
		}
		if i == 1 {
			if _, _, err := cp.Checkpoint(context.Background()); err != nil {
				f.Fatal(err)
			}
		}
	}
	_ = r.Close(context.Background())
	var buf bytes.Buffer
	if err := WriteBundle(context.Background(), st, BundleOptions{SealCerts: []*x509.Certificate{p.seal.Leaf()},
		TSARoots: []*x509.Certificate{p.ca.Leaf()}}, &buf); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Add([]byte(`{"format":"konektor-audit-bundle","version":1,"start":0}` + "\n" + `{"end":{"entries":0,"checkpoints":0}}` + "\n"))
	f.Add([]byte(`{"format":"konektor-audit-bundle","version":1,"start":3}` + "\n" + `{"checkpoint":{"seq":3,"signature":"AA==","time_stamp":"MAA="}}` + "\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		rep, _, err := VerifyBundle(bytes.NewReader(b), BundleVerifyOptions{})
		if err != nil && !errors.Is(err, ErrBundle) {
			t.Fatalf("VerifyBundle error %v is not ErrBundle", err)
		}
		if err == nil && !rep.OK && (rep.Problem == ProblemNone || rep.ProblemEN == "") {
			t.Fatalf("a failed report without a problem: %+v", rep)
		}
	})
}
