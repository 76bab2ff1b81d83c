package isds

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestGeneratedCodeIsCurrent runs the two go:generate commands into a
// temporary directory and requires the output to equal the committed
// packages: the generated code is current and gowsdl's output is
// deterministic.
func TestGeneratedCodeIsCurrent(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go tool gowsdl")
	}
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go command not found")
	}
	tmp := t.TempDir()
	if err := os.MkdirAll(filepath.Join(tmp, "xsd"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"bundle-dm.wsdl", "bundle-db.wsdl", "xsd/dmBaseTypes.xsd", "xsd/dbTypes.xsd"} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(tmp, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, pkg := range []string{"dm", "db"} {
		cmd := exec.Command(gobin, "tool", "gowsdl", "-d", tmp, "-p", pkg, "-o", pkg+".go", filepath.Join(tmp, "bundle-"+pkg+".wsdl"))
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("gowsdl %s: %v\n%s", pkg, err, out)
		}
		got, err := os.ReadFile(filepath.Join(tmp, pkg, pkg+".go"))
		if err != nil {
			t.Fatal(err)
		}
		want, err := os.ReadFile(filepath.Join(pkg, pkg+".go"))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s/%s.go differs from gowsdl's output: run go generate ./wsdl/isds/", pkg, pkg)
		}
	}
}
