package xsdcheck

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestPatchCUZKFacets(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		want  string
		count int
	}{
		{name: "max-exclusive", in: `<xs:maxExclusive value="999999999999999999999999999999"/>`, want: `<xs:totalDigits value="30"/>`, count: 1},
		{name: "max-inclusive-spaced", in: `<xs:maxInclusive value="999999999999999999999999999999" />`, want: `<xs:totalDigits value="30"/>`, count: 1},
		{name: "six-digit-facet-untouched", in: `<xs:maxExclusive value="999999"/>`, want: `<xs:maxExclusive value="999999"/>`, count: 0},
		{name: "31-digits-untouched", in: `<xs:maxExclusive value="9999999999999999999999999999999"/>`, want: `<xs:maxExclusive value="9999999999999999999999999999999"/>`, count: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, n := patchCUZKFacets([]byte(tt.in))
			if string(got) != tt.want || n != tt.count {
				t.Fatalf("got %q (%d), want %q (%d)", got, n, tt.want, tt.count)
			}
		})
	}
}

func TestCUZKSchemaDir(t *testing.T) {
	dir := CUZKSchemaDir(t)
	base := readFile(t, filepath.Join(dir, "xsd", "baseTypes_v28.xsd"))
	if strings.Contains(base, "999999999999999999999999999999") {
		t.Fatal("30-digit facet left in the prepared copy")
	}
	if got := strings.Count(base, `<xs:totalDigits value="30"/>`); got != 6 {
		t.Errorf("%d facets patched, want the 6 of the 2.8 schema", got)
	}
	if _, err := os.Stat(filepath.Join(dir, ".complete")); err != nil {
		t.Fatal(err)
	}
}

func TestValidateCUZK(t *testing.T) {
	tests := []struct {
		name    string
		service string
		doc     string
		wantErr string
	}{
		{name: "najdi-parcelu-by-id", service: "vyhledat",
			doc: `<NajdiParceluRequest xmlns="http://katastr.cuzk.cz/vyhledat/types/v2.8"><parcelaId>2850901306</parcelaId></NajdiParceluRequest>`},
		{name: "najdi-parcelu-unknown-element", service: "vyhledat",
			doc:     `<NajdiParceluRequest xmlns="http://katastr.cuzk.cz/vyhledat/types/v2.8"><lvId>1</lvId></NajdiParceluRequest>`,
			wantErr: "lvId"},
		{name: "id-of-25-digits-rejected-by-libxml2", service: "vyhledat",
			doc:     `<NajdiParceluRequest xmlns="http://katastr.cuzk.cz/vyhledat/types/v2.8"><parcelaId>1234567890123456789012345</parcelaId></NajdiParceluRequest>`,
			wantErr: "IdType"},
		{name: "ctios-request", service: "ctios",
			doc: `<CtiOsRequest xmlns="http://katastr.cuzk.cz/ctios/types/v2.8"><pOSIdent>abc</pOSIdent></CtiOsRequest>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CUZKErrors(t, []byte(tt.doc), CUZKServiceXSD(tt.service))
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("valid document rejected: %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("err = %v, want one naming %q", err, tt.wantErr)
			}
		})
	}
}
