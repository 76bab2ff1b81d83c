package xsdcheck

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sync"
	"testing"
)

// ISDS (data boxes): the official WSDL/XSD 3.11 live in
// ../shared/reference/isds/wsdl (relative to the module root). They compile
// as published: message operations in dmBaseTypes.xsd, data-box operations
// in dbTypes.xsd, one namespace for both.

// isdsRel is the official ISDS schema folder relative to the reference
// folder.
const isdsRel = "isds/wsdl"

// The two ISDS schema files.
const (
	ISDSMessages = "dmBaseTypes.xsd"
	ISDSBoxes    = "dbTypes.xsd"
)

// ISDSNamespace is the namespace of every ISDS element.
const ISDSNamespace = "http://isds.czechpoint.cz/v20"

var (
	isdsOnce  sync.Once
	isdsBoxEl map[string]bool
	isdsErr   error
)

// HaveISDS reports whether ISDS answers can be validated here: the official
// schemas are present and xmllint is installed. Tests that check behaviour
// use it to validate when they can instead of skipping.
func HaveISDS() bool {
	if _, err := isdsReferenceDir(); err != nil {
		return false
	}
	_, err := exec.LookPath("xmllint")
	return err == nil
}

// ISDSReferenceDir returns ../shared/reference/isds/wsdl, or skips the test
// when it is absent.
func ISDSReferenceDir(t testing.TB) string {
	t.Helper()
	dir, err := isdsReferenceDir()
	if err != nil {
		t.Skipf("xsdcheck: %v", err)
	}
	return dir
}

func isdsReferenceDir() (string, error) {
	return referenceSubdir(isdsRel, ISDSMessages, ISDSBoxes)
}

var globalElementRE = regexp.MustCompile(`(?m)^    <xs:element name="([A-Za-z0-9-]+)"`)

// ISDSSchemaFor returns the path of the official schema that declares the
// global element local (data-box operations in dbTypes.xsd, everything
// else in dmBaseTypes.xsd).
func ISDSSchemaFor(t testing.TB, local string) string {
	t.Helper()
	dir := ISDSReferenceDir(t)
	isdsOnce.Do(func() {
		var b []byte
		if b, isdsErr = os.ReadFile(filepath.Join(dir, ISDSBoxes)); isdsErr != nil {
			return
		}
		isdsBoxEl = map[string]bool{}
		for _, m := range globalElementRE.FindAllSubmatch(b, -1) {
			isdsBoxEl[string(m[1])] = true
		}
	})
	if isdsErr != nil {
		t.Fatalf("xsdcheck: %v", isdsErr)
	}
	if isdsBoxEl[local] {
		return filepath.Join(dir, ISDSBoxes)
	}
	return filepath.Join(dir, ISDSMessages)
}

// ValidateISDS validates a document whose root is an ISDS element (a
// request or answer element) against the official schema that declares it.
func ValidateISDS(t testing.TB, doc []byte) {
	t.Helper()
	local, err := rootName(doc)
	if err != nil {
		t.Errorf("xsdcheck: %v", err)
		return
	}
	Validate(t, doc, ISDSSchemaFor(t, local))
}

// ValidateISDSBody validates the first child of the SOAP Body of envelope
// against the official ISDS schema.
func ValidateISDSBody(t testing.TB, envelope []byte) {
	t.Helper()
	body, err := Body(envelope)
	if err != nil {
		t.Errorf("xsdcheck: %v\n--- envelope ---\n%s", err, envelope)
		return
	}
	ValidateISDS(t, body)
}

// zfoNamespaceRE matches the namespace of a signed payload's outer
// elements: …/v20/message, …/v20/SentMessage, …/v20/delivery, on either
// host spelling.
var zfoNamespaceRE = regexp.MustCompile(`"http://isds\.(czechpoint|czebox)\.cz/v20/(message|SentMessage|delivery)"`)

var isdsSendRE = regexp.MustCompile(`\s+isds_send="[^"]*"`)

// ValidateZFOPayload validates the XML a ZFO signs (a MessageDownloadResponse
// or GetDeliveryInfoResponse under a suffixed namespace) against the
// official schema, as the ISDS manual describes: the suffixed namespace is
// replaced by …/v20 and the undocumented attribute isds_send is dropped.
func ValidateZFOPayload(t testing.TB, payload []byte) {
	t.Helper()
	doc := zfoNamespaceRE.ReplaceAll(payload, []byte(`"`+ISDSNamespace+`"`))
	doc = isdsSendRE.ReplaceAll(doc, nil)
	ValidateISDS(t, doc)
}

// rootName returns the local name of the root element, which must be in
// the ISDS namespace.
func rootName(doc []byte) (string, error) {
	d := xml.NewDecoder(bytes.NewReader(doc))
	for {
		tok, err := d.Token()
		if err != nil {
			return "", fmt.Errorf("no root element: %w", err)
		}
		if se, ok := tok.(xml.StartElement); ok {
			if se.Name.Space != ISDSNamespace {
				return "", fmt.Errorf("root {%s}%s is not in the ISDS namespace", se.Name.Space, se.Name.Local)
			}
			return se.Name.Local, nil
		}
	}
}
