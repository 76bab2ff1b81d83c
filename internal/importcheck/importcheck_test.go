package importcheck

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func TestImporters(t *testing.T) {
	dir := t.TempDir()
	write := func(name, src string) {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("a.go", "package a\nimport (\n\t\"fmt\"\n\t\"github.com/x/y\"\n)\n")
	write("sub/b.go", "package b\nimport \"github.com/x/y\"\n")
	write("a_test.go", "package a\nimport \"github.com/only/tests\"\n")
	write("notes.txt", "import \"nothing\"")
	got, err := Importers(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{"fmt": {"a.go"}, "github.com/x/y": {"a.go", "sub/b.go"}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	write("bad.go", "package a\nimport (")
	if _, err := Importers(dir); err == nil {
		t.Fatal("a file that does not parse was not reported")
	}
}

func TestThirdParty(t *testing.T) {
	for p, want := range map[string]bool{
		"fmt": false, "net/http": false, "konektor/gateway/soap": false,
		"github.com/sony/gobreaker/v2": true, "go.uber.org/zap": true, "gopkg.in/yaml.v3": true,
	} {
		if ThirdParty(p) != want {
			t.Errorf("ThirdParty(%q) = %v", p, !want)
		}
	}
}
