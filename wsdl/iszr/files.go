package iszr

import (
	"embed"
	"io/fs"
)

//go:embed *.wsdl xsd/*.xsd
var files embed.FS

// Files returns the WSDL and XSD files as written (WSDLs at the root,
// schemas under xsd/), with relative schemaLocation references.
func Files() fs.FS { return files }
