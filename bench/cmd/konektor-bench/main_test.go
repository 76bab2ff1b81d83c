package main

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"konektor/bench/harness"
)

func TestParseSweep(t *testing.T) {
	got, err := parseSweep(" 1, 8,32 ,128,")
	if err != nil || !slices.Equal(got, []int{1, 8, 32, 128}) {
		t.Fatalf("%v %v", got, err)
	}
	for _, bad := range []string{"", ",", "0", "x", "1,-2", "30000"} {
		if _, err := parseSweep(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestDay(t *testing.T) {
	now := func() time.Time { return time.Date(2026, 11, 23, 23, 59, 0, 0, time.UTC) }
	c := common{}
	if d, err := c.day(now); err != nil || d != "2026-11-23" {
		t.Fatalf("%q %v", d, err)
	}
	c.date = "2026-12-01"
	if d, _ := c.day(now); d != "2026-12-01" {
		t.Fatalf("%q", d)
	}
	c.date = "1.12.2026"
	if _, err := c.day(now); err == nil {
		t.Fatal("a bad date was accepted")
	}
}

// fakeReport is a report that writes its date and command.
type fakeReport struct{ date, command string }

func (r fakeReport) WriteMarkdown(w io.Writer) error {
	_, err := io.WriteString(w, r.date+" "+r.command+"\n")
	return err
}

func TestMeasure(t *testing.T) {
	t.Setenv("MAKELEVEL", "")
	tests := []struct {
		name, sub, file string
	}{
		{"run-writes-date-md", "run", "2026-03-02.md"},
		{"soak-writes-date-soak-md", "soak", "2026-03-02-soak.md"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := common{results: filepath.Join(t.TempDir(), "results"), date: "2026-03-02", konektor: "/bin/konektor-given", workdir: t.TempDir()}
			var got harness.Options
			err := c.measure(t.Context(), tc.sub, []string{"-only", "a"}, func(o harness.Options, date, command string) (report, error) {
				got = o
				return fakeReport{date, command}, nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if got.Konektor != "/bin/konektor-given" || got.Now == nil {
				t.Errorf("options: Konektor %q, Now set %v", got.Konektor, got.Now != nil)
			}
			b, err := os.ReadFile(filepath.Join(c.results, tc.file))
			if err != nil {
				t.Fatal(err)
			}
			if want := "2026-03-02 konektor-bench " + tc.sub + " -only a\n"; string(b) != want {
				t.Errorf("report %q, want %q", b, want)
			}
			if left, _ := filepath.Glob(filepath.Join(c.workdir, "konektor-bench-bin-*")); len(left) != 0 {
				t.Errorf("temporary directories left: %v", left)
			}
		})
	}
}

func TestMeasureFailureWritesNothing(t *testing.T) {
	c := common{results: filepath.Join(t.TempDir(), "results"), date: "2026-03-02", konektor: "/bin/konektor-given", workdir: t.TempDir()}
	boom := errors.New("boom")
	err := c.measure(t.Context(), "run", nil, func(harness.Options, string, string) (report, error) { return nil, boom })
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want boom", err)
	}
	if _, err := os.Stat(c.results); !os.IsNotExist(err) {
		t.Errorf("results directory exists after a failed measurement (%v)", err)
	}
}
