package cuzk_test

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/format"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/hooklift/gowsdl"

	"konektor/wsdl/cuzk"
)

// TestWSDLEveryService checks that each served WSDL is self-contained,
// names the official actions of the contract's operations, and that gowsdl
// generates compiling Go code from it alone.
func TestWSDLEveryService(t *testing.T) {
	log.SetOutput(io.Discard) // gowsdl logs every file it reads
	t.Cleanup(func() { log.SetOutput(os.Stderr) })
	for _, svc := range []string{"ciselnik", "vyhledat", "informace", "sestavy", "ctios"} {
		t.Run(svc, func(t *testing.T) {
			w, ok := cuzk.WSDL(svc)
			if !ok {
				t.Fatal("no WSDL")
			}
			if _, err := cuzk.Parse(bytes.NewReader(w), cuzk.Limits{}); err != nil {
				t.Fatalf("not well-formed: %v", err)
			}
			if bytes.Contains(w, []byte("schemaLocation")) {
				t.Error("a schemaLocation is left; the WSDL is not self-contained")
			}
			for _, want := range []string{`targetNamespace="` + cuzk.ServiceNS(svc) + `"`, cuzk.Path(svc) + `"/>`} {
				if !bytes.Contains(w, []byte(want)) {
					t.Errorf("missing %s", want)
				}
			}
			for _, op := range cuzk.Operations() {
				if op.Service != svc {
					continue
				}
				has := bytes.Contains(w, []byte(`soapAction="`+op.Action+`"`))
				if has != op.Contract {
					t.Errorf("%s: action present = %v, in contract = %v", op.Name, has, op.Contract)
				}
			}
			switch {
			case raceEnabled:
				t.Log("gowsdl generation skipped under -race (gowsdl 0.5.0 races internally)")
			case testing.Short():
				t.Log("gowsdl generation skipped in -short mode")
			default:
				f := filepath.Join(t.TempDir(), svc+".wsdl")
				if err := os.WriteFile(f, w, 0o600); err != nil {
					t.Fatal(err)
				}
				typeCheck(t, generate(t, f, "svc"))
			}
		})
	}
	if _, ok := cuzk.WSDL("ucet"); ok {
		t.Error("WSDL(ucet) reported a contract")
	}
}

func TestWSDLAt(t *testing.T) {
	w, ok := cuzk.WSDLAt("vyhledat", "https://konektor.example/bus/cuzk/vyhledat?a=1&b=2")
	if !ok {
		t.Fatal("no WSDL")
	}
	if !bytes.Contains(w, []byte(`<soap:address location="https://konektor.example/bus/cuzk/vyhledat?a=1&amp;b=2"/>`)) {
		t.Fatal("address not set")
	}
	plain, _ := cuzk.WSDL("vyhledat")
	if !bytes.Contains(plain, []byte(`<soap:address location="https://katastr.cuzk.cz/ws/wsdp/2.8/vyhledat"/>`)) {
		t.Fatal("WSDL lost the production address")
	}
}

// TestGeneratedCodeIsCurrent regenerates wsdp.go from bundle.wsdl and
// compares: the committed code matches the contract, and generation is
// deterministic.
func TestGeneratedCodeIsCurrent(t *testing.T) {
	if raceEnabled {
		t.Skip("gowsdl 0.5.0 races internally")
	}
	log.SetOutput(io.Discard)
	t.Cleanup(func() { log.SetOutput(os.Stderr) })
	first := generate(t, "bundle.wsdl", "wsdp")
	committed, err := os.ReadFile(filepath.Join("wsdp", "wsdp.go"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(first, committed) {
		t.Fatal("wsdp/wsdp.go is out of date: run go generate ./wsdl/cuzk/...")
	}
	if second := generate(t, "bundle.wsdl", "wsdp"); !bytes.Equal(first, second) {
		t.Fatal("gowsdl output differs between two runs")
	}
}

func generate(t *testing.T, file, pkg string) []byte {
	t.Helper()
	g, err := gowsdl.NewGoWSDL(file, pkg, false, true)
	if err != nil {
		t.Fatal(err)
	}
	code, err := g.Start()
	if err != nil {
		t.Fatalf("gowsdl: %v", err)
	}
	src := bytes.Join([][]byte{code["header"], code["types"], code["operations"], code["soap"]}, nil)
	out, err := format.Source(src)
	if err != nil {
		t.Fatalf("gowsdl output does not parse: %v", err)
	}
	return out
}

var (
	exportOnce  sync.Once
	exportFiles map[string]string
	exportErr   error
	srcFset     = token.NewFileSet()
)

// gcImporter imports packages from the compiler's export data, found once
// with `go list -export` (the build cache has it).
func gcImporter(t *testing.T) types.Importer {
	t.Helper()
	exportOnce.Do(func() {
		out, err := exec.Command("go", "list", "-export", "-deps", "-f", "{{.ImportPath}}={{.Export}}",
			"github.com/hooklift/gowsdl/soap", "context", "encoding/xml", "time").Output()
		if err != nil {
			exportErr = err
			return
		}
		exportFiles = map[string]string{}
		for _, line := range strings.Split(string(out), "\n") {
			if path, f, ok := strings.Cut(line, "="); ok && f != "" {
				exportFiles[path] = f
			}
		}
	})
	if exportErr != nil {
		t.Skipf("go list -export: %v", exportErr)
	}
	return importer.ForCompiler(srcFset, "gc", func(path string) (io.ReadCloser, error) {
		f, ok := exportFiles[path]
		if !ok {
			return nil, fmt.Errorf("no export data for %s", path)
		}
		return os.Open(f)
	})
}

func typeCheck(t *testing.T, src []byte) {
	t.Helper()
	f, err := parser.ParseFile(srcFset, "svc.go", src, 0)
	if err != nil {
		t.Fatal(err)
	}
	conf := types.Config{Importer: gcImporter(t)}
	if _, err := conf.Check("svc", srcFset, []*ast.File{f}, nil); err != nil {
		t.Fatalf("generated code does not compile: %v", err)
	}
}
