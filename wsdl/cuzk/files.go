package cuzk

import (
	"embed"
	"io/fs"
)

//go:embed *.wsdl xsd/*.xsd
var files embed.FS

// Files returns the contract's WSDL and XSD files (bundle.wsdl included).
func Files() fs.FS { return files }
