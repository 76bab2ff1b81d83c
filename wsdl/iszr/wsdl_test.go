package iszr_test

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

	"konektor/wsdl/iszr"
)

// TestWSDLEveryService checks that each served WSDL is self-contained and
// that gowsdl generates compiling Go code from it alone.
func TestWSDLEveryService(t *testing.T) {
	log.SetOutput(io.Discard) // gowsdl logs every file it reads
	t.Cleanup(func() { log.SetOutput(os.Stderr) })
	for _, svc := range iszr.Services() {
		t.Run(strings.ToLower(svc.Code), func(t *testing.T) {
			w, ok := iszr.WSDL(svc.Code)
			if !ok {
				t.Fatal("no WSDL")
			}
			root, err := iszr.Parse(bytes.NewReader(w), iszr.Limits{MaxBytes: 4 << 20})
			if err != nil {
				t.Fatalf("not well-formed: %v", err)
			}
			if bytes.Contains(w, []byte("schemaLocation")) {
				t.Error("a schemaLocation is left; the WSDL is not self-contained")
			}
			for _, want := range []string{
				`soapAction="` + svc.Operation + `"`,
				`targetNamespace="` + iszr.ServiceNS(svc.Operation) + `"`,
				`element="svc:` + svc.Request + `"`,
				`element="svc:` + svc.Response() + `"`,
			} {
				if !bytes.Contains(w, []byte(want)) {
					t.Errorf("missing %s", want)
				}
			}
			if n := len(root.Child("types").Children); n < 3 {
				t.Errorf("only %d schemas inlined", n)
			}
			switch {
			case raceEnabled:
				t.Log("gowsdl generation skipped under -race (gowsdl 0.5.0 races internally)")
			case testing.Short():
				t.Log("gowsdl generation skipped in -short mode")
			default:
				typeCheck(t, generate(t, w))
			}
		})
	}
	if _, ok := iszr.WSDL("E999"); ok {
		t.Error("WSDL(E999) reported a contract")
	}
}

func TestWSDLAt(t *testing.T) {
	w, ok := iszr.WSDLAt("E03", "https://konektor.example/bus/iszr/E03?a=1&b=2")
	if !ok {
		t.Fatal("no WSDL")
	}
	if !bytes.Contains(w, []byte(`<soap:address location="https://konektor.example/bus/iszr/E03?a=1&amp;b=2"/>`)) {
		t.Fatalf("address not set:\n%s", w[len(w)-400:])
	}
	plain, _ := iszr.WSDL("E03")
	if !bytes.Contains(plain, []byte(`<soap:address location="IszrRobCtiAifo"/>`)) {
		t.Fatal("WSDL lost the relative placeholder address")
	}
}

func generate(t *testing.T, w []byte) []byte {
	t.Helper()
	f := filepath.Join(t.TempDir(), "svc.wsdl")
	if err := os.WriteFile(f, w, 0o600); err != nil {
		t.Fatal(err)
	}
	g, err := gowsdl.NewGoWSDL(f, "svc", false, true)
	if err != nil {
		t.Fatal(err)
	}
	code, err := g.Start()
	if err != nil {
		t.Fatalf("gowsdl: %v", err)
	}
	src := append(append(append([]byte{}, code["header"]...), code["types"]...), code["operations"]...)
	out, err := format.Source(src)
	if err != nil {
		t.Fatalf("gowsdl output does not parse: %v", err)
	}
	return out
}

// exportImporter imports packages from the compiler's export data, found
// once with `go list -export` (fast: the build cache has it).
var (
	exportOnce  sync.Once
	exportFiles map[string]string
	exportErr   error
	srcFset     = token.NewFileSet()
)

func gcImporter(t *testing.T) types.Importer {
	t.Helper()
	exportOnce.Do(func() {
		cmd := exec.Command("go", "list", "-export", "-deps", "-f", "{{.ImportPath}}={{.Export}}",
			"github.com/hooklift/gowsdl/soap", "context", "encoding/xml", "time")
		out, err := cmd.Output()
		if err != nil {
			exportErr = err
			return
		}
		exportFiles = map[string]string{}
		for _, line := range strings.Split(string(out), "\n") {
			if path, file, ok := strings.Cut(line, "="); ok && file != "" {
				exportFiles[path] = file
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
	if err := typeCheckErr(t, src); err != nil {
		t.Fatalf("generated code does not compile: %v", err)
	}
}

func typeCheckErr(t *testing.T, src []byte) error {
	t.Helper()
	f, err := parser.ParseFile(srcFset, "svc.go", src, 0)
	if err != nil {
		return err
	}
	conf := types.Config{Importer: gcImporter(t)}
	_, err = conf.Check("svc", srcFset, []*ast.File{f}, nil)
	return err
}

// TestTypeCheckCatchesErrors keeps the compile check honest.
func TestTypeCheckCatchesErrors(t *testing.T) {
	good := "package svc\nimport \"github.com/hooklift/gowsdl/soap\"\nvar _ soap.XSDDateTime\n"
	if err := typeCheckErr(t, []byte(good)); err != nil {
		t.Fatalf("valid code rejected: %v", err)
	}
	if err := typeCheckErr(t, []byte("package svc\nvar _ *UndefinedType\n")); err == nil {
		t.Fatal("undefined type accepted")
	}
}
