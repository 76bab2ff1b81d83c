package xsdcheck

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sync"
	"testing"
)

// ČÚZK WSDP 2.8: the official schemas live in
// ../shared/reference/cuzk/wsdl/v2.8 (relative to the module root).
// libxml2 cannot compile baseTypes_v28.xsd as published: six
// maxExclusive/maxInclusive facets of 999999999999999999999999999999 (30
// digits) on xs:positiveInteger exceed its integer range. CUZKSchemaDir
// prepares a copy in which each of them is replaced by totalDigits 30 (the
// same value space for maxInclusive, one value more for maxExclusive);
// nothing else changes. libxml2 then still rejects values of more than 24
// digits, which no real identifier has.

// cuzkRel is the official WSDP 2.8 schema tree relative to the reference
// folder.
const cuzkRel = "cuzk/wsdl/v2.8"

// CUZK schema paths relative to CUZKSchemaDir.
const (
	CUZKReportLV = "xsd/sestavy/VypisZKatastruNemovitosti.xsd"
)

var (
	cuzkOnce sync.Once
	cuzkDir  string
	cuzkErr  error

	cuzkFacetRE = regexp.MustCompile(`<xs:max(?:Ex|In)clusive value="9{30}"\s*/>`)
)

// CUZKReferenceDir returns ../shared/reference/cuzk/wsdl/v2.8, or skips
// the test when it is absent.
func CUZKReferenceDir(t testing.TB) string {
	t.Helper()
	dir, err := cuzkReferenceDir()
	if err != nil {
		t.Skipf("xsdcheck: %v", err)
	}
	return dir
}

func cuzkReferenceDir() (string, error) {
	return referenceSubdir(cuzkRel, filepath.Join("xsd", "baseTypes_v28.xsd"))
}

// CUZKSchemaDir returns a directory holding a compiling copy of the
// official WSDP 2.8 schema tree (ws28/wsdp, ws28/ctios, xsd, xsd/sestavy)
// with the 30-digit facets patched, prepared once per process and cached
// in the system temporary directory under a digest of the source tree.
func CUZKSchemaDir(t testing.TB) string {
	t.Helper()
	ref := CUZKReferenceDir(t)
	cuzkOnce.Do(func() { cuzkDir, cuzkErr = prepareCUZK(ref) })
	if cuzkErr != nil {
		t.Fatalf("xsdcheck: prepare ČÚZK schema set: %v", cuzkErr)
	}
	return cuzkDir
}

func prepareCUZK(ref string) (string, error) {
	sum := sha256.New()
	if err := digestTree(sum, ref); err != nil {
		return "", err
	}
	sum.Write([]byte("patch: 30-digit max facets -> totalDigits 30")) // the patch rule is part of the key
	key := hex.EncodeToString(sum.Sum(nil))[:16]
	dst := filepath.Join(os.TempDir(), "konektor-xsdcheck-cuzk-"+key)
	if _, err := os.Stat(filepath.Join(dst, ".complete")); err == nil {
		return dst, nil
	}
	tmp, err := os.MkdirTemp(os.TempDir(), "konektor-xsdcheck-cuzk-build-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	if err := copyTree(ref, tmp); err != nil {
		return "", fmt.Errorf("copy %s: %w", ref, err)
	}
	base := filepath.Join(tmp, "xsd", "baseTypes_v28.xsd")
	data, err := os.ReadFile(base)
	if err != nil {
		return "", err
	}
	patched, n := patchCUZKFacets(data)
	if n == 0 {
		return "", errors.New("baseTypes_v28.xsd: no 30-digit facet found to patch (schema revision changed?)")
	}
	if err := os.WriteFile(base, patched, 0o644); err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(tmp, ".complete"), nil, 0o644); err != nil {
		return "", err
	}
	if err := os.Rename(tmp, dst); err != nil {
		if _, serr := os.Stat(filepath.Join(dst, ".complete")); serr == nil {
			return dst, nil
		}
		return "", fmt.Errorf("install schema copy: %w", err)
	}
	return dst, nil
}

// patchCUZKFacets replaces every 30-digit max facet by totalDigits 30 and
// reports how many it replaced.
func patchCUZKFacets(xsd []byte) ([]byte, int) {
	n := len(cuzkFacetRE.FindAllIndex(xsd, -1))
	return cuzkFacetRE.ReplaceAll(xsd, []byte(`<xs:totalDigits value="30"/>`)), n
}

// CUZKServiceXSD returns the official schema of a WSDP service (ciselnik,
// vyhledat, informace, sestavy, ucet, ctios) relative to CUZKSchemaDir.
func CUZKServiceXSD(service string) string {
	if service == "ctios" {
		return "ws28/ctios/ctios_v28.xsd"
	}
	return "ws28/wsdp/" + service + "_v28.xsd"
}

// CUZKErrors validates doc against a schema of the prepared ČÚZK set
// (relative paths are taken relative to CUZKSchemaDir) and returns
// xmllint's complaint, or nil when the document is valid.
func CUZKErrors(t testing.TB, doc []byte, xsdPath string) error {
	t.Helper()
	if !filepath.IsAbs(xsdPath) {
		xsdPath = filepath.Join(CUZKSchemaDir(t), filepath.FromSlash(xsdPath))
	}
	return Errors(t, doc, xsdPath)
}

// ValidateCUZK fails the test when doc, a message element (request or
// answer) of a WSDP service, is not valid against the official schema.
func ValidateCUZK(t testing.TB, doc []byte, service string) {
	t.Helper()
	if err := CUZKErrors(t, doc, CUZKServiceXSD(service)); err != nil {
		t.Errorf("xsdcheck: %v\n--- document ---\n%s", err, doc)
	}
}

// ValidateCUZKBody extracts the payload of a SOAP envelope and validates it
// against the official schema of service.
func ValidateCUZKBody(t testing.TB, envelope []byte, service string) {
	t.Helper()
	body, err := Body(envelope)
	if err != nil {
		t.Errorf("xsdcheck: %v\n--- envelope ---\n%s", err, envelope)
		return
	}
	ValidateCUZK(t, body, service)
}

// ValidateCUZKReport fails the test when doc is not a valid Výpis z katastru
// nemovitostí (LV) XML report against the official report schema.
func ValidateCUZKReport(t testing.TB, doc []byte) {
	t.Helper()
	if err := CUZKErrors(t, bytes.TrimSpace(doc), CUZKReportLV); err != nil {
		t.Errorf("xsdcheck: %v\n--- report ---\n%.4000s", err, doc)
	}
}
