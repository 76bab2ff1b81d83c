package policies

import (
	"os"
	"strings"
	"testing"
)

// TestDocExample keeps the YAML example of the package documentation valid.
func TestDocExample(t *testing.T) {
	src, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	text := string(src)
	start := strings.Index(text, "//\tversion: 1")
	if start < 0 {
		t.Fatal("no YAML example in doc.go")
	}
	end := start + strings.Index(text[start:], "//\n")
	var lines []string
	for _, l := range strings.Split(text[start:end], "\n") {
		lines = append(lines, strings.TrimPrefix(strings.TrimPrefix(l, "//"), "\t"))
	}
	s, err := LoadYAML(strings.NewReader(strings.Join(lines, "\n")))
	if err != nil {
		t.Fatal(err)
	}
	if w := s.Warnings(); len(w) > 0 {
		t.Errorf("example has warnings: %v", w)
	}
	d := s.Decide(Request{AIS: "999002", OVM: "00231401", Agenda: "A343", Role: "CR1001", Service: "E278", Items: []string{"Jmeno"}, MaxRecords: 100})
	if !d.Permit {
		t.Errorf("example denies its own request: %s", Explain(d, "en"))
	}
}
