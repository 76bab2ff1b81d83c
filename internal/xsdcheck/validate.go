package xsdcheck

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
)

// Validate fails the test when doc is not valid against the schema at
// xsdPath. A relative xsdPath is taken relative to SchemaDir, e.g.
// "egon/xsd/IszrRobCtiAifo.xsd".
func Validate(t testing.TB, doc []byte, xsdPath string) {
	t.Helper()
	if err := Errors(t, doc, xsdPath); err != nil {
		t.Errorf("xsdcheck: %v\n--- document ---\n%s", err, doc)
	}
}

// Errors validates doc against the schema at xsdPath (relative paths are
// taken relative to SchemaDir) and returns xmllint's complaint, or nil when
// the document is valid. It skips the test when xmllint or the reference
// folder is absent.
func Errors(t testing.TB, doc []byte, xsdPath string) error {
	t.Helper()
	lint := xmllint(t)
	if !filepath.IsAbs(xsdPath) {
		xsdPath = filepath.Join(SchemaDir(t), filepath.FromSlash(xsdPath))
	}
	if _, err := os.Stat(xsdPath); err != nil {
		t.Fatalf("xsdcheck: schema: %v", err)
	}
	f := filepath.Join(t.TempDir(), "doc.xml")
	if err := os.WriteFile(f, doc, 0o600); err != nil {
		t.Fatalf("xsdcheck: %v", err)
	}
	out, err := exec.Command(lint, "--noout", "--nonet", "--schema", xsdPath, f).CombinedOutput()
	if err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			t.Fatalf("xsdcheck: run xmllint: %v", err)
		}
		if ee.ExitCode() != 3 {
			// 3 = validation error; anything else (4 = schema did not compile,
			// 1 = not well-formed) is reported the same way but named.
			return fmt.Errorf("xmllint exit %d: %s", ee.ExitCode(), strings.TrimSpace(strings.ReplaceAll(string(out), f, "doc.xml")))
		}
		return fmt.Errorf("not valid against %s: %s", filepath.Base(xsdPath), strings.TrimSpace(strings.ReplaceAll(string(out), f, "doc.xml")))
	}
	return nil
}

// ValidateAs validates a lone element that the schema declares only locally
// (for example abs:ZadostInfo): it writes a small wrapper schema into a
// temporary directory that declares a global element {ns}name of type
// {typeNS}typeName and pulls in xsdPath, then validates doc against it.
func ValidateAs(t testing.TB, doc []byte, xsdPath, ns, name, typeNS, typeName string) {
	t.Helper()
	if !filepath.IsAbs(xsdPath) {
		xsdPath = filepath.Join(SchemaDir(t), filepath.FromSlash(xsdPath))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\" xmlns:t=%q targetNamespace=%q elementFormDefault=\"qualified\">\n", typeNS, ns)
	if ns == typeNS {
		fmt.Fprintf(&b, "  <xs:include schemaLocation=%q/>\n", fileURL(xsdPath))
	} else {
		fmt.Fprintf(&b, "  <xs:import namespace=%q schemaLocation=%q/>\n", typeNS, fileURL(xsdPath))
	}
	fmt.Fprintf(&b, "  <xs:element name=%q type=\"t:%s\"/>\n</xs:schema>\n", name, typeName)
	wrapper := filepath.Join(t.TempDir(), "wrapper.xsd")
	if err := os.WriteFile(wrapper, []byte(b.String()), 0o600); err != nil {
		t.Fatalf("xsdcheck: %v", err)
	}
	Validate(t, doc, wrapper)
}

func fileURL(p string) string { return "file://" + filepath.ToSlash(p) }

// ValidateBody extracts the first child of the SOAP Body of envelope and
// validates it against the request/response schema of service, given as an
// eGON code ("E03") or an operation name ("IszrRobCtiAifo"). The schema is
// egon/xsd/Iszr<Name>.xsd of the prepared schema set.
func ValidateBody(t testing.TB, envelope []byte, service string) {
	t.Helper()
	xsd := ServiceXSD(t, service)
	body, err := Body(envelope)
	if err != nil {
		t.Errorf("xsdcheck: %v\n--- envelope ---\n%s", err, envelope)
		return
	}
	Validate(t, body, xsd)
}

var codeRE = regexp.MustCompile(`^E[0-9]+[a-z]?$`)

var (
	tsvOnce sync.Once
	tsvMap  map[string]string
	tsvErr  error
)

// ServiceXSD returns the schema path (relative to SchemaDir) for an eGON
// code or operation name; codes are looked up in the reference
// egon-services.tsv.
func ServiceXSD(t testing.TB, service string) string {
	t.Helper()
	op := service
	if codeRE.MatchString(service) {
		ref := ReferenceDir(t)
		tsvOnce.Do(func() { tsvMap, tsvErr = loadCodes(filepath.Join(ref, "iszr", "egon-services.tsv")) })
		if tsvErr != nil {
			t.Fatalf("xsdcheck: %v", tsvErr)
		}
		var ok bool
		if op, ok = tsvMap[service]; !ok {
			t.Fatalf("xsdcheck: unknown eGON code %q", service)
		}
	}
	return "egon/xsd/" + op + ".xsd"
}

func loadCodes(path string) (map[string]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	m := map[string]string{}
	for i, line := range bytes.Split(data, []byte("\n")) {
		cols := strings.Split(strings.TrimRight(string(line), "\r"), "\t")
		if i == 0 || len(cols) < 2 || cols[0] == "" {
			continue
		}
		m[cols[0]] = strings.TrimSuffix(cols[1], ".wsdl")
	}
	return m, nil
}
