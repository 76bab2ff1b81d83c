package isds

import (
	"bytes"
	"embed"
	"encoding/xml"
	"fmt"
	"io/fs"
	"regexp"
)

//go:embed dm_operations.wsdl dm_info.wsdl db_search.wsdl db_access.wsdl xsd/*.xsd
var files embed.FS

// Files returns the WSDL and XSD files as written (WSDLs at the root,
// schemas under xsd/), with relative schemaLocation references.
func Files() fs.FS { return files }

// wsdlFiles maps a service to its WSDL file.
var wsdlFiles = map[string]string{
	ServiceOperations: "dm_operations.wsdl",
	ServiceInfo:       "dm_info.wsdl",
	ServiceSearch:     "db_search.wsdl",
	ServiceManage:     "db_access.wsdl",
}

var (
	includeRE = regexp.MustCompile(`(?s)<xs:schema targetNamespace="[^"]*">\s*<xs:include schemaLocation="xsd/([A-Za-z]+\.xsd)"/>\s*</xs:schema>`)
	schemaRE  = regexp.MustCompile(`(?s)<xs:schema .*</xs:schema>`)
	addressRE = regexp.MustCompile(`<soap:address location="[^"]*"/>`)
)

// WSDL returns the self-contained WSDL of a service (dz, dx, df,
// DsManage): the schema it includes is inlined into wsdl:types, so a client
// can generate from the one document. The second result is false for an
// unknown service.
func WSDL(service string) ([]byte, bool) {
	name, ok := wsdlFiles[service]
	if !ok {
		return nil, false
	}
	w, err := files.ReadFile(name)
	if err != nil {
		return nil, false
	}
	m := includeRE.FindSubmatchIndex(w)
	if m == nil {
		return nil, false
	}
	xsd, err := files.ReadFile("xsd/" + string(w[m[2]:m[3]]))
	if err != nil {
		return nil, false
	}
	schema := schemaRE.Find(xsd)
	var out bytes.Buffer
	out.Write(w[:m[0]])
	out.Write(schema)
	out.Write(w[m[1]:])
	return out.Bytes(), true
}

// WSDLAt is WSDL with the soap:address set to location, the URL a client
// should call (for konektor: its bus URL of the service).
func WSDLAt(service, location string) ([]byte, bool) {
	w, ok := WSDL(service)
	if !ok {
		return nil, false
	}
	var esc bytes.Buffer
	if err := xml.EscapeText(&esc, []byte(location)); err != nil {
		return nil, false
	}
	return addressRE.ReplaceAll(w, []byte(fmt.Sprintf(`<soap:address location="%s"/>`, esc.String()))), true
}
