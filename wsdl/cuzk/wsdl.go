package cuzk

import (
	"bytes"
	"fmt"
	"io/fs"
	"regexp"
	"sync"
)

// schemaFiles lists, per service, the schema files its WSDL needs,
// dependencies first.
var schemaFiles = map[string][]string{
	Ciselnik:  {"baseTypes_v28", "commonTypes_v28", "ciselnik_v28"},
	Vyhledat:  {"baseTypes_v28", "commonTypes_v28", "vyhledat_v28"},
	Informace: {"gml", "baseTypes_v28", "commonTypes_v28", "informace_v28"},
	Sestavy:   {"baseTypes_v28", "commonTypes_v28", "sestavy_v28"},
	CtiOS:     {"baseTypes_v28", "commonTypes_v28", "ctios_v28"},
}

var (
	wsdlOnce  sync.Once
	wsdlCache map[string][]byte
	wsdlErr   error

	typesRE    = regexp.MustCompile(`(?s)<types>.*?</types>`)
	declRE     = regexp.MustCompile(`^\s*<\?xml[^>]*\?>\s*`)
	commentRE  = regexp.MustCompile(`(?s)<!--.*?-->\s*`)
	locationRE = regexp.MustCompile(`\s+schemaLocation="[^"]*"`)
	addressRE  = regexp.MustCompile(`<soap:address location="[^"]*"/>`)
)

// WSDL returns the self-contained WSDL of a service (ciselnik, vyhledat,
// informace, sestavy, ctios): konektor's contract with every schema it
// needs inlined into wsdl:types, dependencies first and imports without
// schemaLocation. The soap:address is ČÚZK's production endpoint. It
// reports false for a service without a contract (ucet).
func WSDL(service string) ([]byte, bool) {
	wsdlOnce.Do(func() { wsdlCache, wsdlErr = buildWSDLs(files) })
	w, ok := wsdlCache[service] // nil when the embedded files are broken (tests catch that)
	if !ok {
		return nil, false
	}
	return bytes.Clone(w), true
}

// WSDLAt is WSDL with the soap:address set to location, the URL a client
// should call.
func WSDLAt(service, location string) ([]byte, bool) {
	w, ok := WSDL(service)
	if !ok {
		return nil, false
	}
	repl := []byte(`<soap:address location="` + escapeAttr(location) + `"/>`)
	return addressRE.ReplaceAllLiteral(w, repl), true
}

func buildWSDLs(fsys fs.FS) (map[string][]byte, error) {
	out := map[string][]byte{}
	for service, deps := range schemaFiles {
		w, err := fs.ReadFile(fsys, service+"_v28.wsdl")
		if err != nil {
			return nil, err
		}
		var types bytes.Buffer
		types.WriteString("<types>\n")
		for _, d := range deps {
			x, err := fs.ReadFile(fsys, "xsd/"+d+".xsd")
			if err != nil {
				return nil, err
			}
			x = declRE.ReplaceAll(x, nil)
			x = commentRE.ReplaceAll(x, nil)
			x = locationRE.ReplaceAll(x, nil)
			types.WriteString("\t\t")
			types.Write(bytes.TrimSpace(x))
			types.WriteString("\n")
		}
		types.WriteString("\t</types>")
		if !typesRE.Match(w) {
			return nil, fmt.Errorf("%s_v28.wsdl has no types section", service)
		}
		out[service] = typesRE.ReplaceAllLiteral(w, types.Bytes())
	}
	return out, nil
}
