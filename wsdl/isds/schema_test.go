package isds

import (
	"bytes"
	"encoding/xml"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"konektor/internal/xsdcheck"
)

// TestSchemaAgreesWithOfficial checks the wire equivalence of konektor's
// schemas with the official ones on sample documents: both accept every
// document in testdata/valid and both reject every one in testdata/invalid.
func TestSchemaAgreesWithOfficial(t *testing.T) {
	for _, dir := range []string{"valid", "invalid"} {
		paths, err := filepath.Glob(filepath.Join("testdata", dir, "*.xml"))
		if err != nil || len(paths) == 0 {
			t.Fatalf("no samples in testdata/%s: %v", dir, err)
		}
		for _, p := range paths {
			name := dir + "-" + strings.TrimSuffix(filepath.Base(p), ".xml")
			t.Run(name, func(t *testing.T) {
				doc, err := os.ReadFile(p)
				if err != nil {
					t.Fatal(err)
				}
				root := rootOf(t, doc)
				own, _ := filepath.Abs(filepath.Join("xsd", schemaOf(root)))
				ownErr := xsdcheck.Errors(t, doc, own)
				offErr := xsdcheck.Errors(t, doc, xsdcheck.ISDSSchemaFor(t, root))
				if dir == "valid" && (ownErr != nil || offErr != nil) {
					t.Fatalf("sample rejected: konektor %v; official %v", ownErr, offErr)
				}
				if dir == "invalid" && (ownErr == nil || offErr == nil) {
					t.Fatalf("sample accepted: konektor %v; official %v", ownErr, offErr)
				}
			})
		}
	}
}

func rootOf(t *testing.T, doc []byte) string {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(doc))
	for {
		tok, err := d.Token()
		if err != nil {
			t.Fatal(err)
		}
		if se, ok := tok.(xml.StartElement); ok {
			return se.Name.Local
		}
	}
}

// schemaOf names the schema file that declares element local.
func schemaOf(local string) string {
	for _, o := range operations {
		if o.Name == local || o.Response() == local {
			if o.Box {
				return "dbTypes.xsd"
			}
			return "dmBaseTypes.xsd"
		}
	}
	return "dmBaseTypes.xsd"
}

// TestSchemasDeclareEveryOperation checks that the schemas and WSDLs declare
// exactly the operations of the table, and nothing else at global level.
func TestSchemasDeclareEveryOperation(t *testing.T) {
	declared := map[string]string{} // element → schema file
	for _, f := range []string{"dmBaseTypes.xsd", "dbTypes.xsd"} {
		b, err := fs.ReadFile(Files(), "xsd/"+f)
		if err != nil {
			t.Fatal(err)
		}
		var s struct {
			Elements []struct {
				Name string `xml:"name,attr"`
			} `xml:"http://www.w3.org/2001/XMLSchema element"`
		}
		if err := xml.Unmarshal(b, &s); err != nil {
			t.Fatal(err)
		}
		for _, e := range s.Elements {
			declared[e.Name] = f
		}
	}
	want := map[string]bool{}
	for _, o := range Operations() {
		for _, el := range []string{o.Name, o.Response()} {
			want[el] = true
			if got, ok := declared[el]; !ok || got != schemaOf(el) {
				t.Errorf("%s: declared in %q, want %s", el, got, schemaOf(el))
			}
		}
		w, ok := WSDL(o.Service)
		if !ok || !bytes.Contains(w, []byte(`<operation name="`+o.Name+`">`)) {
			t.Errorf("%s is not an operation of the %s WSDL", o.Name, o.Service)
		}
	}
	for el := range declared {
		if !want[el] {
			t.Errorf("global element %s belongs to no operation", el)
		}
	}
}
