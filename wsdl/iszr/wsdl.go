package iszr

import (
	"bytes"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sync"
)

var (
	typesRE    = regexp.MustCompile(`(?s)<wsdl:types>.*?</wsdl:types>`)
	importRE   = regexp.MustCompile(`<xs(?:d)?:import [^>]*schemaLocation="([^"]+)"[^>]*/>`)
	locationRE = regexp.MustCompile(` schemaLocation="[^"]*"`)
	prologRE   = regexp.MustCompile(`^\s*<\?xml[^>]*\?>\s*`)
	addressRE  = regexp.MustCompile(`<soap:address location="[^"]*"/>`)
)

var (
	wsdlMu    sync.Mutex
	wsdlCache = map[string][]byte{}
)

// WSDL returns the WSDL of the service with eGON code code, self-contained:
// every schema it needs is inlined into wsdl:types (imports lose their
// schemaLocation), so a client can generate from the one document. The
// soap:address keeps the relative placeholder of the official WSDLs.
func WSDL(code string) ([]byte, bool) {
	svc, ok := Lookup(code)
	if !ok {
		return nil, false
	}
	wsdlMu.Lock()
	defer wsdlMu.Unlock()
	b, ok := wsdlCache[code]
	if !ok {
		var err error
		// The files are embedded and TestWSDLEveryService flattens each
		// of them, so an error here means a broken build.
		if b, err = flatten(files, svc.Operation+".wsdl"); err != nil {
			return nil, false
		}
		wsdlCache[code] = b
	}
	return append([]byte(nil), b...), true
}

// WSDLAt is WSDL with the soap:address set to location (for example
// https://konektor.example/bus/iszr/E03).
func WSDLAt(code, location string) ([]byte, bool) {
	b, ok := WSDL(code)
	if !ok {
		return nil, false
	}
	addr := fmt.Sprintf(`<soap:address location="%s"/>`, escapeAttr(location))
	return addressRE.ReplaceAllLiteral(b, []byte(addr)), true
}

// flatten inlines the schemas reachable from the WSDL's imports,
// dependencies first.
func flatten(fsys fs.FS, name string) ([]byte, error) {
	w, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, err
	}
	types := typesRE.Find(w)
	if types == nil {
		return nil, fmt.Errorf("%s: no wsdl:types", name)
	}
	var (
		order []string
		seen  = map[string]bool{}
		visit func(p string) error
	)
	visit = func(p string) error {
		if seen[p] {
			return nil
		}
		seen[p] = true
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		for _, m := range importRE.FindAllSubmatch(data, -1) {
			if err := visit(path.Join(path.Dir(p), string(m[1]))); err != nil {
				return err
			}
		}
		order = append(order, p)
		return nil
	}
	for _, m := range importRE.FindAllSubmatch(types, -1) {
		if err := visit(path.Join(path.Dir(name), string(m[1]))); err != nil {
			return nil, err
		}
	}
	var inl bytes.Buffer
	inl.WriteString("<wsdl:types>\n")
	for _, p := range order {
		data, _ := fs.ReadFile(fsys, p)
		data = prologRE.ReplaceAll(data, nil)
		data = locationRE.ReplaceAll(data, nil)
		fmt.Fprintf(&inl, "<!-- %s -->\n", path.Base(p))
		inl.Write(bytes.TrimSpace(data))
		inl.WriteString("\n")
	}
	inl.WriteString("</wsdl:types>")
	return typesRE.ReplaceAllLiteral(w, inl.Bytes()), nil
}
